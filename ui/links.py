"""Links between pages and out to ClinicalTrials.gov.

    trial_link("NCT04879121")            # a page link to the Trial page showing that trial
    ctgov_url("NCT04879121")             # 'https://clinicaltrials.gov/study/NCT04879121'

Page paths are relative to the router `ui/app.py`, which registers every page with `st.navigation`.
The pages live in `ui/views/`: a folder named `pages/` beside the router would make Streamlit fall back
to its old folder-based navigation for a session that opens a page's URL directly.
"""

from __future__ import annotations

import streamlit as st

FIND_PAGE = "views/find.py"
TRIAL_PAGE = "views/trial.py"
COMPARE_PAGE = "views/compare.py"
INDEX_PAGE = "views/index.py"
TRIAL_PARAM = "nct"
TRIAL_URL_PATH = "trial"


def ctgov_url(nct_id: str) -> str:
    return f"https://clinicaltrials.gov/study/{nct_id}"


def trial_href(nct_id: str) -> str:
    """A relative URL of the Trial page of `nct_id`, for links inside tables."""
    return f"{TRIAL_URL_PATH}?{TRIAL_PARAM}={nct_id}"


def trial_link(nct_id: str, label: str = "Trial page", container=st) -> None:
    """A link to the Trial page of `nct_id` (the id travels in the `?nct=` query parameter)."""
    container.page_link(TRIAL_PAGE, label=label, icon=":material/description:", query_params={TRIAL_PARAM: nct_id})


def ctgov_link(nct_id: str, container=st) -> None:
    container.markdown(f"[clinicaltrials.gov/study/{nct_id} ↗]({ctgov_url(nct_id)})")
