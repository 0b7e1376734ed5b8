"""Biomarker classes found by the tuning set of ids ending in 2, `bench/own_dev_g.jsonl` (issue 13), each on
sentences written here."""

from __future__ import annotations

import pytest

from nlp.extract import extract_text
from tests.test_nlp_biomarkers import facts


def _found(text: str) -> tuple[set[tuple[str, str, str]], set[tuple[str, str, str]]]:
    """(facts, uncertain facts) as (gene, alteration, polarity)."""
    extracted = extract_text(text)
    certain = {(b.gene, b.alteration, b.polarity) for b in extracted.biomarkers}
    unsure = {(u.biomarker.gene, u.biomarker.alteration, u.biomarker.polarity) for u in extracted.uncertain
              if u.biomarker}
    return certain, unsure


@pytest.mark.parametrize(
    "line",
    [
        "Philadelphia chromosome negative and BCR-ABL positive by RT-PCR",
        "Ph chromosome positive OR Ph chromosome negative and bcr/abl positive",
        "Ph-positive, or Ph-negative with molecular evidence of the BCR-ABL rearrangement",
        "t(15;17) negative but PML-RARA positive",
    ],
)
def test_a_karyotype_that_misses_a_fusion_the_molecular_test_finds_leaves_the_fusion_required(line):
    text = f"Inclusion Criteria:\n- Chronic myeloid leukaemia in chronic phase\n- {line}\n- ECOG 0-2\n"
    certain, unsure = _found(text)
    genes = {"t(15;17)": ("PML", "RARA")}.get(line.split()[0], ("BCR", "ABL1"))
    assert certain == {(gene, "fusion", "required") for gene in genes}
    assert not unsure


def test_a_negative_karyotype_alone_still_excludes_the_fusion():
    text = "Inclusion Criteria:\n- Philadelphia chromosome negative acute lymphoblastic leukaemia\n- ECOG 0-2\n"
    assert {(b.gene, b.alteration, b.polarity) for b in facts(text)} == {
        ("BCR", "fusion", "excluded"),
        ("ABL1", "fusion", "excluded"),
    }


def test_a_negative_karyotype_beside_a_negative_molecular_test_excludes_the_fusion():
    text = "Inclusion Criteria:\n- Ph chromosome negative and BCR-ABL negative myeloproliferative neoplasm\n"
    assert {(b.gene, b.alteration, b.polarity) for b in facts(text)} == {
        ("BCR", "fusion", "excluded"),
        ("ABL1", "fusion", "excluded"),
    }


def test_a_definition_of_which_karyotype_counts_as_positive_asks_for_no_fusion():
    text = (
        "Inclusion Criteria:\n- Acute lymphoblastic leukaemia in first remission\n"
        "- Patients found Ph chromosome negative by cytogenetics, but positive for BCR-ABL by PCR are considered "
        "Ph chromosome positive\n- ECOG 0-2\n"
    )
    assert not _found(text)[0]


def test_items_the_reflow_wrote_less_indented_than_their_alternatives_header_are_alternatives():
    text = (
        "DISEASE CHARACTERISTICS:\n"
        "* Histologically confirmed diffuse large B-cell lymphoma\n"
        "  * Relapsed after at least 1 prior regimen\n"
        "  * Meets at least 1 of the following:\n"
        "* Overexpression of BCL2 protein by immunohistochemistry\n"
        "* Serum LDH above normal\n"
        "* Bulky disease (mass at least 10 cm)\n"
        "\nPATIENT CHARACTERISTICS:\n"
        "Age:\n* 18 and over\n"
    )
    certain, unsure = _found(text)
    assert not certain
    assert unsure == {("BCL2", "expression", "required")}


def test_a_criterion_after_a_nested_list_that_offers_no_alternatives_stays_a_requirement():
    text = (
        "Inclusion Criteria:\n"
        "* Histologically confirmed breast cancer\n"
        "  * At least 1 of the following:\n"
        "    * Tumour larger than 2 cm\n"
        "    * Positive axillary nodes\n"
        "* HER2 overexpression by immunohistochemistry\n"
    )
    assert _found(text)[0] == {("ERBB2", "expression", "required")}


