"""Diagnoses from a note: disease terms of `nlp.diseases` the patient has, the cancer first.

    >>> from nlp.notes.diagnosis import find_conditions
    >>> note = "Metastatic lung adenocarcinoma, stage IV. Hypertension. No diabetes. Mother had breast cancer."
    >>> [(c.condition, c.term_id) for c in find_conditions(note, [(0, 41), (42, 55), (56, 68), (69, 95)])]
    [('metastatic lung adenocarcinoma', 'DOID:3910'), ('hypertension', 'DOID:10763')]

Each sentence is mapped with `map_condition`; a term whose context (`nlp.notes.context`) is negated, a family
member's or hypothetical is left out, so is one the note only weighs ("Asthma versus COPD", "Crohn's disease is
suspected"), and a term another found term lies below ("cancer" beside "lung adenocarcinoma") too; "healthy
volunteer" counts only when the note names one ("healthy volunteer", not "otherwise healthy") and nothing else is
found; an immunoglobulin isotype alone ("IgG" of "IgG kappa multiple myeloma", an `isotype` cue) is no condition,
nor is an abbreviation ending a hyphenated code ("DM1" of the drug "T-DM1") or a disease naming the clinic or service
that writes the note (a `department` cue after it, in a heading line: "Movement Disorders Clinic"). An
abbreviation in capitals followed by a value ("FBS: 98 mg/dl",
"FBS = 126") is a test result, not the disease it also abbreviates; one followed by a duration ("ALL 3 yrs ago")
stays. The MAX_CONDITIONS kept are the most mentioned (a mention of a broader term counts for the narrower one; a
cancer counts one more, so it leads a tie, and so does a condition the note says was diagnosed: "is diagnosed with
acute ischemic stroke" beside the atrial fibrillation named before it), then a condition first named in the present
illness before one named as history ("h/o", "PMH", "s/p"), then by first mention; in that order, except that one
every mention of which is the patient's past comes after those of the present ("history of Hodgkin lymphoma in
remission" after the infarction the patient presents with). The condition keeps the stage
words written just before the term ("metastatic", "stage IV", "recurrent"), so the profile says what the note says,
and one every mention of which is the patient's past (`nlp.notes.context.is_historical`: "history of hepatitis",
"s/p appendectomy for appendicitis", "childhood asthma", "lymphoma, now in remission") reads "history of ...": a
trial excluding the disease rules such a patient out only when it excludes a history of it too.

A note may leave its diagnosis unwritten and give the workup result that makes it: a finding word within
FINDING_WORDS words of its subject, in one clause ("CT shows a distended appendix", "high amylase (1200)", "lipase is
elevated"), is the term `nlp/vocab/note_findings.jsonl` gives, read from those words, unless it is negated ("appendix
was not dilated") or hypothetical like any mention.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache

from nlp.diseases import TermMatch, is_cancer, is_within, map_condition, most_specific, term
from nlp.notes.context import context_of, cue_regex, is_historical, is_made, is_weighed
from nlp.resources import phrase_regex, read_vocab
from nlp.sites import applies_to, qualifier_span, site_words

_STAGE = re.compile(r"(?:\b(?:metastatic|advanced|locally advanced|recurrent|relapsed|refractory|unresectable"
                    r"|inoperable|stage\s+(?:[0IV]{1,4}|[1-4])[A-C]?)[\s,]+)+$", re.I)
_LAB_VALUE = re.compile(r"[ \t]*(?::|=|\bof\b|\bis\b|\bwas\b)?[ \t]*[<>≤≥~]?[ \t]*\d+(?:[.,]\d+)?(?!\d|[.,]\d)"
                        r"(?!\s*-?\s*(?:years?|yrs?|y/?o|months?|mos?|weeks?|wks?|days?|hours?|hrs?)\b)", re.I)
_ABBREVIATION = re.compile(r"[A-Z][A-Z0-9]{1,4}")
_DRUG_CODE_TAIL = re.compile(r"[A-Za-z0-9]-$")  # an abbreviation after "T-" is the end of a code such as "T-DM1"
_LIST_ITEM = re.compile(r"[^,;:]+")
_WORD = re.compile(r"\w+")
HEADING_WORDS = 6  # words at most of a line that is a heading
DEPARTMENT_CHARS = 30  # characters after a disease searched for the clinic word that makes it a department's name
MAX_CONDITIONS = 8
FINDING_WORDS = 3  # words at most between a workup finding and its subject ("appendix is markedly dilated")
HEALTHY_ID = "TM:healthy_volunteer"  # the disease layer's "healthy volunteer"
HISTORY = "history of"  # before a condition the note states as the patient's past


@dataclass(frozen=True)
class ConditionFound:
    condition: str
    term_id: str
    span: tuple[int, int]
    cancer: bool
    historical: bool = False
    made: bool = False  # stated as the diagnosis made: "diagnosed with", "consistent with"


def _with_site(note: str, term_id: str, span: tuple[int, int], sentence: tuple[int, int]) -> tuple[str, int, int]:
    """The term's name with the site words the note qualifies it with (`nlp.sites`: "spinal anaplastic astrocytoma",
    "anaplastic astrocytoma of the spine"), and where they begin and end; of the words before the term, only the
    sites ("spinal cord high grade glioma" reads "spinal cord glioma")."""
    start, end = span
    name = term(term_id).name
    if not applies_to(term_id):
        return name, start, end
    first, last = sentence
    lead, trail = (first + i for i in qualifier_span(note[first:last], start - first, end - first))
    words = (site_words(note[lead:start]).lower(), name, " ".join(note[end:trail].split()).lower())
    return " ".join(w for w in words if w), lead, trail


def _with_stage(note: str, start: int, name: str, floor: int) -> tuple[str, int]:
    """The term's name with the stage words right before it in the note, and where they start."""
    stage = _STAGE.search(note, max(floor, start - 40), start)
    if stage is None or stage.end() != start:
        return name, start
    words = " ".join(stage.group().replace(",", " ").lower().split())
    return f"{words} {name}", stage.start()


