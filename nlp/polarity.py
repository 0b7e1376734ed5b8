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

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import NamedTuple

import numpy
from spacy.attrs import IS_SPACE
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from nlp.models import Polarity
from nlp.sections import CriterionOffsets, CriterionSpans, criteria_offsets, ents_by_criterion
from nlp.text import doc_text
from nlp.vocab import cue_rows

_NEGATIONS = ("negation_forward", "negation_backward", "exclusion_phrase")
_CANCELLED_BY_PSEUDO = (*_NEGATIONS, "terminator")
_ITEM_OPENERS = ("negation_forward", "modal")  # cues that open a new requirement when they open a run-in item
_CLAUSE_ENDS = {".", ";", "!", "?"}
LABEL_WORDS = 4  # words of a run-in sub-header label before its colon: "Hormone receptor status:"
_ENTITY_TAILS = ("&#xD", "&#xA", "&gt", "&lt", "&amp", "&#x")
FORWARD_WINDOW = 10
INLINE_DASHES = ("-", "\u2013", "\u2014")  # dashes that open the items of a list run on in one line
_PARENTHESIS = re.compile(r"[()]")
_GLUED_OPENING = re.compile(r"[A-Za-z0-9][(\[]")


def glued_bracket_word(text: str) -> bool:
    """A token that opens a bracket after a letter or digit of its own ("t(15;17", "inv(16", "patient(s)"): its
    brackets count where it stands. Other glued brackets ("):", "(neo-") are not counted, as before."""
    return _GLUED_OPENING.search(text) is not None
_CONTEXT_KEY = "tm_context"  # where `doc_context` keeps the DocContext in `doc.user_data`
_BARE_KEY = "tm_bare"  # where `_bare` keeps the Doc's words without whitespace tokens
_SPACES_KEY = "tm_spaces"  # where `_space_tokens` keeps the indices of the Doc's whitespace tokens


class Cue(NamedTuple):
    """One cue: its kind and its tokens [start, end) (a tuple: made for every cue of every criterion read)."""

    kind: str
    start: int
    end: int


# tuple.__new__ skips the NamedTuple's Python-level constructor: a Cue is made for every cue of every criterion read
_new_cue = tuple.__new__


