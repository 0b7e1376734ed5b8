"""Biomarker classes found by the tuning set of ids ending in 0 labelled blind, `bench/own_dev_i.jsonl` (issue 13),
each on sentences written here and on real criteria of `../shared/ctgov` and `../shared/corpus`."""

from __future__ import annotations

import pytest

from nlp.biomarkers.relations import words_outside_brackets
from nlp.extract import extract_text
from nlp.pipeline import get_nlp
from tests.test_nlp_biomarkers_tuning_g import _found

FAVOURABLE = {
    ("PML", "fusion", "excluded"), ("RARA", "fusion", "excluded"),
    ("CBFB", "fusion", "excluded"), ("MYH11", "fusion", "excluded"),
    ("RUNX1", "fusion", "excluded"), ("RUNX1T1", "fusion", "excluded"),
}


@pytest.mark.parametrize(
    "line",
    [
        # ../shared/ctgov/legacy-xml (a PDQ "DISEASE CHARACTERISTICS" list, read as inclusion)
        "No favorable cytogenetic parameters (e.g., t(15;17), inv(16), or t(8;21))",
        "No good-risk karyotype (for example t(15;17), inv(16) or t(8;21))",
        "Without favourable cytogenetics (i.e., t(8;21), t(15;17), inv(16))",
    ],
)
def test_a_negation_reaches_every_karyotype_of_the_bracket_after_it(line):
    text = f"Inclusion Criteria:\n- Acute myeloid leukaemia in first remission\n- {line}\n- ECOG 0-2\n"
    assert _found(text)[0] == FAVOURABLE


def test_a_karyotype_token_glued_to_its_bracket_opens_it_for_the_bracket_count():
    doc = get_nlp().make_doc("No favorable cytogenetics (e.g., t(15;17), inv(16), or t(8;21))")
    start = [t.text for t in doc].index("cytogenetics")
    end = [t.text for t in doc].index("t(8;21")
    assert words_outside_brackets(doc, start, end) == (1, 1)


@pytest.mark.parametrize(
    "line",
    [
        # ../shared/corpus/eligibility-texts.jsonl
        "AML not candidates for standard chemotherapy, excluding subjects with acute promyelocytic leukemia (APL) or "
        "with favorable cytogenetic abnormalities [inv16, t(8;21)].",
        "No core-binding factor AML (inv 16 or t(8;21))",
        "No AML with Inv16 or t(8;21)",
    ],
)
def test_inversion_16_written_without_its_bracket_is_the_cbfb_myh11_fusion(line):
    text = f"Inclusion Criteria:\n- {line}\n- ECOG 0-2\n"
    assert _found(text)[0] == {
        ("CBFB", "fusion", "excluded"), ("MYH11", "fusion", "excluded"),
        ("RUNX1", "fusion", "excluded"), ("RUNX1T1", "fusion", "excluded"),
    }


@pytest.mark.parametrize("line", ["No AML with t(16;16)", "No AML with inv(16) or t(16;16)"])
def test_translocation_16_16_is_the_cbfb_myh11_fusion(line):
    text = f"Inclusion Criteria:\n- {line}\n- ECOG 0-2\n"
    assert _found(text)[0] == {("CBFB", "fusion", "excluded"), ("MYH11", "fusion", "excluded")}


PDGF_RECEPTORS = {("PDGFRA", "expression", "required"), ("PDGFRB", "expression", "required")}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # ../shared/corpus/eligibility-texts.jsonl
        ("Immunohistochemical documentation of c-kit (CD117) and PDGF-R overexpression by tumor if obtainable "
         "(preferably on a tumor sample taken within 6 weeks of study entry)",
         {("KIT", "expression", "required")} | PDGF_RECEPTORS),
        ("Tumour overexpressing PDGFR by immunohistochemistry", PDGF_RECEPTORS),
    ],
)
def test_the_pdgf_receptor_named_without_its_letter_is_both_receptors(line, expected):
    text = f"Inclusion Criteria:\n- Unresectable gastric cancer\n- {line}\n- ECOG 0-2\n"
    assert _found(text)[0] == expected


def test_a_pdgfr_inhibitor_is_a_drug_not_a_marker():
    text = "Exclusion Criteria:\n- Prior treatment with a VEGFR or PDGFR inhibitor\n"
    assert _found(text) == (set(), set())


def test_a_closing_bracket_glued_to_a_colon_is_not_counted_as_a_karyotypes_is():
    # ../shared/corpus/eligibility-texts.jsonl: the glued "):" closes no bracket for the negation that follows it
    text = (
        "Inclusion Criteria:\n\n  -  Prior/concurrent therapy:\n\n       -  Chemo: No prior therapy allowed\n\n"
        "       -  Radiation therapy (XRT): No prior therapy allowed\n"
    )
    assert ("radiotherapy", "excluded") in {(p.drug_or_class, p.polarity) for p in extract_text(text).prior_therapies}
