"""Classes found by the unlabelled-trial audit of issue 13 (audit13q). Registry-style sentences written for these
tests."""

from __future__ import annotations

import pytest

from nlp.extract import extract_text


def _facts(text: str) -> set[tuple[str, str, str]]:
    return {(b.gene, b.alteration, b.polarity) for b in extract_text(text).biomarkers}


@pytest.mark.parametrize("gene", ["PTEN"])
def test_an_alteration_named_after_another_marker_is_that_markers_own(gene):
    name = "p16" if gene == "CDKN2A" else gene
    text = f"Inclusion Criteria:\n- CCND1 amplification and/or loss of {name} as determined by the central laboratory\n"
    facts = _facts(text)
    assert (gene, "deletion", "required") in facts
    assert (gene, "amplification", "required") not in facts


def test_two_alterations_joined_before_a_gene_both_apply():
    facts = _facts("Inclusion Criteria:\n- Documented activating mutation or amplification of MET in tumour tissue\n")
    assert {("MET", "mutation", "required"), ("MET", "amplification", "required")} <= facts
