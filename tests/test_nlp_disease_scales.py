"""Disease stage and class scales (NYHA class, Hoehn and Yahr stage): trial limits, a note's value, the verdict."""

from __future__ import annotations

import pytest

from nlp.extract import extract_text
from nlp.notes import read_note
from search.models import IndexDocument
from search.patient import PatientError, parse_patient
from search.verdicts import evaluate


def limits(section: str, line: str) -> list[tuple[str, float | None, float | None, str]]:
    text = f"{section} Criteria:\n- {line}"
    return [(s.scale, s.low, s.high, s.polarity) for s in extract_text(text).disease_scales]


@pytest.mark.parametrize(("section", "line", "expected"), [
    ("Exclusion", "Congestive heart failure (NYHA class III or IV)", [("nyha", 3.0, 4.0, "excluded")]),
    ("Inclusion", "No New York Heart Association class III/IV heart disease", [("nyha", 3.0, 4.0, "excluded")]),
    ("Inclusion", "Relatively advanced disease (Hoehn and Yahr Stages II to IV) with motor fluctuations",
     [("hoehn_yahr", 2.0, 4.0, "required")]),
    ("Inclusion", "Hoehn & Yahr Stage 1 or 2", [("hoehn_yahr", 1.0, 2.0, "required")]),
    ("Exclusion", "Heart failure of NYHA class II or greater", [("nyha", 2.0, None, "excluded")]),
    ("Exclusion", "Heart failure (New York Heart Association (NYHA) functional class > II)",
     [("nyha", 2.5, None, "excluded")]),
    ("Inclusion", "Hoehn and Yahr stage 2.5 or less", [("hoehn_yahr", None, 2.5, "required")]),
    ("Exclusion", "Congestive heart failure > New York Heart Association (NYHA) class II",
     [("nyha", 2.5, None, "excluded")]),  # a comparator before the name
    ("Exclusion", "Clinically significant cardiac disease, eg, New York Heart Association classes III IV",
     [("nyha", 3.0, 4.0, "excluded")]),
    ("Inclusion", "All will carry the diagnosis of idiopathic Parkinson's disease based on the clinical history. All "
                  "will have advanced disease (Hoehn and Yahr Stages II to IV) with wearing-off fluctuations.",
     [("hoehn_yahr", 2.0, 4.0, "required")]),  # the limit's own sentence; "wearing-off" is no "off" state
])
def test_a_scale_limit_is_read_with_its_range_and_polarity(section, line, expected):
    assert limits(section, line) == expected


@pytest.mark.parametrize(("section", "line"), [
    ("Inclusion", "NYHA class I, II or IV"),  # a list with a gap
    ("Inclusion", "Hoehn-Yahr stage IV or worse during off periods"),  # on and off states differ
    ("Exclusion", "No NYHA class III/IV heart disease"),  # a negation in an exclusion: which way is not certain
    ("Inclusion", "NYHA class at least II or III"),  # a comparator before a list
    ("Inclusion", "NYHA functional class III/IV, or syncope"),  # alternatives
    ("Inclusion", "No severe cardiac disease: New York Heart Association class II (if not due to cancer), III, or IV"),
    ("Inclusion", "No serious illness (myocardial infarction, unstable angina, arrhythmia, or New York Heart "
                  "Association class II-IV heart disease)"),  # a negation far before the limit may hold
])
def test_a_limit_that_is_not_certain_gives_no_fact(section, line):
    assert limits(section, line) == []


def test_a_required_limit_after_a_list_header_gives_no_fact():
    text = ("Inclusion Criteria:\n- No clinically significant cardiac disease, including any of the following:\n"
            "- Unstable angina\n- NYHA class II-IV congestive heart failure")
    assert extract_text(text).disease_scales == []


def test_a_list_of_classes_each_named_is_one_range():
    assert limits("Inclusion", "Patients with NYHA class II, III, or IV and an ejection fraction below 40%") == [
        ("nyha", 2.0, 4.0, "required")]
    assert limits("Inclusion", "New York Heart Association class II or class III heart failure") == [
        ("nyha", 2.0, 3.0, "required")]


def test_a_limit_of_one_subgroup_only_gives_no_fact():
    text = "Inclusion Criteria:\n- For Part 2:\n  - NYHA class III heart failure\n- Age 18 or older"
    assert extract_text(text).disease_scales == []


@pytest.mark.parametrize(("note", "expected"), [
    ("A 55-year-old man with Parkinson's disease, ranked as mild, Hoehn-Yahr Stage I.", {"hoehn_yahr": 1.0}),
    ("A 60-year-old man with mild dyspnea, no angina (New York Heart Association class 2).", {"nyha": 2.0}),
    ("A 70-year-old man with heart failure. No NYHA class IV symptoms.", None),
    ("A 70-year-old man with heart failure, NYHA class II, later NYHA class III.", None),  # two values: left out
])
def test_a_note_gives_the_patients_own_value(note, expected):
    assert read_note(note).profile.get("disease_scales") == expected


def _trial(section: str, line: str) -> IndexDocument:
    return IndexDocument(nct_id="NCT00000009", title="t", overall_status="COMPLETED",
                         facts=extract_text(f"{section} Criteria:\n- {line}"))


