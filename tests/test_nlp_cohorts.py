"""Subgroup headers are read once per Doc, however many fact components ask which criteria they govern."""

from __future__ import annotations

import pytest

from nlp import cohorts
from nlp.extract import extract_text


def test_the_subgroups_of_a_doc_are_found_once_for_biomarkers_and_therapies(monkeypatch: pytest.MonkeyPatch):
    read = []
    header = cohorts._header

    def counted(context, k):
        read.append(k)
        return header(context, k)

    monkeypatch.setattr(cohorts, "_header", counted)
    text = (
        "Inclusion Criteria:\n\n* Age 18 or older\n\nFor Part 2:\n\n"
        "* KRAS G12C mutation\n* Prior treatment with sotorasib\n"
    )
    facts = extract_text(text)
    assert {u.kind for u in facts.uncertain} == {"biomarker", "prior_therapy"}  # both components asked
    # each criterion that may be a header (it ends with a colon) read once, the others never
    assert read == [k for k, c in enumerate(facts.criteria) if c.text.endswith(":")] == [1]


def test_criteria_without_a_colon_are_governed_by_no_subgroup():
    text = (
        "Inclusion Criteria:\n\n* For Part 2 patients KRAS G12C mutation\n"
        "* Cohort B Prior treatment with sotorasib\n"
    )
    assert extract_text(text).uncertain == []  # a subgroup's words without a header's colon: the rules hold for all
