"""A negation over two marker statuses joined by "and" excludes their combination, not each marker (issue 13): "No
lymphomas that are CD5+ and CD23-" lets in a CD5+ CD23+ lymphoma, so neither status is required or excluded on its
own; both go to the uncertain facts."""

from __future__ import annotations

import pytest

from nlp.extract import extract_text
from tests.test_nlp_biomarkers import inclusion


def _read(text: str) -> tuple[set[tuple[str, str]], set[tuple[str, str, str]]]:
    found = extract_text(text)
    certain = {(b.gene, b.polarity) for b in found.biomarkers}
    doubtful = {(u.biomarker.gene, u.biomarker.polarity, u.reason) for u in found.uncertain if u.biomarker}
    return certain, doubtful


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("No lymphomas that are CD5+ and CD23-", {("CD5", "excluded"), ("FCER2", "required")}),
        ("No CD5+ and CD23- lymphoma", {("CD5", "excluded"), ("FCER2", "required")}),
        ("No tumors that are ER positive and HER2 negative", {("ESR1", "excluded"), ("ERBB2", "required")}),
    ],
)
def test_a_negated_combination_of_statuses_is_uncertain(line, expected):
    certain, doubtful = _read(inclusion("Diagnosis of non-Hodgkin lymphoma", line))
    assert not certain & expected
    assert {(gene, polarity) for gene, polarity, _ in doubtful} == expected
    assert {reason for _, _, reason in doubtful} == {"conditional"}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # "or" denies each: neither status may enrol
        ("No lymphomas that are CD5+ or CD23-", {("CD5", "excluded"), ("FCER2", "required")}),
        ("No lymphomas that are CD5+", {("CD5", "excluded")}),
        ("No EGFR and ALK mutations", {("EGFR", "excluded"), ("ALK", "excluded")}),  # one group: each denied
        ("CD20+ and CD5- lymphoma", {("MS4A1", "required"), ("CD5", "excluded")}),  # asked, not denied: both needed
    ],
)
def test_what_is_not_a_negated_combination_keeps_its_facts(line, expected):
    certain, _ = _read(inclusion(line))
    assert certain == expected
