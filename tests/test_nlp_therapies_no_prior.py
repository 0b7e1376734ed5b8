"""Prior-therapy classes left open by the whole-corpus reading of issue 13, on sentences written in the shape of
real criteria of `../shared/corpus`."""

from __future__ import annotations

import pytest

from nlp.extract import extract_text


def _therapies(exclusion_line: str) -> set[tuple[str, str]]:
    text = f"Inclusion Criteria:\n- Age 18 years or older\nExclusion Criteria:\n- {exclusion_line}\n- Pregnancy\n"
    return {(t.drug_or_class, t.polarity) for t in extract_text(text).prior_therapies}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("No prior treatment with temozolomide or imatinib mesylate",
         {("temozolomide", "excluded"), ("imatinib", "excluded")}),
        ("No prior tx with cisplatin or carboplatin", {("cisplatin", "excluded"), ("carboplatin", "excluded")}),
        ("No previous exposure to vinorelbine as treatment for metastatic disease", {("vinorelbine", "excluded")}),
        ("No prior single-agent, weekly docetaxel chemotherapy.", {("docetaxel", "excluded")}),
    ],
)
def test_an_exclusion_criterion_opened_by_no_prior_excludes_the_therapy(line, expected):
    assert _therapies(line) == expected


def test_a_no_prior_inside_an_exclusion_criterion_keeps_its_double_negative():
    assert ("platinum", "required") in _therapies("Patients with no prior platinum chemotherapy")


def test_every_drug_of_a_long_list_opened_by_no_prior_is_excluded():
    line = "No prior treatment with erbB targeting therapies such as erlotinib, gefitinib and cetuximab."
    assert _therapies(line) == {("erlotinib", "excluded"), ("gefitinib", "excluded"), ("cetuximab", "excluded")}
