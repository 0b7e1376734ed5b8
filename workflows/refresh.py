"""Refresh, then index what changed: the run behind `trialmatch refresh`, `trialmatch schedule` and Refresh now.

    outcome = refresh_and_index(settings, open_progress=RunProgress)
    outcome.summary.line()      # '0 added, 1 changed, 0 unchanged, 0 failed, 134 total'
    outcome.index.indexed       # 1
    summary = refresh_store(settings)                 # the refresh alone (`trialmatch refresh --no-index`)

Holding the sync lock, pull what changed since the last successful sync of every live scope
(`ingest.sync.refresh`) through a ClinicalTrials.gov client built from the settings (URL, rate, retries,
contact); then, with the lock released, extract and index the pending studies (`workflows.indexing`).
Errors that stop the refresh (`RUN_STOPPED`, `NothingToRefresh`) propagate before anything is indexed;
a backend failure after the refresh was stored is raised as `IndexingFailed`, whose message says how to retry.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from core.settings import Settings
from ingest.client import ApiError, CtgovClient
from ingest.lock import LockBusy, sync_lock
from ingest.models import RunSummary
from ingest.progress import RunProgress
from ingest.store import RawStore, StoreError
from ingest.sync import DEFAULT_PAGE_SIZE, NothingToRefresh, refresh
from search.backend import BackendError
from workflows.indexing import IndexReport, index_pending

__all__ = [
    "RUN_STOPPED",
    "IndexingFailed",
    "NothingToRefresh",
    "RefreshOutcome",
    "RunProgress",
    "refresh_and_index",
    "refresh_store",
]

RUN_STOPPED = (ApiError, LockBusy, StoreError, sqlite3.Error)
"""What stops a refresh before it is stored: the API after retries, another run's lock, the raw store."""

OpenProgress = Callable[[str], RunProgress]
"""Opens the progress display of one phase, "refresh" or "index"; it is closed when the phase ends."""


class IndexingFailed(RuntimeError):
    """The refresh was stored but re-indexing failed; the message says why and how to retry."""


@dataclass(frozen=True)
class RefreshOutcome:
    summary: RunSummary
    index: IndexReport


def refresh_store(
    settings: Settings, *, open_progress: OpenProgress = RunProgress, page_size: int = DEFAULT_PAGE_SIZE
) -> RunSummary:
    """One incremental refresh of the raw store, under the sync lock, with the configured client."""
    with sync_lock(settings.data_dir), RawStore(settings.store_path) as store:
        with CtgovClient.from_settings(settings) as client, open_progress("refresh") as progress:
            return refresh(store, client, progress=progress, page_size=page_size)


def refresh_and_index(
    settings: Settings,
    *,
    open_progress: OpenProgress = RunProgress,
    page_size: int = DEFAULT_PAGE_SIZE,
    refreshed: Callable[[RunSummary], None] | None = None,
) -> RefreshOutcome:
    """`refresh_store`, then indexing of what changed (with the lock released).

    `refreshed` is called with the refresh's summary as soon as it is stored, before indexing starts.
    """
    summary = refresh_store(settings, open_progress=open_progress, page_size=page_size)
    if refreshed:
        refreshed(summary)
    with open_progress("index") as progress:

        def advance(done: int, total: int) -> None:
            progress.set_total(total)
            progress.advance(studies=done - progress.studies)

        try:
            report = index_pending(settings, progress=advance)
        except BackendError as exc:
            raise IndexingFailed(
                f"the refresh was stored but re-indexing failed: {exc}; run `trialmatch index` to retry"
            ) from exc
    return RefreshOutcome(summary, report)