def test_a_marker_under_the_one_item_left_visible_of_a_list_of_diagnoses_is_that_diagnosis_only():
    text = (
        "DISEASE CHARACTERISTICS:\n"
        "* One of the following histologically confirmed diagnoses:\n"
        "  * Chronic lymphocytic leukaemia\n"
        "    * Rai stage III or IV\n"
        "    * Leukaemic cells expressing CD20 and CD23\n"
        "= Binet stage B or C\n"
        "* Measurable disease\n"
    )
    certain, unsure = _found(text)
    assert not certain
    assert unsure == {("MS4A1", "expression", "required"), ("FCER2", "expression", "required")}


@pytest.mark.parametrize(
    ("disease", "expected"),
    [
        (
            "Histologically confirmed B-cell malignancy of one of the following types: Follicular lymphoma grade 1 "
            "or 2 Small lymphocytic lymphoma CD20 positive hairy cell leukemia Mantle cell lymphoma in second "
            "remission Must have relapsed after at least 1 prior regimen",
            {("MS4A1", "expression", "required")},
        ),
        (
            "Acute leukemia in one of the following categories: Acute myeloid leukemia in first remission Ph+ "
            "acute lymphoblastic leukemia in first or second remission Biphenotypic leukemia in any remission",
            {("BCR", "fusion", "required"), ("ABL1", "fusion", "required")},
        ),
    ],
)
def test_a_marker_inside_a_run_together_legacy_list_of_alternatives_is_one_alternative(disease, expected):
    text = f"DISEASE CHARACTERISTICS: {disease}\n\nPATIENT CHARACTERISTICS: Age: 18 to 60 Performance status: ECOG 0-2"
    certain, unsure = _found(text)
    assert not certain
    assert unsure == expected


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        (
            "DISEASE CHARACTERISTICS: Histologically confirmed non-Hodgkin lymphoma of one of the following "
            "subtypes: Diffuse large B-cell Mantle cell Follicular grade 3 Lymphoma must express CD20 Measurable "
            "disease\n\nPATIENT CHARACTERISTICS: Age: 18 and over\n",
            {("MS4A1", "expression", "required")},
        ),
        (
            "Inclusion Criteria:\n- Breast cancer with one of the following: ER positive, PR positive\n- ECOG 0-1\n",
            {("ESR1", "expression", "required"), ("PGR", "expression", "required")},
        ),
        (
            "Inclusion Criteria:\n- Breast cancer with one of the following: ER-positive or PR-positive tumour\n",
            {("ESR1", "expression", "required"), ("PGR", "expression", "required")},
        ),
    ],
)
def test_a_requirement_after_a_run_together_list_or_a_list_of_markers_only_stays(criteria, expected):
    assert _found(criteria)[0] == expected


def test_a_list_of_the_methods_that_assess_a_marker_named_before_it_offers_no_alternative_population():
    text = (
        "Inclusion Criteria:\n- Advanced cancer that expresses MAGE-A3 as assessed by one of the following methods: "
        "RT-PCR on tumour tissue showing at least 10,000 copies per million GAPDH copies, or by immunohistochemistry "
        "defined as 10% or greater of tumour cells being 2-3+ for MAGE-A3\n"
    )
    certain, unsure = _found(text)
    assert ("MAGEA3", "expression", "required") in certain
    assert not unsure


@pytest.mark.parametrize(
    "whom",
    ["for all patients not meeting", "for patients not meeting", "for all participants who do not meet"],
)
def test_a_marker_in_what_a_procedure_asks_of_some_patients_only_is_conditional(whom):
    text = (
        "DISEASE CHARACTERISTICS:\n* Slides must be available for central review "
        f"{whom} the usual criteria for diagnosis (typical histology, immunohistochemistry: CD30 positive, "
        "EMA positive)\n"
    )
    certain, unsure = _found(text)
    assert not certain
    assert unsure == {("TNFRSF8", "expression", "required")}


