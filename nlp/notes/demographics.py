"""Age and sex from a note: "45-year-old man", "48 M", "age 6 months", "she", "Mrs." ...

    >>> from nlp.notes.demographics import find_age, find_sex
    >>> note = "A 6-month-old girl; her mother, age 30, has asthma."
    >>> find_age(note).years, find_sex(note).value
    (0.5, 'female')

Age: the first "N-year-old" form (also yo, y/o, months, weeks, days), then "age N" / "aged N", then a leading
"48 M" / "34F", or one opening a line ("Patient: 49 F", "62F with AML"); a form in a family member's clause ("her
mother, age 30") is not the patient's. Sex: the first sex noun outside a family clause (woman, man, girl, boy ...),
the M/F of a leading "48 M" (or one opening a line), else the pronouns (she, her / he, his) when one side clearly
outnumbers the other; words are data (`note_cues.jsonl`: female, male).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.notes.context import CLAUSE_REACH, context_of, cue_regex

_UNIT_YEARS = {"y": 1.0, "m": 1 / 12, "w": 7 / 365.25, "d": 1 / 365.25}
_UNIT = r"(?P<unit>years?|yrs?|y|months?|mos?|mths?|weeks?|wks?|days?)"
_OLD = re.compile(rf"\b(?P<n>\d{{1,3}}(?:\.\d+)?)\s*[- ]?\s*{_UNIT}\s*[- ]?\s*old\b"
                  r"|\b(?P<n2>\d{1,3})\s*-?\s*(?:yo|y/o|y\.o\.?|yr\.? old)(?=[\s,.;:)]|[MF]\b|$)", re.I)
_AGED = re.compile(rf"\bage[d:]?\s*(?:of\s*)?[:=]?\s*(?P<n>\d{{1,3}}(?:\.\d+)?)\s*(?:{_UNIT}\b)?", re.I)
_LEADING = re.compile(r"^\W*(?:(?:a|an)\s+)?(?P<n>\d{1,3})\s*-?\s*(?P<sex>[MF])\b")
# "62F with AML" / "Patient: 49 F" opening a line below a header; the letter ends the line or is followed by the
# words that go on about the patient, so a count ("3 M units of heparin") is no age
_LINE = re.compile(r"^[^\S\n]*(?:(?i:patient|pt)[^\S\n]*:[^\S\n]*)?(?P<n>\d{1,3})[^\S\n]*-?[^\S\n]*(?P<sex>[MF])\b"
                   r"(?=[^\S\n]*(?:$|[,;:(]|(?i:with|w/|who|here|presents?|is|s/p|h/o|pmh)\b))", re.M)
_AGE_SEX = re.compile(r"\b\d{1,3}\s*-?\s*(?:yo|y/o|y\.o\.?|years?[- ]old|yr\.? old)\s*(?P<sex>[MF])\b")
DEMOGRAPHICS_CHARS = 20_000  # notes state age and sex up front: they are sought in this beginning only
_PRONOUN_MARGIN = 2  # one side's pronouns must outnumber the other's by this factor
_PRONOUNS = {"female": ("she", "her", "hers", "herself"), "male": ("he", "his", "him", "himself")}


@dataclass(frozen=True)
class Found:
    value: object
    span: tuple[int, int]


@dataclass(frozen=True)
class AgeFound:
    years: float
    span: tuple[int, int]


def _years(number: str, unit: str | None) -> float:
    key = (unit or "y").lower()[0]
    return round(float(number) * _UNIT_YEARS.get(key, 1.0), 4)


def _own(note: str, start: int, end: int) -> bool:
    """The words at note[start:end] are about the patient: not in a family member's or a hypothetical clause."""
    line_start = note.rfind("\n", max(0, start - CLAUSE_REACH), start) + 1
    line_end = note.find("\n", end, end + CLAUSE_REACH)
    return context_of(note, start, (line_start, len(note) if line_end < 0 else line_end), end) not in (
        "family", "hypothetical")


def find_age(note: str) -> AgeFound | None:
    """The patient's age in years, with its span; None when the note states none."""
    for pattern in (_OLD, _AGED):
        for match in pattern.finditer(note, 0, DEMOGRAPHICS_CHARS):
            number = match.group("n") or match.groupdict().get("n2")
            if number is None or not _own(note, match.start(), match.end()):
                continue
            unit = match.group("unit") if "unit" in match.groupdict() else None
            years = _years(number, unit)
            if years <= 120:
                return AgeFound(years, (match.start(), match.end()))
    leading = _LEADING.match(note) or _LINE.search(note, 0, DEMOGRAPHICS_CHARS)
    if leading:
        return AgeFound(float(leading.group("n")), (leading.start("n"), leading.end()))
    return None


def _sex_words(note: str, kind: str) -> list[re.Match[str]]:
    """Sex words of one kind in the note, leaving out all-capital abbreviations (HE, HIM) and family clauses."""
    return [m for m in cue_regex(kind).finditer(note, 0, DEMOGRAPHICS_CHARS)
            if not (m.group().isupper() and len(m.group()) <= 3) and _own(note, m.start(), m.end())]


def find_sex(note: str) -> Found | None:
    """female or male, with the span of the word that says it; None when the note does not say."""
    nouns = []
    for sex in ("female", "male"):
        nouns += [(m.start(), sex, m) for m in _sex_words(note, sex) if m.group().lower() not in _PRONOUNS[sex]]
    for letter in (_LEADING.match(note), _LINE.search(note, 0, DEMOGRAPHICS_CHARS), _AGE_SEX.search(note)):
        if letter:
            nouns.append((letter.start("sex"), "female" if letter.group("sex") == "F" else "male", letter))
    if nouns:
        _start, sex, match = min(nouns, key=lambda n: n[0])
        group = "sex" if "sex" in match.groupdict() else 0
        return Found(sex, (match.start(group), match.end(group)))
    counts = {}
    for sex in ("female", "male"):
        counts[sex] = [m for m in _sex_words(note, sex) if m.group().lower() in _PRONOUNS[sex]]
    female, male = len(counts["female"]), len(counts["male"])
    for sex, mine, other in (("female", female, male), ("male", male, female)):
        if mine and mine >= _PRONOUN_MARGIN * max(other, 1) or (mine and not other):
            first = counts[sex][0]
            return Found(sex, (first.start(), first.end()))
    return None
