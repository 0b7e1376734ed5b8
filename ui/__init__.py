"""UI: the Streamlit app (Find trials, Trial, Compare, Index) over the search stage.

Reads patient input from the page, asks `search` for matches and similar trials, and shows them;
it persists nothing about the patient.
"""
