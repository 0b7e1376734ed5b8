"""Lab limits with another way in ("or on stable hemodialysis", "OR creatinine clearance >= 60") are either/or, not
rules; a ratio over an analyte is not the analyte; a lower-case litre keeps the unit."""

from __future__ import annotations

from nlp.extract import extract_text


def read(text: str) -> tuple[list[tuple], list[tuple]]:
    facts = extract_text(text)
    rules = [(x.analyte, x.comparator, x.value, x.unit, x.uln_multiple) for x in facts.labs]
    uncertain = [(u.reason, u.lab.analyte, u.lab.value) for u in facts.uncertain if u.kind == "lab" and u.lab]
    return rules, uncertain


def test_a_limit_or_dialysis_is_either_or():
    rules, uncertain = read("Inclusion Criteria:\n- Creatinine < 2.5 mg/dL or on stable hemodialysis\n"
                            "- Bilirubin <= 2 mg/dL")
    assert rules == [("bilirubin", "<=", 2.0, "mg/dL", False)]
    assert uncertain == [("either", "creatinine", 2.5)]


def test_two_limits_joined_by_or_are_both_either_or():
    rules, uncertain = read("Inclusion Criteria:\n- Serum creatinine < 1.5 x ULN OR creatinine clearance >= 60 "
                            "mL/min; total bilirubin <= 1.5 x ULN")
    assert rules == [("bilirubin", "<=", 1.5, None, True)]
    assert uncertain == [("either", "creatinine", 1.5), ("either", "creatinine_clearance", 60.0)]


def test_an_excluded_limit_or_dialysis_excludes_either_way():
    rules, uncertain = read("Exclusion Criteria:\n- Serum creatinine > 2.5 mg/dL or on hemodialysis")
    assert rules == [("creatinine", "<=", 2.5, "mg/dL", False)]
    assert uncertain == []


def test_the_same_limit_in_another_unit_is_no_alternative():
    rules, _ = read("Inclusion Criteria:\n- Absolute neutrophil count >= 1500/mm3 or >= 1.5 x 10^9/L")
    assert rules == [("anc", ">=", 1500.0, "/mm3", False)]


def test_a_ratio_is_not_its_analyte():
    rules, uncertain = read("Inclusion Criteria:\n- Urine protein:creatinine ratio < 1.0\n"
                            "- Urine albumin/creatinine ratio below 30 mg/g")
    assert rules == uncertain == []


def test_micromoles_per_litre_in_lower_case_keep_the_unit():
    rules, _ = read("Exclusion Criteria:\n- Serum creatinine >140 umol/l")
    assert rules == [("creatinine", "<=", 140.0, "umol/l", False)]


def test_only_the_threshold_after_the_or_is_the_other_way_in():
    rules, uncertain = read("Inclusion Criteria:\n- Renal: Creatinine no greater than 1.5 mg/dL AND/OR Creatinine "
                            "clearance at least 60 mL/min Calcium no greater than 11 mg/dL")
    assert rules == [("calcium", "<=", 11.0, "mg/dL", False)]
    assert uncertain == [("either", "creatinine", 1.5), ("either", "creatinine_clearance", 60.0)]
