"""The registry's structured ages rule the age verdict; the criteria text fills a bound they lack and, where it
reads another window, is shown beside the verdict, never used to narrow it."""

from __future__ import annotations

import copy
import json

import pytest

from ingest.loaders import iter_source
from nlp.extract import extract_study, extract_text
from search.documents import build_document
from search.models import IndexDocument
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


def _untimed(title: str) -> IndexDocument:
    return IndexDocument(nct_id="NCT00000000", title=title, overall_status="COMPLETED",
                         facts=extract_text("Inclusion Criteria:\n- Diagnosis of epilepsy"))


def _age_statuses(document, age: float) -> list[str]:
    patient = parse_patient({"age": age, "conditions": ["epilepsy"]})
    return [v.status for v in evaluate(document, patient).criteria if v.kind == "age"]


def test_a_trial_without_ages_whose_title_is_for_children_rules_out_an_adult(shared_dir):
    study = next(item.study for item in iter_source(shared_dir / "ctgov" / "legacy-xml" / "NCT00001325.xml"))
    assert study is not None  # "Metabolic Abnormalities in Children With Epilepsy", registry ages N/A
    document = build_document(study, extract_study(study))
    assert _age_statuses(document, 41) == ["not_met"]
    assert _age_statuses(document, 8) == []  # which children it takes is not said


@pytest.mark.parametrize("title", [
    "Study of Parents of Children With Cancer",  # the parents take part
    "Epilepsy in Children and Adults",
    "Treatment of Epilepsy at the Children's Hospital",  # a place, not who takes part
    "Metabolic Abnormalities in Epilepsy",
])
def test_a_title_that_does_not_say_only_children_take_part_gives_no_age_verdict(title):
    assert _age_statuses(_untimed(title), 41) == []


def test_a_window_from_birth_says_only_its_upper_limit(scout):
    verdict = age_verdict(scout, 52)
    assert verdict.status == "not_met"
    assert "trial requires at most 21 years" in verdict.explanation and "at least 0" not in verdict.explanation


def test_a_lower_limit_under_a_year_is_said_in_months(shared_dir):
    study = json.loads((shared_dir / "ctgov" / "ntrk" / "NCT03215511.json").read_text())
    assert 0 < extract_study(study).age.min_years < 1
    assert "at least 1 month" in age_verdict(study, 0.05).explanation
