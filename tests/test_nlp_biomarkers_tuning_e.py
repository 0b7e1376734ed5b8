"""Biomarker classes found by the fifth tuning set `bench/own_dev_e.jsonl` (issue 13) and by a recall audit of the
corpus records that name a marker but yield no marker fact, each on sentences written here."""

from __future__ import annotations

from nlp.extract import extract_text
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


def _uncertain(text: str) -> set[tuple[str, str, str, str]]:
    return {
        (u.reason, u.biomarker.gene, u.biomarker.alteration, u.biomarker.polarity)
        for u in extract_text(text).uncertain
        if u.biomarker
    }


def test_an_entry_header_naming_one_of_two_parts_makes_its_items_that_parts_only():
    text = (
        "Inclusion Criteria:\n"
        "Criteria for entry into the safety run-in part, which every patient of that part has to fulfil in full:\n"
        "  - Advanced colorectal cancer of any KRAS status\n  - ECOG 0-2\n"
        "Criteria for entry into the randomised part, which every patient of that part has to fulfil in full:\n"
        "  - Advanced colorectal cancer with a KRAS G12C mutation\n  - ECOG 0-2\n"
    )
    assert triples(text) == set()
    assert _uncertain(text) == {("cohort", "KRAS", "mutation", "required")}


def test_a_single_entry_header_naming_a_phase_still_speaks_for_the_whole_study():
    text = (
        "Inclusion Criteria:\nEligibility criteria for enrolment in the phase II study are the following:\n"
        "  - Advanced colorectal cancer with a KRAS G12C mutation\n  - ECOG 0-2\n"
    )
    assert triples(text) == {("KRAS", "mutation", "required")}


def test_egfr_written_with_a_lower_case_r_names_the_gene():
    text = "Inclusion Criteria:\n- Pancreatic adenocarcinoma with EGFr staining of 2+ or more by immunohistochemistry\n"
    assert triples(text) == {("EGFR", "expression", "required")}


def test_an_unknown_status_that_is_not_eligible_leaves_the_markers_facts_standing():
    inclusion = "Inclusion Criteria:\n- ALK-rearranged lung cancer; patients of unknown ALK status are ineligible\n"
    assert triples(inclusion) == {("ALK", "fusion", "required")}
    exclusion = (
        "Inclusion Criteria:\n- Metastatic breast cancer\nExclusion Criteria:\n"
        "- HER2-overexpressing tumours, or tumours whose HER2 status is unknown\n"
    )
    assert triples(exclusion) == {("ERBB2", "expression", "excluded")}


def test_an_unknown_status_that_is_allowed_still_leaves_the_marker_out():
    text = "Inclusion Criteria:\n- Oestrogen receptor positive breast cancer, or oestrogen receptor status unknown\n"
    assert triples(text) == set()


def test_a_suspended_hyphen_names_both_hormone_receptors():
    text = "Inclusion Criteria:\n- Oestrogen- or progesterone-receptor positive early breast cancer\n"
    assert triples(text) == {("ESR1", "expression", "required"), ("PGR", "expression", "required")}
