"""The participants' age window, in years, from criteria text; and merged with registry ages for studies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.extract import extract_study, extract_text, extract_texts, registry_age_years

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
AGE_TARGET = 0.97


def window(text: str) -> tuple[float | None, float | None]:
    age = extract_text(text).age
    return age.min_years, age.max_years


def inclusion(*lines: str) -> str:
    return "Inclusion Criteria:\n" + "".join(f"- {line}\n" for line in lines) + "Exclusion Criteria:\n- Pregnancy"


def exclusion(*lines: str) -> str:
    return "Inclusion Criteria:\n- Diagnosis of asthma\nExclusion Criteria:\n" + "".join(f"- {x}\n" for x in lines)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Age ≥ 18 years", (18, None)),
        ("18 years of age or older", (18, None)),
        ("Patients must be >/= 18 years of age.", (18, None)),
        ("Older than 20 years of age", (20, None)),
        ("The age＞18 and no gender limitation.", (18, None)),
        ("Age 16+", (16, None)),
        ("55 and older", (55, None)),
        ("Any patient ≥18 who presents for a colonoscopy", (18, None)),
        ("Age ≥ 18 ans", (18, None)),
        ("Chinese participants, greater than or equal to (≥) 18 years of age", (18, None)),
        ("Age not under 18 years", (18, None)),
    ],
)
def test_a_lower_bound_gives_min_years(line: str, expected: tuple):
    assert window(inclusion(line)) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("age between 18 and 65 years", (18, 65)),
        ("Patients aged 18-74, receiving therapy", (18, 74)),
        ("18~60 years, female or male", (18, 60)),
        ("≥20 and ≤80 years of age", (20, 80)),
        ("Age ≥ 18 and ≤ 65 years", (18, 65)),
        ("20-70 age", (20, 70)),
        ("Age 50 to 90", (50, 90)),
    ],
)
def test_a_range_gives_both_bounds(line: str, expected: tuple):
    assert window(inclusion(line)) == expected


def test_months_weeks_and_days_are_converted_to_years():
    assert window(inclusion("Age 6 months to 17 years")) == (0.5, 17)
    assert window(inclusion("The patient is less than 28 days old (neonate)")) == (None, 0.077)


def test_upper_bounds_alone_give_max_years():
    assert window(inclusion("Children < 5 years old")) == (None, 5)


def test_exclusion_statements_are_inverted():
    assert window(exclusion("Age < 12")) == (12, None)
    assert window(exclusion("Subject under 18 years or over 70 years")) == (18, 70)
    assert window(exclusion("Patients under the age of 18")) == (18, None)
    assert window(exclusion("Age ≥ 76 years")) == (None, 75)


def test_durations_and_other_numbers_are_not_ages():
    assert window(inclusion("Stable disease for at least 6 months", "Smoking history of > 10 years")) == (None, None)
    assert window(inclusion("More than 1 year since prior trastuzumab")) == (None, None)
    assert window(inclusion("AMH levels age appropriate (≥2.3 ng/ml)")) == (None, None)
    assert window(inclusion("Has confirmed gestational age of 24-28 weeks")) == (None, None)
    assert window(inclusion("Tumor material no more than 12 months old")) == (None, None)
    assert window(exclusion("Family history of sudden death under 40 years of age")) == (None, None)


def test_a_subgroup_condition_is_not_the_study_age():
    assert window(inclusion("LH and FSH levels in the post-menopausal range for women under 50")) == (None, None)


def test_cohorts_give_the_widest_window_and_exclusions_fill_open_sides():
    assert window(inclusion("Adults 18 years or older", "Adolescents 12 to 17 years in cohort B")) == (12, None)
    assert window(inclusion("Age 18 years or older") + "\n- Age > 75 years") == (18, 75)


def test_a_legacy_age_header_gives_its_value_to_the_next_line():
    text = "PATIENT CHARACTERISTICS:\nAge\n- 18 and over\nPerformance status\n- ECOG 0-1"
    assert window(text) == (18, None)


def test_age_criteria_are_marked_with_their_kind():
    facts = extract_text(inclusion("Age ≥ 18 years", "ECOG 0-1"))
    assert [c.kinds for c in facts.criteria][:2] == [["age"], ["performance_status"]]


def test_registry_ages_are_parsed_in_years():
    assert [registry_age_years(v) for v in ("16 Years", "6 Months", "2 Weeks", "N/A", None)] == [
        16.0, 0.5, 0.0383, None, None,
    ]


def test_a_study_merges_registry_and_text_ages_and_says_which():
    study = json.loads((SHARED / "ctgov" / "ntrk" / "NCT04879121.json").read_text())
    assert extract_study(study).age.model_dump() == {"min_years": 16.0, "max_years": None, "source": "both"}
    study["protocolSection"]["eligibilityModule"]["eligibilityCriteria"] = "Inclusion Criteria:\n* NTRK fusion"
    assert extract_study(study).age.source == "registry"


def test_plain_text_age_comes_from_the_text_alone():
    assert extract_text("Inclusion Criteria:\n* Age 18 to 75 years").age.source == "text"
    assert extract_text("Inclusion Criteria:\n* Pregnancy test").age.source is None


@pytest.mark.parametrize("gold", ["age_dev.jsonl", "extraction_dev.jsonl"])
def test_age_exact_match_on_the_dev_gold_sets_reaches_the_target(gold: str):
    rows = [json.loads(line) for line in (SHARED / "gold" / gold).read_text().splitlines() if line.strip()]
    found = extract_texts((r["criteria"], r["nct_id"]) for r in rows)
    hits = sum(
        (f.age.min_years, f.age.max_years)
        == tuple(None if v is None else float(v) for v in (r["expected"]["age"]["min_years"],
                                                           r["expected"]["age"]["max_years"]))
        for f, r in zip(found, rows, strict=True)
    )
    assert hits / len(rows) >= AGE_TARGET, f"{hits}/{len(rows)}"


def test_ages_qualifying_performance_scales_are_not_an_age_limit():
    text = (
        "Inclusion Criteria:\n- Performance Status: ECOG score ≤ 3 (age ≥ 16 years) or Lansky Performance Score "
        "≥ 40% (age < 16 years)."
    )
    assert (extract_text(text).age.min_years, extract_text(text).age.max_years) == (None, None)


def test_a_later_rationale_does_not_undo_the_stated_minimum():
    text = (
        "Inclusion Criteria:\n- Age > 18 years. Because no dosing data are available in patients <18 years of age,"
        " children are excluded from this study."
    )
    assert (extract_text(text).age.min_years, extract_text(text).age.max_years) == (18.0, None)


def test_complementary_ages_across_criteria_are_alternatives():
    text = (
        "Inclusion Criteria:\n- Postmenopausal, defined as:\n  - Patients ≥ 60 years of age\n"
        "  - Patients < 60 years of age and amenorrheic for ≥ 12 months"
    )
    assert (extract_text(text).age.min_years, extract_text(text).age.max_years) == (None, None)


def test_the_selitrectinib_trial_keeps_its_registry_minimum_of_one_month(shared_dir):
    study = json.loads((shared_dir / "ctgov" / "ntrk" / "NCT03215511.json").read_text())
    age = extract_study(study).age
    assert (round(age.min_years, 3), age.max_years, age.source) == (0.083, None, "registry")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PATIENT CHARACTERISTICS: Age: 21 to 70 Sex: Male Performance status: ECOG 0-1 Life expectancy: Not "
         "specified", (21, 70)),
        ("PATIENT CHARACTERISTICS: Age: 16 and over Sex: Either Menopausal status: Any Performance status: "
         "Karnofsky 60-100%", (16, None)),
        ("PATIENT CHARACTERISTICS: Age: Any age Performance status: Not specified Life expectancy: At least 8 weeks",
         (None, None)),
        ("PATIENT CHARACTERISTICS:\nAge:\n- 30 and over\nLife expectancy:\n- At least 2 years", (30, None)),
    ],
)
def test_the_legacy_layout_reads_the_age_field_and_nothing_after_other_labels(text: str, expected: tuple):
    assert window(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PATIENT CHARACTERISTICS: Age: 20 to physiologic 60 Performance status: ECOG 0-2", (20, 60)),
        ("PATIENT CHARACTERISTICS:\nAge:\n* Physiologic 70 and under\nPerformance status:\n* ECOG 0-1", (None, 70)),
        ("PATIENT CHARACTERISTICS: Age: Under physiologic 55 Sex: Male Performance status: ECOG 0-1", (None, 55)),
        (inclusion("Age less than physiologic 62 years.", "Signed consent"), (None, 62)),
    ],
)
def test_a_word_qualifying_the_age_number_is_skipped(text: str, expected: tuple):
    assert window(text) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Men or women >= to 21 years of age", (21, None)),
        ("Age > or = to 40 years", (40, None)),
        ("Adults aged ≥ 19 years and ≤ 64 years", (19, 64)),
    ],
)
def test_symbol_comparators_next_to_age_words_give_the_bound_they_state(line: str, expected: tuple):
    assert window(inclusion(line)) == expected


@pytest.mark.parametrize(
    "line",
    [
        "Postmenopausal, defined as age ≥ 55 years or no menses for at least 12 months",
        "Menopausal status: postmenopausal by one of: amenorrhea over 1 year in women under 52 years of age",
        "Postmenopausal (natural menopause ≥ 12 months and age > 48 years)",
    ],
)
def test_an_age_inside_a_menopause_definition_is_not_a_limit(line: str):
    assert window(inclusion(line)) == (None, None)


@pytest.mark.parametrize(
    "line",
    [
        "Negative serum pregnancy test in women of childbearing potential (defined as women ≤ 50 years of age)",
        "A negative pregnancy test is required for women of child-bearing potential (younger than 55 years of age)",
    ],
)
def test_an_age_inside_a_definition_of_childbearing_potential_is_not_a_limit(line: str):
    assert window(inclusion("Adults ≥ 18 years of age", line)) == (18, None)


def test_a_menopausal_state_named_with_the_participants_age_keeps_the_age():
    assert window(inclusion("Premenopausal women aged 20 to 45 years")) == (20, 45)


@pytest.mark.parametrize(
    "lines",
    [
        ("Two or more first-degree relatives with colon cancer diagnosed under age 45",),
        ("DONOR: Age 16 to 60 years",),
        ("Received a liver graft from a donor older than 55 years",),
        ("Availability of an HLA-matched sibling donor\n  - At least 12 years of age",),
    ],
)
def test_the_age_of_a_relative_or_a_donor_is_not_the_participants(lines: tuple):
    assert window(inclusion(*lines)) == (None, None)


@pytest.mark.parametrize(
    "lines",
    [
        ("ECOG 0-1, or 2 if age ≥ 72 years",),
        ("Written consent of a parent or guardian if less than 18 years of age",),
        ("Signed consent from a legal guardian for patients under 18 years of age",),
        ("Must meet one of the following:\n  - Age 65 years or older\n  - Creatinine clearance < 60 mL/min",),
    ],
)
def test_an_age_that_picks_out_a_subgroup_or_one_alternative_is_not_a_limit(lines: tuple):
    assert window(inclusion(*lines)) == (None, None)


@pytest.mark.parametrize(
    "lines",
    [
        ("No more than 10 percent of the volunteers may be over 50 years of age.",),
        ("No more than one participant older than 65 years will be enrolled at each dose level.",),
        ("Lives with a household contact younger than 5 years of age",),
        ("A caregiver who is 18 years of age or older must attend every visit",),
        ("Durable power of attorney is offered to all patients 18 years of age or older",),
        ("Bone age between 2 and 12 years",),
        ("Mental age of at least 24 months",),
        ("The ulcer must be more than 3 months old",),
        ("Was at least 2 years old when they had measles",),
        ("Symptoms began at age 40 or younger",),
        ("Women 2 to 8 years past menopause",),
        ("Diabetes diagnosed under 30 years of age at onset",),
        ("Fewer than 12 years of formal education",),
        ("Depressed patients (greater than 17 on the Hamilton Depression Rating Scale)",),
        ("Karnofsky 60-100% in patients over 16 years of age",),
    ],
)
def test_a_share_an_event_a_score_or_another_persons_age_is_not_a_limit(lines: tuple):
    assert window(inclusion(*lines)) == (None, None)


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (("Age 18 to 70 years", "No more than 20% of patients may be older than 65 years"), (18, 70)),
        (("Patients must be 18 years or older", "The wound must be more than 6 months old"), (18, None)),
        (("Children 6 to 17 years of age", "Mental age of at least 18 months"), (6, 17)),
        (("Acute myeloid leukemia in patients 1 month to 21 years of age",), (0.083, 21)),
        (("Healthy volunteers of non-childbearing potential aged 18 to 55 years",), (18, 55)),
    ],
)
def test_the_participants_age_stands_beside_ages_that_are_not_theirs(lines: tuple, expected: tuple):
    assert window(inclusion(*lines)) == expected


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (("Age 18 to 60 years; patients older than 60 may be considered after discussion with the sponsor",),
         (18, None)),
        (("Birth through 18 years of age with a relapsed solid tumor; OR older than 18 years of age with a pediatric"
          " tumor may be eligible after discussion",), (0, None)),
        (("Children from birth to 12 years of age",), (0, 12)),
        (("Patients from 2 to 60 years (children 2 to 17 years / adults 18 to 60 years)",), (2, 60)),
    ],
)
def test_cohort_alternatives_and_exceptions_widen_the_window(lines: tuple, expected: tuple):
    assert window(inclusion(*lines)) == expected


def test_whole_years_count_in_ages_written_with_days():
    assert window(inclusion("Age 16 years and 0 days to 30 years and 364 days")) == (16, 30)


def test_two_ages_named_together_are_not_a_range():
    assert window(inclusion("Age ≥ 16 years", "Subjects 16 and 17 years old must use contraception")) == (16, None)


def test_the_pediatric_larotrectinib_text_reads_from_birth_upward(shared_dir):
    study = json.loads((shared_dir / "ctgov" / "ntrk" / "NCT02637687.json").read_text())
    text = study["protocolSection"]["eligibilityModule"]["eligibilityCriteria"]
    assert window(text) == (0, None)


def test_the_entrectinib_basket_trial_keeps_its_registry_minimum_and_ecog_2(shared_dir):
    facts = extract_study(json.loads((shared_dir / "ctgov" / "ntrk" / "NCT02568267.json").read_text()))
    assert (facts.age.min_years, facts.age.max_years, facts.age.source) == (18.0, None, "registry")
    assert facts.performance_status.ecog_max == 2


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Men and women, age above or equal to 21 years when they sign the consent form", (21, None)),
        ("Volunteers aged above or equal to 6 years and below or equal to 15 years", (6, 15)),
        ("Children under or equal to 12 years old", (None, 12)),
        ("Age 21 years and more", (21, None)),
        ("Patients 16 years and up", (16, None)),
        ("Subjects 40 years or elder", (40, None)),
    ],
)
def test_comparators_written_with_age_words_give_the_bound_they_state(line: str, expected: tuple):
    assert window(inclusion(line)) == expected


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (("For France only: men and women aged at least 21 years",), (None, None)),
        (("Aged 18 years or older. In Portugal only, subjects must be 70 years of age or younger",), (18, None)),
    ],
)
def test_an_age_for_one_country_only_is_not_the_study_age(lines: tuple, expected: tuple):
    assert window(inclusion(*lines)) == expected


@pytest.mark.parametrize(
    "line",
    [
        "Female subjects > 1 year postmenopausal are not at risk of pregnancy",
        "Women with > 2 years of amenorrhoea need no pregnancy test",
    ],
)
def test_years_since_menopause_are_no_age(line: str):
    assert window(inclusion("Women at least 18 years of age", line)) == (18, None)
    assert window(inclusion("Women at least 18 years of age").replace("Pregnancy", line)) == (18, None)


def test_a_menopausal_state_after_the_participants_age_keeps_the_age():
    assert window(inclusion("45 ~ 70 years old, postmenopausal women")) == (45, 70)


def test_ages_in_a_list_of_exceptions_are_no_limit():
    text = (
        "Inclusion Criteria:\n- Adults at least 18 years of age\nExclusion Criteria:\n"
        "- Women able to become pregnant. Exempt from this criterion:\n"
        "    - Women older than 60 years with no menses\n"
        "    - Women under 60 years of age with both ovaries removed\n"
        "- Active infection\n"
    )
    assert window(text) == (18, None)


def test_an_exception_named_before_a_list_of_requirements_keeps_their_ages():
    text = (
        "Inclusion Criteria:\n- Healthy volunteers who meet the usual donor rules with the exception of travel history,"
        " as listed below:\n    - Age of at least 18 years\n    - Weight over 50 kg\nExclusion Criteria:\n- Anemia\n"
    )
    assert window(text) == (18, None)


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (("Patients 25 years of age or younger", "Subjects aged 8 to 16 able to give assent"), (None, 25)),
        (("Patients 25 years or younger", "Parental consent and assent (children aged 9 to 14 only)"), (None, 25)),
        (("Children aged 6 to 17 years at the time of signing consent/assent",), (6, 17)),
        (("Age 12 years or older on the day of assent",), (12, None)),
        (
            (
                "Participants must be 2 years of age or older. Those under the age of 18 but who are age 13 or older"
                " will be asked to sign an assent form",
            ),
            (2, None),
        ),
    ],
)
def test_an_age_that_picks_who_signs_an_assent_is_no_limit(lines: tuple, expected: tuple):
    assert window(inclusion(*lines)) == expected


def test_children_who_sign_an_assent_widen_the_window():
    assert window(inclusion("Adults aged 18 to 60 years", "Children ages 12 to 17 years give assent")) == (12, 60)
    assert window(inclusion("Adults aged 18 to 60 years", "Written consent, and assent of children ages 12 to 17")) == (
        12,
        60,
    )


@pytest.mark.parametrize(
    "text",
    [
        exclusion("No close contact with the following high-risk individuals for 2 weeks after dosing:\n"
                  "  - Children under age 3\n  - Pregnant women"),
        exclusion("Household members in close contact with persons with any of the following:\n  - Age under 5 years"),
        "Inclusion Criteria:\n* Diagnosis of asthma\nExclusion Criteria:\n* Household contacts with, or "
        "occupational exposure to, people with any of the following:\n\nPregnancy. <6 months of age. Eczema.\n\n"
        "* Prior vaccination",
    ],
)
def test_ages_listed_under_another_persons_header_are_not_limits(text: str):
    assert window(text) == (None, None)


@pytest.mark.parametrize(
    "header", ["Patients and their donors must meet the following:", "First-degree relatives of patients with lupus:"]
)
def test_a_list_header_naming_participants_keeps_its_ages(header: str):
    assert window(inclusion(header, "  - Age 18 to 60")) == (18, 60)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Postnatal age less than 36 hours", (None, 0.004)),
        ("Newborns 12 to 60 hours old", (0.001, 0.007)),
        ("Age 18 years or older, fasting for 8 hours", (18, None)),
        ("Age: 14 and over Other: No injuries greater than 24 hours old", (14, None)),
    ],
)
def test_ages_in_hours_are_read_in_hours_not_years(line: str, expected: tuple):
    assert window(inclusion(line)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (exclusion("Men younger then 21 or older then 50"), (21, 50)),
        (inclusion("Female, older then 30, with infertility"), (30, None)),
    ],
)
def test_then_written_for_than_compares_ages(text: str, expected: tuple):
    assert window(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        inclusion("All ages are eligible. Those aged 14 years or older sign their own consent", "ECOG 0-2"),
        inclusion("Patients over 60 and under 85 years old, or of any age with a severe comorbidity"),
        inclusion("Age 1 to 21 years", "Any age with a WBC count over 100,000/mm3"),
        "PATIENT CHARACTERISTICS: Age: Any age (3 to 50 to be eligible for randomization) Performance status: ECOG 0-2",
    ],
)
def test_a_cohort_of_any_age_leaves_no_limit(text: str):
    assert window(text) == (None, None)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Diagnosis of pancreatitis at any age", (21, None)),
        ("Aged at least 21 years (any age before protocol amendment 2)", (21, None)),
        ("Onset of symptoms at age 40 or younger for colon cancer and any age for gastric cancer", (21, None)),
        ("All ages:", (21, None)),
        ("Postmenopausal, defined by one of the following: Any age with prior bilateral oophorectomy", (21, None)),
        ("Children of any age above 4 years may take part", (4, None)),
    ],
)
def test_any_age_of_an_event_a_label_or_a_limit_is_no_cohort(line: str, expected: tuple):
    assert window(inclusion("Age 21 or older", line)) == expected


def test_any_age_under_a_menopausal_state_is_its_definition():
    text = inclusion("Age 21 or older", "Postmenopausal", "  - Bilateral oophorectomy and any age")
    assert window(text) == (21, None)


@pytest.mark.parametrize(
    "line", ["Puberty is delayed (age 14-15)", "Precocious puberty before age 8 in girls"]
)
def test_the_age_of_puberty_is_no_limit(line: str):
    assert window(inclusion("Diagnosis of hypogonadism", line)) == (None, None)


@pytest.mark.parametrize(
    ("line", "expected"),
    [("aged over 18", (18, None)), ("Healthy, aged over 65", (65, None)), ("Aged over 50 with diabetes", (50, None))],
)
def test_an_age_word_inside_the_comparator_is_the_age_cue(line: str, expected: tuple):
    assert window(inclusion(line)) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Individuals between the ages of 18-75 will be included", (18, 75)),
        ("Age of 40~75 men and women", (40, 75)),
        ("Subjects aged 4 and above will be included", (4, None)),
    ],
)
def test_a_word_after_the_age_number_is_no_unit_of_measure(line: str, expected: tuple):
    assert window(inclusion(line)) == expected


@pytest.mark.parametrize(
    "line",
    [
        "Age between 20 years old and 65 years old",
        "Patient is between 20 years old and 65 years old, inclusive",
        "Age: 20 years old to 65 years of age",
        "Aged 20 years of age to 65 years of age",
    ],
)
def test_a_range_whose_first_end_repeats_old_or_of_age_gives_both_bounds(line: str):
    assert window(inclusion(line)) == (20, 65)


@pytest.mark.parametrize(
    "line",
    [
        "Patients under 16 years must have an ECOG performance status of 0 or 1",
        "Children under 2 years of age, who were born preterm, must also have a normal cranial ultrasound",
        "Female subjects <= 55 years of age must have a negative pregnancy test",
        "Participants 17 years of age and younger should also bring a parent to each visit",
        "Consent is signed by the patient. For minor patients (ages 12 to 17 years), a parent also signs",
    ],
)
def test_an_age_naming_whom_a_requirement_is_for_is_no_limit(line: str):
    assert window(inclusion("Age 10 years or older", line)) == (10, None)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Patients must be over 21 years old and must be able to give written informed consent", (21, None)),
        ("All volunteers must be between 21 and 65 years of age and must have provided written consent", (21, 65)),
        ("Patients who are 21 to 65 years old must have measurable disease", (21, 65)),
        ("Patients 21 to 65 years old who must have failed one prior therapy", (21, 65)),
    ],
)
def test_an_age_stated_with_its_own_verb_stays_a_limit_beside_other_requirements(line: str, expected: tuple):
    assert window(inclusion(line)) == expected


@pytest.mark.parametrize(
    "line",
    [
        "Pediatric population (age < 18): creatinine clearance ≥ 90 ml/min",
        "Age 12 to < 16 years: maximum serum creatinine 1.2 mg/dL",
        "Age 8 and under: clinically normal pulmonary function",
    ],
)
def test_an_age_labelling_a_requirement_is_no_limit(line: str):
    assert window(inclusion("Age 10 years or older", line)) == (10, None)


def test_an_age_heading_its_cohorts_criteria_stays_a_limit():
    assert window(inclusion("Age 10 to 16 years:", "  - Lansky ≥ 50")) == (10, 16)


@pytest.mark.parametrize(
    "lines",
    [
        ("Neonates (≤ 28 days old)", "Children (2 to 11 years old)", "Adolescents (12 to 16 years old)"),
        ("Under 65 years:", "  - ECOG 0-2", "Age 65-70 years:", "  - ECOG 0-1"),
    ],
)
def test_a_cohort_below_a_range_with_no_lower_limit_leaves_no_minimum(lines: tuple):
    assert window(inclusion(*lines))[0] is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (inclusion("Gender: Male and Female", "Minimum Age: 18", "Maximum Age: 70"), (18, 70)),
        ("Minimum Age: 18 Years Maximum Age: 99 Years Sex: All\nInclusion Criteria:\n- Asthma", (18, 99)),
        (inclusion("Minimum age of 21 years"), (21, None)),
    ],
)
def test_minimum_and_maximum_age_labels_give_their_bounds(text: str, expected: tuple):
    assert window(text) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Age over or equal 18 years", (18, None)),
        ("Men or women equal or elder 40 years of age", (40, None)),
        ("Age under or equal 12 years", (None, 12)),
        ("Age older or equal to 50 years", (50, None)),
    ],
)
def test_comparators_written_with_equal_first_or_without_to_give_their_bound(line: str, expected: tuple):
    assert window(inclusion(line)) == expected


@pytest.mark.parametrize(
    "line",
    [
        "Male or female between 18 (20 in Japan) and 65 years of age inclusive",
        "Man or woman 18 (or older if the legal age of consent is greater than [>]18) to 65 years of age, inclusive",
    ],
)
def test_an_aside_between_the_ends_of_a_range_keeps_the_range(line: str):
    assert window(inclusion(line)) == (18, 65)


@pytest.mark.parametrize(
    "line",
    ["Age 18 years.", "Subjects must be 18 years of age.", "18 years of age", "Age: 18", "Patient, age 18 years old."],
)
def test_one_age_with_no_comparator_is_the_minimum(line: str):
    assert window(inclusion(line)) == (18, None)


@pytest.mark.parametrize(
    "text", [inclusion("18 years"), inclusion("Age 6 months"), exclusion("Age 18 years"), inclusion("Stage 18")]
)
def test_a_bare_number_without_an_age_word_or_outside_inclusion_is_no_minimum(text: str):
    assert window(text) == (None, None)


def test_a_numbered_item_after_bullets_at_its_indent_is_their_sibling_not_their_sub_item():
    text = (
        "Inclusion Criteria:\n\n1. Chronic phase CML\n\n2.1 Failure of interferon, one of the following:\n\n"
        "* Loss of a prior hematologic remission.\n* A two-fold increase in WBC count.\n\n3. Age ≥ 16 years\n\n"
        "4. ECOG 0-2\n\nExclusion Criteria:\n\n* Pregnancy"
    )
    assert window(text) == (16, None)


def test_a_header_naming_the_participants_menopausal_states_keeps_the_ages_under_it():
    text = (
        "Inclusion Criteria:\n- Premenopausal and postmenopausal women:\n"
        "    1. Female aged 20 to 40 years (premenopausal arm), or female aged 45 to 65 years (postmenopausal arm)\n"
        "Exclusion Criteria:\n- Pregnancy"
    )
    assert window(text) == (20, 65)


def test_comparators_of_the_symbol_font_read_as_latin_1_give_the_age_limits():
    # Word's Symbol font puts ≥ at 0xB3 and ≤ at 0xA3: read as Latin-1 they become "³" and "£"
    assert window(inclusion("Patients aged ³ 21 years")) == (21, None)
    assert window(inclusion("Age ³18 and £ 70 years")) == (18, 70)


@pytest.mark.parametrize(
    "line",
    [
        "Total bilirubin ≤ 1.5 × ULN; liver metastasis or liver cancer patients: ≤ 2.5 × ULN",
        "AST ≤ 3×ULN (patients: ≤ 5×ULN with hepatic involvement)",
    ],
)
def test_a_number_times_a_limit_of_normal_after_a_person_word_is_no_age(line: str):
    assert window(inclusion("Aged 18-80 years (inclusive)", line)) == (18, 80)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Male or female patients equal 18 or more years of age", (18, None)),
        ("Is male or female, 18 or older years of age", (18, None)),
        ("80 or more years old", (80, None)),
    ],
)
def test_a_comparator_between_the_age_number_and_its_unit_gives_the_bound(line: str, expected: tuple):
    assert window(inclusion(line)) == expected


@pytest.mark.parametrize(
    "line",
    ["History of tremor for 5 or more years", "Smoking for 3 or more years", "Disease-free for 5 or more years"],
)
def test_a_duration_written_with_the_comparator_before_its_unit_is_no_age(line: str):
    assert window(inclusion(line)) == (None, None)


@pytest.mark.parametrize("text", [
    "All ages are eligible", "AGE 18 OR OLDER", "Of any Age with a co-morbid condition", "pAgE", "Âge ≥ 18",
    "İAGE", "a ge", "Stage IV", "no such word", "",
])
def test_the_any_age_prefilter_finds_age_as_a_search_ignoring_case_does(text):
    import re

    from nlp.age import _says_age

    assert _says_age(text) == (re.search("age", text, re.I) is not None)


def test_no_other_character_lower_cases_to_a_letter_of_age():
    import sys

    others = [chr(c) for c in range(sys.maxunicode + 1) if chr(c) not in "aAgGeE" and set(chr(c).lower()) & set("age")]
    assert others == []
