"""Biomarker classes found by the third tuning set `bench/own_dev_c.jsonl` (issue 13), each on sentences written
here."""

from __future__ import annotations

from tests.test_nlp_biomarkers import exclusion, inclusion, triples


def test_a_fusion_named_again_by_its_translocation_keeps_the_polarity_of_the_first_name():
    text = inclusion("No unfavourable cytogenetics: t(1;19) or BCR/ABL, t(9;22)")
    assert triples(text) == {
        ("TCF3", "fusion", "excluded"),
        ("PBX1", "fusion", "excluded"),
        ("BCR", "fusion", "excluded"),
        ("ABL1", "fusion", "excluded"),
    }
    assert triples(exclusion("Known KMT2A rearrangement or BCR-ABL1 (t(9;22))")) == {
        ("KMT2A", "fusion", "excluded"),
        ("BCR", "fusion", "excluded"),
        ("ABL1", "fusion", "excluded"),
    }


def test_a_marker_of_the_patients_a_considering_clause_is_about_is_a_condition_not_an_exclusion():
    text = exclusion(
        "Heart failure. Considering patients with HER2-positive tumours who are to receive trastuzumab, "
        "cardiac exclusion criteria follow the national guidelines"
    )
    assert triples(text) == set()


def test_a_semicolon_inside_a_bracketed_list_of_markers_keeps_the_list_negated():
    text = inclusion("No unfavourable translocations [t(1;19) or BCR/ABL; and MLL rearrangements]")
    assert ("KMT2A", "fusion", "excluded") in triples(text)
    assert ("KMT2A", "fusion", "required") not in triples(text)
    text = inclusion("No KRAS mutation; and MLL rearrangement required")
    assert triples(text) == {("KRAS", "mutation", "excluded"), ("KMT2A", "fusion", "required")}
