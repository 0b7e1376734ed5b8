"""Biomarker classes found by the tuning set `bench/own_dev.jsonl` (issue 13), each on sentences written here."""

from __future__ import annotations

from tests.test_nlp_biomarkers import exclusion, inclusion, triples


def test_a_tumour_that_overexpresses_a_gene_requires_its_expression():
    assert triples(inclusion("Stage IV breast cancer that overexpresses HER2/neu")) == {
        ("ERBB2", "expression", "required")
    }
    assert triples(inclusion("Glioma whose cells over-express EGFR")) == {("EGFR", "expression", "required")}
    assert triples(inclusion("Tumour cells must express CD30")) == {("TNFRSF8", "expression", "required")}
    assert triples(inclusion("Advanced malignancy that expresses HER2/neu")) == {("ERBB2", "expression", "required")}


def test_cells_that_co_express_markers_define_a_disease_and_give_no_fact():
    assert triples(inclusion("Hairy cells which co-express CD20/CD25 or CD20/CD11c")) == set()


def test_an_exclusion_naming_a_marker_every_patient_must_have_excludes_a_subtype_not_the_marker():
    text = (
        "Inclusion Criteria:\n- Philadelphia chromosome (Ph) positive chronic myelogenous leukemia in chronic phase\n"
        "Exclusion Criteria:\n- Lymphoid Ph+ blast crisis\n- Known KRAS mutation"
    )
    assert triples(text) == {
        ("BCR", "fusion", "required"),
        ("ABL1", "fusion", "required"),
        ("KRAS", "mutation", "excluded"),
    }


def test_a_status_glued_to_the_bracket_of_a_hyphenated_abbreviation_is_read():
    assert triples(inclusion("Programmed cell death ligand 1 (PD-L1)-positive tumour")) == {
        ("CD274", "any", "required")
    }
    assert triples(exclusion("Breakpoint cluster region-abelson (BCR-ABL)-positive leukemia")) == {
        ("BCR", "fusion", "excluded"),
        ("ABL1", "fusion", "excluded"),
    }
