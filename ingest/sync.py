"""Sync runs: offline ingest from files, live ingest from the API, and incremental refresh.

    with RawStore(settings.store_path) as store:
        summary = ingest_files(store, [Path("../shared/ctgov/legacy-xml")])
        summary = ingest_live(store, client, StudyQuery(term="NTRK"))
        summary = refresh(store, client)

Every run is recorded in the store's `sync_runs` table. Studies are committed a page (live) or a batch
(offline) at a time, in the same transaction as the run's counters and, for live runs, the resume
checkpoint (the next page token). A live run that stopped early — network down after retries, or the
process killed — is resumed from that checkpoint by the next run of the same scope. Callers hold
`ingest.lock.sync_lock` so that runs left 'running' can only belong to dead processes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from core.encoding import JsonDepthError, clean_json
from ingest.client import ApiError, CtgovClient, Page
from ingest.loaders import SourceError, iter_source
from ingest.models import Loaded, RunSummary, SyncRun, UpsertOutcome
from ingest.progress import RunProgress
from ingest.query import StudyQuery
from ingest.store import RawStore
from ingest.studies import nct_id_of, study_problem

BATCH_SIZE = 500
DEFAULT_PAGE_SIZE = 500
REFRESH_OVERLAP = timedelta(days=1)


class NothingToRefresh(RuntimeError):
    """No earlier live ingest of this API: there is no scope to refresh."""


def ingest_files(
    store: RawStore, sources: Iterable[Path], progress: RunProgress | None = None
) -> RunSummary:
    """Load every record of the offline `sources` into the store."""
    sources = [Path(s) for s in sources]
    for source in sources:
        if not source.exists():
            raise SourceError(f"source {source} does not exist: give the path of a study file, directory or .zip")
    progress = progress or RunProgress("ingest")
    progress.set_total(_xml_file_count(sources))
    store.mark_abandoned_runs()
    run_id = store.start_run(source=" ".join(str(s) for s in sources))
    summary = RunSummary()
    tally = _Tally(store, summary)
    with _recorded(store, run_id):
        batch: list[Loaded] = []
        for loaded in (item for source in sources for item in iter_source(source)):
            batch.append(loaded)
            if len(batch) >= BATCH_SIZE:
                _commit_batch(tally, run_id, batch, progress)
        _commit_batch(tally, run_id, batch, progress)
    summary.total = store.count()
    return summary


def ingest_live(
    store: RawStore,
    client: CtgovClient,
    query: StudyQuery,
    page_size: int = DEFAULT_PAGE_SIZE,
    progress: RunProgress | None = None,
    since: str | None = None,
) -> RunSummary:
    """Pull every study of `query` (updated on or after `since`, when given), resuming a stopped run."""
    progress = progress or RunProgress("ingest")
    store.mark_abandoned_runs()
    record = {"scope": query.model_dump(), "since": since, "page_size": page_size}
    resumed = store.resumable_run(client.base_url, record)
    checkpoint: dict[str, Any] = (resumed.checkpoint if resumed else None) or {"page_token": None, "pages": 0}
    version = client.version()
    run_id = store.start_run(client.base_url, record, version.data_timestamp, checkpoint if resumed else None)
    summary = RunSummary()
    tally = _Tally(store, summary)
    effective = query.since(since) if since else query
    with _recorded(store, run_id):
        pages = checkpoint["pages"]
        for page in _pages(client, effective, page_size, checkpoint["page_token"]):
            if page.total_count is not None:
                progress.set_total(page.total_count)
            pages += 1
            with store.transaction():
                for index, item in enumerate(page.studies):
                    where = f"{client.base_url}/studies page {pages} item {index}"
                    try:
                        study, repaired = clean_json(item, where)
                    except JsonDepthError as exc:
                        summary.fail(where, exc.reason)
                        continue
                    problem = study_problem(study)
                    if problem:
                        summary.fail(where, problem)
                    else:
                        tally.put(study, f"{client.base_url}/studies")
                        summary.repaired += repaired
                store.save_progress(run_id, summary, {"page_token": page.next_page_token, "pages": pages})
            progress.advance(studies=len(page.studies), pages=1)
    summary.total = store.count()
    return summary


def refresh(
    store: RawStore, client: CtgovClient, progress: RunProgress | None = None, page_size: int = DEFAULT_PAGE_SIZE
) -> RunSummary:
    """Pull what changed since the last successful sync of every scope ingested live from this API."""
    scopes = refresh_plan(store, client.base_url)
    if not scopes:
        raise NothingToRefresh(
            f"nothing to refresh: no live ingest from {client.base_url} has succeeded yet; "
            "run e.g. `trialmatch ingest --term NTRK` first"
        )
    progress = progress or RunProgress("refresh")
    total = RunSummary()
    for query, since in scopes:
        summary = ingest_live(store, client, query, page_size=page_size, progress=progress, since=since)
        for field in ("added", "changed", "unchanged", "failed", "repaired"):
            setattr(total, field, getattr(total, field) + getattr(summary, field))
        total.failures.extend(summary.failures)
    total.total = store.count()
    return total


def refresh_plan(store: RawStore, base_url: str) -> list[tuple[StudyQuery, str]]:
    """Each distinct live scope of `base_url` with the date to refresh it from (last success − 1 day)."""
    plan: dict[str, tuple[StudyQuery, str]] = {}
    for run in store.successful_runs(base_url):
        if not run.query or "scope" not in run.query:
            continue
        key = json.dumps(run.query["scope"], sort_keys=True)
        if key not in plan:
            plan[key] = (StudyQuery(**run.query["scope"]), _since(run))
    return list(plan.values())


def _since(run: SyncRun) -> str:
    stamp = run.data_timestamp or run.started
    return (date.fromisoformat(stamp[:10]) - REFRESH_OVERLAP).isoformat()


def _pages(client: CtgovClient, query: StudyQuery, page_size: int, token: str | None) -> Iterator[Page]:
    """Pages from `token` on; a resume token the API no longer accepts restarts from the first page.

    `countTotal` is sent on every page, resumed or not, because a page token is only valid with the
    very parameters of the page that issued it.
    """
    if token is None:
        yield from client.iter_pages(query, page_size, count_total=True)
        return
    pages = client.iter_pages(query, page_size, page_token=token, count_total=True)
    try:
        first = next(pages)
    except ApiError as exc:
        if exc.status != 400:
            raise
        yield from client.iter_pages(query, page_size, count_total=True)
        return
    except StopIteration:
        return
    yield first
    yield from pages


class _Tally:
    """Stores a run's studies and counts each once: when a study comes again in the same run, the version
    already chosen is replaced only by one that ranks higher (`ingest.versions`), an "unchanged" then
    becoming "changed"; whatever the order of the sources, every run keeps the same version."""

    def __init__(self, store: RawStore, summary: RunSummary) -> None:
        self.store, self.summary = store, summary
        self.seen: dict[str, UpsertOutcome] = {}

    def put(self, study: dict[str, Any], source: str) -> None:
        nct_id = nct_id_of(study)
        before = self.seen.get(nct_id)
        outcome = self.store.upsert(study, source=source, replace_equal=before is None)
        if before is None:
            self.seen[nct_id] = outcome
            self.summary.count(outcome)
        elif outcome == "changed" and before == "unchanged":
            self.seen[nct_id] = "changed"
            self.summary.unchanged -= 1
            self.summary.changed += 1


def _commit_batch(tally: _Tally, run_id: int, batch: list[Loaded], progress: RunProgress) -> None:
    store, summary = tally.store, tally.summary
    with store.transaction():
        for loaded in batch:
            if loaded.study is None:
                summary.fail(loaded.source, loaded.reason or "unreadable record")
            else:
                tally.put(loaded.study, loaded.source)
                summary.repaired += loaded.repaired
        store.save_progress(run_id, summary, None)
    progress.advance(studies=len(batch))
    batch.clear()


@contextmanager
def _recorded(store: RawStore, run_id: int) -> Iterator[None]:
    """Mark the run succeeded, failed (with the error) or interrupted; errors still propagate."""
    try:
        yield
    except Exception as exc:
        store.finish_run(run_id, "failed", str(exc))
        raise
    except BaseException as exc:
        store.finish_run(run_id, "interrupted", type(exc).__name__)
        raise
    store.finish_run(run_id, "succeeded")


def _xml_file_count(sources: list[Path]) -> int | None:
    """The number of records when every source is a directory of legacy XML files (one record each)."""
    count = 0
    for source in sources:
        if not source.is_dir():
            return None
        for path in source.rglob("*"):
            if path.is_file():
                if path.suffix.lower() != ".xml":
                    return None
                count += 1
    return count
