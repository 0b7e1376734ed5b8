"""Laboratory thresholds: analyte, comparator, value, unit and multiples of the upper limit of normal."""

from __future__ import annotations

import pytest

from nlp.extract import extract_text


def labs(section: str, line: str) -> list[tuple]:
    other = "Exclusion" if section == "Inclusion" else "Inclusion"
    text = f"{section} Criteria:\n- {line}\n{other} Criteria:\n- Pregnancy"
    return [(x.analyte, x.comparator, x.value, x.unit, x.uln_multiple) for x in extract_text(text).labs]


def test_uln_multiple_is_shared_by_listed_analytes():
    assert labs("Inclusion", "AST and ALT ≤ 2.5 × ULN") == [
        ("ast", "<=", 2.5, None, True),
        ("alt", "<=", 2.5, None, True),
    ]


def test_model_trial_liver_thresholds_cover_ast_and_alt():
    line = "Serum aspartate aminotransferase (AST) and serum alanine aminotransferase (ALT) < 2.5 x ULN"
    assert labs("Inclusion", line) == [("ast", "<", 2.5, None, True), ("alt", "<", 2.5, None, True)]


def test_full_name_with_abbreviation_is_one_analyte():
    assert labs("Inclusion", "Aspartate aminotransferase (AST) <= 3 times the upper limit of normal") == [
        ("ast", "<=", 3.0, None, True)
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Platelets ≥ 100,000/mm^3", ("platelets", ">=", 100000.0, "/mm^3", False)),
        ("Absolute neutrophil count >= 1.5 x 10^9/L", ("anc", ">=", 1.5, "10^9/L", False)),
        ("Absolute neutrophil count≥1.5×10⁹/L", ("anc", ">=", 1.5, "10^9/L", False)),
        ("Hemoglobin equal or greater than 10 g/dL", ("hemoglobin", ">=", 10.0, "g/dL", False)),
        ("Total bilirubin =< 1.5 mg/dL", ("bilirubin", "<=", 1.5, "mg/dL", False)),
        ("Creatinine clearance >= 60 mL/min", ("creatinine_clearance", ">=", 60.0, "mL/min", False)),
        ("Serum creatinine <= ULN", ("creatinine", "<=", 1.0, None, True)),
    ],
)
def test_threshold_value_and_unit(line, expected):
    assert labs("Inclusion", line) == [expected]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Total bilirubin no higher than the upper limit of normal", ("bilirubin", "<=", 1.0, None, True)),
        ("AST not to exceed 2.5 times ULN", ("ast", "<=", 2.5, None, True)),
        ("Creatinine must not exceed 1.5 mg/dL", ("creatinine", "<=", 1.5, "mg/dL", False)),
        ("ALT not exceeding 3 x ULN", ("alt", "<=", 3.0, None, True)),
        ("Hemoglobin not below 9 g/dL", ("hemoglobin", ">=", 9.0, "g/dL", False)),
        ("Platelets no lower than 75,000/mm3", ("platelets", ">=", 75000.0, "/mm3", False)),
    ],
)
def test_a_negated_comparator_word_keeps_its_direction(line, expected):
    """"No higher than" is at most, not more than: the negation belongs to the comparator."""
    assert labs("Inclusion", line) == [expected]


def test_an_escaped_comparator_after_an_equals_sign_is_not_strict():
    assert labs("Inclusion", "Total bilirubin =\\< 1.5 x upper limit of normal (ULN)") == [
        ("bilirubin", "<=", 1.5, None, True)
    ]


def test_exclusion_threshold_is_turned_into_the_eligible_range():
    assert labs("Exclusion", "ALT or AST > 5 x ULN") == [("alt", "<=", 5.0, None, True), ("ast", "<=", 5.0, None, True)]


def test_first_threshold_of_an_analyte_wins_over_its_conditional_one():
    line = "Bilirubin ≤ 1.5 x ULN (≤ 3 x ULN if liver metastases)"
    assert labs("Inclusion", line) == [("bilirubin", "<=", 1.5, None, True)]


def test_analyte_without_threshold_gives_no_fact():
    assert labs("Inclusion", "Adequate hemoglobin and platelets") == []


def test_lab_span_covers_analyte_and_threshold():
    text = "Inclusion Criteria:\n- AST and ALT ≤ 2.5 × ULN; platelets ≥ 100,000/mm^3\nExclusion Criteria:\n- None"
    spans = [text[start:end] for start, end in (lab.span for lab in extract_text(text).labs)]
    assert spans == ["AST and ALT ≤ 2.5 × ULN", "AST and ALT ≤ 2.5 × ULN", "platelets ≥ 100,000/mm^3"]


