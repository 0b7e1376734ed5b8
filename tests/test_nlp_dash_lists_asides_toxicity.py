"""Extraction classes earlier stops saw on real records and left open (issue 13, second round): inline dash lists
of legacy texts, test-defined alternatives of one marker, either/or measurement limits, toxicities after a drug
and allowances far from their drug. Sentences written in registry style."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.loaders import iter_source
from nlp.extract import extract_study, extract_text

CTGOV = Path(__file__).resolve().parents[1].parent / "shared" / "ctgov"


def _facts(section: str, line: str):
    return extract_text(f"{section} Criteria:\n* {line}\n")


def _markers(found) -> set[tuple[str, str | None, str]]:
    return {(b.gene, b.variant, b.polarity) for b in found.biomarkers}


@pytest.mark.parametrize(
    "line",
    [
        "Absence of the following cytogenetic abnormalities: - t(1;19) - t(9;22) - t(4;11)",
        "No adverse cytogenetics, defined as any of the following: - t(1;19) - t(4;11) - t(9;22)",
    ],
)
def test_every_item_of_an_inline_dash_list_takes_the_polarity_of_its_negated_lead_in(line):
    found = _markers(_facts("Inclusion", line))
    assert ("BCR", "BCR-ABL1", "excluded") in found
    assert ("KMT2A", "KMT2A-AFF1", "excluded") in found
    assert not {p for *_, p in found} - {"excluded"}


def test_the_items_of_an_inline_dash_list_of_alternatives_are_one_any_of_group():
    found = _facts("Inclusion", "High-risk ALL in first remission with any of the following: - t(4;11) - t(9;22) "
                                "- hypodiploidy (fewer than 44 chromosomes)").biomarkers
    assert {b.variant for b in found} == {"KMT2A-AFF1", "BCR-ABL1"}
    assert {b.polarity for b in found} == {"required"}
    assert len({b.any_of for b in found}) == 1 and found[0].any_of is not None


def test_a_negation_inside_one_dash_item_stays_in_that_item():
    found = _markers(_facts("Inclusion", "Absence of the following: - t(9;22) - Must have t(4;11) on karyotype"))
    assert ("BCR", "BCR-ABL1", "excluded") in found
    assert ("KMT2A", "KMT2A-AFF1", "required") in found


@pytest.mark.parametrize(
    "line",
    [
        "HER2-positive breast cancer, defined as amplification of the HER2 gene or IHC 3+",
        "Amplification of HER2 or IHC 3+",
        "Amplification of HER2 by FISH or 3+ by immunohistochemistry",
        "HER2 gene amplification or 3+ by immunohistochemistry",
    ],
)
def test_a_marker_defined_by_alternative_tests_is_one_group_of_amplification_or_expression(line):
    found = _facts("Inclusion", line).biomarkers
    assert {(b.gene, b.alteration, b.polarity) for b in found} == {
        ("ERBB2", "amplification", "required"), ("ERBB2", "expression", "required")}
    assert len({b.any_of for b in found}) == 1 and found[0].any_of is not None


def test_the_copies_an_amplification_alternative_gives_stay_with_it():
    found = _facts("Inclusion", "Amplification of the HER2 gene (more than 6 copies) or IHC 3+").biomarkers
    assert {(b.alteration, b.min_copies) for b in found} == {("amplification", 6.0), ("expression", None)}
    assert len({b.any_of for b in found}) == 1


def test_markers_of_a_relative_clause_describing_what_no_denies_are_excluded():
    found = _markers(_facts("Inclusion", "No mantle cell lymphoma, including B-cell lymphomas that are CD5 positive "
                                         "or have t(11;14)"))
    assert ("CD5", None, "excluded") in found
    assert ("CCND1", "IGH-CCND1", "excluded") in found
    assert not {p for *_, p in found} - {"excluded"}


def test_a_no_that_opens_a_run_in_item_of_a_legacy_text_denies_its_relative_clause():
    found = _markers(_facts("Inclusion", "Diffuse large B-cell lymphoma OR Anaplastic large cell lymphoma No mantle "
                                         "cell lymphomas including B-cell lymphomas that are CD5+, have t(11;14), or "
                                         "express markers of mantle cell lymphoma No low-grade lymphoma"))
    assert ("CD5", None, "excluded") in found
    assert ("CCND1", "IGH-CCND1", "excluded") in found


@pytest.mark.parametrize(
    ("section", "line"),
    [
        ("Inclusion", "Patients who are likely to benefit from allogeneic transplantation (i.e., age < 60 years with "
                      "an HLA-matched donor) should be excluded from this study unless such therapy is not feasible"),
        ("Exclusion", "Candidates for intensive chemotherapy (i.e., under 60 years of age with normal organ function)"),
        ("Inclusion", "Not a candidate for intensive induction (i.e., age 60 or older, or younger with comorbidities)"),
    ],
)
def test_an_age_an_i_e_aside_gives_with_another_condition_of_its_group_is_no_age_limit(section, line):
    age = _facts(section, line).age
    assert (age.min_years, age.max_years) == (None, None)


@pytest.mark.parametrize(
    ("line", "window"),
    [
        ("Older patients (i.e., age 65 years or older)", (65.0, None)),
        ("Elderly patients (i.e., >= 60 years of age) and unfit for chemotherapy", (60.0, None)),
    ],
)
def test_an_i_e_aside_that_is_only_an_age_stays_the_age_limit(line, window):
    age = _facts("Inclusion", line).age
    assert (age.min_years, age.max_years) == window


def test_the_record_whose_aside_defines_transplant_candidates_keeps_the_registry_window():
    (loaded,) = iter_source(CTGOV / "legacy-xml" / "NCT00005064.xml")
    assert loaded.study is not None
    age = extract_study(loaded.study).age
    assert (age.min_years, age.max_years) == (18.0, None)


def _labs(found) -> tuple[set[tuple], set[tuple]]:
    rules = {(lab.analyte, lab.comparator, lab.value) for lab in found.labs}
    either = {u.lab.analyte for u in found.uncertain if u.kind == "lab" and u.reason == "either" and u.lab}
    return rules, either


@pytest.mark.parametrize(
    "line",
    [
        "Shortening fraction >= 27% OR LVEF > 50%",
        "Cardiac: Shortening fraction of at least 28% by echocardiogram OR ejection fraction of at least 50% by MUGA",
    ],
)
def test_a_limit_on_one_of_two_measurements_is_no_certain_limit_on_either(line):
    rules, either = _labs(_facts("Inclusion", line))
    assert not rules
    assert either == {"shortening_fraction", "lvef"}


@pytest.mark.parametrize("line", ["LVEF >= 50% by ECHO or MUGA", "LVEF >= 50% by echocardiogram or MUGA scan"])
def test_a_limit_measured_by_one_of_two_methods_stays_one_limit(line):
    rules, either = _labs(_facts("Inclusion", line))
    assert rules == {("lvef", ">=", 50.0)}
    assert not either


def _therapies(found) -> set[tuple[str, str]]:
    return {(t.drug_or_class, t.polarity) for t in found.prior_therapies}


@pytest.mark.parametrize(
    ("section", "line", "drug"),
    [
        ("Inclusion", "No grade 3 neuropathy after prior taxane", "taxane"),
        ("Exclusion", "Grade 3 or greater neuropathy after prior taxane therapy", "taxane"),
        ("Exclusion", "Grade 2 or greater diarrhea due to prior irinotecan", "irinotecan"),
    ],
)
def test_a_toxicity_after_a_drug_is_no_exclusion_of_the_drug(section, line, drug):
    assert drug not in {name for name, _ in _therapies(_facts(section, line))}


@pytest.mark.parametrize(
    ("section", "line"),
    [
        ("Exclusion", "Progression on or after prior taxane therapy"),
        ("Exclusion", "Patients with neuropathy and prior taxane"),
    ],
)
def test_a_drug_after_progression_or_beside_a_condition_stays_excluded(section, line):
    assert ("taxane", "excluded") in _therapies(_facts(section, line))


@pytest.mark.parametrize(
    ("text", "others"),
    [
        ("Inclusion Criteria:\n* No prior chemotherapy or trastuzumab. Prior trastuzumab allowed\n",
         {("chemotherapy", "excluded")}),
        ("Inclusion Criteria:\n* No prior lapatinib or trastuzumab for metastatic disease\n"
         "* Prior adjuvant trastuzumab allowed\n", {("lapatinib", "excluded")}),
        ("Exclusion Criteria:\n* Prior treatment with chemotherapy, lapatinib, or trastuzumab\n"
         "* Prior trastuzumab allowed\n", {("chemotherapy", "excluded"), ("lapatinib", "excluded")}),
    ],
)
def test_an_allowance_far_from_its_drug_lifts_that_drugs_exclusion_only(text, others):
    found = extract_text(text)
    assert _therapies(found) == others
    assert "trastuzumab" in {u.therapy.drug_or_class for u in found.uncertain if u.therapy}


def test_an_allowance_of_another_drug_lifts_nothing():
    found = extract_text("Inclusion Criteria:\n* No prior lapatinib\n* Prior tamoxifen allowed\n")
    assert _therapies(found) == {("lapatinib", "excluded")}
