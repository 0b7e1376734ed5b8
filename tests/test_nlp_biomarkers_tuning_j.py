"""Biomarker classes found by the ninth tuning set labelled blind, `bench/own_dev_j.jsonl` (issue 13), each on
sentences written here and on real criteria of `../shared/ctgov` and `../shared/corpus`."""

from __future__ import annotations

import pytest

from tests.test_nlp_biomarkers_tuning_g import _found
from tests.test_nlp_biomarkers_tuning_i import FAVOURABLE


@pytest.mark.parametrize(
    "line",
    [
        # ../shared/corpus/eligibility-texts.jsonl
        "absence of a t(15;17), t(8;21), inv(16)/t(16;16) and the respective fusion\n"
        "                  transcripts PML-RARA, RUNX1-RUNX1T1 and CBFB-MYH11",
        "absence of t(15;17), t(8;21), inv(16) and the fusion transcripts PML-RARA, RUNX1-RUNX1T1 and CBFB-MYH11",
        "No t(15;17), t(8;21) or inv(16) and no fusion transcript PML-RARA, RUNX1-RUNX1T1 or CBFB-MYH11",
    ],
)
def test_the_fusion_transcripts_named_after_their_karyotypes_are_excluded_with_them(line):
    text = (
        "Inclusion Criteria:\n- Newly diagnosed AML aged >= 18 years with the following characteristics:\n"
        f"  - {line}\n  - ECOG 0-2\n"
    )
    assert _found(text)[0] == FAVOURABLE


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("absence of inv(16) and the fusion transcript PML-RARA",
         {("CBFB", "fusion", "excluded"), ("MYH11", "fusion", "excluded"),
          ("PML", "fusion", "excluded"), ("RARA", "fusion", "excluded")}),
        ("ALK mutation or the rearrangement", {("ALK", "mutation", "required"), ("ALK", "fusion", "required")}),
        ("EGFR mutation or ALK fusion", {("EGFR", "mutation", "required"), ("ALK", "fusion", "required")}),
    ],
)
def test_an_alteration_word_before_the_next_gene_is_that_genes(line, expected):
    assert _found(f"Inclusion Criteria:\n- Metastatic cancer with {line}\n- ECOG 0-2\n")[0] == expected
