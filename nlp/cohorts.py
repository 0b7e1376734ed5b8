"""Criteria a subgroup header governs: the rules listed under "For Part 2:", "Cohort B:", "For patients after
progression on an ALK inhibitor:" hold for that subgroup only, not for the whole study population.

    >>> from nlp.pipeline import get_nlp
    >>> from nlp.polarity import cue_finder, doc_context
    >>> nlp = get_nlp()
    >>> doc = nlp("Inclusion Criteria:\\n\\n* Age 18 or older\\n\\nFor Part 2:\\n\\n* KRAS G12C mutation")
    >>> subgroups(doc_context(doc, cue_finder(nlp))).only
    {1: 1, 2: 1}

A header is a short criterion that ends with a colon. It names a subgroup when it opens with "For" or "In" and names
neither the whole population ("For all participants:", "All phases:") nor entry itself ("For inclusion in the study
subjects should fulfill the following criteria:"), or when it holds a cohort word ("Part 2:", "Phase II portion:", "Dose
expansion:"). It governs itself (its own words hold for the subgroup: "For patients after progression on an ALK
inhibitor:") and the criteria after it in its section: those indented under it, or, when its list goes on at its own
level, the items up to the next header that is not a list of alternatives ("At least one of the following:" stays
inside) or to an item of another list style at the header's level ("2. Tumor type:" after "* Phase 1 portion:" items).

An entry header that names one part of the study ("Criteria for entry into the randomised part, which every patient
of that part has to fulfil in full:") is a subgroup header too when its section holds two such headers or
more (a pilot part and a randomized part, each with its own list); alone it may name the whole study ("Eligibility
criteria for the phase II study:").

A section header that names the group its criteria are for ("Inclusion Criteria for Part 2 Only:", "Exclusion
criteria for SCD or CP patients without PAH:") is a subgroup header too: it governs the criteria up to the next
section header, unless it names the whole population ("Inclusion Criteria for all patients:", "... for both parts of
clinical trial:", "... for the study:", "... for patients:") or entry itself ("Criteria for entry:").

A header that names the population in one word ("FOR PATIENTS:", an `everyone_noun` cue) is no subgroup header when
every other subgroup header of its section names a kind of that population ("FOR HIV POSITIVE PATIENTS:", "FOR HIV
NEGATIVE PATIENTS:"), or there is none: legacy texts open their list for everyone so. Beside a header naming another
group ("FOR HEALTHY VOLUNTEERS:") the patients are a subgroup.

A subgroup whose header says it is closed ("Phase 1 (Closed):") enrols no one: its criteria are in `closed`. When
every other subgroup header of a section is closed, the one left open is everyone who can enrol now: its criteria
are not subgroup-only.

A rule every open subgroup header of a section states (two headers at least: "Exclusion Criteria - for Phase I" and
"... for Phase II" both excluding NYHA class III or IV heart disease) holds for every subgroup, so for the whole
population (`shared_by_every`, `stated_by_every`; biomarkers, procedures and disease scales ask it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Protocol, TypeVar

from nlp.diseases import is_cancer, map_condition
from nlp.polarity import DocContext
from nlp.sections import header_group
from nlp.vocab import cue_rows

HEADER_WORDS = 16  # words of a header: longer criteria ending with a colon open a list inside one rule
ENTRY_HEADER_WORDS = 24  # words of an entry header naming a part: "Criteria for entry into the randomised part ...:"
_OPENINGS = {"for", "in"}
_WHOLE = {"all", "every", "each", "both"}  # opening the header or its subject: "For all participants:", "All phases:"
_ENTRY = {"inclusion", "exclusion", "entry", "enrollment", "enrolment", "eligibility"}  # "For inclusion in the study"
_STUDY = {"study", "trial", "protocol"}  # "Inclusion criteria for the study:" names everyone
_GROUP_FILLERS = {"the", "a", "an", "this", "only"}  # say nothing of whom a header's group is
_GROUP_HINT = re.compile(r"criteri\w*[ \t]+(?:[-–][ \t]*)?(?:for|in)[ \t]", re.I)  # a section header may name a group
_NUMBERED = re.compile(r"\(?[0-9ivxIVX]{1,4}[.)]|[a-zA-Z][.)]")
_DERIVED_KEY = "subgroups"
K = TypeVar("K", bound=Hashable)


class _Rule(Protocol):
    @property
    def criterion(self) -> int: ...


R = TypeVar("R", bound=_Rule)


@dataclass
class Subgroups:
    """`only`: criterion → the open subgroup header that governs it (a header governs itself); `closed`: the
    criteria closed subgroups govern."""

    only: dict[int, int] = field(default_factory=dict)
    closed: set[int] = field(default_factory=set)


def subgroups(context: DocContext) -> Subgroups:
    """The criteria subgroup headers govern, open and closed; found once per Doc and shared by the components that
    ask (read it, do not change it)."""
    found = context.derived.get(_DERIVED_KEY)
    if not isinstance(found, Subgroups):
        found = context.derived[_DERIVED_KEY] = _subgroups(context)
    return found


def shared_by_every(context: DocContext, stated: Iterable[tuple[int, K]]) -> set[K]:
    """The keys of the rules (criterion, key) that every open subgroup header of some section governs, two headers
    at least: rules each subgroup states, so rules of all."""
    headed = subgroups(context).only
    headers: dict[str, set[int]] = {}
    for h in headed.values():
        headers.setdefault(context.offsets[h].section, set()).add(h)
    where: dict[K, set[int]] = {}
    for k, key in stated:
        if k in headed:
            where.setdefault(key, set()).add(headed[k])
    return {key for key, hs in where.items() if any(len(c) > 1 and c <= hs for c in headers.values())}


def stated_by_every(context: DocContext, headed: list[R], key: Callable[[R], Hashable]) -> list[R]:
    """The rules of `headed` (facts of criteria a subgroup header governs) that every open subgroup header of some
    section states (`shared_by_every`, by `key`): rules of all, kept."""
    shared = shared_by_every(context, ((r.criterion, key(r)) for r in headed))
    return [r for r in headed if key(r) in shared]


def _subgroups(context: DocContext) -> Subgroups:
    text = context.text
    colons = [k for k, c in enumerate(context.offsets) if text[c.start_char : c.end_char].rstrip().endswith(":")]
    sections = _section_subgroups(context)
    if not colons:
        return Subgroups(only=sections)  # every header ends with a colon: without one, no criterion is a header
    governed: dict[int, int] = {}
    current: int | None = None
    level: tuple[int, str] = (0, "")
    deeper = False
    parts = _entry_part_headers(context, colons)
    headers = set(colons)
    for k, offsets in enumerate(context.offsets):
        here = _level(context, k) if current is not None or k in headers else level  # read only by a list or header
        if current is not None and (
            context.offsets[current].section != offsets.section or _leaves(here, level, deeper, k == current + 1)
        ):
            current = None
        kind = "subgroup" if k in parts else _header(context, k) if k in headers else None
        if kind == "other" and current is not None and context.cues(k).has("modal"):
            kind = None  # "Patient disease status must be as follows:": a requirement opening a list, inside
        if kind == "subgroup":
            current = governed[k] = k
            level, deeper = here, False
        elif kind == "other":
            current = None
        elif current is not None:
            deeper = deeper or (k == current + 1 and here[0] > level[0])
            governed[k] = current
    for h in _everyone_headers(context, set(governed.values())):
        governed = {k: g for k, g in governed.items() if g != h}
    closed_headers = {h for h in governed.values() if _closed(context, h)}
    found = Subgroups(closed={k for k, h in governed.items() if h in closed_headers})
    for section in {context.offsets[h].section for h in governed.values()}:
        open_headers = {h for h in governed.values() if context.offsets[h].section == section} - closed_headers
        if len(open_headers) == 1 and closed_headers & {h for h in governed.values()
                                                        if context.offsets[h].section == section}:
            continue  # the one subgroup still enrolling is everyone enrolling
        found.only.update((k, h) for k, h in governed.items() if h in open_headers)
    found.only.update((k, h) for k, h in sections.items() if k not in governed)  # a header in the list goes first
    return found


def _everyone_headers(context: DocContext, headers: set[int]) -> set[int]:
    """The headers that name the population in one `everyone_noun` ("FOR PATIENTS:") when every other subgroup
    header of their section names a kind of it ("FOR HIV POSITIVE PATIENTS:", "FOR HIV NEGATIVE PATIENTS:"), or there
    is none: their criteria hold for everyone. Beside a header of another group ("FOR HEALTHY VOLUNTEERS:") the
    patients are a subgroup."""
    everyone = _one_word_cues("everyone_noun")
    nouns: dict[int, set[str]] = {}
    for h in headers:
        offsets = context.offsets[h]
        nouns[h] = set(_words(context.text[offsets.start_char : offsets.end_char])) & everyone
    found = set()
    for h in headers:
        offsets = context.offsets[h]
        words = [w for w in _words(context.text[offsets.start_char : offsets.end_char]) if w not in _GROUP_FILLERS]
        if len(words) != 2 or words[0] not in _OPENINGS or words[1] not in everyone:
            continue
        others = [g for g in headers if g != h and context.offsets[g].section == offsets.section]
        if all(words[1] in nouns[g] for g in others):
            found.add(h)
    return found


def _section_subgroups(context: DocContext) -> dict[int, int]:
    """The criteria under a section header that names a subgroup ("Inclusion Criteria for Part 2 Only:"), each
    mapped to the first of them (the header itself is no criterion), up to the next section header."""
    if not _GROUP_HINT.search(context.text):
        return {}
    found: dict[int, int] = {}
    first: int | None = None
    previous_end = 0
    for k, offsets in enumerate(context.offsets):
        gap = context.text[previous_end : offsets.start_char]  # what lies between two criteria: bullets and headers
        previous_end = offsets.end_char
        groups = [g for g in map(header_group, gap.splitlines()) if g is not None]
        if groups:
            first = k if _names_subgroup(groups[-1]) else None
        elif first is not None and context.offsets[first].section != offsets.section:
            first = None
        if first is not None:
            found[k] = first
    return found


def _names_subgroup(group: str) -> bool:
    """The group a section header names is part of the population: a cohort, arm, part or phase ("Part 2 Only",
    "phase 2 Participants only"), patients the header qualifies ("SCD or CP patients without PAH") or a cancer
    ("CLL"); not the whole population ("all patients", "both parts of clinical trial", "the study", "patients"),
    entry itself ("entry into the study"), nor a step or a test every patient takes ("Screening", "Stage 1",
    "24-Hour Screening Holter")."""
    words = [w for w in _words(group) if w not in _GROUP_FILLERS]
    population = _one_word_cues("population_noun")
    if not words or words[0] in _WHOLE or _ENTRY & set(words) or set(words) <= population | _STUDY:
        return False
    return bool(set(words) & (_one_word_cues("cohort_word") | population)) or any(
        is_cancer(m.id) for m in map_condition(group)
    )


@cache
def _one_word_cues(kind: str) -> frozenset[str]:
    """The one-word cues of `kind` in `nlp/vocab/cues.jsonl`: "cohort_word" ("part", "cohort"), "population_noun"
    ("patients", "subjects")."""
    return frozenset(r["pattern"] for r in cue_rows() if r["cue"] == kind and " " not in r["pattern"])


def _entry_part_headers(context: DocContext, colons: list[int]) -> set[int]:
    """The entry headers naming one part, phase or cohort of the study ("Criteria for enrolment in the safety run-in
    part:"), in sections that hold two of them or more; `colons` are the criteria that end with a colon."""
    found: dict[str, set[int]] = {}
    for k in colons:
        offsets = context.offsets[k]
        text = context.text[offsets.start_char : offsets.end_char].strip()
        words = _words(text)
        if len(words) > ENTRY_HEADER_WORDS or not _ENTRY & set(words):
            continue
        if context.cues(k).has("cohort_noun"):
            found.setdefault(offsets.section, set()).add(k)
    return {k for headers in found.values() if len(headers) > 1 for k in headers}


def _leaves(here: tuple[int, str], level: tuple[int, str], deeper: bool, first: bool) -> bool:
    """Whether an item at `here` (indent, list style) leaves the list of a header at `level`."""
    if first:
        return here[0] < level[0]
    if deeper:
        return here[0] <= level[0]
    return here[0] < level[0] or (here[0] == level[0] and bool(level[1]) and here[1] != level[1])


def _level(context: DocContext, k: int) -> tuple[int, str]:
    """The indent of criterion `k`'s line and its list style: "number", "bullet" or "" (none)."""
    start = context.offsets[k].start_char
    line = context.text[context.text.rfind("\n", 0, start) + 1 : start]
    marker = line.strip()
    style = "" if not marker else "number" if _NUMBERED.fullmatch(marker) else "bullet"
    return len(line) - len(line.lstrip()), style


def _words(text: str) -> list[str]:
    words = [w.strip("*-•·.,:;()[]").lower() for w in text.split()]
    return [w for w in words if w]


def _closed(context: DocContext, k: int) -> bool:
    """The header says its subgroup no longer enrols ("Phase 1 (Closed):", "Part A (enrollment complete):"; the
    `closed_cohort` cues of nlp/vocab/cues.jsonl)."""
    return context.cues(k).has("closed_cohort")


def _header(context: DocContext, k: int) -> str | None:
    """ "subgroup", "alternatives" or "other" when criterion `k` is a header, else None."""
    offsets = context.offsets[k]
    text = context.text[offsets.start_char : offsets.end_char].strip()
    if not text.endswith(":"):
        return None  # most criteria: their words are not needed
    words = _words(text)
    if not words or len(words) > HEADER_WORDS:
        return None
    cues = context.cues(k)
    if cues.has("alternatives_header"):
        return "alternatives"
    opened = words[0] in _OPENINGS and text.lstrip("*-•· ")[:1].isupper()
    named = any(c.kind == "cohort_word" and c.end - c.start == 1 for c in cues.items)
    whole = words[0] in _WHOLE or (opened and len(words) > 1 and words[1] in _WHOLE) or bool(_ENTRY & set(words))
    if (opened or named) and (not whole or cues.has("closed_cohort")):
        return "subgroup"
    return "other"
