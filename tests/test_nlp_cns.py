"""Whether CNS metastases are allowed: yes, stable (treated) only, or no."""

from __future__ import annotations

import pytest

from nlp.extract import extract_study, extract_text


def allowed(text: str) -> str | None:
    return extract_text(text).cns_metastases.allowed


def exclusion(*lines: str) -> str:
    return "Inclusion Criteria:\n- Solid tumour\nExclusion Criteria:\n" + "".join(f"- {line}\n" for line in lines)


def inclusion(*lines: str) -> str:
    return "Inclusion Criteria:\n" + "".join(f"- {line}\n" for line in lines) + "Exclusion Criteria:\n- Pregnancy"


def test_text_without_cns_mention_says_nothing():
    facts = extract_text(inclusion("Age 18 or older"))
    assert (facts.cns_metastases.allowed, facts.cns_metastases.criterion) == (None, None)


@pytest.mark.parametrize(
    "line", ["Known brain metastases", "Clinical evidence of brain metastases or central nervous system disease"]
)
def test_plain_exclusion_means_no(line):
    assert allowed(exclusion(line)) == "no"


@pytest.mark.parametrize(
    "line",
    [
        "Active or untreated brain metastases",
        "Known active central nervous system (CNS) metastases and/or carcinomatous meningitis",
        "Symptomatic or uncontrolled CNS metastases",
    ],
)
def test_excluding_only_active_disease_means_stable_only(line):
    assert allowed(exclusion(line)) == "stable_only"


@pytest.mark.parametrize(
    "line",
    [
        "Brain metastases, except treated lesions stable for at least 4 weeks",
        "Known CNS metastases unless treated, clinically stable and not requiring steroids",
    ],
)
def test_exclusion_with_stable_exception_means_stable_only(line):
    assert allowed(exclusion(line)) == "stable_only"


def test_activity_qualifier_after_the_mention_counts():
    assert allowed(exclusion("Brain metastases that are symptomatic and/or require therapy")) == "stable_only"


def test_inclusion_allowing_treated_stable_disease_means_stable_only():
    assert allowed(inclusion("Treated, stable brain metastases are allowed")) == "stable_only"


def test_inclusion_allowing_brain_metastases_means_yes():
    assert allowed(inclusion("Patients with brain metastases are eligible")) == "yes"


def test_negated_inclusion_means_no():
    assert allowed(inclusion("No clinical signs of CNS involvement")) == "no"


def test_explicit_stable_allowance_wins_over_a_plain_exclusion():
    text = (
        "Inclusion Criteria:\n- Treated, stable brain metastases may participate\n"
        "Exclusion Criteria:\n- Brain metastases"
    )
    facts = extract_text(text)
    assert facts.cns_metastases.allowed == "stable_only"
    assert facts.cns_metastases.criterion == 0


def test_plain_exclusion_wins_over_an_activity_qualifier():
    assert allowed(exclusion("Symptomatic brain metastases", "Known CNS involvement")) == "no"


def test_a_negation_opening_a_run_in_item_does_not_cancel_the_one_before_it():
    text = "DISEASE CHARACTERISTICS: Chronic myeloid leukaemia No blast crisis No CNS involvement"
    assert allowed(text) == "no"


def test_cns_as_the_only_site_of_disease_says_nothing_of_cns_metastases_beside_other_disease():
    assert allowed(inclusion("No brain metastases only")) is None
    assert allowed(inclusion("No brain metastases only", "No symptomatic CNS metastases")) == "stable_only"


def test_a_cohort_label_naming_brain_metastases_says_nothing_of_them():
    lines = ("Patients with brain metastases are eligible", "Patients without brain metastases: one measurable lesion")
    assert allowed(inclusion(*lines)) == "yes"
    assert allowed(exclusion("Patients with brain metastases which are:", "Growing")) == "no"


def test_excluding_leptomeningeal_disease_does_not_exclude_the_brain_metastases_a_trial_requires():
    assert allowed(inclusion("At least one measurable brain metastasis", "No leptomeningeal disease")) == "yes"
    assert allowed(exclusion("Symptomatic brain metastases", "Known leptomeningeal disease")) == "stable_only"
    assert allowed(exclusion("Known leptomeningeal disease")) == "no"
    assert allowed(inclusion("Measurable brain metastases", "No CNS or leptomeningeal metastases")) == "no"


def test_allowance_provided_no_active_cns_metastases_means_stable_only():
    line = "Bone and brain metastases eligible provided no rapidly progressive CNS metastases"
    assert allowed(inclusion(line)) == "stable_only"


def test_allowance_under_a_condition_means_stable_only():
    assert allowed(inclusion("Brain metastases are allowed provided that radiotherapy was completed")) == "stable_only"
    lines = ("Must have measurable brain metastases", "Prior resection of brain metastases allowed provided one stays")
    assert allowed(inclusion(*lines)) == "yes"


@pytest.mark.parametrize(
    "line", ["No inadequately treated brain metastases", "No CNS metastases that have not responded to radiotherapy"]
)
def test_ruling_out_untreated_or_unresponsive_cns_metastases_means_stable_only(line):
    assert allowed(inclusion(line)) == "stable_only"


def test_a_negation_opening_a_list_reaches_its_last_item():
    line = "No history of uncontrolled diabetes, severe head trauma, chronic alcohol or drug abuse, or brain metastases"
    assert allowed(inclusion(line)) == "no"


def study(conditions: list[str], text: str) -> dict:
    return {"protocolSection": {"identificationModule": {"nctId": "NCT00000000"},
                                "conditionsModule": {"conditions": conditions},
                                "eligibilityModule": {"eligibilityCriteria": text}}}


@pytest.mark.parametrize(
    ("conditions", "text"),
    [
        (["Parkinson Disease"], exclusion("Any patient with pathologic tremor, such as parkinsonian rest tremor, "
                                          "essential tremor, or tremor secondary to medications or structural brain "
                                          "lesions.")),
        (["Wegener Granulomatosis"], inclusion("Diagnosis of WG whose illness presents a risk of permanent disability"
                                               ". Examples include: peripheral and central nervous system disease, "
                                               "cardiac involvement, glomerulonephritis.")),
    ],
)
def test_a_trial_of_no_cancer_reads_brain_disease_not_named_as_metastases_as_no_cns_metastases_rule(conditions, text):
    """ "Structural brain lesions" in a Parkinson's disease trial are no metastases."""
    assert extract_study(study(conditions, text)).cns_metastases.allowed is None


@pytest.mark.parametrize(
    ("conditions", "line", "expected"),
    [
        (["Pain"], "Known brain metastases", "no"),
        (["Glioma"], "Structural brain lesions other than the glioma", "no"),
        ([], "Central nervous system disease", "no"),
    ],
)
def test_a_cns_rule_stays_when_it_names_metastases_or_the_trial_may_be_for_a_cancer(conditions, line, expected):
    assert extract_study(study(conditions, exclusion(line))).cns_metastases.allowed == expected
