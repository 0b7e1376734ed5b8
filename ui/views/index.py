"""Index: which backend is in use, how many trials are stored and indexed, the last sync, Refresh now.

    streamlit run ui/app.py            # then choose "Index"

Counts come from the backend and the raw store (`workflows.status.store_status`); Refresh now runs the same
incremental refresh as `trialmatch refresh` with a progress bar on the page.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.settings import Settings, SettingsError
from search.backend import BackendError
from ui import guards, resources
from ui.refresh import refresh_now, show_outcome
from workflows.status import StoreError, SyncRun, store_status

# status and counts first: the source (a path or a query) can be long and would push them off-screen
RUN_COLUMNS = ["status", "added", "changed", "unchanged", "failed", "started", "finished", "source", "id",
               "data_timestamp", "error"]


def _backend_lines(settings: Settings) -> None:
    if settings.backend == "elasticsearch":
        st.markdown(f"**Backend:** Elasticsearch at `{settings.es_url}`, index alias `{settings.es_index}`"
                    + (" (API key set)" if settings.es_api_key else ""))
    else:
        st.markdown(f"**Backend:** embedded (tantivy) index in `{settings.index_dir}`")
    st.markdown(f"**Data directory:** `{settings.data_dir}`")


def _indexed() -> int | None:
    try:
        return resources.backend().count()
    except BackendError as exc:
        guards.backend_error(exc)
        return None


def _run_line(run: SyncRun) -> str:
    stamp = f"; ClinicalTrials.gov data of {run.data_timestamp}" if run.data_timestamp else ""
    return (f"**Last successful sync:** {run.finished or run.started} from `{run.source}`: {run.added} added, "
            f"{run.changed} changed, {run.unchanged} unchanged, {run.failed} failed{stamp}")


def main() -> None:
    st.title("Index")
    try:
        settings = resources.settings()
    except SettingsError as exc:
        st.error(f"The settings are not usable: {exc}")
        st.stop()
    show_outcome()
    _backend_lines(settings)
    indexed = _indexed()
    try:
        status = store_status(settings)
    except StoreError as exc:
        st.error(str(exc))
        st.stop()
    c_indexed, c_stored, c_pending = st.columns(3)
    c_indexed.metric("Trials indexed", "unavailable" if indexed is None else f"{indexed:,}")
    c_stored.metric("Studies stored", f"{status.stored:,}")
    c_pending.metric("Waiting to be indexed", f"{status.pending:,}")
    if not status.exists:
        st.info(f"No raw store yet at {settings.store_path}: load trials with `trialmatch ingest --source PATH` "
                "or `trialmatch ingest --term NTRK`, then `trialmatch index`.")
    st.markdown(_run_line(status.last_sync) if status.last_sync else "**Last successful sync:** none yet")
    no_scope = status.live_scopes == 0
    if st.button("Refresh now", type="primary", icon=":material/sync:", disabled=no_scope,
                 help="Pull what changed on ClinicalTrials.gov since the last sync, then re-extract and re-index it"):
        refresh_now(settings)
    if no_scope:
        st.caption("Refresh now pulls again what was ingested live from ClinicalTrials.gov; these trials came from "
                   "files (or nothing was ingested yet). Ingest a live scope first, e.g. `trialmatch ingest --term "
                   "NTRK`.")
    st.subheader("Recent sync runs")
    if status.runs:
        st.dataframe(pd.DataFrame([r.model_dump() for r in status.runs], columns=RUN_COLUMNS), hide_index=True,
                     column_config={"source": st.column_config.TextColumn(width="medium"),
                                    "status": st.column_config.TextColumn(width="small")})
    else:
        st.caption("No sync run recorded yet.")


main()
