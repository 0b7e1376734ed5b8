"""Fields of real-shaped notes (the classes bench/notes_own.jsonl found parse-note missing), written apart."""

from __future__ import annotations

import pytest

from nlp.notes import read_note


@pytest.mark.parametrize(("note", "age", "sex"), [
    ("Leukemia service\n62F with newly diagnosed acute myeloid leukemia.", 62.0, "female"),
    ("Rheumatology return visit\n45F with seropositive rheumatoid arthritis.", 45.0, "female"),
    ("SURGICAL PATHOLOGY REPORT\nPatient: 49 F\nSpecimen: right breast core biopsy", 49.0, "female"),
    ("GI clinic\nPt: 71 M\nReason for visit: Crohn disease follow-up.", 71.0, "male")])
def test_an_age_and_sex_opening_a_line_below_a_header_are_the_patients(note, age, sex):
    profile = read_note(note).profile
    assert (profile.get("age"), profile.get("sex")) == (age, sex)


def test_a_count_opening_a_line_is_no_age():
    profile = read_note("Lab summary\n3 M units of heparin given; 52-year-old woman with lupus.").profile
    assert profile["age"] == 52.0
