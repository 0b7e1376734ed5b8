"""The registry's structured ages rule the age verdict; the criteria text fills a bound they lack and, where it
reads another window, is shown beside the verdict, never used to narrow it."""

from __future__ import annotations

import copy
import json

import pytest

from nlp.extract import extract_study
from search.documents import build_document
from search.patient import parse_patient
from search.verdicts import evaluate


@pytest.fixture(scope="module")
def scout(shared_dir) -> dict:
    return json.loads((shared_dir / "ctgov" / "ntrk" / "NCT02637687.json").read_text())


@pytest.fixture(scope="module")
def startrk2(shared_dir) -> dict:
    return json.loads((shared_dir / "ctgov" / "ntrk" / "NCT02568267.json").read_text())


def age_verdict(study: dict, age: float):
    document = build_document(study, extract_study(study))
    patient = parse_patient({"age": age, "conditions": ["infantile fibrosarcoma"]})
    return next(v for v in evaluate(document, patient).criteria if v.kind == "age")


def test_the_registry_maximum_and_the_texts_birth_give_the_pediatric_trial_0_to_21(scout):
    age = extract_study(scout).age
    assert (age.min_years, age.max_years, age.source) == (0.0, 21.0, "both")
    assert extract_study(scout).age_in_text is None


def test_an_infant_is_within_the_pediatric_trials_ages_and_an_adult_of_22_is_not(scout):
    assert age_verdict(scout, 0.5).status == "met"
    assert age_verdict(scout, 22).status == "not_met"


def test_a_text_window_that_disagrees_with_the_registry_is_shown_and_the_registry_rules(startrk2):
    study = copy.deepcopy(startrk2)
    study["protocolSection"]["eligibilityModule"]["eligibilityCriteria"] = (
        "Inclusion Criteria:\n* Age 21 to 65 years\n* ECOG 0-2"
    )
    facts = extract_study(study)
    assert (facts.age.min_years, facts.age.max_years) == (18.0, 65.0)
    assert (facts.age_in_text.min_years, facts.age_in_text.max_years) == (21.0, 65.0)
    verdict = age_verdict(study, 19)
    assert verdict.status == "met"
    assert "at least 21 years" in verdict.explanation and "Age 21 to 65 years" in verdict.explanation


def test_a_text_that_agrees_with_the_registry_adds_no_second_window(startrk2):
    study = copy.deepcopy(startrk2)
    study["protocolSection"]["eligibilityModule"]["eligibilityCriteria"] = "Inclusion Criteria:\n* Age ≥ 18 years"
    facts = extract_study(study)
    assert (facts.age.min_years, facts.age.source, facts.age_in_text) == (18.0, "both", None)
    assert "criteria text reads" not in age_verdict(study, 30).explanation


def test_a_text_maximum_written_as_under_the_next_year_agrees_with_the_registrys_whole_years(scout):
    study = copy.deepcopy(scout)
    study["protocolSection"]["eligibilityModule"]["eligibilityCriteria"] = "Inclusion Criteria:\n* Age under 22 years"
    facts = extract_study(study)
    assert (facts.age.min_years, facts.age.max_years, facts.age_in_text) == (None, 21.0, None)
