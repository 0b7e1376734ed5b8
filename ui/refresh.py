"""Refresh now, from the Index page: the incremental ClinicalTrials.gov refresh, then re-indexing, with progress.

    if st.button("Refresh now"):
        refresh_now(settings)

The same steps as `trialmatch refresh` followed by `trialmatch index`: hold the sync lock, pull what changed
since the last successful sync of every live scope (`ingest.sync.refresh`), then extract and index the
pending studies (`search.indexing.index_pending`). Progress shows on the page; problems show as one message.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import streamlit as st

from ingest.client import ApiError, CtgovClient
from ingest.lock import LockBusy, sync_lock
from ingest.progress import RunProgress
from ingest.store import RawStore, StoreError
from ingest.sync import NothingToRefresh, refresh
from search.backend import BackendError
from search.indexing import index_pending
from trialmatch.settings import Settings
from ui import resources

OUTCOME = "index_refresh_outcome"


class PageProgress(RunProgress):
    """Shows a run's pages and studies as a progress bar on the page."""

    def __init__(self, label: str) -> None:
        super().__init__(label)
        self._bar = st.progress(0.0, text=f"{label}: starting")

    def advance(self, studies: int, pages: int = 0) -> None:
        super().advance(studies, pages)
        fraction = min(1.0, self.studies / self.total) if self.total else 0.0
        of_total = f" of {self.total:,}" if self.total else ""
        self._bar.progress(fraction, text=f"{self.label}: {self.studies:,}{of_total} studies, {self.pages:,} pages")


def _index_progress() -> Callable[[int, int], None]:
    bar = st.progress(0.0, text="index: extracting and indexing changed studies")

    def update(done: int, total: int) -> None:
        bar.progress(min(1.0, done / total) if total else 1.0, text=f"index: {done:,} of {total:,} studies")

    return update


def refresh_now(settings: Settings) -> None:
    """Run one refresh and re-index, then rerun the page with the outcome shown at the top."""
    with st.status("Refreshing from ClinicalTrials.gov…", expanded=True) as status:
        try:
            with sync_lock(settings.data_dir), RawStore(settings.store_path) as store:
                with CtgovClient(settings.ctgov_url) as client:
                    summary = refresh(store, client, progress=PageProgress("refresh"))
            report = index_pending(settings, progress=_index_progress())
        except NothingToRefresh as exc:
            status.update(label="Nothing to refresh", state="complete")
            st.session_state[OUTCOME] = ("info", str(exc))
        except (ApiError, LockBusy, StoreError, sqlite3.Error) as exc:
            status.update(label="Refresh failed", state="error")
            st.session_state[OUTCOME] = ("error", f"Refresh failed: {exc}")
        except BackendError as exc:
            status.update(label="Re-indexing failed", state="error")
            st.session_state[OUTCOME] = (
                "error",
                f"The refresh was stored but re-indexing failed: {exc}; run `trialmatch index` to retry.",
            )
        else:
            status.update(label="Refresh complete", state="complete")
            st.session_state[OUTCOME] = (
                "success",
                f"Refresh: {summary.line()}. Index: {report.indexed} indexed, {report.failed} failed, "
                f"{report.total} trials in the index ({report.seconds:.1f} s).",
            )
    resources.facet.clear()
    st.rerun()


def show_outcome() -> None:
    """The message of the last Refresh now in this session, once."""
    outcome = st.session_state.pop(OUTCOME, None)
    if outcome:
        kind, message = outcome
        getattr(st, kind)(message)