def test_a_marker_asked_of_all_patients_stays_a_requirement():
    text = "Inclusion Criteria:\n* CD30 positive lymphoma by central review, required for all patients\n"
    assert _found(text)[0] == {("TNFRSF8", "expression", "required")}


@pytest.mark.parametrize(
    "judged",
    [
        "or the investigator thinks the patient will benefit from the study treatment",
        "or investigators judge that the subject may benefit from the study drug",
        "or the treating physician considers hormonal therapy appropriate",
    ],
)
def test_a_marker_offered_beside_a_judgement_of_the_investigator_is_no_requirement(judged):
    text = f"Inclusion Criteria:\n1. Advanced breast cancer confirmed by histology with ER positive {judged}\n"
    certain, unsure = _found(text)
    assert not certain
    assert unsure == {("ESR1", "expression", "required")}


def test_a_marker_the_investigator_confirms_stays_a_requirement():
    text = "Inclusion Criteria:\n1. ER positive breast cancer as assessed by the local laboratory or investigator\n"
    assert _found(text)[0] == {("ESR1", "expression", "required")}


@pytest.mark.parametrize(
    "criterion",
    [
        "No patients whose tumours have been shown on prior molecular testing to harbour an activating EGFR mutation",
        "No patients with a history of a sensitising mutation of the epidermal growth factor receptor (EGFR) gene",
    ],
)
def test_a_no_that_opens_the_criterion_negates_a_marker_named_late_in_it(criterion):
    text = f"Inclusion Criteria:\n- Stage IV non-small cell lung cancer\n- {criterion}\n"
    assert _found(text)[0] == {("EGFR", "mutation", "excluded")}


@pytest.mark.parametrize(
    "criterion",
    [
        "No patients who have previously received any antiangiogenic treatment with thalidomide or alpha interferon",
        "No participants who have at any time before enrolment received antiangiogenic therapy with thalidomide or "
        "interferon",
    ],
)
def test_a_no_that_opens_the_criterion_negates_every_drug_named_late_in_it(criterion):
    extracted = extract_text(f"Inclusion Criteria:\n- Relapsed multiple myeloma\n- {criterion}\n")
    rules = {(t.drug_or_class, t.polarity) for t in extracted.prior_therapies}
    assert {("thalidomide", "excluded"), ("interferon", "excluded")} <= rules
    assert all(polarity == "excluded" for _, polarity in rules)


def test_a_no_prior_that_opens_the_criterion_keeps_its_short_reach_over_the_setting_it_names():
    text = (
        "Inclusion Criteria:\n- Metastatic triple negative breast cancer\n- No prior chemotherapy or targeted "
        "systemic therapy for inoperable locally advanced or metastatic triple negative breast cancer\n"
    )
    assert _found(text)[0] == {
        ("ESR1", "expression", "excluded"),
        ("PGR", "expression", "excluded"),
        ("ERBB2", "any", "excluded"),
    }


def test_a_no_inside_the_criterion_keeps_its_short_reach():
    text = (
        "Inclusion Criteria:\n- Patients must have received at least one prior line of therapy with no "
        "restriction on the number of regimens and must have a documented activating EGFR mutation\n"
    )
    assert _found(text)[0] == {("EGFR", "mutation", "required")}


def test_tests_offered_as_alternatives_stay_joined_across_the_glosses_in_brackets_between_them():
    text = (
        "Inclusion Criteria:\n- Metastatic NSCLC that is ALK-positive. ALK positivity must have been determined by a "
        "validated fluorescence in situ hybridization (FISH) test (recommended probe, a break-apart probe set) or a "
        "validated immunohistochemistry (IHC) test (recommended antibody, clone D5F3)\n"
    )
    assert _found(text)[0] == {("ALK", "fusion", "required"), ("ALK", "expression", "required")}
    assert len({b.any_of for b in extract_text(text).biomarkers}) == 1
