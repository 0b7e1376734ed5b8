"""ConText-style context of a fact in a note: negated, someone else's (family), or hypothetical.

    >>> note = "No history of diabetes. Mother had breast cancer. Rule out pneumonia. Hypertension."
    >>> [context_of(note, note.index(w), (0, len(note))) for w in ("diabetes", "breast", "pneumonia", "Hyper")]
    ['negated', 'family', 'hypothetical', None]
    >>> note = "History of asthma. Hodgkin lymphoma, now in remission. Diabetes."
    >>> [is_historical(note, note.index(w), (0, len(note)), note.index(w) + 5) for w in ("asthma", "Hodg", "Diab")]
    [True, True, False]
    >>> [states_history(c) for c in ("history of hepatitis C", "Prior myocardial infarction", "asthma")]
    [True, True, False]

The cue words are data: `nlp/vocab/note_cues.jsonl` (`family`, `hypothetical`, `negation` before the fact,
`negation_backward` after it, `terminator`, plus the sex and therapy-outcome words other modules read). A cue
counts within the fact's clause: from the last sentence or clause break (". ; : ! ?", a line break or a
terminator such as "but") before the fact, at most `CLAUSE_REACH` characters away; a forward negation only within
`NEGATION_WORDS` words of it. `is_historical` says whether an asserted fact is the patient's past: a `historical` cue
before it in its clause ("history of", "childhood"), unless an `ongoing_history` duration comes right before the cue
("a 5 yr history of systemic mastocytosis", "long-standing history of asthma": still the patient's); a
`historical_phrase` cue (a procedure's: "s/p", "status post") before it with no comma or "with" between ("s/p
appendectomy for appendicitis", not "s/p transplant with systemic amyloidosis, on hemodialysis for ESRD"), or right
after it ("pancreatitis s/p ERCP"); or a `historical_backward` cue after it, up to the next break and within
HISTORY_REACH characters ("now in remission": terminators such as "now" do not stop it).
`is_weighed` says whether a `hypothetical_backward` cue follows the fact within its clause ("Asthma versus COPD",
"Parkinson disease is suspected"): a diagnosis the note weighs, not one it states.
`is_made` says whether a `diagnosis_made` cue comes before the fact in its clause, within NEGATION_WORDS words ("is
diagnosed with acute ischemic stroke", "consistent with Burkitt lymphoma"): the diagnosis the note says was made.
`states_history` says whether a short phrase (a profile's condition, a criterion) holds any history cue.
"""

from __future__ import annotations

import re
from functools import cache

from nlp.resources import phrase_regex, read_vocab

NEGATION_WORDS = 8
HISTORY_REACH = 40  # characters after a fact searched for a backward history cue
CLAUSE_REACH = 400  # characters either side of a fact searched for its clause (bounds time on run-on text)
ONGOING_REACH = 30  # characters before a history cue searched for the duration that makes it ongoing
_PHRASE_END = re.compile(r",|\bwith\b", re.I)  # ends the phrase a procedure's cue ("s/p") heads
_BREAK = re.compile(r"[.;:!?\n](?=\s|$)|\n")
_WORD = re.compile(r"\w+")
_SOMEONE_ELSES = re.compile(r"[\s,]*(?:in|of)\s+(?:(?:his|her|the\s+patient['’]s|a|the)\s+)?(?P<who>\w+)")
_FAMILY_HISTORY = re.compile(r"\bfamily\s+(?:history|hx)\b|\bFHx?\b", re.I)
Context = str  # "negated" | "family" | "hypothetical"


@cache
def cue_words(kind: str) -> tuple[str, ...]:
    """The phrases of one cue kind in `nlp/vocab/note_cues.jsonl`."""
    return tuple(row["pattern"] for row in read_vocab("note_cues.jsonl") if row["cue"] == kind)


@cache
def cue_regex(kind: str) -> re.Pattern[str]:
    """A case-insensitive regex of one cue kind's phrases, on word boundaries."""
    return re.compile(rf"(?<![\w/-])(?:{phrase_regex(list(cue_words(kind)))})(?![\w/-])", re.I)


