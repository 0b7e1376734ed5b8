"""Biomarker classes found by the fifth tuning set `bench/own_dev_e.jsonl` (issue 13), each on sentences written
here."""

from __future__ import annotations

from tests.test_nlp_biomarkers import triples


def test_a_positive_or_negative_brca_status_speaks_of_a_mutation():
    assert triples("Inclusion Criteria:\n- Advanced breast cancer with positive BRCA2 status\n- ECOG 0-1\n") == {
        ("BRCA2", "mutation", "required"),
    }
    assert triples("Inclusion Criteria:\n- BRCA-negative ovarian cancer\n") == {
        ("BRCA1", "mutation", "excluded"),
        ("BRCA2", "mutation", "excluded"),
    }


def test_the_reciprocal_transcript_of_a_fusion_names_the_same_fusion():
    text = "Inclusion Criteria:\n- Acute promyelocytic leukaemia with RARα-PML transcripts shown by RT-PCR\n"
    assert triples(text) == {("PML", "fusion", "required"), ("RARA", "fusion", "required")}
