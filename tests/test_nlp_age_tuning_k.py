"""Age classes found by the tenth tuning set labelled blind, `bench/own_dev_k.jsonl` (issue 13), on sentences
written here in the shape of registry text."""

from __future__ import annotations

import pytest

from tests.test_nlp_age_tuning_h import window


@pytest.mark.parametrize(
    "rows",
    [
        "  - No greater than 0.6 mg/dL (1-23 months of age)\n  - No greater than 0.8 mg/dL (2-5 years of age)\n"
        "  - No greater than 1.7 mg/dL (16 years of age and over [male])\n",
        "  - 0.8 mg/dL (age 5 or younger)\n  - 1.2 mg/dL (age 6 to 12)\n",
    ],
)
def test_an_age_in_brackets_after_a_lab_value_labels_a_row_of_a_table(rows):
    text = f"Inclusion Criteria:\n- Creatinine clearance >= 70 mL/min OR creatinine based on age, as follows:\n{rows}"
    assert window(text) == (None, None)


def test_an_age_in_brackets_after_a_count_of_years_is_still_one():
    text = "Inclusion Criteria:\n- Hemoglobin >= 9 g/dL\n- Adults (aged 18 years or older) with metastatic disease\n"
    assert window(text) == (18, None)


@pytest.mark.parametrize(
    "line",
    [
        "Ineligible to receive treatment with auto-SCT due to age (>= 65 years old) or any significant coexisting "
        "medical condition",
        "Not a candidate for intensive chemotherapy because of age > 75 years or comorbidities",
    ],
)
def test_an_age_given_as_the_reason_for_another_ineligibility_is_no_limit(line):
    assert window(f"Inclusion Criteria:\n- Newly diagnosed multiple myeloma\n- {line}\n- ECOG 0-2\n") == (None, None)


def test_an_age_of_people_a_relative_clause_makes_ineligible_is_no_limit():
    text = (
        "Inclusion Criteria:\n- Newly diagnosed multiple myeloma\n"
        "- Participants <65 years of age who refuse auto-SCT are not eligible for this study.\n- ECOG 0-2\n"
    )
    assert window(text) == (None, None)


def test_an_age_stated_ineligible_without_a_relative_clause_is_still_a_limit():
    text = "Inclusion Criteria:\n- Multiple myeloma\nExclusion Criteria:\n- Patients younger than 18 years\n"
    assert window(text) == (18, None)


def test_an_age_in_brackets_after_a_lab_value_for_one_sex_labels_a_row_too():
    text = (
        "Inclusion Criteria:\n- Creatinine based on age as follows:\n  - 0.8 mg/dL (2 to 5 years of age)\n"
        "  - 1.5 mg/dL (males) or 1.4 mg/dL (females) (13 to 15 years of age)\n"
        "  - 1.5 mg/dL (male) or 1.4 mg/dL (female) (13 to < 16 years of age)\n"
        "  - 1.7 mg/dL (male) or 1.4 mg/dL (female) (>= 16 years of age)\n"
    )
    assert window(text) == (None, None)
