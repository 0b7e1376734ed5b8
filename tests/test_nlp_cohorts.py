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
    assert sorted(read) == list(range(len(facts.criteria)))  # each criterion read as a header once
