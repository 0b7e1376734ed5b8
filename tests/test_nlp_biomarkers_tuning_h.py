"""Biomarker classes found by the tuning set of ids ending in 4 (second draw), `bench/own_dev_h.jsonl` (issue 13),
each on sentences written here."""

from __future__ import annotations

import pytest

from tests.test_nlp_biomarkers_tuning_g import _found


@pytest.mark.parametrize(
    ("line", "polarity"),
    [
        ("Tumour confirmed Met-positive by the central laboratory", "required"),
        ("Met-negative disease on the archival biopsy", "excluded"),
    ],
)
def test_a_mixed_case_met_glued_to_its_status_is_the_gene(line, polarity):
    text = f"Inclusion Criteria:\n- Advanced non-small cell lung cancer\n- {line}\n- ECOG 0-1\n"
    assert _found(text)[0] == {("MET", "any", polarity)}


@pytest.mark.parametrize(
    "line",
    [
        "Met all inclusion criteria of the parent study",
        "Patients who met the criteria for progression on prior therapy",
    ],
)
def test_the_english_verb_met_names_no_gene(line):
    text = f"Inclusion Criteria:\n- {line}\n- ECOG 0-1\n"
    assert _found(text) == (set(), set())


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Known echinoderm microtubule-associated protein-like 4(EML4)/anaplastic lymphoma kinase (ALK) fusion",
         {("EML4", "fusion", "excluded"), ("ALK", "fusion", "excluded")}),
        ("Known ROS proto-oncogene 1(ROS1) gene rearrangement", {("ROS1", "fusion", "excluded")}),
        ("Human epidermal growth factor receptor 2(HER2)-positive disease", {("ERBB2", "any", "excluded")}),
    ],
)
def test_a_symbol_in_a_bracket_glued_to_its_long_name_is_read(line, expected):
    text = f"Inclusion Criteria:\n- Metastatic NSCLC\nExclusion Criteria:\n- {line}\n"
    assert _found(text)[0] == expected


@pytest.mark.parametrize(
    "line",
    [
        "Known ROS proto-oncogene 1 (ROS1) gene or anaplastic lymphoma kinase (ALK) gene rearrangement",
        "Tumours with a ROS1 gene/anaplastic lymphoma kinase (ALK) gene rearrangement",
    ],
)
def test_genes_listed_each_with_the_word_gene_share_the_alteration_after_a_bracketed_symbol(line):
    text = f"Inclusion Criteria:\n- Metastatic NSCLC\nExclusion Criteria:\n- {line}\n"
    assert _found(text)[0] == {("ROS1", "fusion", "excluded"), ("ALK", "fusion", "excluded")}


def test_a_glued_bracket_keeps_karyotypes_and_plurals_whole():
    text = (
        "Inclusion Criteria:\n- Acute myeloid leukaemia with t(8;21) or inv(16)\n"
        "- Patient(s) must sign consent\n"
    )
    assert _found(text)[0] == {("RUNX1", "fusion", "required"), ("RUNX1T1", "fusion", "required"),
                               ("CBFB", "fusion", "required"), ("MYH11", "fusion", "required")}


@pytest.mark.parametrize(
    "line",
    [
        "Overexpressing EGFR and/or HER2 receptors (HER2 3+ by IHC or HER2 FISH positive)",
        "EGFR or HER2 overexpression (for HER2: 3+ by IHC OR FISH or CISH positive)",
    ],
)
def test_methods_in_a_bracket_naming_one_gene_are_that_genes_only(line):
    text = f"Inclusion Criteria:\n- Metastatic urothelial carcinoma\n- {line}\n- ECOG 0-1\n"
    found = _found(text)
    assert ("EGFR", "amplification", "required") not in found[0] | found[1]
    assert ("EGFR", "expression", "required") in found[0]
    assert {("ERBB2", "expression", "required"), ("ERBB2", "amplification", "required")} <= found[0] | found[1]


def test_methods_in_a_bracket_naming_no_gene_stay_the_groups():
    text = "Inclusion Criteria:\n- HER2 positive breast cancer (IHC 3+ or FISH positive)\n"
    assert _found(text)[0] == {("ERBB2", "expression", "required"), ("ERBB2", "amplification", "required")}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Have BCR-ABL positive leukaemia and are currently receiving a tyrosine kinase inhibitor",
         {("BCR", "fusion", "excluded"), ("ABL1", "fusion", "excluded")}),
        ("HER2-positive breast cancer and currently on trastuzumab", {("ERBB2", "any", "excluded")}),
        ("Known EGFR mutation and who are currently receiving erlotinib or gefitinib",
         {("EGFR", "mutation", "excluded")}),
    ],
)
def test_a_marker_excluded_only_while_on_a_current_treatment_is_conditional(line, expected):
    text = f"Inclusion Criteria:\n- Relapsed disease\nExclusion Criteria:\n- {line}\n"
    certain, unsure = _found(text)
    assert not certain
    assert unsure == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Known EGFR mutation or currently receiving an EGFR inhibitor", {("EGFR", "mutation", "excluded")}),
        ("Known EGFR mutation; current use of warfarin", {("EGFR", "mutation", "excluded")}),
    ],
)
def test_a_current_treatment_offered_as_another_exclusion_leaves_the_marker_excluded(line, expected):
    text = f"Inclusion Criteria:\n- Metastatic NSCLC\nExclusion Criteria:\n- {line}\n"
    assert _found(text)[0] == expected


@pytest.mark.parametrize(
    "line",
    [
        "No cytogenetic response after 6 months of imatinib (ie, >= 65% Ph+)",
        "No partial cytogenetic response by 24 weeks of dasatinib (ie, 1 to 35% Ph-positive)",
        "Loss of a complete cytogenetic response (0% Philadelphia chromosome-positive) on nilotinib",
    ],
)
def test_a_share_of_cells_carrying_a_karyotype_is_a_response_level_not_the_marker(line):
    text = f"Inclusion Criteria:\n- Chronic myeloid leukaemia in chronic phase\n- {line}\n- ECOG 0-2\n"
    assert _found(text)[0] == set()


def test_a_karyotype_asked_beside_a_response_level_is_still_required():
    text = (
        "Inclusion Criteria:\n- Ph+ chronic myeloid leukaemia in chronic phase\n"
        "- Resistance to imatinib (ie, more than 65% Ph+ after 6 months)\n"
    )
    assert _found(text)[0] == {("BCR", "fusion", "required"), ("ABL1", "fusion", "required")}