def clause_start(text: str, pos: int, floor: int) -> int:
    """Where the clause holding `pos` starts: after the last break or terminator in text[floor:pos]."""
    start = floor
    for match in _BREAK.finditer(text, floor, pos):
        start = match.end()
    for match in cue_regex("terminator").finditer(text, start, pos):
        start = match.end()
    return start


def clause_end(text: str, pos: int, ceiling: int) -> int:
    """Where the clause holding `pos` ends: at the next break or terminator in text[pos:ceiling]."""
    ends = [m.start() for m in (_BREAK.search(text, pos, ceiling), cue_regex("terminator").search(text, pos, ceiling))
            if m]
    return min(ends, default=ceiling)


def context_of(text: str, start: int, sentence: tuple[int, int], end: int | None = None) -> Context | None:
    """The context of the fact at text[start:end] within `sentence` (character bounds), or None when asserted."""
    end = start if end is None else end
    sentence = (max(sentence[0], start - CLAUSE_REACH), min(sentence[1], end + CLAUSE_REACH))
    head = clause_start(text, start, sentence[0])
    before = text[head:start]
    if cue_regex("family").search(before) or _FAMILY_HISTORY.search(text, sentence[0], start):
        return "family"
    if cue_regex("hypothetical").search(before):
        return "hypothetical"
    for match in cue_regex("negation").finditer(text, head, start):
        if len(_WORD.findall(text[match.end():start])) <= NEGATION_WORDS:
            return "negated"
    tail = text[end:clause_end(text, end, sentence[1])]
    other = _SOMEONE_ELSES.match(tail)
    if other and cue_regex("family").fullmatch(other.group("who")):
        return "family"
    if cue_regex("negation_backward").search(tail[:40]):
        return "negated"
    return None


@cache
def _ongoing() -> re.Pattern[str]:
    """An `ongoing_history` phrase ending where a history cue ends ("a 5 yr history of", "10-year history of")."""
    return re.compile(rf"(?<![A-Za-z])(?:{phrase_regex(list(cue_words('ongoing_history')))})$", re.I)


def is_historical(text: str, start: int, sentence: tuple[int, int], end: int) -> bool:
    """Whether the fact at text[start:end] is stated as the patient's past (see the module docstring)."""
    head = clause_start(text, start, max(sentence[0], start - CLAUSE_REACH))
    if any(_ongoing().search(text, max(head, cue.start() - ONGOING_REACH), cue.end()) is None
           for cue in cue_regex("historical").finditer(text, head, start)):
        return True
    if any(_PHRASE_END.search(text, cue.end(), start) is None
           for cue in cue_regex("historical_phrase").finditer(text, head, start)):
        return True
    if cue_regex("historical_phrase_backward").match(text[end:sentence[1]].lstrip(" \t")):
        return True
    ceiling = min(sentence[1], end + HISTORY_REACH)
    stop = _BREAK.search(text, end, ceiling)
    return cue_regex("historical_backward").search(text, end, stop.start() if stop else ceiling) is not None


def is_weighed(text: str, sentence: tuple[int, int], end: int) -> bool:
    """Whether a `hypothetical_backward` cue follows the fact ending at `end` within HISTORY_REACH, in its clause."""
    stop = clause_end(text, end, min(sentence[1], end + HISTORY_REACH))
    return cue_regex("hypothetical_backward").search(text, end, stop) is not None


def is_made(text: str, start: int, sentence: tuple[int, int]) -> bool:
    """Whether a `diagnosis_made` cue comes before the fact at `start` in its clause, within NEGATION_WORDS words."""
    head = clause_start(text, start, max(sentence[0], start - CLAUSE_REACH))
    return any(len(_WORD.findall(text[m.end():start])) <= NEGATION_WORDS
               for m in cue_regex("diagnosis_made").finditer(text, head, start))


def states_history(phrase: str) -> bool:
    """Whether a short phrase ("history of asthma", "Prior myocardial infarction") speaks of the past."""
    return any(cue_regex(kind).search(phrase) for kind in ("historical", "historical_backward", "historical_phrase",
                                                            "historical_phrase_backward"))
