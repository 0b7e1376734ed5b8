"""Age classes left open by the blind sets `bench/own_dev_i.jsonl` and `bench/own_dev_j.jsonl` (issue 13), on real
criteria of `../shared/ctgov` legacy records."""

from __future__ import annotations

import pytest

from tests.test_nlp_age_tuning_h import window


@pytest.mark.parametrize(
    "lines",
    [
        # ../shared/ctgov/legacy-xml: a bare bullet among the disease and patient characteristics, no "Age:" label
        ["Refused whole brain radiation therapy OR", "18 and over", "Karnofsky 60-100%",
         "Life expectancy:At least 3 months"],
        ["Bidimensionally measurable or evaluable disease", "18 and over", "ECOG performance status 0-1"],
        ["Expected length of catheter use at least 16 weeks", "18 and over", "Performance status: ECOG 0-2"],
    ],
)
def test_a_bare_bullet_of_an_open_ended_age_is_the_minimum(lines):
    assert window("Inclusion Criteria:\n\n" + "".join(f"* {line}\n" for line in lines)) == (18, None)


@pytest.mark.parametrize(
    "lines",
    [
        ["Life expectancy:", "18 and over"],  # the answer to the label before, not an age
        ["Hemoglobin:", "10 and over"],
    ],
)
def test_a_bare_open_ended_number_under_another_label_is_no_age(lines):
    assert window("Inclusion Criteria:\n\n" + "".join(f"* {line}\n" for line in lines)) == (None, None)


def test_a_bare_open_ended_number_in_an_exclusion_is_no_age():
    assert window("Inclusion Criteria:\n\n* Adults\n\nExclusion Criteria:\n\n* 18 and over\n") == (None, None)


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # ../shared/corpus/eligibility-texts.jsonl: an older cohort widens the range, up to its own upper bound
        (["Age 18 to 70 years of age; patients ≥ 70 but ≤ 75 years are eligible if the co-morbidity score is ≤ 2"],
         (18, 75)),
        (["Age 18 to 70 years of age", "Patients ≥ 70 but ≤ 75 years are eligible if the co-morbidity score is ≤ 2"],
         (18, 75)),
        (["Age ≥ 18 but ≤ 75 years", "Adolescents 12 to 17 years"], (12, 75)),
    ],
)
def test_a_window_stated_by_two_comparators_is_a_cohort_of_its_own(lines, expected):
    assert window("Inclusion Criteria:\n" + "".join(f"- {line}\n" for line in lines)) == expected


def test_a_comparator_before_a_misspelt_than_still_compares():
    # ../shared/ctgov/legacy-xml
    assert window("Inclusion Criteria:\n\n* Pediatric patients > than 2 years old can be included\n") == (2, None)


def test_ages_labelling_the_values_of_a_table_are_no_limits():
    # ../shared/ctgov/legacy-xml: the rows of a table by age, each labelling its value after a colon
    lines = [
        "All patients must be less than or equal to 21 years of age.",
        "Patients must have adequate renal function defined as a creatinine clearance greater than or equal to 70 "
        "ml/min/1.732 or a serum creatinine based on age as follows:",
        "equal to or less than 5 years old: maximum serum creatinine 0.8;",
        "older than 5 but equal to or less than 10: 1.0;",
        "older than 10 but equal to or less than 15: 1.2;",
        "older than 15: 1.5.",
    ]
    assert window("Inclusion Criteria:\n\n" + "\n\n".join(lines) + "\n") == (None, 21)
