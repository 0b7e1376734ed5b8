"""What the raw store holds: studies stored, studies waiting to be indexed, the last sync and the recent runs.

    status = store_status(settings)
    status.exists, status.stored, status.pending     # (True, 134, 0); (False, 0, 0) before the first ingest
    status.live_scopes                  # 0 when everything came from files: Refresh now has nothing to pull
    status.last_sync.source             # '../shared/ctgov/ntrk'

Read-only: a missing store is not created. A store that cannot be read raises `StoreError`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.settings import Settings
from ingest.models import SyncRun
from ingest.store import RawStore, StoreError
from ingest.sync import refresh_plan

__all__ = ["StoreError", "StoreStatus", "SyncRun", "store_status"]


@dataclass(frozen=True)
class StoreStatus:
    exists: bool
    """False before the first ingest: there is no raw store yet."""
    stored: int = 0
    pending: int = 0
    last_sync: SyncRun | None = None
    """The last successful sync run, of any source."""
    runs: list[SyncRun] = field(default_factory=list)
    """The most recent sync runs, newest first."""
    live_scopes: int = 0
    """Scopes ingested live from the settings' ClinicalTrials.gov API: what a refresh would pull again."""


def store_status(settings: Settings, runs: int = 20) -> StoreStatus:
    """The raw store's counts and its `runs` most recent sync runs."""
    if not settings.store_path.exists():
        return StoreStatus(exists=False)
    with RawStore(settings.store_path) as store:
        return StoreStatus(
            exists=True,
            stored=store.count(),
            pending=store.pending_count(),
            last_sync=store.last_successful_sync(),
            runs=store.sync_runs(limit=runs),
            live_scopes=len(refresh_plan(store, settings.ctgov_url)),
        )
