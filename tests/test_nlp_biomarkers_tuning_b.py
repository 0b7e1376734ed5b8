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
