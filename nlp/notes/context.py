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
terminator such as "but"; not the dot of a `list_opener` such as "e.g.") before the fact, at most `CLAUSE_REACH`
characters away; a forward negation only within `NEGATION_WORDS` words of it, or further when the fact is an item of
a list whose first item lies within that reach ("no known risk factors such as smoking, obesity, high blood pressure
or diabetes mellitus", "denies fever, chills, night sweats, ... or migraine"): items joined by commas or a
`list_joiner` ("and", "or"), each at most LIST_ITEM_WORDS words and without a `list_breaker` (a verb that opens a
new clause: "denies alcohol or drug use, and has hypertension, diabetes and asthma"), after a `list_opener` ("such
as", "including", "e.g.") or right after the cue, the fact beginning its item. A `negation_backward_list` cue
("were ruled out") reaches back so over the items before it ("Pneumonia, pulmonary embolism and myocardial
infarction were ruled out"). A `family_history` cue ("family history", "FHx") counts anywhere before the fact in
its sentence up to a `family_terminator` ("He has a family history of CAD, but no other risk factors": the rest is
the patient's).
`is_historical` says whether an asserted fact is the patient's past: a `historical` cue before it in its clause
("history of", "childhood"), unless an `ongoing_history` duration comes right before the cue ("a 5 yr history of
systemic mastocytosis", "long-standing history of asthma": still the patient's); a `historical_phrase` cue (a
procedure's: "s/p", "status post") before it with no comma or "with" between ("s/p appendectomy for appendicitis",
not "s/p transplant with systemic amyloidosis, on hemodialysis for ESRD"), or right after it ("pancreatitis s/p
ERCP"); or a `historical_backward` cue after it, up to the next break and within HISTORY_REACH characters ("now in
remission": terminators such as "now" do not stop it).
`is_weighed` says whether a `hypothetical_backward` cue follows the fact within its clause ("Asthma versus COPD",
"Parkinson disease is suspected"): a diagnosis the note weighs, not one it states.
`is_made` says whether a `diagnosis_made` cue comes before the fact in its clause, within NEGATION_WORDS words ("is
diagnosed with acute ischemic stroke", "consistent with Burkitt lymphoma"): the diagnosis the note says was made.
`states_history` says whether a short phrase (a profile's condition, a criterion) holds any history cue.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from functools import cache

from nlp.resources import phrase_regex, read_vocab

NEGATION_WORDS = 8
LIST_ITEM_WORDS = 4  # words an item of a negated list may have ("shortness of breath", "high blood pressure")
HISTORY_REACH = 40  # characters after a fact searched for a backward history cue
CLAUSE_REACH = 400  # characters either side of a fact searched for its clause (bounds time on run-on text)
ONGOING_REACH = 30  # characters before a history cue searched for the duration that makes it ongoing
_PHRASE_END = re.compile(r",|\bwith\b", re.I)  # ends the phrase a procedure's cue ("s/p") heads
_BREAK = re.compile(r"[.;:!?\n](?=\s|$)|\n")
_WORD = re.compile(r"\w+")
_SOMEONE_ELSES = re.compile(r"[\s,]*(?:in|of)\s+(?:(?:his|her|the\s+patient['’]s|a|the)\s+)?(?P<who>\w+)")
_ASIDE = re.compile(r"\([^()]*\)|[()]")  # a parenthesis inside a list: its words are no item of it
Context = str  # "negated" | "family" | "hypothetical"


@cache
def cue_words(kind: str) -> tuple[str, ...]:
    """The phrases of one cue kind in `nlp/vocab/note_cues.jsonl`."""
    return tuple(row["pattern"] for row in read_vocab("note_cues.jsonl") if row["cue"] == kind)


@cache
def cue_regex(kind: str) -> re.Pattern[str]:
    """A case-insensitive regex of one cue kind's phrases, on word boundaries."""
    return re.compile(rf"(?<![\w/-])(?:{phrase_regex(list(cue_words(kind)))})(?![\w/-])", re.I)


def _breaks(text: str, floor: int, ceiling: int) -> list[re.Match[str]]:
    """The sentence and clause breaks in text[floor:ceiling], but the dot ending a list opener ("e.g.")."""
    found = list(_BREAK.finditer(text, floor, ceiling))
    if any(text[m.start()] == "." for m in found):
        dots = {m.end() - 1 for m in cue_regex("list_opener").finditer(text, max(0, floor - 8), ceiling)}
        found = [m for m in found if m.start() not in dots]
    return found


def clause_start(text: str, pos: int, floor: int) -> int:
    """Where the clause holding `pos` starts: after the last break or terminator in text[floor:pos]."""
    start = floor
    for match in _breaks(text, floor, pos):
        start = match.end()
    for match in cue_regex("terminator").finditer(text, start, pos):
        start = match.end()
    return start


def clause_end(text: str, pos: int, ceiling: int) -> int:
    """Where the clause holding `pos` ends: at the next break or terminator in text[pos:ceiling]."""
    stop = next(iter(_breaks(text, pos, ceiling)), None)
    ends = [m.start() for m in (stop, cue_regex("terminator").search(text, pos, ceiling)) if m]
    return min(ends, default=ceiling)


@cache
def _separator() -> re.Pattern[str]:
    """What joins the items of a list: a comma, a `list_joiner` ("and", "or"), or a comma and one."""
    joiners = phrase_regex(list(cue_words("list_joiner")))
    return re.compile(rf"\s*,\s*(?:(?:{joiners})\s+)?|\s+(?:{joiners})\s+", re.I)


def _last(matches: Iterator[re.Match[str]]) -> re.Match[str] | None:
    kept = deque(matches, maxlen=1)
    return kept[0] if kept else None


def _short_items(items: list[str], longest: int = LIST_ITEM_WORDS) -> bool:
    """Whether each item has 1 to `longest` words and no `list_breaker` ("and has hypertension": a new clause)."""
    return all(1 <= len(_WORD.findall(item)) <= longest and not cue_regex("list_breaker").search(item)
               for item in items)


def _listed_after(gap: str) -> bool:
    """Whether the fact after `gap`, the words from a negation cue to it, is an item of a list the cue reaches: the
    first item within NEGATION_WORDS words of the cue or right after a list opener that is, every item short, and a
    separator right before the fact."""
    gap = _ASIDE.sub(" ", gap)
    opener = _last(cue_regex("list_opener").finditer(gap))
    head, body = (gap[:opener.start()], gap[opener.end():]) if opener else ("", gap)
    if len(_WORD.findall(head)) > NEGATION_WORDS:
        return False
    items = _separator().split(body)
    if len(items) < 2 or items[-1].strip():
        return False  # no list, or words of the fact's own item before it ("... and the X-ray showed pneumonia")
    first, *rest = items[:-1]
    if opener is None:  # the first item is the cue's own words ("never been treated with carboplatin")
        return 1 <= len(_WORD.findall(first)) <= NEGATION_WORDS and _short_items(rest)
    return _short_items([first, *rest])


def _listed_before(tail: str) -> bool:
    """Whether a `negation_backward_list` cue in `tail` (the fact's clause after it) follows a list the fact begins."""
    cue = cue_regex("negation_backward_list").search(tail)
    if cue is None:
        return False
    items = _separator().split(_ASIDE.sub(" ", tail[:cue.start()]))
    return len(items) >= 2 and not items[0].strip() and _short_items(items[1:])


def _family_history(text: str, floor: int, start: int) -> bool:
    """A `family_history` cue before `start` in text[floor:start] with no `family_terminator` after it."""
    cue = _last(cue_regex("family_history").finditer(text, floor, start))
    return cue is not None and cue_regex("family_terminator").search(text, cue.end(), start) is None


def context_of(text: str, start: int, sentence: tuple[int, int], end: int | None = None) -> Context | None:
    """The context of the fact at text[start:end] within `sentence` (character bounds), or None when asserted."""
    end = start if end is None else end
    sentence = (max(sentence[0], start - CLAUSE_REACH), min(sentence[1], end + CLAUSE_REACH))
    head = clause_start(text, start, sentence[0])
    before = text[head:start]
    if cue_regex("family").search(before) or _family_history(text, sentence[0], start):
        return "family"
    if cue_regex("hypothetical").search(before):
        return "hypothetical"
    for match in cue_regex("negation").finditer(text, head, start):
        gap = text[match.end():start]
        if len(_WORD.findall(gap)) <= NEGATION_WORDS or _listed_after(gap):
            return "negated"
    tail = text[end:clause_end(text, end, sentence[1])]
    other = _SOMEONE_ELSES.match(tail)
    if other and cue_regex("family").fullmatch(other.group("who")):
        return "family"
    if cue_regex("negation_backward").search(tail[:40]) or _listed_before(tail):
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
