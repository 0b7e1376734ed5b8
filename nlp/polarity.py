"""ConText-style cues and scopes: is a fact negated, conditional, or only mentioned, within its clause?

    >>> from nlp.polarity import CueFinder, polarity
    >>> import spacy
    >>> nlp = spacy.blank("en")
    >>> doc = nlp("No known EGFR mutation")
    >>> cues = CueFinder(nlp).find(doc[:])
    >>> cues.negated(2, 3, "inclusion")
    True
    >>> polarity("exclusion", negated=True)
    'required'

Cue words live in `nlp/vocab/cues.jsonl` (`{"cue": kind, "pattern": text}`), matched case-insensitively.
Kinds: `negation_forward` ("no", "absence of") negates what follows in its clause up to a `terminator`
("but", "except"); `negation_backward` ("not detected") negates what precedes; `exclusion_phrase`
("are not eligible", "excluded") negates in an inclusion criterion and merely restates an exclusion one;
`pseudo` phrases ("no more than", "with or not") cancel the triggers inside them. The other kinds
(status, method, drug context, prior therapy, CNS qualifiers) are read by the fact components.
A fact in an exclusion criterion that is also negated is required: the double negative cancels.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from nlp.models import Polarity
from nlp.vocab import cue_rows

_NEGATIONS = ("negation_forward", "negation_backward", "exclusion_phrase")
_CLAUSE_ENDS = {".", ";", "!", "?"}
_ENTITY_TAILS = ("&#xD", "&#xA", "&gt", "&lt", "&amp", "&#x")
FORWARD_WINDOW = 10


@dataclass(frozen=True)
class Cue:
    kind: str
    start: int
    end: int


@dataclass
class Cues:
    """The cues found in one criterion, with its clause boundaries (token indices into the Doc)."""

    span: Span
    items: list[Cue]
    clauses: list[tuple[int, int]]
    by_start: dict[int, list[Cue]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for cue in self.items:
            self.by_start.setdefault(cue.start, []).append(cue)

    def at(self, i: int, *kinds: str) -> Cue | None:
        """The longest cue of one of `kinds` starting at token `i`."""
        found = [c for c in self.by_start.get(i, ()) if c.kind in kinds]
        return max(found, key=lambda c: c.end) if found else None

    def ending_at(self, end: int, *kinds: str) -> Cue | None:
        """The longest cue of one of `kinds` ending just before token `end`."""
        found = [c for c in self.items if c.end == end and c.kind in kinds]
        return min(found, key=lambda c: c.start) if found else None

    def clause(self, i: int) -> tuple[int, int]:
        for start, end in self.clauses:
            if start <= i < end:
                return start, end
        return self.span.start, self.span.end

    def in_clause(self, kinds: tuple[str, ...], start: int, end: int) -> list[Cue]:
        return [c for c in self.items if c.kind in kinds and c.start >= start and c.end <= end]

    def has(self, *kinds: str) -> bool:
        return any(c.kind in kinds for c in self.items)

    def blocked(self, start: int, end: int, forward: bool) -> bool:
        """A terminator lies in tokens [start, end), or a parenthesis separates cue and target: a forward cue
        inside one that closes before the target, a backward cue inside one that opens after it."""
        if any(c.kind == "terminator" and start <= c.start < end for c in self.items):
            return True
        depth = 0
        for token in self.span.doc[start:end]:
            depth += token.text == "("
            depth -= token.text == ")"
            if forward and depth < 0:
                return True
        return not forward and depth > 0

    def negated(
        self, start: int, end: int, section: str, ignore: tuple[int, int] = (0, 0), window: int = FORWARD_WINDOW
    ) -> bool:
        """Whether tokens [start, end) are negated by a cue in their clause (not counting the section);
        cues inside `ignore` (the fact's own words, e.g. "negative for") are read by the caller instead."""
        clause_start, clause_end = self.clause(start)
        flips = 0
        for cue in self.items:
            if cue.kind not in _NEGATIONS or (cue.kind == "exclusion_phrase" and section == "exclusion"):
                continue
            if ignore[0] <= cue.start and cue.end <= ignore[1]:
                continue
            if cue.kind != "negation_backward" and clause_start <= cue.start and cue.end <= start:
                if start - cue.end <= window and not self.blocked(cue.end, start, forward=True):
                    flips += 1
                    continue
            if cue.kind != "negation_forward" and cue.start >= end and cue.end <= clause_end:
                if not self.blocked(end, cue.start, forward=False):
                    flips += 1
        return flips % 2 == 1


def entities_by_criterion(doc: Doc, labels: set[str]) -> dict[int, list[Span]]:
    """The entities with one of `labels` in each criterion of `doc.spans["criteria"]`, by criterion index."""
    criteria = doc.spans["criteria"] if "criteria" in doc.spans else []
    starts = [c.start for c in criteria]
    found: dict[int, list[Span]] = {}
    for ent in doc.ents:
        if ent.label_ in labels:
            k = bisect_right(starts, ent.start) - 1
            if k >= 0 and ent.end <= criteria[k].end:
                found.setdefault(k, []).append(ent)
    return found


def polarity(section: str, negated: bool) -> Polarity:
    """`excluded` for a fact in an exclusion criterion or a negated one, `required` when both or neither."""
    return "excluded" if (section == "exclusion") != negated else "required"


def clause_bounds(span: Span) -> list[tuple[int, int]]:
    """Token ranges of the clauses of `span`, split at sentence punctuation (not HTML entities' `;`)."""
    text = span.doc.text
    bounds, start = [], span.start
    for token in span:
        if token.text in _CLAUSE_ENDS:
            if token.text == ";" and text[max(0, token.idx - 4) : token.idx].endswith(_ENTITY_TAILS):
                continue
            if token.text == "." and token.i + 1 < span.end and not span.doc[token.i + 1].is_space:
                if not span.doc[token.i + 1].text[:1].isupper() and token.whitespace_ == "":
                    continue
            bounds.append((start, token.i + 1))
            start = token.i + 1
    if start < span.end:
        bounds.append((start, span.end))
    return bounds


class CueFinder:
    """Finds the cues of `nlp/vocab/cues.jsonl` in a span; pseudo-triggers cancel the triggers inside them."""

    def __init__(self, nlp: Language) -> None:
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        by_kind: dict[str, list[str]] = {}
        for row in cue_rows():
            by_kind.setdefault(row["cue"], []).append(row["pattern"])
        for kind, phrases in by_kind.items():
            self.matcher.add(kind, [nlp.make_doc(p) for p in phrases])

    def find(self, span: Span) -> Cues:
        strings = span.doc.vocab.strings
        found = [Cue(strings[key], start, end) for key, start, end in self.matcher(span)]
        pseudo = [c for c in found if c.kind == "pseudo"]
        items = [
            c
            for c in found
            if c.kind == "pseudo"
            or c.kind not in (*_NEGATIONS, "terminator")
            or not any(p.start <= c.start and c.end <= p.end for p in pseudo)
        ]
        triggers = [c for c in items if c.kind in _NEGATIONS]
        items = [
            c
            for c in items
            if c.kind not in _NEGATIONS
            or not any(
                t is not c and t.start <= c.start and c.end <= t.end and (t.end - t.start) > (c.end - c.start)
                for t in triggers
            )
        ]
        return Cues(span, items, clause_bounds(span))
