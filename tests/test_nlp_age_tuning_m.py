"""Age classes found by the blind tuning set `bench/own_dev_m.jsonl` (issue 13), on criteria written in the shape of
registry text: the legacy PDQ layout's nested lists and the corpus texts' bullets."""

from __future__ import annotations

import pytest

from tests.test_nlp_age_tuning_h import window

# the PDQ layout: a state ("Postmenopausal") heads its definitions, some of them under a label of their own
MENOPAUSE_DEFINED_BELOW = """DISEASE CHARACTERISTICS:

* Histologically confirmed adenocarcinoma of the breast
* Postmenopausal
  * No prior hormone replacement therapy:
    * Prior hysterectomy and younger than age 52 with FSH levels in the postmenopausal range
    * Prior hysterectomy and at least age 52
  * Amenorrhea for more than 1 year and under age 50

PATIENT CHARACTERISTICS:

Age:

* {age}
"""


@pytest.mark.parametrize(("age", "expected"), [("35 and over", (35, None)), ("35 to 80", (35, 80))])
def test_ages_under_an_item_naming_a_menopausal_state_define_the_state(age, expected):
    assert window(MENOPAUSE_DEFINED_BELOW.format(age=age)) == expected


def test_a_state_heading_its_participants_keeps_their_ages():
    text = "Inclusion Criteria:\n\n* Postmenopausal women\n  * Aged 55 to 75 years\n* ECOG 0-1\n"
    assert window(text) == (55, 75)


@pytest.mark.parametrize(
    "line",
    [
        "Evidence of myelodysplasia on marrow histology for elderly patients (i.e., > 65 years old) who are previously"
        " untreated and not candidates for induction therapy",
        "Prior hypomethylating therapy required for older patients (i.e. >= 70 years) unfit for intensive chemotherapy",
        "Secondary AML allowed for elderly patients (e.g., 75 years of age or older) who decline induction",
    ],
)
def test_an_age_spelling_out_a_subgroup_in_an_aside_is_no_limit(line):
    text = f"Inclusion Criteria:\n\n  -  Relapsed or refractory acute myeloid leukemia\n  -  {line}\n  -  ECOG 0-2\n"
    assert window(text) == (None, None)


@pytest.mark.parametrize(
    "line",
    [
        "Age =20 years at informed consent",  # "≥" lost to "=" in copying, as in "HbA1c =7.5% and =10.0%"
        "Age = 20 years",
        "Age 20 years at the time of signing informed consent",
        "Aged =20 years at screening",
    ],
)
def test_a_bare_age_with_its_symbol_lost_to_an_equals_sign_is_the_minimum(line):
    text = f"Inclusion criteria:\n\n  1. Diagnosis of type 2 diabetes\n  2. {line}\n  3. BMI =40.0 kg/m2 at Visit 1\n"
    assert window(text) == (20, None)


def test_a_bare_age_of_an_event_is_no_minimum():
    text = "Inclusion criteria:\n\n  1. Diagnosis of type 2 diabetes\n  2. Age =20 years at diagnosis\n"
    assert window(text) == (None, None)
