"""Biomarker classes found by the tenth tuning set labelled blind, `bench/own_dev_k.jsonl` (issue 13), each on
sentences written here in the shape of registry text."""

from __future__ import annotations

import pytest

from tests.test_nlp_biomarkers_tuning_g import _found

HER2_TESTED_NEGATIVE = {
    ("ERBB2", "any", "excluded"),
    ("ERBB2", "expression", "excluded"),
    ("ERBB2", "amplification", "excluded"),
}


@pytest.mark.parametrize(
    "line",
    [
        "Tumor must be HER2 negative by local assessment: HER2 IHC 0, 1+, or 2+ with subsequent negative FISH "
        "(ratio < 2.0); negative FISH alone is acceptable",
        "HER2-negative disease, defined as IHC 0 or 1+, or IHC 2+ and ISH non-amplified",
        "HER-2 negative as determined by either FISH or 0-1+ staining by IHC",
    ],
)
def test_a_negative_status_defined_by_the_tests_excludes_what_each_test_measures(line):
    text = f"Inclusion Criteria:\n- Metastatic breast adenocarcinoma\n- {line}\n- ECOG 0-1\n"
    assert _found(text)[0] == HER2_TESTED_NEGATIVE


@pytest.mark.parametrize(
    "line",
    ["HER2-negative breast cancer", "ER-positive and HER2-negative disease"],
)
def test_a_negative_status_without_a_test_stays_any(line):
    facts = _found(f"Inclusion Criteria:\n- Metastatic {line}\n- ECOG 0-1\n")[0]
    assert {f for f in facts if f[0] == "ERBB2"} == {("ERBB2", "any", "excluded")}


def test_a_negative_status_a_by_phrase_assigns_to_one_test_excludes_what_it_measures():
    text = "Inclusion Criteria:\n- Invasive breast cancer\n- HER2/neu-negative tumor by IHC\n- ECOG 0-1\n"
    assert _found(text)[0] == {("ERBB2", "any", "excluded"), ("ERBB2", "expression", "excluded")}


def test_a_negative_result_a_test_names_excludes_what_the_test_measures():
    text = "Inclusion Criteria:\n- Gastric adenocarcinoma, HER2 FISH negative\n- ECOG 0-1\n"
    assert _found(text)[0] == {("ERBB2", "any", "excluded"), ("ERBB2", "amplification", "excluded")}


def test_an_in_situ_test_beside_receptor_statuses_is_the_amplified_genes_alone():
    text = (
        "Inclusion Criteria:\n- Histologically confirmed triple negative breast cancer (ER < 1%, PgR < 1%, HER2/neu "
        "negative (IHC 0, 1+ or 2+ FISH negative))\n- ECOG 0-1\n"
    )
    assert _found(text)[0] == {
        ("ESR1", "expression", "excluded"), ("PGR", "expression", "excluded"), *HER2_TESTED_NEGATIVE
    }


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Negative FISH analysis for ALK rearrangement", {("ALK", "fusion", "excluded")}),
        ("Negative FISH for BCR-ABL fusion", {("BCR", "fusion", "excluded"), ("ABL1", "fusion", "excluded")}),
        ("negative FISH for t(9;22)", {("BCR", "fusion", "excluded"), ("ABL1", "fusion", "excluded")}),
    ],
)
def test_a_negative_test_result_named_before_the_marker_excludes_it(line, expected):
    assert _found(f"Inclusion Criteria:\n- Relapsed lymphoma or leukaemia\n- {line}\n- ECOG 0-2\n")[0] == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Mantle cell lymphoma must be excluded by a negative FISH analysis for t(11;14)(IgH/CCND1) on blood",
         {("IGH", "fusion", "excluded"), ("CCND1", "fusion", "excluded")}),
        ("Absence of t(9;22)(BCR/ABL) by cytogenetics",
         {("BCR", "fusion", "excluded"), ("ABL1", "fusion", "excluded")}),
        ("Mantle cell lymphoma with t(11;14) by FISH",
         {("IGH", "fusion", "required"), ("CCND1", "fusion", "required")}),
    ],
)
def test_a_translocation_and_the_fusion_its_bracket_names_are_one_finding(line, expected):
    assert _found(f"Inclusion Criteria:\n- {line}\n- ECOG 0-2\n")[0] == expected


def test_a_flat_list_under_a_more_indented_header_belongs_to_the_disease_alternative_above_it():
    text = (
        "DISEASE CHARACTERISTICS:\n\n"
        "* One of the following histologically confirmed diagnoses:\n"
        "  * Chronic lymphocytic leukemia\n"
        "    * Failed at least 1 prior regimen\n"
        "  * Mantle cell lymphoma\n"
        "    * At least 1 prior treatment regimen\n"
        "    * At least 1 of the following:\n"
        "* Cytogenetic analysis with presence of t(11;14)\n"
        "* Overexpression of cyclin D1\n"
        "  * Responsive or stable disease to most recent prior therapy\n\n"
        "PATIENT CHARACTERISTICS:\n\nAge:\n\n* Under 70\n"
    )
    certain, unsure = _found(text)
    assert not certain
    assert {("IGH", "fusion", "required"), ("CCND1", "fusion", "required")} <= unsure


def test_a_karyotype_shows_its_fusion_only():
    text = "Exclusion Criteria:\n- Lymphomas that have t(11;14), or express markers of mantle cell lymphoma\n"
    assert _found(text)[0] == {("IGH", "fusion", "excluded"), ("CCND1", "fusion", "excluded")}


def test_receptor_statuses_take_no_copy_count_beside_an_amplified_gene():
    text = (
        "Inclusion Criteria:\n- ER/PR/HER2 negative carcinoma of the breast (HER2 copy number < 4 by FISH, ER and PR "
        "< 1%)\n"
    )
    assert {f for f in _found(text)[0] if f[0] in ("ESR1", "PGR")} == {
        ("ESR1", "expression", "excluded"), ("PGR", "expression", "excluded")
    }
