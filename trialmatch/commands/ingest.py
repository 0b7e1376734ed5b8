"""The `ingest`, `refresh` and `schedule` commands: pull ClinicalTrials.gov records into the raw store.

    $ trialmatch ingest --source ../shared/ctgov/legacy-xml
    $ trialmatch ingest --term NTRK --status RECRUITING
    $ trialmatch refresh --json
    $ trialmatch schedule --every 6h

Each run ends with a summary line on stdout (with `--json`, exactly one JSON object:
`{"added", "changed", "unchanged", "failed", "repaired", "total", "failures": [{"source", "reason"}]}`,
`repaired` counting the records whose invalid text was replaced by U+FFFD); progress
goes to stderr. Exit status 0 when the run completed, skipped bad records included; 2 when it could not
complete (missing source, network down after retries, store error, another run holding the lock).
"""

from __future__ import annotations

import signal
import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from pydantic import ValidationError

from core.settings import DEFAULT_CTGOV_RATE, DEFAULT_CTGOV_RETRIES, MAX_CTGOV_RETRIES, MIN_CTGOV_RATE, Settings
from ingest.client import ApiError, CtgovClient
from ingest.loaders import SourceError
from ingest.lock import LockBusy, sync_lock
from ingest.models import RunSummary
from ingest.progress import RunProgress, open_progress
from ingest.query import StudyQuery
from ingest.schedule import Schedule, ScheduleError, run_schedule
from ingest.store import RawStore, StoreError
from ingest.sync import DEFAULT_PAGE_SIZE, NothingToRefresh, ingest_files, ingest_live
from trialmatch.cli import UserError, settings_of

if TYPE_CHECKING:
    from workflows.indexing import IndexReport

_SHOWN_FAILURES = 20
_RUN_ERRORS: tuple[type[Exception], ...] = (SourceError, ApiError, StoreError, LockBusy, NothingToRefresh)

RATE = typer.Option(
    None, "--rate", min=MIN_CTGOV_RATE, show_default=False,
    help=f"At most this many API requests per minute (env TRIALMATCH_CTGOV_RATE, default {DEFAULT_CTGOV_RATE:g}).",
)
RETRIES = typer.Option(
    None, "--retries", min=0, max=MAX_CTGOV_RETRIES, show_default=False,
    help="Retries of a failed API request, with exponential backoff "
    f"(env TRIALMATCH_CTGOV_RETRIES, default {DEFAULT_CTGOV_RETRIES}).",
)
PAGE_SIZE = typer.Option(DEFAULT_PAGE_SIZE, "--page-size", min=1, max=1000, help="Studies per API page (1-1000).")
CONTACT = typer.Option(
    None, "--contact",
    help="Email or URL sent in the User-Agent so ClinicalTrials.gov can reach you (env TRIALMATCH_CONTACT).",
)
JSON = typer.Option(False, "--json", help="Print the summary as one JSON object on stdout.")
NO_INDEX = typer.Option(
    False, "--no-index", help="Only update the raw store; leave re-extraction and indexing to `trialmatch index`."
)


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
    app.command("refresh")(refresh_command)
    app.command("schedule")(schedule)


def ingest(
    ctx: typer.Context,
    source: list[Path] = typer.Option(
        None, "--source", "-s",
        help="Offline source: study JSON, search page, JSON list, JSONL, legacy XML, .zip or directory "
        "(repeatable). Without it, pull from the API.",
    ),
    cond: str = typer.Option(None, "--cond", help="API query.cond: conditions or disease."),
    term: str = typer.Option(None, "--term", help="API query.term: other terms, e.g. NTRK."),
    intr: str = typer.Option(None, "--intr", help="API query.intr: intervention or treatment."),
    locn: str = typer.Option(None, "--locn", help="API query.locn: location terms."),
    status: list[str] = typer.Option(None, "--status", help="API filter.overallStatus, e.g. RECRUITING (repeatable)."),
    everything: bool = typer.Option(False, "--all", help="Pull the whole registry (about 500,000 studies)."),
    page_size: int = PAGE_SIZE,
    rate: float | None = RATE,
    retries: int | None = RETRIES,
    contact: str | None = CONTACT,
    as_json: bool = JSON,
) -> None:
    """Load studies from offline files (--source) or pull them from the ClinicalTrials.gov API v2."""
    settings = _with_ctgov_flags(ctx, rate, retries, contact)
    started = time.monotonic()
    if source:
        if cond or term or intr or locn or status or everything:
            raise UserError("--source reads files; drop --cond/--term/--intr/--locn/--status/--all, or drop --source")
        with _run_guard(), sync_lock(settings.data_dir), RawStore(settings.store_path) as store:
            with open_progress("ingest", sys.stderr) as progress:
                summary = ingest_files(store, source, progress)
    else:
        query = _query(cond, term, intr, locn, status or [])
        if query.is_empty() and not everything:
            raise UserError(
                "say what to pull: --cond, --term, --intr, --locn or --status (e.g. --term NTRK), "
                "--all for the whole registry, or --source PATH for offline files"
            )
        with _run_guard(), sync_lock(settings.data_dir), RawStore(settings.store_path) as store:
            with CtgovClient.from_settings(settings) as client, open_progress("ingest", sys.stderr) as progress:
                summary = ingest_live(store, client, query, page_size=page_size, progress=progress)
    _report("ingest", summary, as_json, started)