@dataclass
class Cues:
    """The cues found in one criterion, with its clause boundaries (token indices into the Doc)."""

    span: Span
    items: list[Cue]
    clauses: list[tuple[int, int]]

    @cached_property
    def by_start(self) -> dict[int, list[Cue]]:
        """The cues by the token they start at (made on first use: the cues of many criteria are never asked so)."""
        found: dict[int, list[Cue]] = {}
        for cue in self.items:
            found.setdefault(cue.start, []).append(cue)
        return found

    @cached_property
    def terminators(self) -> list[int]:
        """Where the terminator cues start."""
        return [c.start for c in self.items if c.kind == "terminator"]

    def at(self, i: int, *kinds: str) -> Cue | None:
        """The longest cue of one of `kinds` starting at token `i`."""
        found = [c for c in self.by_start.get(i, ()) if c.kind in kinds]
        return max(found, key=lambda c: c.end) if found else None

    def ending_at(self, end: int, *kinds: str) -> Cue | None:
        """The longest cue of one of `kinds` ending just before token `end`."""
        found = [c for c in self.items if c.end == end and c.kind in kinds]
        return min(found, key=lambda c: c.start) if found else None

    def split_at_labels(self) -> Cues:
        """These cues with their clauses also split before each sub-header label run into the words before it, as
        flattened PDQ lists write them ("... axillary dissection Hormone receptor status: Estrogen receptor
        positive"): the label opens an item that no cue of the items before it speaks of."""
        cuts = _before_run_in_labels(self.span)
        if not cuts:
            return self
        clauses = []
        for start, end in self.clauses:
            for cut in cuts:
                if start <= cut < end - 1:
                    clauses.append((start, cut + 1))
                    start = cut + 1
            clauses.append((start, end))
        return Cues(self.span, self.items, clauses)

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
        """A terminator lies in tokens [start, end) of the criterion, or a parenthesis separates cue and target:
        a forward cue inside one that closes before the target, a backward cue inside one that opens after it (the
        bracket that closes round the target's own symbol first does not count: "anaplastic lymphoma kinase (ALK)
        wild-type are allowed (ie, ALK translocation excluded)")."""
        if any(start <= t < end for t in self.terminators):
            return True
        depth = 0
        for i, step in self._parentheses:
            if i >= end:
                break
            if i >= start:
                depth = depth + step if forward else max(0, depth + step)
                if forward and depth < 0:
                    return True
        return not forward and depth > 0

    @cached_property
    def _parentheses(self) -> list[tuple[int, int]]:
        """(token index, +1 for "(" or -1 for ")") of the criterion's parentheses, in order: a parenthesis
        character is a token of its own when a one-character span of the Doc starts and ends there; those of a word
        that opens a bracket inside it (`glued_bracket_word`) count at that word's token, as a karyotype "t(15;17"
        opens the bracket its own ")" token closes (not counted, that ")" would close the bracket a list of
        karyotypes stands in)."""
        doc = self.span.doc
        found = []
        for match in _PARENTHESIS.finditer(doc_text(doc), self.span.start_char, self.span.end_char):
            token = doc.char_span(match.start(), match.end())
            if token is None:
                token = doc.char_span(match.start(), match.end(), alignment_mode="expand")
                if token is None or not glued_bracket_word(token.text):
                    continue
            found.append((token.start, 1 if match.group() == "(" else -1))
        return found

    def opens_item(self, i: int) -> bool:
        """Token `i` opens an item run into the one before it, as flattened lists write them: a capitalised word
        right after another word ("... on bone marrow biopsy Ineligible for allogeneic transplantation", "No blast
        crisis No CNS involvement"). A negation it opens speaks of its own item, not of the words before it, and a
        negation before it does not reach past a negation or a modal ("Must have ...", `_ITEM_OPENERS`) it opens."""
        doc = self.span.doc
        word = doc[i].text
        if i <= self.span.start or not (word[:1].isupper() and word[1:].islower()):
            return False
        j = i - 1
        while j > self.span.start and doc[j].is_space:
            j -= 1
        return doc[j].text[-1:].isalnum() or self.inline_bullet(j)

    def inline_bullet(self, i: int) -> bool:
        """Token `i` is a dash that opens an item of a list a reflowed line runs on ("... the following: - t(4;11)
        - t(9;22)"): a dash standing alone between words, spaced on both sides."""
        doc = self.span.doc
        return (
            self.span.start < i < self.span.end - 1
            and doc[i].text in INLINE_DASHES
            and bool(doc[i].whitespace_)
            and bool(doc[i - 1].whitespace_)
        )

    def opens_inline_list(self, cue_end: int, start: int, window: int) -> bool:
        """A colon within `window` tokens after a cue, before `start`, opens an inline dash list ("Absence of the
        following cytogenetic abnormalities: - t(1;19) - t(9;22) - t(4;11)"): what the cue says of the list's lead-in
        it says of every item, however far along the line."""
        doc = self.span.doc
        for i in range(cue_end, min(start, cue_end + window + 1)):
            if doc[i].text != ":":
                continue
            j = i + 1
            while j < start and doc[j].is_space:
                j += 1
            return j < start and self.inline_bullet(j)
        return False

    def _denied_from(self, cue: Cue) -> int | None:
        """Where what a forward negation denies starts when it opens the criterion with the patients it denies (a
        `negated_subject` cue: "No patients who have previously received any antiangiogenic treatment with
        thalidomide or interferon", "No patients with AST and ALT greater than or equal to 5 x ULN"): past the
        subject and a terminator right after it ("who"), which is the subject's own; such a negation governs its
        whole clause, not `FORWARD_WINDOW` tokens. Not "No prior ...": the setting it names after the therapy ("for
        metastatic triple negative breast cancer") is not denied. Likewise past a relative clause that describes what
        such a "No" denies (`subject_relative`: "No mantle cell lymphomas including equivocal B-cell lymphomas that
        are CD5+ and CD23-, have t(11;14), ..."), opened within `FORWARD_WINDOW` tokens, also by a "No" that opens an
        item run into the one before it (`opens_item`). None for any other negation."""
        if cue.kind != "negation_forward":
            return None
        doc, i = self.span.doc, self.span.start
        while i < cue.start and (doc[i].is_space or doc[i].is_punct):
            i += 1
        subject = self.at(cue.start, "negated_subject")
        if i != cue.start and (subject is not None or not self.opens_item(cue.start)):
            return None
        if subject is None:
            relative = next((c for c in self.items if c.kind == "subject_relative"
                             and cue.end <= c.start <= cue.end + FORWARD_WINDOW), None)
            return relative.end if relative is not None else None
        after = subject.end
        while after < self.span.end and doc[after].is_space:
            after += 1
        terminator = self.at(after, "terminator")
        return terminator.end if terminator is not None else subject.end

    def negated(
        self,
        start: int,
        end: int,
        section: str,
        ignore: tuple[int, int] = (0, 0),
        window: int = FORWARD_WINDOW,
        back_window: int | None = None,
    ) -> bool:
        """Whether tokens [start, end) are negated by a cue in their clause (not counting the section);
        cues inside `ignore` (the fact's own words, e.g. "negative for") are read by the caller instead. A cue
        after the tokens counts within `back_window` tokens, when given."""
        clause_start, clause_end = self.clause(start)
        flips = 0
        for cue in self.items:
            if cue.kind not in _NEGATIONS or (cue.kind == "exclusion_phrase" and section == "exclusion"):
                continue
            if ignore[0] <= cue.start and cue.end <= ignore[1]:
                continue
            if cue.kind != "negation_backward" and clause_start <= cue.start and cue.end <= start:
                denied = self._denied_from(cue)
                reach, checked = (clause_end, denied) if denied is not None else (window, cue.end)
                if denied is None and start - cue.end > window and self.opens_inline_list(cue.end, start, window):
                    reach = clause_end
                if start - cue.end <= reach and not self.blocked(checked, start, forward=True) and not any(
                    other.kind in _ITEM_OPENERS and cue.end <= other.start < start and self.opens_item(other.start)
                    for other in self.items
                ):
                    flips += 1
                    continue
            if cue.kind != "negation_forward" and cue.start >= end and cue.end <= clause_end:
                if back_window is not None and cue.start - end > back_window:
                    continue
                if self.opens_item(cue.start):
                    continue
                if not self.blocked(end, cue.start, forward=False):
                    flips += 1
        return flips % 2 == 1


