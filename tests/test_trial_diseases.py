"""Whom a trial is for, read from real records in ../shared/ctgov: terms with their source, basket, enrolment."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from ingest.loaders import iter_source
from nlp.extract import extract_study
from nlp.models import DiseaseFacts

CTGOV = Path(__file__).resolve().parents[2] / "shared" / "ctgov"


@cache
def facts(nct_id: str) -> DiseaseFacts:
    for folder in ("ntrk", "api-v2/studies"):
        path = CTGOV / folder / f"{nct_id}.json"
        if path.exists():
            return extract_study(json.loads(path.read_text(encoding="utf-8"))).diseases
    path = CTGOV / "legacy-xml" / f"{nct_id}.xml"
    study = next(item.study for item in iter_source(path))
    assert study is not None
    return extract_study(study).diseases


def names(nct_id: str) -> list[str]:
    return [t.name for t in facts(nct_id).terms]


def test_a_solid_tumour_trial_is_a_basket_that_enrols_patients():
    found = facts("NCT04879121")
    assert (found.basket, found.enrols, "solid tumour" in names("NCT04879121")) == (True, "patients", True)


def test_each_term_says_where_the_trial_names_it():
    solid = next(t for t in facts("NCT04879121").terms if t.name == "solid tumour")
    assert (solid.source, solid.text) == ("condition", "Malignant Solid Neoplasm")


def test_a_term_stated_in_a_criterion_points_at_it():
    cns = next(t for t in facts("NCT04879121").terms if t.source == "sentence")
    assert (cns.name, cns.text, cns.criterion is not None) == ("central nervous system cancer", "CNS tumors", True)


def test_a_single_cancer_trial_is_no_basket():
    assert (names("NCT03424005"), facts("NCT03424005").basket) == (["triple-negative breast cancer"], False)


def test_a_generic_term_listed_beside_specific_ones_makes_no_basket():
    # conditions "Neoplasms" beside many named cancers (NAVIGATE lists them one by one)
    found = facts("NCT02576431")
    assert found.basket is False and "colorectal cancer" in names("NCT02576431") and "cancer" not in names(
        "NCT02576431")


def test_non_cancer_words_in_a_cancer_trial_do_not_decide():
    # NAVIGATE's bilirubin criterion names Gilbert's disease; the conditions name cancers
    assert "Gilbert syndrome" not in names("NCT02576431")


def test_a_registry_screening_study_enrols_people_without_the_disease():
    assert facts("NCT07254910").enrols == "without_disease"


def test_an_observational_study_titled_as_screening_for_a_cancer_enrols_people_without_it():
    assert facts("NCT06588166").enrols == "without_disease"


def test_supportive_care_enrols_patients():
    assert (facts("NCT02288169").enrols, names("NCT02288169")) == ("patients", ["cancer"])


def test_prevention_with_healthy_volunteers_of_the_disease_itself_enrols_people_without_it():
    assert facts("NCT00006392").enrols == "without_disease"  # selenium and vitamin E in preventing prostate cancer


def test_a_screening_purpose_with_patients_stated_in_the_title_enrols_patients():
    # "Early Detection of Second Lung Cancer in Patients With Stage I Non-small Cell Lung Cancer"
    assert facts("NCT00002667").enrols == "patients"


@pytest.mark.parametrize("nct_id", ["NCT05432297", "NCT06905561"])
def test_prevention_in_patients_who_are_no_volunteers_enrols_patients(nct_id):
    assert facts(nct_id).enrols == "patients"


def test_a_screening_protocol_for_a_non_cancer_disease_is_not_read_as_cancer_screening():
    assert facts("NCT00001732").enrols == "patients"
