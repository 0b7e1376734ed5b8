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

import re
from typing import Any

from nlp.disease_scales import find_values
from nlp.notes.clinical import find_clinical
from nlp.notes.context import clause_start, context_of, cue_regex
from nlp.notes.demographics import find_age, find_sex
from nlp.notes.diagnosis import find_absent, find_conditions
from nlp.notes.models import NoteError, NoteEvidence, NoteReading
from nlp.notes.text import sentence_bounds, sentence_text
from nlp.pipeline import get_nlp, make_doc_text
from nlp.procedures import ProcedureMention, find_mentions, is_not_yet_had, is_planned, procedure_name
from nlp.sections import criteria_offsets
from nlp.stages import names_a_cancer, names_a_recurrence, patient_stage

READ_CHARS = 200_000  # a clinic note is a few kilobytes; beyond this only the beginning is read, in bounded time
_PAST = re.compile(r"\b(?:ago|(?:19|20)\d\d)\b", re.I)  # "stage IB in 2016", "diagnosed 3 years ago": not just found
NO_FACTS = ("note: no patient facts found (age, sex, diagnosis, biomarkers, ECOG, therapies); paste the clinic "
            "note, pathology or molecular report text, or fill the form by hand")


def _disease_scales(note: str, sentences: list[tuple[int, int]]) -> list[tuple[str, float, tuple[int, int]]]:
    """The patient's stage or class on each disease scale the note states, asserted ("Hoehn-Yahr Stage I", "no
    angina (NYHA class 2)": a parenthesis is read apart from the clause around it); a scale given two different
    values is left out."""
    values: dict[str, set[float]] = {}
    found: dict[str, tuple[int, int]] = {}
    for first, last in sentences:
        for m in find_values(note, first, last):
            head = m.start if note[first:m.start].rstrip().endswith("(") else first  # a parenthesis is its own clause
            if m.low is not None and context_of(note, m.start, (head, last), m.end) is None:
                values.setdefault(m.scale, set()).add(m.low)
                found.setdefault(m.scale, (m.start, m.end))
    return [(scale, next(iter(v)), found[scale]) for scale, v in values.items() if len(v) == 1]


def _stage(note: str, sentences: list[tuple[int, int]]) -> tuple[str, str | None, tuple[int, int]] | None:
    """The cancer's stage the note states, asserted ("stage IB", "T2N1M0 stage IIB", "FIGO IIIC", "stage 4"):
    (stage, system id or None, span); none when the note gives two different stages (a stage at diagnosis and one
    after progression: which is current is not certain)."""
    found = []
    for first, last in sentences:
        m = patient_stage(note, first, last)
        if m is not None and context_of(note, m.start, (first, last), m.end) is None:
            found.append((m.words, m.system, (m.start, m.end)))
    return found[0] if found and all(f[:2] == found[0][:2] for f in found) else None


def _first_diagnosis(note: str, sentences: list[tuple[int, int]], stage: tuple[int, int],
                     treated: bool) -> tuple[int, int] | None:
    """The span of the words saying the cancer whose stage (or, when the note gives none, whose first mention) is at
    `stage` was just found ("The biopsy revealed stage IB ...", "newly diagnosed with stage IIA ...", "the fluid
    analysis was consistent with Burkitt's lymphoma": a `first_diagnosis` cue before it in its clause), or None:
    also when the sentence dates it ("in 2016", "3 years ago"), the note names a treatment given (`treated`), a
    recurrence ("relapse", "recurrent") or a progression anywhere: then the cancer may have come back."""
    first, last = next((s for s in sentences if s[0] <= stage[0] < s[1]), (stage[0], stage[1]))
    cue = None
    for found in cue_regex("first_diagnosis").finditer(note, clause_start(note, stage[0], first), stage[0]):
        cue = found
    if cue is None or treated or _PAST.search(note, first, last) or names_a_recurrence(note) \
            or cue_regex("progression").search(note):
        return None
    return cue.span()


def _procedures(note: str, sentences: list[tuple[int, int]]) -> tuple[list[ProcedureMention], list[ProcedureMention]]:
    """The procedures the note says the patient had ("s/p renal transplant", "underwent transsphenoidal resection",
    "status post mastectomy"), each once (its first asserted mention), in note order; negated, family and
    hypothetical mentions and planned ones ("evaluated for kidney transplant", "scheduled for hysterectomy") are not
    the patient's. Second, the planned ones whose words say they are not had yet ("She was offered a radical
    hysterectomy", "scheduled for hysterectomy"; not "evaluated for"), each once, unless the note says it was had."""
    found: dict[str, ProcedureMention] = {}
    planned: dict[str, ProcedureMention] = {}
    for first, last in sentences:
        for m in find_mentions(note, first, last):
            if m.procedure in found or context_of(note, m.start, (first, last), m.end) is not None:
                continue
            if not is_planned(note, first, m.start):
                found[m.procedure] = m
            elif is_not_yet_had(note, first, m.start):
                planned.setdefault(m.procedure, m)
    return list(found.values()), [m for p, m in planned.items() if p not in found]


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
    conditions = find_conditions(note, sentences)
    for i, condition in enumerate(conditions):
        put(f"conditions[{i}]", condition.condition, condition.span)
    for i, absent in enumerate(find_absent(note, sentences, conditions)):
        put(f"absent_conditions[{i}]", absent.condition, absent.span)
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
    for scale, stage, span in _disease_scales(note, sentences):
        evidence.append(NoteEvidence(field=f"disease_scales.{scale}", text=note[span[0]:span[1]], span=span))
        profile.setdefault("disease_scales", {})[scale] = stage
    had_procedures, planned_procedures = _procedures(note, sentences)
    for i, had in enumerate(had_procedures):
        put(f"procedures[{i}]", procedure_name(had.procedure), (had.start, had.end))
    for i, planned in enumerate(planned_procedures):
        put(f"planned_procedures[{i}]", procedure_name(planned.procedure), (planned.start, planned.end))
    cancer_stage = _stage(note, sentences) if names_a_cancer(profile.get("conditions", [])) else None
    if cancer_stage is not None:
        put("stage", cancer_stage[0], cancer_stage[2])
        if cancer_stage[1]:
            profile["stage_system"] = cancer_stage[1]
    cancer = next((c for c in conditions if c.cancer and not c.historical), None)
    anchor = cancer_stage[2] if cancer_stage is not None else cancer.span if cancer is not None else None
    if anchor is not None and (cancer_stage is not None or conditions[0] is cancer):
        found = _first_diagnosis(note, sentences, anchor, bool(clinical.therapies))
        if found is not None:
            put("recurrent", False, found)
    if not profile:
        raise NoteError(NO_FACTS)
    warnings += clinical.warnings
    if not profile.get("conditions") and not profile.get("biomarkers"):
        warnings.append("conditions: the note names no diagnosis the disease vocabulary knows, nor a biomarker; "
                        "matching finds trials by the note's own words and leaves each trial's diagnosis unknown: "
                        "add the diagnosis to judge it")
    return NoteReading(profile=profile, evidence=evidence, warnings=warnings)
