"""Biomarker classes found by the second tuning set `bench/own_dev_b.jsonl` (issue 13), each on sentences written
here."""

from __future__ import annotations

from nlp.extract import extract_text
from tests.test_nlp_biomarkers import inclusion, triples


def _uncertain(text: str) -> set[tuple[str, str, str]]:
    return {(u.reason, u.biomarker.gene, u.biomarker.alteration) for u in extract_text(text).uncertain if u.biomarker}


def test_an_in_situ_hybridisation_written_with_its_positive_sign_reads_as_amplification():
    text = inclusion("HER2-positive tumour defined as either IHC 3+ or IHC 2+, the latter in combination with ISH+")
    assert triples(text) == {("ERBB2", "expression", "required"), ("ERBB2", "amplification", "required")}
    text = inclusion("HER2-positive gastric cancer, that is IHC 3+, or IHC 2+ together with a SISH+ result")
    assert triples(text) == {("ERBB2", "expression", "required"), ("ERBB2", "amplification", "required")}


def test_a_clause_opening_with_a_named_cohort_puts_its_markers_in_that_cohort_only():
    text = inclusion(
        "Breast or other cancers with brain metastases are eligible for the Phase 1 study only; for Phase 2, "
        "patients must have estrogen receptor negative breast cancer"
    )
    assert triples(text) == set() and _uncertain(text) == {("cohort", "ESR1", "expression")}
    text = inclusion("Any solid tumour is eligible in Part 1; in Part B, patients must have an EGFR mutation")
    assert triples(text) == set() and _uncertain(text) == {("cohort", "EGFR", "mutation")}
    assert triples(inclusion("Metastatic NSCLC with an EGFR mutation; for Phase 2, measurable disease")) == {
        ("EGFR", "mutation", "required")
    }
    assert triples(inclusion("Metastatic NSCLC; for all parts, documented ALK rearrangement")) == {
        ("ALK", "fusion", "required")
    }
