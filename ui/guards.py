"""Page guards: the privacy line, and clear messages instead of stack traces when the index is not usable.

    backend = guards.backend_or_stop()     # st.error + stop when the backend cannot be opened
    guards.require_trials(backend)         # st.info + stop when the index holds no trials

Every page calls these first, so an unreachable Elasticsearch or an empty data directory reads as one
sentence saying what to do.
"""

from __future__ import annotations

import streamlit as st

from core.settings import SettingsError
from search.backend import Backend, BackendError
from ui import resources

PRIVACY_NOTICE = (
    ":material/lock: Patient details stay in this browser session's memory only: "
    "nothing is saved to disk, cached or logged."
)


def privacy_notice() -> None:
    st.caption(PRIVACY_NOTICE)


def backend_error(exc: Exception) -> None:
    """Show a backend or settings failure as one clear message."""
    settings_hint = ""
    try:
        current = resources.settings()
        settings_hint = f" (backend {current.backend}, data directory {current.data_dir})"
    except SettingsError:
        pass
    st.error(f"The trial index cannot be used{settings_hint}: {exc}", icon=":material/error:")


def backend_or_stop() -> Backend:
    """The cached backend; on failure an error on the page and the script stops."""
    try:
        return resources.backend()
    except (BackendError, SettingsError) as exc:
        backend_error(exc)
        st.stop()


def require_trials(backend: Backend) -> int:
    """The number of indexed trials; when there are none, say how to add some and stop."""
    try:
        count = backend.count()
    except BackendError as exc:
        backend_error(exc)
        st.stop()
    if count == 0:
        st.info(
            "The trial index is empty. Load trials with `trialmatch ingest --source PATH` (or "
            "`trialmatch ingest --term NTRK` from ClinicalTrials.gov), then `trialmatch index`; "
            "or press Refresh now on the Index page.",
            icon=":material/inbox:",
        )
        st.stop()
    return count