@cache
def _finding_rules() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(term id, regex) of each row of `nlp/vocab/note_findings.jsonl`: the finding before or after its subject."""
    rules = []
    for row in read_vocab("note_findings.jsonl"):
        subject, finding = phrase_regex(row["subject"]), phrase_regex(row["finding"])
        gap = rf"(?:[ \t]+[\w-]+){{0,{FINDING_WORDS}}}?[ \t]+"
        rules.append((row["id"], re.compile(rf"(?<![\w-])(?:(?:{finding}){gap}(?:{subject})|(?:{subject}){gap}"
                                            rf"(?:{finding}))(?![\w-])", re.I)))
    return tuple(rules)


def _workup_findings(text: str) -> Iterator[TermMatch]:
    """The diagnoses a sentence's workup results make, each read from the finding's words."""
    for term_id, rule in _finding_rules():
        for match in rule.finditer(text):
            if not cue_regex("negation").search(match.group()):
                yield TermMatch(term_id, term(term_id).name, match.group(), match.start(), match.end())


def _heading(note: str, start: int) -> bool:
    """The line holding `start` is a heading: at most HEADING_WORDS words ("Movement Disorders Clinic"; not "admitted
    to the stroke department with ...", which says where the patient is)."""
    line_start = note.rfind("\n", 0, start) + 1
    line_end = note.find("\n", start)
    return len(_WORD.findall(note, line_start, len(note) if line_end < 0 else line_end)) <= HEADING_WORDS


def _sentence_terms(text: str) -> list[TermMatch]:
    """The disease terms of a sentence; one in capitals ("PMH: COPD, GERD", "PMH: HTN, CAD") is mapped item by item
    (between its commas, semicolons and colons), since the disease vocabulary reads no abbreviation in a text all in
    capitals (a shouted title's words look like abbreviations) and the items of a history list are abbreviations."""
    if any(ch.islower() for ch in text):
        return map_condition(text)
    found = []
    for part in _LIST_ITEM.finditer(text):
        at = part.start()
        found += [replace(m, start=m.start + at, end=m.end + at) for m in map_condition(part.group())]
    return found


def find_conditions(note: str, sentences: list[tuple[int, int]]) -> list[ConditionFound]:
    """The patient's conditions, most specific, cancers first, at most MAX_CONDITIONS."""
    found: list[ConditionFound] = []
    for first, last in sentences:
        for match in [*_sentence_terms(note[first:last]), *_workup_findings(note[first:last])]:
            start, end = first + match.start, first + match.end
            if context_of(note, start, (first, last), end) is not None or is_weighed(note, (first, last), end):
                continue  # negated, someone else's, hypothetical, or one of several the note weighs
            if _ABBREVIATION.fullmatch(match.text) and _LAB_VALUE.match(note, end):
                continue  # "FBS: 98 mg/dl" is a fasting blood sugar, not Fanconi-Bickel syndrome
            if match.id == HEALTHY_ID and match.text.lower() == "healthy":
                continue  # "he is (otherwise) healthy" describes a patient, not a healthy volunteer
            if cue_regex("isotype").fullmatch(match.text):
                continue  # "IgG kappa multiple myeloma": the paraprotein's class, not a disease
            if _DRUG_CODE_TAIL.search(note, max(0, start - 2), start) and _ABBREVIATION.fullmatch(match.text):
                continue  # "T-DM1" (trastuzumab emtansine) is no type 1 diabetes
            if cue_regex("department").match(note[end:end + DEPARTMENT_CHARS].lstrip(" \t")) and _heading(note, start):
                continue  # "Movement Disorders Clinic", "Heart Failure Service": where the note is written
            named, lead, trail = _with_site(note, match.id, (start, end), (first, last))
            condition, begin = _with_stage(note, lead, named, first)
            historical = is_historical(note, start, (first, last), end)
            found.append(ConditionFound(condition, match.id, (begin, trail), is_cancer(match.id), historical,
                                        is_made(note, start, (first, last))))
    if any(c.term_id != HEALTHY_ID for c in found):
        found = [c for c in found if c.term_id != HEALTHY_ID]
    kept = most_specific([c.term_id for c in found])
    firsts: dict[str, ConditionFound] = {}
    for c in found:
        if c.term_id in kept:
            firsts.setdefault(c.term_id, c)
    past = {term_id for term_id in firsts if all(c.historical for c in found if c.term_id == term_id)}
    for term_id in past:
        firsts[term_id] = replace(firsts[term_id], condition=f"{HISTORY} {firsts[term_id].condition}")

    def weight(c: ConditionFound) -> int:
        made = any(other.made for other in found if other.term_id == c.term_id)
        return sum(is_within(c.term_id, other.term_id) for other in found) + c.cancer + made

    kept_first = sorted(firsts.values(), key=lambda c: (-weight(c), c.historical, c.span[0]))[:MAX_CONDITIONS]
    return sorted(kept_first, key=lambda c: c.term_id in past)


def find_absent(note: str, sentences: list[tuple[int, int]], had: list[ConditionFound]) -> list[ConditionFound]:
    """The conditions the note says the patient does not have ("no history of diabetes mellitus", "denies chest
    pain", "without diabetes"): negated mentions only (a family member's, a hypothetical "rule out X" and one the
    note weighs are not absent, only unknown), the broadest term of each, once, in note order, at most
    MAX_CONDITIONS. Each sentence is mapped with its negation cues blanked out (the disease layer drops a term after
    "without", as registry wording such as "Adults Without Diabetes" means), their context read on the note. A term
    also mentioned as the patient's own, or related to one the patient has (above or below it: "no recurrence of
    breast cancer" beside a breast cancer read; "no type 1 diabetes" beside diabetes mellitus), is left out: the note
    speaks of a kind or a phase, not of the disease's absence."""
    negated: list[ConditionFound] = []
    asserted = {c.term_id for c in had}
    for first, last in sentences:
        bare = cue_regex("negation").sub(lambda m: " " * len(m.group()), note[first:last])
        for match in map_condition(bare):
            start, end = first + match.start, first + match.end
            if context_of(note, start, (first, last), end) == "negated":
                negated.append(ConditionFound(match.name, match.id, (start, end), is_cancer(match.id)))
            elif context_of(note, start, (first, last), end) is None:
                asserted.add(match.id)
    kept: dict[str, ConditionFound] = {}
    for c in negated:
        if any(is_within(c.term_id, other) or is_within(other, c.term_id) for other in asserted):
            continue
        if any(is_within(c.term_id, other.term_id) for other in negated if other.term_id != c.term_id):
            continue  # "no diabetes mellitus, no type 2 diabetes": the broader term says it all
        kept.setdefault(c.term_id, c)
    return list(kept.values())[:MAX_CONDITIONS]