def test_lab_records_its_criterion_index():
    text = "Inclusion Criteria:\n- Age 18 or older\n- Platelets >= 75,000/mm3\nExclusion Criteria:\n- Pregnancy"
    assert [lab.criterion for lab in extract_text(text).labs] == [1]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("No patients with baseline QTc prolongation (greater than 440 msec).", ("qtc", "<=", 440.0, "msec", False)),
        ("No diabetes mellitus or fasting glucose greater than or equal to 120 mg/dl.",
         ("glucose", "<", 120.0, "mg/dl", False)),
        ("No clinically significant laboratory abnormalities including liver enzyme elevations more than three "
         "times the upper limit of normal, or neutropenia (WBC less than 4000).", ("wbc", ">=", 4000.0, None, False)),
        ("Patients with total bilirubin > 3 mg/dL are not eligible", ("bilirubin", "<=", 3.0, "mg/dL", False)),
        ("Hematopoietic: No coagulopathy (i.e., platelets less than 80,000)",
         ("platelets", ">=", 80000.0, None, False)),
        ("Must not have glomerular filtration rate less than 40.", ("gfr", ">=", 40.0, None, False)),
    ],
)
def test_a_negated_inclusion_threshold_is_turned_into_the_eligible_range(line, expected):
    """ "No ... glucose >= 120" in the inclusion section excludes the values it names, as an exclusion criterion
    would."""
    assert labs("Inclusion", line) == [expected]


def test_a_negated_exclusion_threshold_is_a_requirement():
    assert labs("Exclusion", "No platelets of at least 100,000/mm^3") == [
        ("platelets", ">=", 100000.0, "/mm^3", False)
    ]


@pytest.mark.parametrize(
    ("line", "comparator"),
    [
        ("Creatinine no greater than 1.5 mg/dL", "<="),
        ("Bilirubin not more than 1.5 times the upper limit of normal", "<="),
        ("Platelets >= 100,000/mm^3, no transfusion within 7 days", ">="),
    ],
)
def test_a_negation_that_is_the_comparator_or_follows_the_threshold_keeps_the_requirement(line, comparator):
    assert [lab[1] for lab in labs("Inclusion", line)] == [comparator]


def test_a_negation_further_on_in_the_clause_does_not_turn_a_threshold_round():
    assert labs("Inclusion", "Hemoglobin >= 9 g/dL, red cell transfusion to reach it is not allowed") == [
        ("hemoglobin", ">=", 9.0, "g/dL", False)
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Cardiovascular: No cardiac insufficiency LVEF at least 50%", ("lvef", ">=", 50.0, "%", False)),
        ("No unstable angina, poorly controlled arrhythmias, or hypertension LVEF greater than 50%",
         ("lvef", ">", 50.0, "%", False)),
        ("Renal: No renal failure requiring hemodialysis OR Creatinine no greater than 2.25 mg/dL",
         ("creatinine", "<=", 2.25, "mg/dL", False)),
        ("No significant cardiac disease and must have adequate cardiac function (ejection fraction >= 50%)",
         ("lvef", ">=", 50.0, "%", False)),
        ("No chronic anemia, or thrombocytopenia and with serum creatinine <1.5 mg/dl",
         ("creatinine", "<", 1.5, "mg/dl", False)),
        ("Diabetes not well controlled on antidiabetic therapy with HbA1c >= 7%", ("hba1c", ">=", 7.0, "%", False)),
        ("No clinically significant abnormality in chemistry: serum creatinine less than or equal to 1.7 mg/dL",
         ("creatinine", "<=", 1.7, "mg/dL", False)),
    ],
)
def test_a_negation_does_not_reach_a_threshold_past_a_new_item_or_requirement(line, expected):
    """Flattened lists run items together ("No cardiac insufficiency LVEF at least 50%"); a colon, "must have" and
    "and with" turn to what is required; a negation inside the clause ("not well controlled") speaks of its own
    words."""
    assert labs("Inclusion", line) == [expected]


def test_glycosylated_hemoglobin_is_hba1c_not_hemoglobin():
    assert labs("Exclusion", "Diabetes with glycosylated hemoglobin greater than 10%") == [
        ("hba1c", "<=", 10.0, "%", False)
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Pre-existing bone marrow compromise: white blood cell count must be greater than 2000 mm(3), platelets must "
         "be greater than 70,000 mm(3).",
         [("wbc", ">", 2000.0, None, False), ("platelets", ">", 70000.0, None, False)]),
        ("Creatinine clearance must be greater than 50 cc/min.", [("creatinine_clearance", ">", 50.0, None, False)]),
        ("Creatinine must not be >1.4 mg/dl in females.", [("creatinine", "<=", 1.4, "mg/dl", False)]),
        ("Abnormal liver function tests as determined by serum albumin (must be < 2.5 g/dL).",
         [("albumin", ">=", 2.5, "g/dL", False)]),
    ],
)
def test_an_exclusion_threshold_stated_with_a_modal_is_the_requirement(line, expected):
    """ "must not be" states the inverse; a modal in a parenthesis defines what is excluded."""
    assert labs("Exclusion", line) == expected
