"""Age classes found by the blind tuning set `bench/own_dev_n.jsonl` (issue 13), on criteria written in the shape of
registry text."""

from __future__ import annotations

import pytest

from tests.test_nlp_age_tuning_h import window


@pytest.mark.parametrize(
    "age",
    [
        "Age 42 to 69 years (randomized portion of study)",
        "Aged 18 to 75 years (dose expansion part only)",
        "Age 50 or older for the phase II portion of the study",
    ],
)
def test_an_age_a_part_of_the_study_follows_is_that_parts_not_a_limit_of_all(age):
    text = f"PATIENT CHARACTERISTICS:\n\n* {age}\n* Female\n* Menopausal status not specified\n"
    assert window(text) == (None, None)


@pytest.mark.parametrize(
    ("age", "expected"),
    [
        ("Age 18 years or older (at the time of study entry)", (18, None)),
        ("Age 18 to 70 years (inclusive)", (18, 70)),
        ("Age >= 18 years (all parts of the study)", (18, None)),
    ],
)
def test_an_age_whose_bracket_names_no_single_part_stays_a_limit(age, expected):
    assert window(f"Inclusion Criteria:\n- {age}\n- ECOG 0-1\n") == expected


def test_a_parts_age_beside_another_groups_age_is_one_cohort_of_the_widest_window():
    text = (
        "INCLUSION CRITERIA:\n\nPatients must be 18 years of age or older for the primary randomized cohort.\n\n"
        "Up to six additional patients under 18 but more than 6 years of age may enroll in a separate stratum.\n"
    )
    assert window(text) == (6, None)
