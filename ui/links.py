"""Links between pages and out to ClinicalTrials.gov.

    trial_link("NCT04879121")            # a page link to the Trial page showing that trial
    ctgov_url("NCT04879121")             # 'https://clinicaltrials.gov/study/NCT04879121'

Page paths are relative to the router `ui/app.py`, which registers every page with `st.navigation`.
"""

from __future__ import annotations

import streamlit as st

FIND_PAGE = "pages/find.py"
TRIAL_PAGE = "pages/trial.py"
COMPARE_PAGE = "pages/compare.py"
INDEX_PAGE = "pages/index.py"
TRIAL_PARAM = "nct"


def ctgov_url(nct_id: str) -> str:
    return f"https://clinicaltrials.gov/study/{nct_id}"


def trial_link(nct_id: str, label: str = "Trial page", container=st) -> None:
    """A link to the Trial page of `nct_id` (the id travels in the `?nct=` query parameter)."""
    container.page_link(TRIAL_PAGE, label=label, icon=":material/description:", query_params={TRIAL_PARAM: nct_id})


def ctgov_link(nct_id: str, container=st) -> None:
    container.markdown(f"[clinicaltrials.gov/study/{nct_id} ↗]({ctgov_url(nct_id)})")
