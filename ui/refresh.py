"""Refresh now, from the Index page: the incremental ClinicalTrials.gov refresh, then re-indexing, with progress.

    if st.button("Refresh now"):
        refresh_now(settings)

The same run as `trialmatch refresh` (`workflows.refresh.refresh_and_index`): under the sync lock, pull what
changed since the last successful sync of every live scope, with the configured ClinicalTrials.gov rate,
retries and contact; then extract and index the pending studies. Progress shows on the page; problems show
as one message.
"""

from __future__ import annotations

import streamlit as st

from core.settings import Settings
from ui import resources
from workflows.refresh import RUN_STOPPED, IndexingFailed, NothingToRefresh, RunProgress, refresh_and_index

OUTCOME = "index_refresh_outcome"


class PageProgress(RunProgress):
    """Shows a phase's studies (and pages, when it reads any) as a progress bar on the page."""

    def __init__(self, label: str) -> None:
        super().__init__(label)
        self._bar = st.progress(0.0, text=f"{label}: starting")

    def advance(self, studies: int, pages: int = 0) -> None:
        super().advance(studies, pages)
        fraction = min(1.0, self.studies / self.total) if self.total else 0.0
        of_total = f" of {self.total:,}" if self.total else ""
        of_pages = f", {self.pages:,} pages" if self.pages else ""
        self._bar.progress(fraction, text=f"{self.label}: {self.studies:,}{of_total} studies{of_pages}")


def refresh_now(settings: Settings) -> None:
    """Run one refresh and re-index, then rerun the page with the outcome shown at the top."""
    with st.status("Refreshing from ClinicalTrials.gov…", expanded=True) as status:
        try:
            outcome = refresh_and_index(settings, open_progress=PageProgress)
        except NothingToRefresh as exc:
            status.update(label="Nothing to refresh", state="complete")
            st.session_state[OUTCOME] = ("info", str(exc))
        except RUN_STOPPED as exc:
            status.update(label="Refresh failed", state="error")
            st.session_state[OUTCOME] = ("error", f"Refresh failed: {exc}")
        except IndexingFailed as exc:
            status.update(label="Re-indexing failed", state="error")
            message = str(exc)
            st.session_state[OUTCOME] = ("error", f"{message[:1].upper()}{message[1:]}.")
        else:
            status.update(label="Refresh complete", state="complete")
            summary, report = outcome.summary, outcome.index
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
