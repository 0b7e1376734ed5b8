"""The trialmatch web UI: a router over the four pages.

    trialmatch serve --port 8501          # or: streamlit run ui/app.py

Find trials (patients and navigators), Trial (one trial, its extracted facts and similar trials),
Compare (analysts: many trials side by side) and Index (backend, counts, refresh). The form state is
kept in session memory while the user moves between pages; nothing about a patient leaves memory.
"""

from __future__ import annotations

import streamlit as st

from ui.links import COMPARE_PAGE, FIND_PAGE, INDEX_PAGE, TRIAL_PAGE, TRIAL_URL_PATH

st.set_page_config(page_title="trialmatch", page_icon=":material/biotech:", layout="wide")
st.navigation(
    [
        st.Page(FIND_PAGE, title="Find trials", icon=":material/person_search:", url_path="find", default=True),
        st.Page(TRIAL_PAGE, title="Trial", icon=":material/description:", url_path=TRIAL_URL_PATH),
        st.Page(COMPARE_PAGE, title="Compare", icon=":material/table_chart:", url_path="compare"),
        st.Page(INDEX_PAGE, title="Index", icon=":material/database:", url_path="index"),
    ]
).run()
