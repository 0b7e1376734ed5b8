"""Index pending: stored studies (raw store) → eligibility facts (nlp) → index documents → the search backend.

    >>> report = index_pending(Settings.load(data_dir="data"))  # doctest: +SKIP
    >>> report.indexed, report.failed                             # doctest: +SKIP
    (134, 0)

Incremental (pending studies only) or, with `rebuild`, every stored study into a fresh index swapped in
atomically. Studies are read from the raw store (`ingest.store.RawStore`), extracted with `nlp.extract` in
batches, turned into `IndexDocument`s (`search.documents`) and written to the settings' backend; each chunk is
marked processed in the store only after the backend has it. A study that cannot be extracted or indexed is
reported and stays pending, so the next run retries it. Every run first removes the index versions of rebuilds
killed before their swap (`discarded`).

Before the documents are built, the registry's places (every site with a geoPoint: city, state, ZIP,
country → coordinates) are learnt from the studies about to be indexed and saved as the data directory's
gazetteer (`search.gazetteer`, `<data dir>/gazetteer.json`; a rebuild starts it afresh). Sites without a
geoPoint are placed through it, and `match --near` resolves place words with it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator

from pydantic import BaseModel, Field

from core.settings import Settings
from ingest.store import RawStore
from nlp.extract import extract_studies, extract_study
from nlp.models import TrialCriteria
from search.backends import open_backend
from search.documents import build_document
from search.gazetteer import Gazetteer, RegistryPlaces
from search.models import IndexDocument

CHUNK = 256
MAX_REPORTED_FAILURES = 10
log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]


class IndexReport(BaseModel):
    indexed: int = 0
    failed: int = 0
    failures: list[str] = Field(default_factory=list, description="'<nct_id>: <reason>', the first few")
    rebuilt: bool = False
    discarded: list[str] = Field(default_factory=list, description="index versions left by killed rebuilds, removed")
    total: int = Field(default=0, description="documents in the index afterwards")
    seconds: float = 0.0


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _extract(studies: list[dict]) -> list[TrialCriteria | Exception]:
    """Criteria for each study, in order; a batch failure is retried study by study to isolate it."""
    try:
        return list(extract_studies(studies))
    except Exception:  # noqa: BLE001 - isolate the failing study below
        results: list[TrialCriteria | Exception] = []
        for study in studies:
            try:
                results.append(extract_study(study))
            except Exception as exc:  # noqa: BLE001 - reported per study, the run goes on
                results.append(exc)
        return results


class _Run:
    def __init__(self, store: RawStore, total: int, progress: Progress | None, gazetteer: Gazetteer):
        self.store, self.total, self.progress, self.gazetteer = store, total, progress, gazetteer
        self.report = IndexReport()
        self.seen = 0

    def _fail(self, nct_id: str, reason: str) -> None:
        self.report.failed += 1
        if len(self.report.failures) < MAX_REPORTED_FAILURES:
            self.report.failures.append(f"{nct_id}: {reason}")

    def documents(self, pending_only: bool) -> Iterator[list[IndexDocument]]:
        for chunk in _chunks(self.store.iter_studies(pending_only=pending_only), CHUNK):
            docs = []
            for stored, criteria in zip(chunk, _extract([s.raw for s in chunk]), strict=True):
                if isinstance(criteria, Exception):
                    self._fail(stored.nct_id, f"extraction failed ({type(criteria).__name__}: {criteria})")
                    continue
                try:
                    docs.append(build_document(stored.raw, criteria, self.gazetteer))
                except ValueError as exc:
                    self._fail(stored.nct_id, str(exc))
            self.seen += len(chunk)
            if self.progress:
                self.progress(self.seen, self.total)
            yield docs


def learn_places(store: RawStore, settings: Settings, rebuild: bool) -> Gazetteer:
    """The data directory's gazetteer with the places of the studies about to be indexed, saved."""
    places = RegistryPlaces() if rebuild else RegistryPlaces.load(settings.data_dir)
    for stored in store.iter_studies(pending_only=not rebuild):
        places.add_study(stored.raw)
    places.save(settings.data_dir)
    return Gazetteer(places)


def index_pending(settings: Settings, rebuild: bool = False, progress: Progress | None = None) -> IndexReport:
    """Index every pending stored study (or, with rebuild, every stored study into a fresh index)."""
    started = time.monotonic()
    backend = open_backend(settings)
    try:
        report_discarded = backend.discard_orphans()
        with RawStore(settings.store_path) as store:
            gazetteer = learn_places(store, settings, rebuild)
            run = _Run(store, store.count() if rebuild else store.pending_count(), progress, gazetteer)
            if rebuild:
                done: list[str] = []

                def all_documents() -> Iterator[IndexDocument]:
                    for docs in run.documents(pending_only=False):
                        done.extend(d.nct_id for d in docs)
                        yield from docs

                run.report.indexed = backend.rebuild(all_documents())
                store.mark_processed(done)
                run.report.rebuilt = True
            else:
                for docs in run.documents(pending_only=True):
                    if docs:
                        run.report.indexed += backend.upsert(docs)
                        store.mark_processed(d.nct_id for d in docs)
        run.report.discarded = report_discarded
        run.report.total = backend.count()
    finally:
        backend.close()
    run.report.seconds = round(time.monotonic() - started, 2)
    log.info("indexed %d studies (%d failed) in %.1fs", run.report.indexed, run.report.failed, run.report.seconds)
    return run.report
