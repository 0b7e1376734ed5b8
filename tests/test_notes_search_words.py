"""The note's words to search by ("Other words to search by"): its findings and symptoms, not the words that describe
the note itself (its title and sections, the visit, the verbs that report what was found)."""

from __future__ import annotations

import json

from nlp.notes import read_note
from search.notes import NOTE_WORDS_PATH, note_profile, search_words

CLINIC_NOTE = """Oncology clinic note
A 62-year-old man with metastatic colorectal adenocarcinoma. NGS: NTRK1 amplification (9 copies).
ECOG 1. He has no history of diabetes mellitus.
Follow-up visit reviewed."""

SYMPTOM_NOTE = ("A 66-year-old man presents to clinic with a peripheral lung lesion and hemoptysis. History of "
                "COPD. Chest CT revealed mediastinal lymphadenopathy; biopsy report pending.")


def words(note: str) -> list[str]:
    return search_words(note, read_note(note))


def test_a_clinic_notes_title_sections_and_visit_are_not_words_to_search_by():
    assert set(words(CLINIC_NOTE)).isdisjoint(
        {"oncology", "clinic", "note", "ngs", "copies", "history", "follow", "visit", "reviewed"})


def test_findings_and_symptoms_stay_among_the_words_to_search_by():
    found = words(SYMPTOM_NOTE)
    assert {"peripheral", "lung", "lesion", "hemoptysis", "mediastinal", "lymphadenopathy",
            "biopsy"} <= set(found)
    assert set(found).isdisjoint({"presents", "clinic", "history", "revealed", "report"})


def test_a_note_of_only_boilerplate_has_nothing_to_search_by():
    profile, _ = note_profile("Oncology clinic note. History reviewed. 52-year-old woman with metastatic "
                              "colorectal adenocarcinoma.")
    assert profile.search_text is None


def test_the_word_list_is_lower_case_distinct_words_with_a_note_saying_what_it_is():
    data = json.loads(NOTE_WORDS_PATH.read_text(encoding="utf-8"))
    assert "hand-written for trialmatch" in data["_about"].lower()
    assert data["words"] == sorted(set(data["words"])) and all(w.isalpha() and w.islower() for w in data["words"])
