"""A sentence stating that some ages are not eligible bounds the window the other way, in whichever section it sits
(issue 13): "Patients under 18 years are not eligible" is a minimum of 18, never a maximum."""

from __future__ import annotations

import pytest

from tests.test_nlp_age_tuning_h import window


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Patients under 18 years are not eligible", (18, None)),
        ("Children younger than 12 are excluded", (12, None)),
        ("Subjects over 75 years of age will not be enrolled", (None, 75)),
        ("Patients less than 18 years of age are ineligible.", (18, None)),
        ("Participants aged 65 years or older, will not be included in this study", (None, 64)),  # 65 and over out
        ("Patients 12 to 17 years old are not eligible", (None, None)),  # no bound without inclusion's window
        ("Patients under 18 or over 75 years of age are not eligible", (18, 75)),
        ("Patients younger than 18 years or older than 75 years are excluded", (18, 75)),
    ],
)
def test_an_age_stated_ineligible_in_an_inclusion_bounds_the_other_way(line, expected):
    assert window(f"Inclusion Criteria:\n\n* {line}\n") == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Patients under 18 years are not eligible", (18, None)),
        ("Subjects over 75 years of age will not be enrolled", (None, 75)),
        ("Age under 18", (18, None)),
        ("Age > 75 years", (None, 75)),
    ],
)
def test_the_same_statement_in_an_exclusion_keeps_its_bound(line, expected):
    assert window(f"Inclusion Criteria:\n\n* Signed informed consent\n\nExclusion Criteria:\n\n* {line}\n") == expected


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["Age 18 to 70 years", "Patients over 75 years of age are not eligible"], (18, 70)),
        (["Age >= 18 years. Patients under 18 years are not eligible."], (18, None)),
        (["Patients 18 years or older are eligible"], (18, None)),
        (["Patients under 18 years who are not eligible for surgery"], (None, None)),  # a subgroup, no limit
    ],
)
def test_an_ineligible_statement_beside_the_inclusion_window(lines, expected):
    assert window("Inclusion Criteria:\n\n" + "".join(f"* {line}\n" for line in lines)) == expected


@pytest.mark.parametrize("section", ["Inclusion", "Exclusion"])
def test_a_value_far_into_an_ineligible_sentence_is_no_age(section):
    line = "Adult subjects with a hematocrit of less than 30 or pediatric subjects less than 25 will be excluded."
    assert window(f"{section} Criteria:\n\n* {line}\n") == (None, None)