def polarity(section: str, negated: bool) -> Polarity:
    """`excluded` for a fact in an exclusion criterion or a negated one, `required` when both or neither."""
    return "excluded" if (section == "exclusion") != negated else "required"


def _before_run_in_labels(span: Span) -> list[int]:
    """The tokens just before the labels of `span` that open an item run into the one before it: a capitalised
    word right after a lower-case word (not inside a name: "For the Pharmacodynamic Study:"), then at most
    `LABEL_WORDS` - 1 lower-case words and a colon."""
    doc, found = span.doc, []
    for i in range(span.start + 1, span.end):
        word, before = doc[i].text, doc[i - 1].text
        if not (word[:1].isupper() and word[1:].islower() and before.islower() and doc[i - 1].whitespace_):
            continue
        j = i + 1
        while j < span.end and j - i < LABEL_WORDS and doc[j].text.isalpha() and doc[j].text.islower():
            j += 1
        if j < span.end and doc[j].text == ":":
            found.append(i - 1)
    return found


def clause_bounds(span: Span, ends: list[int], text: str) -> list[tuple[int, int]]:
    """Token ranges of the clauses of `span`, split after the sentence punctuation tokens `ends`
    (not an HTML entity's `;`, not a `.` glued to a lower-case word)."""
    doc = span.doc
    bounds, start = [], span.start
    for i in ends:
        token = doc[i]
        if token.text == ";" and text[max(0, token.idx - 4) : token.idx].endswith(_ENTITY_TAILS):
            continue
        if token.text == "." and token.whitespace_ == "" and i + 1 < span.end:
            following = doc[i + 1]
            if not following.is_space and not following.text[:1].isupper():
                continue
        bounds.append((start, i + 1))
        start = i + 1
    if start < span.end:
        bounds.append((start, span.end))
    return bounds


