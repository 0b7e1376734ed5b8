"""UI: the Streamlit app (Find trials, Trial, Compare, Index) over the search stage.

Reads patient input from the page, asks `search` for matches and similar trials, and shows them;
it persists nothing about the patient. The Index page reaches the raw store only through `workflows`
(its status, and Refresh now).
"""
