"""Age classes found by the tuning set `bench/own_dev_j.jsonl` (issue 13), on real criteria of `../shared/ctgov`
and sentences written here."""

from __future__ import annotations

import pytest

from tests.test_nlp_age_tuning_h import window


@pytest.mark.parametrize(
    "line",
    [
        # ../shared/ctgov/legacy-xml
        "For venipuncture and bone marrow aspiration, the peripheral blood platelet count of normal volunteers must "
        "be greater than 100,000/mm(3) and for volunteers with a lymphoid/hematologic malignancy, the platelet count "
        "must be greater than or equal to 50,000/mm(3).",
        "Normal volunteers must be greater than 100,000/mm3 platelets",
    ],
)
def test_a_number_with_a_thousands_group_is_a_count_not_an_age(line):
    assert window(f"Inclusion Criteria:\n- {line}\n") == (None, None)


def test_an_age_before_a_comma_and_a_short_number_is_still_an_age():
    assert window("Inclusion Criteria:\n- Patients aged 18 to 75, 2 cohorts\n") == (18, 75)
