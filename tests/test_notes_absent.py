"""Conditions a note says the patient does not have: read into `absent_conditions`, and a trial for none but them
not met."""

from __future__ import annotations

from nlp.notes import read_note
from search.diagnosis import diagnosis_verdict, understand
from search.matching import judge
from search.patient import PatientError, parse_patient
from tests.test_diagnosis import trial

T2DM = ("DOID:9352", "type 2 diabetes mellitus", "condition")
DIABETES = ("DOID:9351", "diabetes mellitus", "condition")
CAD = ("DOID:3393", "coronary artery disease", "condition")
ASTHMA = ("DOID:2841", "asthma", "condition")


def absent(note: str) -> list[str] | None:
    return read_note(note).profile.get("absent_conditions")


def test_a_negated_diagnosis_is_kept_as_absent_with_its_evidence():
    note = ("A 62-year-old man with coronary artery disease presents with exertional dyspnea. "
            "He has no history of diabetes mellitus.")
    reading = read_note(note)
    assert reading.profile["conditions"] == ["coronary artery disease"]
    assert reading.profile["absent_conditions"] == ["diabetes mellitus"]
    evidence = next(e for e in reading.evidence if e.field == "absent_conditions[0]")
    assert note[evidence.span[0]:evidence.span[1]] == evidence.text == "diabetes mellitus"


def test_without_and_denies_negate_too():
    assert absent("58-year-old woman with asthma, without diabetes mellitus.") == ["diabetes mellitus"]
    assert absent("58-year-old woman with hypertension. She denies asthma.") == ["asthma"]


def test_the_negation_ends_at_but():
    note = "55-year-old woman with no history of diabetes mellitus but has asthma."
    reading = read_note(note)
    assert reading.profile["conditions"] == ["asthma"]
    assert reading.profile["absent_conditions"] == ["diabetes mellitus"]


def test_a_family_member_s_or_a_ruled_out_condition_is_not_absent():
    assert absent("60-year-old man with hypertension. Family history of diabetes mellitus.") is None
    assert absent("60-year-old man with chest pain and hypertension. Rule out coronary artery disease.") is None


def test_a_negated_phase_of_a_disease_the_patient_has_is_not_its_absence():
    note = "A 64-year-old woman with breast cancer treated in 2015, no recurrence of breast cancer on imaging."
    assert absent(note) is None


def test_the_profile_takes_absent_conditions_as_written():
    profile = parse_patient({"conditions": ["asthma"], "absent_conditions": "diabetes mellitus"})
    assert profile.absent_conditions == ["diabetes mellitus"]
    try:
        parse_patient({"conditions": ["asthma"], "absent_conditions": [" "]})
    except PatientError as exc:
        assert str(exc).startswith("absent_conditions: an entry is empty")
    else:
        raise AssertionError("an empty absent condition was accepted")


def test_a_trial_for_a_disease_the_patient_lacks_is_not_met():
    found = diagnosis_verdict(trial(T2DM), understand(["coronary artery disease"]), understand(["diabetes mellitus"]))
    assert found.status == "not_met"
    assert found.explanation == ("trial is for type 2 diabetes mellitus; the patient is stated not to have "
                                 "diabetes mellitus")


def test_a_trial_also_for_a_disease_the_patient_has_or_may_have_stays_open():
    lacks = understand(["diabetes mellitus"])
    assert diagnosis_verdict(trial(T2DM, CAD), understand(["coronary artery disease"]), lacks).status == "met"
    found = diagnosis_verdict(trial(T2DM, ASTHMA), understand(["chronic cough"]), lacks)
    assert "stated not to have" not in found.explanation


def test_a_narrower_absence_does_not_rule_out_the_broader_disease():
    found = diagnosis_verdict(trial(DIABETES), [], understand(["type 1 diabetes mellitus"]))
    assert (found.status, found.explanation) == ("unknown", "the patient profile gives no diagnosis")


def test_a_note_s_negated_diabetes_makes_a_diabetes_trial_not_eligible():
    note = "A 62-year-old man with coronary artery disease. No history of diabetes mellitus or asthma."
    profile = parse_patient(read_note(note).profile)
    result = judge(trial(T2DM), profile, 1.0)
    assert result.verdict == "not_eligible"
    assert result.criteria[0].status == "not_met"
