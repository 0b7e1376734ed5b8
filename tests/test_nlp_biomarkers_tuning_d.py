"""Biomarker classes found by the fourth tuning set `bench/own_dev_d.jsonl` (issue 13), each on sentences written
here."""

from __future__ import annotations

from nlp.extract import extract_text
from tests.test_nlp_biomarkers import facts


def test_items_that_each_give_a_kind_of_the_marker_above_them_replace_its_any():
    text = (
        "Inclusion Criteria:\n- Breast cancer that is HER2 positive (required before registration)\n"
        "    - Gene amplification shown by FISH OR\n    - Strong (3+) staining by IHC\n- ECOG 0-1\n"
    )
    found = facts(text)
    assert {(b.gene, b.alteration, b.polarity) for b in found} == {
        ("ERBB2", "amplification", "required"),
        ("ERBB2", "expression", "required"),
    }
    assert len({b.any_of for b in found}) == 1 and found[0].any_of is not None


def test_the_any_of_a_marker_stays_when_its_items_give_kinds_of_another_marker():
    text = (
        "Inclusion Criteria:\n- Oestrogen receptor positive breast cancer\n"
        "    - HER2 gene amplification shown by FISH OR\n    - HER2 strong (3+) staining by IHC\n- ECOG 0-1\n"
    )
    assert ("ESR1", "expression", "required") in {(b.gene, b.alteration, b.polarity) for b in facts(text)}


def _uncertain(text: str) -> set[tuple[str, str, str]]:
    return {(u.reason, u.biomarker.gene, u.biomarker.alteration) for u in extract_text(text).uncertain if u.biomarker}


def test_a_sibling_item_allowing_an_unknown_status_makes_the_marker_positive_or_unknown():
    text = (
        "Inclusion Criteria:\n- Hormone receptor status:\n"
        "    - Oestrogen receptor positive (at least 10 fmol/mg protein)\n"
        "    - Unknown status allowed if the tumour could not be assayed\n- ECOG 0-1\n"
    )
    assert facts(text) == []
    assert _uncertain(text) == {("either", "ESR1", "expression")}


def test_a_sibling_item_allowing_an_unknown_status_of_something_else_leaves_the_marker():
    text = (
        "Inclusion Criteria:\n- Disease characteristics:\n"
        "    - Oestrogen receptor positive (at least 10 fmol/mg protein)\n"
        "    - Unknown primary site allowed\n- ECOG 0-1\n"
    )
    assert {(b.gene, b.alteration, b.polarity) for b in facts(text)} == {("ESR1", "expression", "required")}
