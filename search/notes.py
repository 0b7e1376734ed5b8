"""A patient profile from a note, optionally corrected by a JSON profile, ready for `match_patient`.

    >>> profile, reading = note_profile("58-year-old woman with lung adenocarcinoma, ECOG 2.", {"ecog": 1})
    >>> profile.age, profile.ecog, reading.profile["ecog"]
    (58.0, 1, 2)

The note is read by `nlp.notes.read_note`; each field the JSON gives replaces the note's (a list replaces the whole
list), then the result is validated by `parse_patient` like any profile. The note's own words outside what was read
into fields (its findings, history; drugs even when read as therapies) become `search_text` unless the JSON gives
one: they find trials by relevance only, beside the diagnosis, and are never judged. So a note that names no
diagnosis the vocabulary knows nor a biomarker (a patient described by symptoms and findings) is still matched,
every trial's diagnosis unknown (the reading's warning says so). Problems raise `PatientError` naming the field
(`note: ...` when the note itself is at fault: no diagnosis, biomarker nor MIN_SEARCH_WORDS words to search by).
Nothing about the patient is logged or written.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from nlp.notes import NoteError, NoteReading, read_note
from search.fields import MAX_QUERY_TOKENS, content_words
from search.models import PatientProfile
from search.patient import PatientError, parse_patient

MIN_SEARCH_WORDS = 3
NOTE_WORDS_PATH = Path(__file__).with_name("note_words.json")
SEARCHED_AS_WORDS = ("prior_therapies[",)  # fields no search uses: their words stay among the note's words


class NothingToMatch(PatientError):
    """The note names no diagnosis nor biomarker, nor MIN_SEARCH_WORDS words to search by."""


def note_profile(note: str, overrides: dict[str, Any] | None = None) -> tuple[PatientProfile, NoteReading]:
    """The validated profile of `note` with the fields of `overrides` replacing the note's, and the reading."""
    if overrides is not None and not isinstance(overrides, dict):
        raise PatientError(f"patient: expected a JSON object, got {type(overrides).__name__}")
    try:
        reading = read_note(note)
    except NoteError as exc:
        raise PatientError(str(exc)) from None
    data = reading.profile | (overrides or {})
    if "search_text" not in data and (words := note_search_text(note, reading, data)):
        data["search_text"] = words
    if not data.get("conditions") and not data.get("biomarkers") and not data.get("search_text"):
        raise NothingToMatch("note: no diagnosis or biomarker found to match on; add the diagnosis to the note, "
                           "or give it in a JSON profile with --patient (its fields replace the note's)")
    return parse_patient(data), reading


def note_search_text(note: str, reading: NoteReading, profile: dict[str, Any]) -> str | None:
    """The words `note` is searched by beside `profile` (its reading, or that with a JSON's fields): its content
    words outside the fields read, when the profile has a diagnosis or biomarker to judge beside them or there are
    at least MIN_SEARCH_WORDS of them; else None."""
    words = search_words(note, reading)
    judged = bool(profile.get("conditions") or profile.get("biomarkers"))
    return " ".join(words) if words and (judged or len(words) >= MIN_SEARCH_WORDS) else None


@cache
def note_words() -> frozenset[str]:
    """Words that describe a note, not the patient: "clinic", "history", "presents" (`note_words.json`)."""
    return frozenset(json.loads(NOTE_WORDS_PATH.read_text(encoding="utf-8"))["words"])


def search_words(note: str, reading: NoteReading) -> list[str]:
    """The note's content words outside the spans read into fields and the words that describe the note itself
    (`note_words`), distinct, at most MAX_QUERY_TOKENS; a therapy's words stay (prior therapies are judged, never
    searched by: "increased lasix dose" still finds diuretic trials)."""
    parts, at = [], 0
    for start, end in sorted(e.span for e in reading.evidence if not e.field.startswith(SEARCHED_AS_WORDS)):
        parts.append(note[at:start])
        at = max(at, end)
    parts.append(note[at:])
    return [w for w in content_words(" ".join(parts)) if w not in note_words()][:MAX_QUERY_TOKENS]
