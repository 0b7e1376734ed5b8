"""Biomarker classes found by the fourth tuning set `bench/own_dev_d.jsonl` (issue 13), each on sentences written
here."""

from __future__ import annotations

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