class CueFinder:
    """Finds the cues of `nlp/vocab/cues.jsonl`; pseudo-triggers cancel the triggers inside them."""

    def __init__(self, nlp: Language) -> None:
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        by_kind: dict[str, list[str]] = {"clause_end": sorted(_CLAUSE_ENDS)}
        for row in cue_rows():
            by_kind.setdefault(row["cue"], []).append(row["pattern"])
        self.kinds: dict[int, str] = {}  # match id → kind
        self._words: dict[str, list[tuple[str, ...]]] = {}  # kind → the lower-case tokens of each of its phrases
        for kind, phrases in by_kind.items():
            docs = [nlp.make_doc(p) for p in phrases]
            self.matcher.add(kind, docs)
            self.kinds[nlp.vocab.strings.add(kind)] = kind
            self._words[kind] = [tuple(t.lower_ for t in d) for d in docs]

    def may_find(self, text: str, kind: str) -> bool:
        """False when no cue of `kind` can be in `text` (some token of each of its phrases is missing from the text,
        case ignored): a test on the text alone, much cheaper than `find`, for a component that wants one kind."""
        has = text.lower().__contains__
        return any(all(map(has, words)) for words in self._words.get(kind, ()))

    def find(self, span: Span) -> Cues:
        """The cues of one criterion, with its clauses. A cue is matched across the line breaks of a hard-wrapped
        text ("Patients\\n    who are ...", "any of the\\n    following"), which are tokens of their own."""
        found, ends = [], []
        kinds = self.kinds
        doc = span.doc
        for key, start, end in self._matches(span):
            kind = kinds[key]
            if kind == "clause_end":
                if doc[start].ent_iob_ != "I":  # not the ";" inside an entity's name: "t15; 17"
                    ends.append(start)
            else:
                found.append(_new_cue(Cue, (kind, start, end)))
        pseudo = [c for c in found if c.kind == "pseudo"]
        items = (
            [
                c
                for c in found
                if c.kind not in _CANCELLED_BY_PSEUDO
                or not any(p.start <= c.start and c.end <= p.end for p in pseudo)
            ]
            if pseudo
            else found
        )
        triggers = [c for c in items if c.kind in _NEGATIONS]
        if len(triggers) > 1:  # a trigger inside a longer one is part of it
            items = [
                c
                for c in items
                if c.kind not in _NEGATIONS
                or not any(
                    t is not c and t.start <= c.start and c.end <= t.end and (t.end - t.start) > (c.end - c.start)
                    for t in triggers
                )
            ]
        return Cues(span, items, clause_bounds(span, sorted(set(ends)), doc_text(span.doc)))

    def _matches(self, span: Span) -> list[tuple[int, int, int]]:
        """The matcher's (key, start, end) over `span` read without its whitespace tokens, in Doc token indices."""
        spaces = _space_tokens(span.doc)
        inside = bisect_left(spaces, span.start + 1)
        if inside == len(spaces) or spaces[inside] >= span.end - 1:  # no whitespace token inside the span
            return list(self.matcher(span))
        words, bare = _bare(span.doc)
        first, last = bisect_left(words, span.start), bisect_left(words, span.end)
        return [(key, words[start], words[end - 1] + 1) for key, start, end in self.matcher(bare[first:last])]


