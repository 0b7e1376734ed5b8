"""Biomarker classes found by the tuning set of ids ending in 8, `bench/own_dev_f.jsonl` (issue 13), each on
sentences written here."""

from __future__ import annotations

import pytest

from nlp.extract import extract_text
from tests.test_nlp_biomarkers import facts


@pytest.mark.parametrize("name", ["K/NRAS", "K/N-RAS"])
def test_a_slash_pair_of_ras_genes_names_those_two_not_the_whole_family(name):
    text = f"Inclusion Criteria:\n- Metastatic colorectal cancer\n- {name} wild-type tumour\n- ECOG 0-1\n"
    assert {(b.gene, b.alteration, b.polarity) for b in facts(text)} == {
        ("KRAS", "mutation", "excluded"),
        ("NRAS", "mutation", "excluded"),
    }


def _uncertain(text: str) -> set[tuple[str, str, str]]:
    return {(u.reason, u.biomarker.gene, u.biomarker.polarity) for u in extract_text(text).uncertain if u.biomarker}


RISK_LIST = (
    "Inclusion Criteria:\n\nWomen at increased risk of ovarian cancer by at least one of the following criteria:\n\n"
    "Two or more first-degree relatives diagnosed with ovarian cancer.\n\n"
    "Breast cancer diagnosed before age 40.\n\n"
    "Ashkenazi Jewish ancestry with one relative diagnosed with breast cancer.\n\n"
    "{item}\n\n"
    "{after}\n\n"
    "No prior bilateral oophorectomy.\n"
)


def test_a_marker_item_deep_in_a_flat_list_of_alternatives_is_one_alternative_only():
    text = RISK_LIST.format(item="Carrier of a deleterious BRCA2 mutation.", after="Hysterectomy allowed.")
    assert facts(text) == []
    assert _uncertain(text) == {("either", "BRCA2", "required")}


def test_an_item_that_asks_its_own_requirement_ends_a_flat_list_of_alternatives():
    text = RISK_LIST.format(
        item="Patients must have an ECOG performance status of 0 or 1.", after="HER2-negative tumour."
    )
    assert {(b.gene, b.alteration, b.polarity) for b in facts(text)} == {("ERBB2", "any", "excluded")}


@pytest.mark.parametrize(
    "line",
    [
        "MET amplification and KRAS wild-type status for colorectal cancer patients only",
        "KRAS wild-type tumour in colorectal cancer patients only",
    ],
)
def test_a_marker_asked_of_the_patients_with_one_cancer_only_is_conditional(line):
    text = f"Inclusion Criteria:\n- Metastatic colorectal or gastric cancer\n- {line}\n- ECOG 0-1\n"
    assert {(b.gene, b.polarity) for b in facts(text)} <= {("MET", "required")}
    assert ("conditional", "KRAS", "excluded") in _uncertain(text)


def test_only_the_marker_right_before_the_patients_it_is_asked_of_is_conditional():
    line = "MET amplification and KRAS wild-type status for colorectal cancer patients only"
    text = f"Inclusion Criteria:\n- Metastatic colorectal or gastric cancer\n- {line}\n- ECOG 0-1\n"
    assert {(b.gene, b.alteration, b.polarity) for b in facts(text)} == {("MET", "amplification", "required")}


def test_a_marker_that_names_the_patients_before_only_stays_required():
    text = "Inclusion Criteria:\n- Metastatic colorectal cancer, KRAS wild-type patients only\n- ECOG 0-1\n"
    assert {(b.gene, b.alteration, b.polarity) for b in facts(text)} == {("KRAS", "mutation", "excluded")}
