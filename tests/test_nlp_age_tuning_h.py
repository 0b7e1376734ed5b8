"""Age classes found by the tuning set `bench/own_dev_h.jsonl` (issue 13), each on sentences written here."""

from __future__ import annotations

import pytest

from nlp.extract import extract_text


def window(text: str) -> tuple[float | None, float | None]:
    age = extract_text(text).age
    return age.min_years, age.max_years


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["Age: under 60", "Eligible until age 61 if the sibling donor was found before the 60th birthday"],
         (None, 61)),
        (["Patients are eligible until age 70"], (None, 70)),
    ],
)
def test_until_an_age_is_an_upper_limit_and_a_later_one_widens(lines, expected):
    text = "Inclusion Criteria:\n" + "".join(f"- {line}\n" for line in lines)
    assert window(text) == expected


def test_until_a_duration_is_no_age():
    text = "Inclusion Criteria:\n- Treatment continued until 2 years after transplant\n"
    assert window(text) == (None, None)


def test_an_age_inside_one_of_several_alternative_disease_groups_is_that_groups():
    text = (
        "DISEASE CHARACTERISTICS: Histologically proven relapsed lymphoma after autologous transplant "
        "OR Histologically proven acute myeloid leukemia in second remission "
        "OR Histologically proven acute lymphoblastic leukemia in a patient over age 16 in first remission "
        "PATIENT CHARACTERISTICS: Age: 55 and under Performance status: ECOG 0-2"
    )
    assert window(text) == (None, 55)


def test_an_age_stated_by_every_alternative_stays():
    text = (
        "DISEASE CHARACTERISTICS: Histologically proven relapsed lymphoma in a patient over age 18 "
        "OR Histologically proven acute myeloid leukemia in a patient over age 21 "
        "PATIENT CHARACTERISTICS: Performance status: ECOG 0-2"
    )
    assert window(text) == (18, None)


def test_the_age_field_after_run_together_alternatives_stays():
    text = (
        "--Disease Characteristics-- Chronic spinal cord injury Motor recovery as follows: Unable to walk OR "
        "Abnormal gait with slow walking speed --Patient Characteristics-- Age: 18 to 65 Other: No depression"
    )
    assert window(text) == (18, 65)
