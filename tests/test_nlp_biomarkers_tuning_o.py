"""Biomarker classes found by the blind tuning set `bench/own_dev_o.jsonl` (issue 13), on criteria written here in
the shape of registry text: a corpus text's flat bullets and a nested list."""

from __future__ import annotations

import pytest

from tests.test_nlp_biomarkers import triples, uncertain

CD20 = ("MS4A1", "expression", "required")
SUBTYPE_MARKERS = {
    ("MYC", "fusion", "required"),
    ("BCL2", "fusion", "required"),
    ("BCL2", "expression", "required"),
}

# the corpus layout: a header naming the subtypes that may enrol, its items at its own indentation, the last of
# them only restating the marker the header asks of every patient
FLAT = """Inclusion Criteria:

          -  Patients with the following subtypes of CD20 positive B-cell lymphoma (at least 30% of cells staining
             by immunohistochemistry) will be eligible:

          -  Diffuse large B-cell lymphoma with MYC and BCL2 rearrangements by FISH

          -  Follicular lymphoma, grade 3B, with BCL2 protein over-expression by IHC

          -  CD20 positive post-transplant lymphoproliferative disorder

          -  Age 18 years or older

        Exclusion Criteria:

          -  Pregnancy
"""

NESTED = """Inclusion Criteria:
- Histologically confirmed CD20 positive lymphoma of one of these subtypes:
    - Diffuse large B-cell lymphoma with MYC and BCL2 rearrangements
    - Follicular lymphoma with BCL2 protein over-expression by IHC
    - CD20 positive marginal zone lymphoma
- ECOG performance status 0-2
Exclusion Criteria:
- Pregnancy
"""


@pytest.mark.parametrize("text", [FLAT, NESTED], ids=["flat", "nested"])
def test_a_subtype_naming_only_the_marker_its_header_asks_of_all_leaves_the_other_subtypes_markers_uncertain(text):
    assert triples(text) == {CD20}
    assert {(gene, alteration, polarity) for _, gene, alteration, polarity in uncertain(text)} >= SUBTYPE_MARKERS


def test_subtypes_that_each_name_a_marker_of_their_own_stay_alternatives():
    text = NESTED.replace("CD20 positive marginal zone lymphoma", "Marginal zone lymphoma with a MYD88 mutation")
    assert SUBTYPE_MARKERS | {CD20, ("MYD88", "mutation", "required")} == triples(text)