@pytest.mark.parametrize(("scales", "status"), [
    ({"hoehn_yahr": 1}, "not_met"),
    ({"hoehn_yahr": 3}, "met"),
    ({}, "unknown"),
    ({"nyha": 3}, "unknown"),
])
def test_the_verdict_follows_the_patients_value_on_the_same_scale(scales, status):
    doc = _trial("Inclusion", "Advanced disease (Hoehn and Yahr stages II-IV)")
    who = parse_patient({"conditions": ["Parkinson's disease"], "disease_scales": scales})
    verdicts = [v for v in evaluate(doc, who).criteria if v.kind == "disease_scale"]
    assert [v.status for v in verdicts] == [status]
    assert "Hoehn and Yahr stage 2 to 4" in verdicts[0].explanation


def test_an_excluded_class_rules_out_only_a_patient_inside_it():
    doc = _trial("Exclusion", "Heart failure (NYHA class III or IV)")
    for value, status in ((2, "met"), (4, "not_met")):
        who = parse_patient({"conditions": ["heart failure"], "disease_scales": {"nyha": value}})
        assert [v.status for v in evaluate(doc, who).criteria if v.kind == "disease_scale"] == [status]


@pytest.mark.parametrize(("scales", "message"), [
    ({"gleason": 7}, "disease_scales.gleason: not a known scale"),
    ({"nyha": 6}, "disease_scales.nyha: expected a number from 1 to 4"),
    ({"nyha": True}, "disease_scales.nyha: expected a number"),
])
def test_an_unknown_scale_or_a_value_off_the_scale_is_refused(scales, message):
    with pytest.raises(PatientError, match=message):
        parse_patient({"conditions": ["heart failure"], "disease_scales": scales})


@pytest.mark.parametrize(("section", "line", "expected"), [
    ("Inclusion", "HAM-D17 total score > or = 22 at Screening and Baseline", [("hamd", 22.0, None, "required")]),
    ("Inclusion", "Hamilton Depression Rating Scale score of at least 18", [("hamd", 18.0, None, "required")]),
    ("Exclusion", "HAM-D 17 total score greater than 30", [("hamd", 30.5, None, "excluded")]),
    ("Inclusion", "HRSD score between 14 and 24", [("hamd", 14.0, 24.0, "required")]),
    ("Exclusion", "Severe depression (HDRS > 30)", [("hamd", 30.5, None, "excluded")]),  # a value, not a version
    ("Exclusion", "Major depression (Hamilton Depression Rating Scale-17 ≥14)", [("hamd", 14.0, None, "excluded")]),
])
def test_a_depression_score_limit_is_read_as_a_number_on_its_scale(section, line, expected):
    assert limits(section, line) == expected


@pytest.mark.parametrize(("section", "line"), [
    ("Inclusion", "HAMD24 score of ≥ 18 at baseline"),  # the 24-item total is another scale
    ("Inclusion", "HAM-D-24 total score ≥ 20"),
    ("Inclusion", "HAM-D Item 1 (depressed mood) score = 1"),  # one item, not the total
    ("Exclusion", "HAM-D cannot decrease by 25% or more between screening and baseline"),
    ("Inclusion", "NYHA class 22"),  # a score's number on a class scale
    ("Inclusion", "24-item Hamilton Rating Scale for Depression (HRSD-24) score of ≥21"),
    ("Inclusion", "HAM-D score > 18 (GRID-HAM-D 24-item version)"),
    ("Inclusion", "HAMD-17 item 1 score ≥ 2"),
    ("Exclusion", "Patients for whom the score of suicide-related item No. 3 of HAM-D is >=3"),
    ("Inclusion", "Current diagnosis of MDD/persistent depressive disorder or HDRS greater than or equal to 12"),
    ("Inclusion", "Other: No diabetes mellitus No exposure to toxins No other severe medical disease Hamilton "
                  "Depression Scale score of less than 20 points"),  # a negation of other words before it
])
def test_a_depression_score_of_another_version_or_an_item_gives_no_fact(section, line):
    assert limits(section, line) == []


@pytest.mark.parametrize(("note", "expected"), [
    ("A 46-year-old woman with MDD. Her HAM-D score is 20.", {"hamd": 20.0}),
    ("A 30-year-old man with major depression, HAMD 17.", {"hamd": 17.0}),
    ("A 30-year-old man with major depression; HAM-D-24 score 31.", None),
])
def test_a_note_gives_the_patients_depression_score(note, expected):
    assert read_note(note).profile.get("disease_scales") == expected


def test_a_depression_score_below_the_trials_minimum_is_not_met():
    doc = _trial("Inclusion", "HAM-D17 total score > or = 22 at Screening and Baseline")
    for value, status in ((20, "not_met"), (22, "met"), (None, "unknown")):
        scales = {} if value is None else {"hamd": value}
        who = parse_patient({"conditions": ["major depressive disorder"], "disease_scales": scales})
        assert [v.status for v in evaluate(doc, who).criteria if v.kind == "disease_scale"] == [status]