def refresh_command(
    ctx: typer.Context,
    page_size: int = PAGE_SIZE,
    rate: float | None = RATE,
    retries: int | None = RETRIES,
    contact: str | None = CONTACT,
    no_index: bool = NO_INDEX,
    as_json: bool = JSON,
) -> None:
    """Pull what changed since the last successful sync, then re-extract and re-index the changed studies."""
    _refresh(_with_ctgov_flags(ctx, rate, retries, contact), page_size, no_index, as_json, stamped=False)


def schedule(
    ctx: typer.Context,
    every: str = typer.Option(..., "--every", help="Interval (6h, 30m, 1d) or cron expression ('0 */6 * * *', UTC)."),
    run_now: bool = typer.Option(False, "--run-now", help="Run one refresh immediately, then on schedule."),
    max_runs: int = typer.Option(None, "--max-runs", min=1, help="Stop after this many refreshes."),
    page_size: int = PAGE_SIZE,
    rate: float | None = RATE,
    retries: int | None = RETRIES,
    contact: str | None = CONTACT,
    no_index: bool = NO_INDEX,
) -> None:
    """Run `refresh` on a schedule in the foreground (for a service manager); Ctrl-C stops it."""
    settings = _with_ctgov_flags(ctx, rate, retries, contact)
    try:
        plan = Schedule.parse(every)
    except ScheduleError as exc:
        raise UserError(str(exc)) from exc

    def job() -> None:
        try:
            _refresh(settings, page_size, no_index, as_json=False, stamped=True)
        except UserError as exc:
            typer.echo(f"{_stamp()} refresh failed: {exc}", err=True)

    def announce(message: str) -> None:
        typer.echo(f"{_stamp()} {message}")

    announce(f"refreshing {plan.describe()} into {settings.store_path}")
    signal.signal(signal.SIGTERM, _stop)
    try:
        run_schedule(plan, job, run_now=run_now, max_runs=max_runs, announce=announce)
    except KeyboardInterrupt:
        announce("schedule stopped")


def _stop(signum: int, frame: object) -> None:
    """SIGTERM (systemd stop, kill) ends the schedule like Ctrl-C: the current run is marked interrupted."""
    raise KeyboardInterrupt


def _with_ctgov_flags(ctx: typer.Context, rate: float | None, retries: int | None, contact: str | None) -> Settings:
    """The invocation's settings with the ClinicalTrials.gov flags that were given in place of theirs."""
    return settings_of(ctx).override(ctgov_rate=rate, ctgov_retries=retries, contact=contact)


def _refresh(settings: Settings, page_size: int, no_index: bool, as_json: bool, stamped: bool) -> None:
    """One refresh (`workflows.refresh`), its summary reported as soon as it is stored, then (unless `no_index`)
    the re-indexing of every pending (new or changed) study."""
    from workflows.refresh import IndexingFailed, refresh_and_index, refresh_store  # loads the NLP pipeline

    started = time.monotonic()

    def refreshed(summary: RunSummary) -> None:
        _report("refresh", summary, as_json, started, stamped=stamped)

    def progress(label: str) -> RunProgress:
        return open_progress(label, sys.stderr)

    with _run_guard(IndexingFailed):
        if no_index:
            refreshed(refresh_store(settings, open_progress=progress, page_size=page_size))
            return
        outcome = refresh_and_index(settings, open_progress=progress, page_size=page_size, refreshed=refreshed)
    _index_report(outcome.index, as_json, stamped)


def _index_report(report: IndexReport, as_json: bool, stamped: bool) -> None:
    for failure in report.failures:
        typer.echo(f"not indexed {failure}", err=True)
    line = (
        f"index: {report.indexed} studies re-indexed, {report.failed} failed, {report.total} in the index "
        f"({report.seconds:.1f} s)"
    )
    typer.echo(f"{_stamp()} {line}" if stamped else line, err=as_json)


def _query(cond: str | None, term: str | None, intr: str | None, locn: str | None, status: list[str]) -> StudyQuery:
    try:
        return StudyQuery(cond=cond, term=term, intr=intr, locn=locn, statuses=status)
    except ValidationError as exc:
        raise UserError(f"--status: {exc.errors()[0]['msg'].removeprefix('Value error, ')}") from None


@contextmanager
def _run_guard(*also: type[Exception]) -> Iterator[None]:
    """Turn the errors that stop a run (and those of `also`) into one-line user errors (exit status 2)."""
    try:
        yield
    except sqlite3.Error as exc:
        raise UserError(f"the raw store failed ({exc}); check free disk space and the data directory") from exc
    except (*_RUN_ERRORS, *also) as exc:
        raise UserError(str(exc)) from exc


def _report(label: str, summary: RunSummary, as_json: bool, started: float, stamped: bool = False) -> None:
    if as_json:
        typer.echo(summary.model_dump_json())
        return
    for failure in summary.failures[:_SHOWN_FAILURES]:
        typer.echo(f"skipped {failure.source}: {failure.reason}", err=True)
    if len(summary.failures) > _SHOWN_FAILURES:
        typer.echo(f"... and {len(summary.failures) - _SHOWN_FAILURES} more skipped (see --json)", err=True)
    line = f"{label}: {summary.line()} ({time.monotonic() - started:.1f} s)"
    typer.echo(f"{_stamp()} {line}" if stamped else line)


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
