"""A profile holds no lab values, but a condition can decide a lab threshold: a patient with end-stage renal disease
does not meet a trial's ceiling on serum creatinine nor its floor on creatinine clearance (search/condition_labs.json);
a criterion that offers dialysis patients a way in, a looser limit, or a patient without the condition, gives no
verdict."""

from __future__ import annotations

from nlp.extract import extract_text
from search.models import IndexDocument
from search.notes import note_profile
from search.patient import parse_patient
from search.verdicts import evaluate

ESRD_NOTE = ("62-year-old man with multiple myeloma, relapsed after autologous transplant, on hemodialysis "
             "three times a week for ESRD attributed to cast nephropathy.")


def lab_verdicts(criteria: str, patient: dict | None = None):
    document = IndexDocument(nct_id="NCT00000000", eligibility_text=criteria, facts=extract_text(criteria))
    profile = parse_patient(patient) if patient is not None else note_profile(ESRD_NOTE)[0]
    return [v for v in evaluate(document, profile).criteria if v.kind == "lab"]


def test_a_creatinine_ceiling_in_mg_per_dl_is_not_met_by_a_patient_on_dialysis_for_esrd():
    verdicts = lab_verdicts("Inclusion Criteria:\n* Creatinine no greater than 1.4 mg/dL\n"
                            "* Creatinine clearance greater than 65 mL/min")
    assert [v.status for v in verdicts] == ["not_met", "not_met"]
    assert "end-stage renal disease" in verdicts[0].explanation
    assert verdicts[0].criterion == "Creatinine no greater than 1.4 mg/dL"


def test_a_ceiling_in_times_the_upper_limit_of_normal_and_one_in_micromoles_are_not_met_either():
    verdicts = lab_verdicts("Inclusion Criteria:\n* Creatinine less than 1.5 times ULN\n"
                            "* Serum creatinine <= 133 µmol/L")
    assert [v.status for v in verdicts] == ["not_met", "not_met"]


def test_dialysis_offered_as_an_alternative_gives_no_verdict():
    assert lab_verdicts("Inclusion Criteria:\n* Creatinine less than 2.5 mg/dL or on stable hemodialysis") == []


def test_a_limit_an_esrd_patient_may_meet_gives_no_verdict():
    assert lab_verdicts("Inclusion Criteria:\n* Creatinine no greater than 5 mg/dL\n"
                        "* Creatinine clearance at least 10 mL/min") == []


def test_a_patient_without_renal_failure_gets_no_lab_verdict():
    assert lab_verdicts("Inclusion Criteria:\n* Creatinine no greater than 1.4 mg/dL",
                        {"conditions": ["multiple myeloma", "chronic kidney disease"]}) == []


def test_a_ratio_over_creatinine_is_no_creatinine_limit():
    assert lab_verdicts("Inclusion Criteria:\n* Urine protein:creatinine ratio < 1.0") == []