class DocContext:
    """What the fact components share about one Doc: its text, facts, criteria, and entities and cues per
    criterion, found once."""

    def __init__(self, doc: Doc, finder: CueFinder) -> None:
        self.doc = doc
        self.finder = finder
        self.text = doc_text(doc)
        self.facts: dict = doc._.facts  # the fact components write here (read once: each `doc._` costs)
        self.offsets: list[CriterionOffsets] = criteria_offsets(doc)
        self.criteria = CriterionSpans(doc)
        self._ents: dict[str, dict[int, list[Span]]] = {}
        for k, ents in enumerate(ents_by_criterion(doc) if self.offsets else []):
            for ent in ents:
                self._ents.setdefault(ent.label_, {}).setdefault(k, []).append(ent)
        self._cues: dict[int, Cues] = {}
        self.derived: dict[str, object] = {}  # what a module derives from the context once, under its own key

    def ents(self, labels: set[str] | frozenset[str]) -> dict[int, list[Span]]:
        """Criterion index → its entities with one of `labels`, in text order (criteria without any left out);
        shared with the other components: read it, do not change it.

        An entity's pattern id is its `id_`: the same string as its `ent_id_`, which spaCy reads from the
        span's root token (found anew on each access)."""
        if len(labels) == 1:
            return self._ents.get(next(iter(labels)), {})
        found: dict[int, list[Span]] = {}
        for label in labels:
            for k, ents in self._ents.get(label, {}).items():
                found.setdefault(k, []).extend(ents)
        if len(labels) > 1:
            for ents in found.values():
                ents.sort(key=lambda e: e.start)
        return dict(sorted(found.items()))

    def cues(self, k: int) -> Cues:
        """The cues of criterion `k`, found on first use; `cues(k).span` is the criterion as a Span."""
        if k not in self._cues:
            self._cues[k] = self.finder.find(self.criteria[k])
        return self._cues[k]


def _space_tokens(doc: Doc) -> list[int]:
    """The indices of the Doc's whitespace tokens, in order; found once per Doc and kept in `doc.user_data` until
    `release_context`."""
    found = doc.user_data.get(_SPACES_KEY)
    if found is None:
        found = doc.user_data[_SPACES_KEY] = numpy.flatnonzero(doc.to_array(IS_SPACE)).tolist()
    return found


def _bare(doc: Doc) -> tuple[list[int], Doc]:
    """The Doc's non-whitespace tokens as a Doc of their own, with the index of each in `doc`; made once per Doc
    and kept in `doc.user_data` until `release_context`."""
    found = doc.user_data.get(_BARE_KEY)
    if found is None:
        words = [t.i for t in doc if not t.is_space]
        found = doc.user_data[_BARE_KEY] = (words, Doc(doc.vocab, words=[doc[i].text for i in words]))
    return found


@lru_cache(maxsize=4)
def cue_finder(nlp: Language) -> CueFinder:
    """The pipeline's one CueFinder, shared by the fact components."""
    return CueFinder(nlp)


def doc_context(doc: Doc, finder: CueFinder) -> DocContext:
    """The Doc's shared context, made by the first fact component that asks."""
    context = doc.user_data.get(_CONTEXT_KEY)
    if context is None or context.doc is not doc:
        context = DocContext(doc, finder)
        doc.user_data[_CONTEXT_KEY] = context
    return context


def release_context(doc: Doc) -> None:
    """Drop the Doc's shared context (it refers back to the Doc); the last fact component calls this."""
    doc.user_data.pop(_CONTEXT_KEY, None)
    doc.user_data.pop(_BARE_KEY, None)
    doc.user_data.pop(_SPACES_KEY, None)
