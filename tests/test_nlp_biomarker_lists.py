"""Biomarker classes an audit of issue 13 left open: a verb of expression before a list whose last item names its
own alteration, a list of alternatives each carrying its own bracketed marker, and a staining score written before
the gene. Registry-style sentences written for these tests."""

from __future__ import annotations

import pytest

from nlp.extract import extract_text


def _facts(text: str) -> set[tuple[str, str, str]]:
    return {(b.gene, b.alteration, b.polarity) for b in extract_text(text).biomarkers}


@pytest.mark.parametrize(
    ("line", "expressed", "last"),
    [
        ("Patients whose tumors express ER, PR or HER2/neu gene amplification", {"ESR1", "PGR"},
         ("ERBB2", "amplification")),
        ("Tumours expressing ER or PR, or with HER2 amplification", {"ESR1", "PGR"}, ("ERBB2", "amplification")),
        ("Cancers that express PD-L1, or EGFR mutation", {"CD274"}, ("EGFR", "mutation")),
    ],
)
def test_an_alteration_after_the_last_item_of_an_expressed_list_is_that_items_own(line, expressed, last):
    facts = _facts(f"Exclusion Criteria:\n\n1. {line}\n")
    assert {(gene, "expression", "excluded") for gene in expressed} | {(*last, "excluded")} == facts


def test_an_expressed_list_with_one_alteration_for_all_stays_shared():
    facts = _facts("Inclusion Criteria:\n\n1. Tumours must express ER or PR overexpression by IHC\n")
    assert facts == {("ESR1", "expression", "required"), ("PGR", "expression", "required")}


@pytest.mark.parametrize(
    "line",
    [
        "NSCLC (EGFR mutation), melanoma (BRAF V600E), or colorectal cancer (KRAS wild-type)",
        "Advanced breast cancer (HER2-positive), gastric cancer (HER2 amplification) or biliary tract cancer "
        "(FGFR2 fusion)",
        "Solid tumours of the following types: lung cancer (ALK rearrangement), thyroid cancer (RET fusion), or "
        "cholangiocarcinoma (IDH1 mutation)",
    ],
)
def test_markers_in_brackets_after_every_item_of_a_list_of_alternatives_are_each_items_own(line):
    facts = extract_text(f"Inclusion Criteria:\n- {line}\n")
    assert not facts.biomarkers
    reasons = [u.reason for u in facts.uncertain if u.biomarker is not None]
    assert len(reasons) >= 3 and set(reasons) == {"cohort"}


def test_a_marker_in_brackets_before_the_or_of_a_list_belongs_to_its_item():
    line = "Squamous cell carcinoma of the oral cavity, oropharynx (p16 negative) or larynx"
    facts = extract_text(f"Inclusion Criteria:\n- {line}\n")
    assert not facts.biomarkers
    assert [u.reason for u in facts.uncertain if u.biomarker is not None] == ["cohort"]


@pytest.mark.parametrize(
    ("section", "line", "polarity"),
    [
        ("Inclusion", "Tumours that are 3+ by HER2 IHC", "required"),
        ("Inclusion", "Tumour 2+ or 3+ by HER2 immunohistochemistry", "required"),
        ("Exclusion", "Tumours that are 3+ by HER2 immunohistochemistry", "excluded"),
        ("Inclusion", "Tumours scoring 3+ by HER2 IHC staining", "required"),
    ],
)
def test_a_staining_score_written_before_the_gene_is_its_expression(section, line, polarity):
    assert ("ERBB2", "expression", polarity) in _facts(f"{section} Criteria:\n- {line}\n")


def test_a_negative_score_before_the_gene_states_no_expression():
    assert ("ERBB2", "expression", "required") not in _facts("Inclusion Criteria:\n- Tumours 0 or 1+ by HER2 IHC\n")
