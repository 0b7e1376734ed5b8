"""Read a note into a patient profile: the pipeline once, then each family of facts with its evidence.

    >>> from nlp.notes import read_note
    >>> reading = read_note("Patient is a 45-year-old man with metastatic colorectal adenocarcinoma. ECOG 1.")
    >>> reading.profile
    {'age': 45.0, 'sex': 'male', 'conditions': ['metastatic colorectal adenocarcinoma'], 'ecog': 1}
    >>> [(e.field, e.text) for e in reading.evidence][:2]
    [('age', '45-year-old'), ('sex', 'man')]

Nothing is logged or written: the note and what is read from it live only in the returned object. A note longer
than READ_CHARS is read up to there, with a warning, so time and memory stay bounded (a 1 MB paste included).
"""

from __future__ import annotations

from typing import Any

from nlp.notes.clinical import find_clinical
from nlp.notes.demographics import find_age, find_sex
from nlp.notes.diagnosis import find_conditions
from nlp.notes.models import NoteError, NoteEvidence, NoteReading
from nlp.notes.text import sentence_bounds, sentence_text
from nlp.pipeline import get_nlp, make_doc_text
from nlp.sections import criteria_offsets

READ_CHARS = 200_000  # a clinic note is a few kilobytes; beyond this only the beginning is read, in bounded time
NO_FACTS = ("note: no patient facts found (age, sex, diagnosis, biomarkers, ECOG, therapies); paste the clinic "
            "note, pathology or molecular report text, or fill the form by hand")


def read_note(note: str) -> NoteReading:
    """The profile a note states, with the span of every field; NoteError when it states nothing."""
    if not isinstance(note, str) or not note.strip():
        raise NoteError("note: empty; paste the clinic note, pathology or molecular report text")
    warnings: list[str] = []
    if len(note) > READ_CHARS:
        warnings.append(f"note: {len(note):,} characters is longer than a clinic note; only the first "
                        f"{READ_CHARS:,} were read (paste the part about the patient's disease to read it all)")
        note = note[:READ_CHARS]
    text = sentence_text(note)
    doc = get_nlp()(make_doc_text(text))
    criteria = criteria_offsets(doc)
    sentences = sentence_bounds(text)
    profile: dict[str, Any] = {}
    evidence: list[NoteEvidence] = []

    def put(field: str, value: Any, span: tuple[int, int]) -> None:
        evidence.append(NoteEvidence(field=field, text=note[span[0]:span[1]], span=span))
        if "[" in field:
            profile.setdefault(field.split("[")[0], []).append(value)
        else:
            profile[field] = value

    age = find_age(note)
    if age:
        put("age", age.years, age.span)
    sex = find_sex(note)
    if sex:
        put("sex", sex.value, sex.span)
    for i, condition in enumerate(find_conditions(note, sentences)):
        put(f"conditions[{i}]", condition.condition, condition.span)
    clinical = find_clinical(note, doc, criteria, sentences)
    for name, (value, span) in clinical.scores.items():
        put(name, value, span)
    for i, (entry, span) in enumerate(clinical.biomarkers):
        put(f"biomarkers[{i}]", entry, span)
    for i, (entry, span) in enumerate(clinical.therapies):
        put(f"prior_therapies[{i}]", entry, span)
    if clinical.therapies:
        profile["prior_therapies_complete"] = False  # a note names some therapies, never the whole history
    if clinical.cns:
        put("cns_metastases", *clinical.cns)
    if not profile:
        raise NoteError(NO_FACTS)
    warnings += clinical.warnings
    if not profile.get("conditions") and not profile.get("biomarkers"):
        warnings.append("conditions: the note names no diagnosis the disease vocabulary knows, nor a biomarker; "
                        "matching finds trials by the note's own words and leaves each trial's diagnosis unknown: "
                        "add the diagnosis to judge it")
    return NoteReading(profile=profile, evidence=evidence, warnings=warnings)
