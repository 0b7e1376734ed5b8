"""Biomarker classes found by the tuning set of ids ending in 8, `bench/own_dev_f.jsonl` (issue 13), each on
sentences written here."""

from __future__ import annotations

import pytest

from tests.test_nlp_biomarkers import facts


@pytest.mark.parametrize("name", ["K/NRAS", "K/N-RAS"])
def test_a_slash_pair_of_ras_genes_names_those_two_not_the_whole_family(name):
    text = f"Inclusion Criteria:\n- Metastatic colorectal cancer\n- {name} wild-type tumour\n- ECOG 0-1\n"
    assert {(b.gene, b.alteration, b.polarity) for b in facts(text)} == {
        ("KRAS", "mutation", "excluded"),
        ("NRAS", "mutation", "excluded"),
    }
