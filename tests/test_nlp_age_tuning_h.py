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
