"""The `tm_sections` component: split eligibility text into Inclusion / Exclusion criteria with spans.

    >>> from nlp.pipeline import get_nlp
    >>> doc = get_nlp()("Inclusion Criteria:\\n* Age >= 18\\nExclusion Criteria:\\n* Pregnancy")
    >>> [(c.label_, c.text) for c in doc.spans["criteria"]]
    [('inclusion', 'Age >= 18'), ('exclusion', 'Pregnancy')]

One Span per criterion, in text order, labelled "inclusion" or "exclusion"; a criterion's index is its
position in `doc.spans["criteria"]`. Headers are recognised in the spellings of the real registry
("Key Inclusion Criteria", "-INCLUSION CRITERIA:", "Inclusion criteria：", "Non-inclusion criteria" ...),
and French, Spanish, German and Chinese headers. Criteria are bullets (`*`, `-`, `•`, `1.`, `a)` ...),
nested sub-bullets (each its own criterion), numbered lists run together on one line, or paragraphs
whose hard-wrapped lines are joined. Text before any header is inclusion unless it reads as
exclusion. The component also initialises `doc._.facts` and `doc._.kinds` for the fact components.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from spacy.attrs import IDX, LENGTH
from spacy.language import Language
from spacy.tokens import Doc, Span

from nlp.text import doc_text

_LINE = re.compile(r"[^\r\n]+")
_BULLET = re.compile(
    r"""[ \t]*(?:
        [-*•·▪◦‣⁃–—+](?=[ \t]|[A-Za-z(])      # symbol bullets, also glued to a word: "-INCLUSION CRITERIA:"
      | \(?\d{1,2}[.)](?![\d.])               # 1.  1)  (1)
      | \(?[a-zA-Z][.)](?=[ \t])              # a.  a)  (b)
      | \(?(?:i{1,3}|iv|vi{0,3}|ix|x)[.)](?=[ \t])  # i.  iv)
    )[ \t]*""",
    re.X,
)
_HEADER = re.compile(
    r"""[\W_]*
    (?P<prefix>(?:(?!(?:not|see|no|meets?|meeting|any|all|if|the|are|is|be|was|were|will)[ \t])
                 [A-Za-z0-9][\w\-/]*[ \t]+){0,3}?)
    (?P<kind>non[- ]?inclusion|inclusion|exclusion|exclusionary|ineligibility|eligibility|inclusions|exclusions
      |crit[eè]res?[ \t]+(?:de[ \t]+)?(?:d['’][ \t]*)?(?:non[- ]?)?(?:inclusion|exclusion)
      |criterios[ \t]+de[ \t]+(?:inclusi[oó]n|exclusi[oó]n)|einschlusskriterien|ausschlusskriterien
      |纳入标准|入选标准|入組標準|排除标准|排除標準)
    (?![a-zA-Z])
    (?P<rest>[^:：\r\n]{0,80})
    [ \t*_]*(?P<colon>[:：])?[ \t*_]*""",
    re.I | re.X,
)
# What may follow "Exclusion" on a header line without a colon: "Criteria", "Criteria (at Screening)",
# "Criteria - for Phase I", "Criteria (Patients meeting any of the following" (the parenthesis continues).
_HEADER_REST = re.compile(
    r"[ \t_\-]*(?:criteri(?:a|on)s?[ \t]*(?:\([^)]*\)?)?[ \t.]*(?:[-–][ \t]*)?"
    r"(?:(?:for|in|of|to|at)[ \t]+[^.;()]{0,60})?)?(?:\([^)]*\)?)?[ \t.]*",
    re.I,
)
_HEADER_THEN_ITEM = re.compile(r"[ \t_\-]*criteri(?:a|on)s?(?=[ \t]+\d{1,2}[.)][ \t])", re.I)
_INLINE_HEADER = re.compile(
    r"(?<=[\s.;:\-])(?:(?:key|main|major|primary|general)[ \t]+)?(?:inclusion|exclusion)[ \t]+criteria"
    r"(?:[ \t]*[:：]|(?=[ \t]+1[.)][ \t]))",
    re.I,
)
_INTRO_EXCLUSION = re.compile(
    r"\b(?:criteria[ \t]+for[ \t]+exclusion|(?:patients|subjects|participants|persons|individuals)[ \t]+"
    r"(?:who[ \t]+)?(?:will|would|are|shall)[ \t]+(?:be[ \t]+)?"
    r"(?:excluded|ineligible|not[ \t]+(?:be[ \t]+)?eligible))\b",
    re.I,
)
_INTRO_INCLUSION = re.compile(
    r"\b(?:criteria[ \t]+for[ \t]+(?:inclusion|eligibility)|(?:patients|subjects|participants)[ \t]+"
    r"(?:will|are|shall)[ \t]+(?:be[ \t]+)?(?:included|eligible))\b",
    re.I,
)
_RUN_ON_ITEM = re.compile(r"(?<=[\s;,.])(\d{1,2})[.)][ \t]+(?=[A-Z(])")
_OFFSETS_KEY = "tm_criteria"
_HEADER_HINT = re.compile(r"clu|elig|schluss|标准|標準")
_HEADER_HINT_ANY_CASE = re.compile(_HEADER_HINT.pattern, re.I)
_DIGITS = re.compile(r"\d+")
_WRAPPED_WIDTH = 60
_TAIL = 80
_EXCLUSION_KIND = re.compile(r"exclu|non[- ]?incl|inelig|ausschluss|排除", re.I)


@dataclass
class _Segment:
    """One physical line (or the part of it after an inline header), with where its text starts."""

    start: int
    end: int
    body_start: int
    bullet: bool
    indent: int
    blank_before: bool
    number: int | None = None


@dataclass
class _Criterion:
    start: int
    end: int
    section: str
    indent: int
    number: int | None = None


def _header_kind(text: str) -> tuple[str, int] | None:
    """(section, length of the header) when `text` is a section header, else None."""
    match = _HEADER.match(text)
    if not match:
        return None
    rest = match.group("rest")
    end = match.end()
    if match.group("colon"):
        if len(rest.split()) > 8 or "." in rest.rstrip("."):
            return None
    elif item := _HEADER_THEN_ITEM.match(rest):
        end = match.start("rest") + item.end()
    elif not _HEADER_REST.fullmatch(rest) or match.end() < len(text.rstrip()):
        return None
    prefix = match.group("prefix")
    if prefix and (
        prefix.lstrip(" \t*-#")[:1].islower()
        or not (match.group("colon") or rest.strip() or match.group("kind").endswith("s"))
    ):
        return None
    return ("exclusion" if _EXCLUSION_KIND.search(match.group("kind")) else "inclusion"), end


def _intro_kind(text: str) -> str | None:
    """The section an introductory line ("Patients will be excluded if:") opens, if it is one."""
    if not text.rstrip().endswith((":", "：")) or len(text.split()) > 16:
        return None
    if _INTRO_EXCLUSION.search(text):
        return "exclusion"
    if _INTRO_INCLUSION.search(text):
        return "inclusion"
    return None


class _HeaderHints:
    """Cheap test before the header regexes: does a stretch of text mention inclusion, exclusion or eligibility?"""

    def __init__(self, text: str) -> None:
        lowered = text.lower()  # faster than a case-insensitive regex; offsets hold unless lowering resized it
        found = _HEADER_HINT.finditer(lowered) if len(lowered) == len(text) else _HEADER_HINT_ANY_CASE.finditer(text)
        self.positions = [m.start() for m in found]

    def within(self, start: int, end: int) -> bool:
        i = bisect_left(self.positions, start)
        return i < len(self.positions) and self.positions[i] < end


def _inline_cuts(text: str, start: int, end: int) -> list[int]:
    """Where headers start inside a line after other text ("... 8. Signed consent Exclusion Criteria: ...")."""
    inline = [m.start() for m in _INLINE_HEADER.finditer(text, start, end) if text[start : m.start()].strip(" \t-*•")]
    if not inline:
        return []
    lead = _BULLET.match(text, start, end)
    own_header = _header_kind(text[lead.end() if lead else start : end])
    own_end = (lead.end() if lead else start) + own_header[1] if own_header else start
    return [cut for cut in inline if cut >= own_end]


def _segments(text: str, hints: _HeaderHints) -> Iterator[_Segment]:
    previous_end = 0
    for line in _LINE.finditer(text):
        start, end = line.span()
        if line.group().isspace():
            continue
        gap = text[previous_end:start]
        blank_before = gap.count("\n") > 1 or ("\n" not in gap and gap.count("\r") > 1)
        previous_end = end
        cuts = [start] + (_inline_cuts(text, start, end) if hints.within(start, end) else [])
        for i, cut in enumerate(cuts):
            piece_end = cuts[i + 1] if i + 1 < len(cuts) else end
            bullet = _BULLET.match(text, cut, piece_end)
            body_start = bullet.end() if bullet and bullet.group().strip() else cut
            while body_start < piece_end and text[body_start] in " \t":
                body_start += 1
            if body_start >= piece_end:
                continue
            yield _Segment(
                start=cut,
                end=piece_end,
                body_start=body_start,
                bullet=body_start > cut and bool(text[cut:body_start].strip()),
                number=_bullet_number(text[cut:body_start]) if body_start > cut else None,
                indent=body_start - start,
                blank_before=blank_before and i == 0,
            )


def _continues(segment: _Segment, current: _Criterion, text: str) -> bool:
    """Whether a non-bullet line continues the current criterion (a hard-wrapped line) or starts another."""
    if text[max(current.start, current.end - _TAIL) : current.end].rstrip().endswith((":", "：")):
        return False
    first = text[segment.body_start]
    if first.islower() or first in "([{,;&/-–+<>=≤≥%":
        return True
    line_start = max(text.rfind("\n", 0, current.end), text.rfind("\r", 0, current.end)) + 1
    return current.end - line_start >= _WRAPPED_WIDTH or segment.indent > current.indent


def _bullet_number(bullet: str) -> int | None:
    digits = _DIGITS.search(bullet)
    return int(digits.group()) if digits else None


def _split_run_on(criterion: _Criterion, text: str) -> Iterator[_Criterion]:
    """Split "1. Age over 18 2. Male 3. ..." run together on one line at the numbers that continue the list."""
    if criterion.number is None:
        yield criterion
        return
    expected, start = criterion.number + 1, criterion.start
    for m in _RUN_ON_ITEM.finditer(text, criterion.start, criterion.end):
        if int(m.group(1)) == expected:
            yield _Criterion(start, m.start(), criterion.section, criterion.indent, expected - 1)
            start, expected = m.end(), expected + 1
    yield _Criterion(start, criterion.end, criterion.section, criterion.indent, expected - 1)


def split_criteria(text: str) -> list[tuple[int, int, str]]:
    """(start, end, section) of each criterion in `text`, in order; offsets exclude bullets and trailing space."""
    criteria: list[_Criterion] = []
    section: str | None = None
    current: _Criterion | None = None
    open_parens = 0  # a header's parenthesis still open: its lines are part of the header
    hints = _HeaderHints(text)
    for segment in _segments(text, hints):
        body = text[segment.body_start : segment.end]
        if open_parens > 0:
            open_parens += body.count("(") - body.count(")")
            continue
        header = _header_kind(body) if hints.within(segment.body_start, segment.end) else None
        if header:
            section, length = header
            current = None
            open_parens = max(0, body.count("(") - body.count(")"))
            after = segment.body_start + length
            bullet = _BULLET.match(text, after, segment.end)
            after = bullet.end() if bullet else after
            if text[after : segment.end].strip():
                number = _bullet_number(text[segment.body_start + length : after])
                current = _Criterion(after, segment.end, section, segment.indent + length, number)
                criteria.append(current)
            continue
        intro = _intro_kind(body)
        if intro and (section is None or current is None or intro == "exclusion"):
            section = intro
        if (
            current is not None
            and not segment.bullet
            and not segment.blank_before
            and (_continues(segment, current, text))
        ):
            current.end = segment.end
            continue
        current = _Criterion(segment.body_start, segment.end, section or "inclusion", segment.indent, segment.number)
        criteria.append(current)
    spans = []
    for criterion in (piece for c in criteria for piece in _split_run_on(c, text)):
        end = criterion.end
        while end > criterion.start and text[end - 1].isspace():
            end -= 1
        if end > criterion.start:
            spans.append((criterion.start, end, criterion.section))
    return spans


class CriterionOffsets(NamedTuple):
    """Where criterion i lies: characters [start_char, end_char), tokens [start, end), and its section."""

    start_char: int
    end_char: int
    section: str
    start: int
    end: int


def criteria_offsets(doc: Doc) -> list[CriterionOffsets]:
    """The criteria of a processed Doc as plain offsets (cheaper than the Spans of `doc.spans["criteria"]`)."""
    offsets = doc.user_data.get(_OFFSETS_KEY)
    if offsets is None:
        offsets = [CriterionOffsets(s.start_char, s.end_char, s.label_, s.start, s.end) for s in doc.spans["criteria"]]
    return offsets


def criterion_of(doc: Doc, start_char: int) -> int | None:
    """Index of the criterion containing character `start_char`, or None outside every criterion."""
    criteria = criteria_offsets(doc)
    i = bisect_right([c.start_char for c in criteria], start_char) - 1
    if i >= 0 and start_char < criteria[i].end_char:
        return i
    return None


def ents_by_criterion(doc: Doc, labels: frozenset[str] | set[str] | None = None) -> list[list[Span]]:
    """The entities of each criterion (index → list), in one pass; only `labels` when given.

    Cheaper than `span.ents` per criterion, which walks the whole Doc each time.
    """
    criteria = criteria_offsets(doc)
    starts = [c.start for c in criteria]
    buckets: list[list[Span]] = [[] for _ in starts]
    for ent in doc.ents:
        if labels is not None and ent.label_ not in labels:
            continue
        i = bisect_right(starts, ent.start) - 1
        if i >= 0 and ent.end <= criteria[i].end:
            buckets[i].append(ent)
    return buckets


def add_kind(doc: Doc, criterion: int | None, kind: str) -> None:
    """Record that criterion `criterion` states a fact of `kind` (e.g. "age"); shown in `Criterion.kinds`."""
    if criterion is not None:
        doc._.kinds.setdefault(criterion, set()).add(kind)


class SectionSplitter:
    """Sets `doc.spans["criteria"]` and initialises the fact containers."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        spans, offsets = [], []
        found = split_criteria(doc_text(doc))
        if found:
            starts = doc.to_array(IDX).tolist()  # each token's first character
            lengths = doc.to_array(LENGTH).tolist()
        for start, end, section in found:
            # widen to whole tokens, as Doc.char_span(alignment_mode="expand") would, without its per-call cost
            first, last = bisect_right(starts, start) - 1, bisect_left(starts, end) - 1
            if first < 0 or last < first or (offsets and first < offsets[-1].end):
                continue
            start_char, end_char = starts[first], starts[last] + lengths[last]
            spans.append(Span(doc, first, last + 1, label=section))
            offsets.append(CriterionOffsets(start_char, end_char, section, first, last + 1))
        doc.spans["criteria"] = spans
        doc.user_data[_OFFSETS_KEY] = offsets
        doc._.facts = {}
        doc._.kinds = {}
        return doc


@Language.factory("tm_sections", default_config={})
def make_sections(nlp: Language, name: str) -> SectionSplitter:
    return SectionSplitter(nlp, name)
