"""Biomarker classes found by the thirteenth tuning set labelled blind, `bench/own_dev_n.jsonl` (issue 13), each on
sentences written here in the shape of registry text."""

from __future__ import annotations

import pytest

from tests.test_nlp_biomarkers_tuning_g import _found


@pytest.mark.parametrize(
    "line",
    [
        "Tumor must be HER2 positive (1-3+)",
        "HER2 positive (2+ or 3+) metastatic disease",
        "HER-2/neu positive (3+) tumor tissue",
    ],
)
def test_a_positive_status_with_a_bracketed_staining_score_is_the_protein(line):
    text = f"DISEASE CHARACTERISTICS: Histologically confirmed adenocarcinoma {line} Measurable disease\n"
    assert _found(text)[0] == {("ERBB2", "expression", "required")}


def test_a_bracketed_number_that_is_no_staining_score_leaves_the_status_of_any_kind():
    text = "Inclusion Criteria:\n- HER2 positive (see section 5.1) breast cancer\n- ECOG 0-1\n"
    assert _found(text)[0] == {("ERBB2", "any", "required")}


@pytest.mark.parametrize(
    "line",
    [
        "Proven HER2-positive breast cancer, defined as a pathology report of amplification of the gene or 3+ "
        "score for immunohistochemical staining",
        "HER2-positive tumour, defined as amplification of the gene by FISH or 3+ staining by IHC",
    ],
)
def test_an_exclusion_defining_positivity_by_amplification_of_the_gene_or_a_score_excludes_both(line):
    text = f"Inclusion Criteria:\n- Invasive breast cancer\n\nExclusion Criteria:\n- {line}\n- Prior chemotherapy\n"
    assert _found(text)[0] == {("ERBB2", "expression", "excluded"), ("ERBB2", "amplification", "excluded")}


def test_a_positive_header_its_items_define_by_tests_is_the_tests_kinds():
    text = (
        "Inclusion Criteria:\n\n"
        "  1. Adult women >= 18 years of age.\n\n"
        "  2. Histologically confirmed HER2-positive breast cancer:\n\n"
        "       -  Documented HER2 overexpression by local laboratory defined as a score of 3+ by IHC or a ratio of\n"
        "          >= 2.0 by ISH.\n\n"
        "       -  HER2-positive on diagnostic breast biopsy or surgical breast resection sample.\n\n"
        "  3. ECOG performance status <= 2.\n"
    )
    assert _found(text)[0] == {("ERBB2", "expression", "required"), ("ERBB2", "amplification", "required")}


def test_a_positive_header_whose_items_name_no_test_stays_any():
    text = (
        "Inclusion Criteria:\n\n"
        "  1. Histologically confirmed HER2-positive breast cancer:\n\n"
        "       -  Metastatic or locally advanced disease.\n\n"
        "       -  Prior trastuzumab and a taxane.\n\n"
        "  2. ECOG performance status <= 2.\n"
    )
    assert _found(text)[0] == {("ERBB2", "any", "required")}


def test_items_a_lone_or_line_joins_are_alternatives_so_a_marker_of_one_is_no_requirement():
    text = (
        "INCLUSION CRITERIA:\n\nA woman must:\n\nBe at least 25 years of age.\n\nMust be:\n\n"
        "A known BRCA1 or BRCA2 deleterious mutation carrier\n\nOR\n\n"
        "A first- or second- degree relative of an individual known to carry a deleterious BRCA1 or BRCA2 mutation\n\n"
        "OR\n\nA first- or second- degree relative of an individual with breast cancer in a family with a known "
        "BRCA mutation.\n\nHave an ECOG performance status of 0-1.\n"
    )
    certain, unsure = _found(text)
    assert not certain
    assert {gene for gene, *_ in unsure} == {"BRCA1", "BRCA2"}


def test_a_marker_every_item_a_lone_or_line_joins_states_stays_a_requirement():
    text = (
        "Inclusion Criteria:\n\nMetastatic NSCLC with an EGFR exon 19 deletion\n\nOR\n\n"
        "Metastatic NSCLC with an EGFR L858R mutation\n\nECOG 0-1\n"
    )
    assert _found(text)[0] == {("EGFR", "mutation", "required")}


@pytest.mark.parametrize(
    "line",
    [
        "Pathologically confirmed: non-small cell lung cancer, breast cancer (HER2 positive or triple negative), or "
        "pancreatic adenocarcinoma",
        "Metastatic breast cancer, HER2-positive or triple-negative",
        "Triple negative or HER2 positive metastatic breast cancer",
    ],
)
def test_a_receptor_profile_offered_beside_another_status_is_one_alternative(line):
    certain, unsure = _found(f"Inclusion Criteria:\n1. {line}\n2. ECOG 0-1\n")
    assert not certain
    assert {gene for gene, *_ in unsure} >= {"ESR1", "PGR", "ERBB2"}


def test_a_receptor_profile_alone_stays_a_requirement():
    text = "Inclusion Criteria:\n1. Metastatic triple negative breast cancer\n2. ECOG 0-1\n"
    assert _found(text)[0] == {
        ("ESR1", "expression", "excluded"), ("PGR", "expression", "excluded"), ("ERBB2", "any", "excluded")
    }
