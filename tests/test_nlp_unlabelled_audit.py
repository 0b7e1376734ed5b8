"""Classes found by the unlabelled-trial audit of issue 13: sentences naming a tumour marker that gave no
biomarker. Old symbols and aliases written in casings the gene vocabulary lacked ("C-kit", "k-ras", "c-myc"), "EGF
receptor", and p16 (CDKN2A, read by IHC) were not genes at all. Registry-style sentences written for these tests."""

from __future__ import annotations

import pytest

from nlp.extract import extract_text


def _facts(text: str) -> set[tuple[str, str, str]]:
    return {(b.gene, b.alteration, b.polarity) for b in extract_text(text).biomarkers}


@pytest.mark.parametrize(
    ("line", "fact"),
    [
        ("Histologically confirmed gastrointestinal stromal tumour, C-kit positive", ("KIT", "any", "required")),
        ("Metastatic colorectal cancer with a documented k-ras mutation in the primary tumour",
         ("KRAS", "mutation", "required")),
        ("Tumour must show c-myc amplification by FISH", ("MYC", "amplification", "required")),
        ("Tumour tissue must show EGF receptor expression by immunohistochemistry",
         ("EGFR", "expression", "required")),
        ("Squamous cell carcinoma of the oropharynx, p16 positive by immunohistochemistry",
         ("CDKN2A", "expression", "required")),
        ("p16INK4a-positive oropharyngeal squamous cell carcinoma", ("CDKN2A", "expression", "required")),
        ("Known c-met overexpression (IHC 2+ or 3+)", ("MET", "expression", "required")),
    ],
)
def test_old_symbols_and_aliases_in_any_casing_name_their_gene(line, fact):
    assert fact in _facts(f"Inclusion Criteria:\n- {line}\n")


def test_p16_excluded_in_an_exclusion():
    text = "Inclusion Criteria:\n- Oropharyngeal squamous cell carcinoma\nExclusion Criteria:\n- p16-positive tumours\n"
    assert ("CDKN2A", "expression", "excluded") in _facts(text)


@pytest.mark.parametrize(
    "line",
    [
        "Squamous cell carcinoma of the oral cavity, oropharynx (p16 negative), hypopharynx or larynx",
        "Resected high-risk squamous cell carcinoma of the oral cavity, oropharynx (p16-negative), larynx, or "
        "hypopharynx within 8 weeks of registration",
        "Metastatic colorectal cancer, gastric cancer (HER2-positive), or pancreatic adenocarcinoma",
    ],
)
def test_a_marker_in_brackets_after_one_item_of_a_list_of_alternatives_belongs_to_that_item(line):
    facts = extract_text(f"Inclusion Criteria:\n- {line}\n")
    assert not facts.biomarkers
    assert [u.reason for u in facts.uncertain if u.biomarker is not None] == ["cohort"]


def test_a_marker_in_brackets_of_the_only_disease_is_asked_of_all():
    text = "Inclusion Criteria:\n- Metastatic breast cancer (HER2-negative), with measurable disease, and ECOG 0-1\n"
    assert ("ERBB2", "any", "excluded") in _facts(text)


def test_criteria_repeating_one_cohort_label_name_one_cohort_not_every_cohort():
    text = (
        "Inclusion Criteria:\n"
        "- Squamous cell carcinoma of the oral cavity, oropharynx, hypopharynx or larynx\n"
        "- For patients with oropharyngeal cancer only: p16 testing will be done locally; p16 negative tumours "
        "are sent for central review\n"
        "- For patients with oropharyngeal cancer only: p16 negative, confirmed by central pathology review\n"
    )
    facts = extract_text(text)
    assert not facts.biomarkers
    assert {(u.reason, u.biomarker.gene) for u in facts.uncertain if u.biomarker} == {("cohort", "CDKN2A")}


def test_a_marker_every_different_cohort_label_states_is_asked_of_all():
    text = (
        "Inclusion Criteria:\n"
        "- Cohort A: HER2-positive breast cancer after trastuzumab\n"
        "- Cohort B: HER2-positive gastric cancer after one prior line\n"
    )
    assert ("ERBB2", "any", "required") in _facts(text)


@pytest.mark.parametrize("gene", ["PTEN", "CDKN2A"])
def test_an_alteration_named_after_another_marker_is_that_markers_own(gene):
    name = "p16" if gene == "CDKN2A" else gene
    text = f"Inclusion Criteria:\n- CCND1 amplification and/or loss of {name} as determined by the central laboratory\n"
    facts = _facts(text)
    assert (gene, "deletion", "required") in facts
    assert (gene, "amplification", "required") not in facts


def test_two_alterations_joined_before_a_gene_both_apply():
    facts = _facts("Inclusion Criteria:\n- Documented activating mutation or amplification of MET in tumour tissue\n")
    assert {("MET", "mutation", "required"), ("MET", "amplification", "required")} <= facts
