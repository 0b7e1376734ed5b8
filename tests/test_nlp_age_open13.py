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
