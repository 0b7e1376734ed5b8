"""Age classes found by the blind tuning set `bench/own_dev_o.jsonl` (issue 13), on criteria written in the shape of
registry text: numbered corpus items and bulleted API v2 criteria."""

from __future__ import annotations

import pytest

from tests.test_nlp_age_tuning_h import window


def numbered(*lines: str) -> str:
    items = "".join(f"{i}. {line}\n\n" for i, line in enumerate(lines, 1))
    return f"Inclusion Criteria:\n\n{items}Exclusion Criteria:\n\n1. Pregnancy\n"


@pytest.mark.parametrize(
    "line",
    [
        "Aged at least 18 years on the day of screening and no greater than 65 years at the time of dosing",
        "At least 18 years of age on the day of informed consent and no greater than 65 years",
        "Age of at least 18 years on the day of randomisation and not greater than 65 years",
    ],
)
def test_a_bound_after_the_moment_the_first_is_reached_at_is_the_same_statement(line):
    assert window(numbered(line, "ECOG 0-1")) == (18, 65)


@pytest.mark.parametrize(
    "line",
    [
        "Patients with AML not eligible for myeloablative conditioning due to age, comorbidity or extensive prior "
        "therapy (e.g. age > 55 years for matched related transplants or > 50 for unrelated transplants, prior organ "
        "damage)",
        "Myeloma patients unsuitable for high-dose therapy because of age, frailty or organ dysfunction (for example "
        "age over 65 years for autologous transplantation)",
    ],
)
def test_an_age_given_as_an_example_in_brackets_is_no_limit(line):
    assert window(numbered("Age less than physiologic 70 years.", line)) == (None, 70)


def test_a_bound_at_an_event_of_its_own_after_the_moment_of_the_first_is_that_events_age():
    text = "PATIENT CHARACTERISTICS: Age: At least 5 at registration and under 20 at diagnosis Performance status: 0-2"
    assert window(text) == (5, None)
