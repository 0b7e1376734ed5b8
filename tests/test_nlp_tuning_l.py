"""Classes found by the tenth tuning set labelled blind, `bench/own_dev_l.jsonl` (issue 13), each on sentences
written here in the shape of registry text."""

from __future__ import annotations

import pytest

from nlp.sections import split_criteria
from tests.test_nlp_age_tuning_h import window
from tests.test_nlp_biomarkers_tuning_g import _found

PDGF_RECEPTOR = {("PDGFRA", "expression", "required"), ("PDGFRB", "expression", "required")}


@pytest.mark.parametrize(
    "line",
    [
        "Documented expression of CD117 (c-kit) or platelet-derived growth factor receptor",
        "Tumor must express the platelet derived growth factor receptor by immunohistochemistry",
        "Immunohistochemical evidence of Platelet-Derived Growth Factor Receptor expression",
    ],
)
def test_the_pdgf_receptor_written_out_is_the_pdgfr_family(line):
    found = _found(f"Inclusion Criteria:\n- Metastatic breast cancer\n- {line}\n- ECOG 0-2\n")[0]
    assert PDGF_RECEPTOR <= found


@pytest.mark.parametrize(
    "line",
    [
        "Platelet-derived growth factor receptor alpha (PDGFRA) mutation",
        "platelet-derived growth factor receptor alpha mutation",
    ],
)
def test_a_pdgf_receptor_written_out_with_its_letter_is_that_gene(line):
    assert _found(f"Inclusion Criteria:\n- GIST with a {line}\n")[0] == {("PDGFRA", "mutation", "required")}


@pytest.mark.parametrize(
    "line",
    [
        "Patients must have rearrangement involving the MLL gene by FISH OR partial tandem duplication (PTD) of MLL "
        "by PCR or NGS.",
        "KMT2A rearrangement or KMT2A partial tandem duplication",
        "MLL-rearranged or MLL-PTD acute myeloid leukemia",
    ],
)
def test_a_partial_tandem_duplication_is_a_mutation_beside_the_rearrangement(line):
    found = _found(f"Inclusion Criteria:\n- Relapsed AML\n- {line}\n")[0]
    assert found == {("KMT2A", "fusion", "required"), ("KMT2A", "mutation", "required")}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Patients must have partial tandem duplication (PTD) of MLL by PCR", ("KMT2A", "mutation", "required")),
        ("NSCLC with copy number gain (amplification) of MET by FISH", ("MET", "amplification", "required")),
    ],
)
def test_an_alteration_restated_in_brackets_before_of_its_gene_is_that_genes(line, expected):
    assert _found(f"Inclusion Criteria:\n- {line}\n")[0] == {expected}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Patients must have rearrangement involving the MLL gene by FISH, cytogenetic analysis,\n"
         "     polymerase chain reaction (PCR) or next-generation sequencing (NGS) OR partial\n"
         "     tandem duplication (PTD) of MLL by PCR or NGS.", ("KMT2A", "mutation", "required")),
        ("Documented expression of CD117 (c-kit) or platelet-derived growth\n    factor receptor",
         ("PDGFRA", "expression", "required")),
    ],
)
def test_a_multi_word_alteration_or_family_name_hard_wrapped_in_its_criterion_is_read(line, expected):
    assert expected in _found(f"Inclusion Criteria:\n- {line}\n")[0]


def test_a_partial_tandem_duplication_alone_is_a_mutation():
    text = "Exclusion Criteria:\n- Known MLL partial tandem duplication\n"
    assert _found(text)[0] == {("KMT2A", "mutation", "excluded")}


@pytest.mark.parametrize(
    "line",
    [
        "Known percentage of Ki67-positive tumor cells within pre-treatment sample or possibility of local "
        "assessment.",
        "Known proportion of PD-L1 positive tumour cells (any value)",
    ],
)
def test_a_known_share_of_marker_positive_cells_asks_for_the_value_not_the_status(line):
    text = f"Inclusion Criteria:\n- HR-positive breast cancer, HER2-negative\n- {line}\n- ECOG 0-1\n"
    genes = {gene for gene, _, _ in _found(text)[0]}
    assert genes & {"MKI67", "CD274"} == set()


def test_a_required_share_of_marker_positive_cells_still_asks_for_the_marker():
    text = "Inclusion Criteria:\n- PD-L1 expression in at least 1% of tumor cells\n"
    assert ("CD274", "expression", "required") in _found(text)[0]


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("Inclusion Criteria:\n1. AML\n2. Unfit, based on one of the following:\n\n   I. Age >= 75 years, or\n\n"
         "   II. Age < 75 years with a co-morbidity\n\n   III. ECOG 2\n",
         ["AML", "Unfit, based on one of the following:", "Age >= 75 years, or", "Age < 75 years with a co-morbidity",
          "ECOG 2"]),
        ("Exclusion Criteria:\n  IV. Prior stem cell transplant\n  V. Active infection\n",
         ["Prior stem cell transplant", "Active infection"]),
    ],
)
def test_an_upper_case_roman_numeral_opens_an_item(text, items):
    assert [t for _, _, t in ((s, e, text[s:e].strip()) for s, e, _ in split_criteria(text))] == items


@pytest.mark.parametrize(
    "text",
    [
        "Inclusion Criteria:\n- Locally advanced or metastatic (American Joint Committee on Cancer [AJCC] stage\n"
        "  IV) disease\n",
        "Exclusion Criteria:\n- Clinically significant cardiac disease (New York Heart Association, Class III or\n"
        "  IV) including arrhythmia\n",
    ],
)
def test_an_upper_case_roman_numeral_closing_a_wrapped_bracket_opens_no_item(text):
    assert len(split_criteria(text)) == 1


def test_age_bounds_of_alternatives_under_roman_numerals_are_no_limit():
    text = (
        "Inclusion Criteria:\n\n          1. Male or female patient >= 18 years of age with newly diagnosed AML\n\n"
        "          2. Unable to receive intensive chemotherapy regimens at enrollment, based on one of the\n"
        "             following:\n\n             I. Age >= 75 years, or\n\n"
        "             II. Age < 75 years with at least 1 of the following co-morbidities:\n\n"
        "               1. An ECOG performance status of 2\n\n          3. ECOG performance status <= 2\n"
    )
    assert window(text) == (18, None)
