"""The `tm_sections` component: split eligibility text into Inclusion / Exclusion criteria with their offsets.

    >>> from nlp.pipeline import get_nlp
    >>> doc = get_nlp()("Inclusion Criteria:\\n* Age >= 18\\nExclusion Criteria:\\n* Pregnancy")
    >>> [(c.section, doc.text[c.start_char : c.end_char]) for c in criteria_offsets(doc)]
    [('inclusion', 'Age >= 18'), ('exclusion', 'Pregnancy')]

One entry per criterion, in text order: its section ("inclusion" or "exclusion"), character and token
offsets; a criterion's index is its position in `criteria_offsets(doc)`, and `CriterionSpans(doc)` gives
the criteria as Spans labelled with their section. Headers are recognised in the spellings of the real
registry ("Key Inclusion Criteria", "-INCLUSION CRITERIA:", "Inclusion criteria：", "Non-inclusion criteria"
...), and French, Spanish, German and Chinese headers. Criteria are bullets (`*`, `-`, `•`, `1.`, `a)` ...),
nested sub-bullets (each its own criterion), numbered lists run together on one line, the items of the legacy PDQ
layout run together in one paragraph (`nlp.pdq`), or paragraphs whose hard-wrapped lines are joined. Text before
any header is inclusion unless it reads as exclusion. The component also initialises `doc._.facts` and `doc._.kinds`
for the fact components.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple, overload

from spacy.attrs import IDX
from spacy.language import Language
from spacy.tokens import Doc, Span

from nlp.pdq import has_pdq_headers, item_spans
from nlp.text import doc_text

_BULLET_FORMS = r"""
        [-*•·▪◦‣⁃–—+](?=[ \t]|[A-Za-z(])      # symbol bullets, also glued to a word: "-INCLUSION CRITERIA:"
      | \(?(?P<number>\d{1,2})[.)](?![\d.])   # 1.  1)  (1)
      | \(?[a-zA-Z][.)](?=[ \t])              # a.  a)  (b)
      | \(?(?:i{1,3}|iv|vi{0,3}|ix|x)[.)](?=[ \t])  # i.  iv)
      | (?:I{1,3}|IV|VI{0,3}|IX|X)\.(?=[ \t])        # II.  IV.  (not "IV)": a wrapped "(stage\n IV) disease")
"""
_BULLET = re.compile(rf"[ \t]*(?:{_BULLET_FORMS})[ \t]*", re.X)
_LEAD_PATTERN = rf"(?P<lead>[ \t]*(?:(?P<bullet>{_BULLET_FORMS})[ \t]*)?)"  # a line's indent and bullet, if any
_LEAD = re.compile(_LEAD_PATTERN, re.X)
_LINE = re.compile(rf"(?=[^\r\n]){_LEAD_PATTERN}[^\r\n]*", re.X)  # a (non-empty) line, its lead matched on the way
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
# A header naming the group its criteria are for: "Inclusion Criteria for Part 2 Only:", "Exclusion criteria for SCD
# or CP patients without PAH:", "Inclusion Criteria - for Phase I".
_HEADER_GROUP = re.compile(
    r"[ \t_\-]*criteri(?:a|on)s?[ \t]*(?:[-–][ \t]*)?(?:for|in)[ \t]+(?P<group>.*?)[ \t.*_:：]*", re.I
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
_BARE_NUMBER = re.compile(r"\(?\d{1,3}[.)]?[ \t]*(?:[\r\n]|$)")  # a line of one number continues the one before
_RUN_ON_ITEM = re.compile(r"(?<=[\s;,.])(\d{1,2})[.)][ \t]+(?=[A-Z(])")
_OFFSETS_KEY = "tm_criteria"
# The fact components relate every entity of a criterion to its cues, in time quadratic in the criterion; a longer
# criterion is read as pieces of this size. The longest of the 205,510 criteria of ../shared/ctgov and
# ../shared/corpus has 7,948 characters, so no real one is cut.
MAX_CRITERION_CHARS = 10_000
_SECTION_HINT = "clu"  # in "inclusion" and "exclusion"
_OTHER_HINTS = ("elig", "schluss", "标准", "標準")
_HEADER_HINT_ANY_CASE = re.compile("|".join((_SECTION_HINT, *_OTHER_HINTS)), re.I)
_WRAPPED_WIDTH = 60
_TAIL = 80
_EXCLUSION_KIND = re.compile(r"exclu|non[- ]?incl|inelig|ausschluss|排除", re.I)


class _Segment(NamedTuple):
    """One physical line, or the part of it after an inline header (a tuple, cheap to make: there is one per line)."""

    body_start: int  # where its text starts, after any bullet
    end: int
    bullet: bool  # whether it has a bullet
    indent: int  # of its text within the line
    blank_before: bool  # whether an empty line precedes it
    number: int | None  # of a numbered bullet
    hinted: bool  # whether its text mentions inclusion, exclusion or eligibility, see `_HeaderHints`


_new_segment = tuple.__new__


@dataclass(slots=True)
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


def header_group(line: str) -> str | None:
    """The words a section header line names the group of its criteria by ("Part 2 Only" of "Inclusion Criteria for
    Part 2 Only:"), "" for a section header that names none ("Exclusion Criteria:"), None for a line that is no
    section header."""
    text = line.strip()
    if _header_kind(text) is None:
        return None
    match = _HEADER.match(text)
    group = _HEADER_GROUP.fullmatch(match.group("rest")) if match else None
    return group.group("group") if group else ""


def _ends_with_colon(text: str, start: int, end: int) -> bool:
    """Whether `text[start:end]` ends with a colon, trailing whitespace aside (mostly its last character tells)."""
    last = text[end - 1]
    if not last.isspace():
        return last in ":："
    return text[start:end].rstrip().endswith((":", "："))


def _intro_kind(text: str) -> str | None:
    """The section an introductory line ("Patients will be excluded if:") opens, if it is one."""
    if not text.rstrip().endswith((":", "：")) or len(text.split()) > 16:
        return None
    if _INTRO_EXCLUSION.search(text):
        return "exclusion"
    if _INTRO_INCLUSION.search(text):
        return "inclusion"
    return None


def _find_all(text: str, word: str) -> list[int]:
    """Where `word` starts in `text`, in order, each occurrence after the end of the one before (as a regex finds)."""
    found = []
    i = text.find(word)
    while i >= 0:
        found.append(i)
        i = text.find(word, i + len(word))
    return found


def _any_within(positions: list[int], start: int, end: int) -> bool:
    """Whether one of the sorted `positions` lies in [start, end)."""
    i = bisect_left(positions, start)
    return i < len(positions) and positions[i] < end


class _HeaderHints:
    """Cheap test before the header regexes: does a stretch of text mention inclusion, exclusion or eligibility?

    The hint words never overlap one another, so finding each apart finds what one regex of them all would.
    """

    def __init__(self, text: str) -> None:
        lowered = text.lower()
        if len(lowered) == len(text):  # offsets hold: str.find in the lowered text, faster than a regex ignoring case
            self.sections = _find_all(lowered, _SECTION_HINT)
            self.positions = sorted(self.sections + [i for word in _OTHER_HINTS for i in _find_all(lowered, word)])
        else:
            found = [(m.start(), m.group().lower()) for m in _HEADER_HINT_ANY_CASE.finditer(text)]
            self.sections = [i for i, word in found if word == _SECTION_HINT]
            self.positions = [i for i, _ in found]

    def within(self, start: int, end: int) -> bool:
        """Whether a hint word starts in [start, end)."""
        return _any_within(self.positions, start, end)

    def section_within(self, start: int, end: int) -> bool:
        """Whether "inclusion" or "exclusion" may start in [start, end): a necessary condition only."""
        return _any_within(self.sections, start, end)


def _inline_cuts(text: str, start: int, end: int) -> list[int]:
    """Where headers start inside a line after other text ("... 8. Signed consent Exclusion Criteria: ...")."""
    inline = [m.start() for m in _INLINE_HEADER.finditer(text, start, end) if text[start : m.start()].strip(" \t-*•")]
    if not inline:
        return []
    lead = _BULLET.match(text, start, end)
    own_header = _header_kind(text[lead.end() if lead else start : end])
    own_end = (lead.end() if lead else start) + own_header[1] if own_header else start
    return [cut for cut in inline if cut >= own_end]


def _bullet_number(bullet: re.Match[str] | None) -> int | None:
    """The number of a numbered bullet ("3." → 3), None for other bullets or none."""
    number = bullet.group("number") if bullet else None
    return int(number) if number else None


def _segment(
    lead: re.Match[str], line_start: int, end: int, blank_before: bool, hints: _HeaderHints | None
) -> _Segment | None:
    """A line or the piece of one ending at `end`, as a segment; None when nothing follows its bullet.

    `lead` matched its indent and bullet (`_LEAD` or `_LINE`); `hints` is None when the line mentions no header word.
    """
    body_start = lead.end("lead")
    bullet = lead.start("bullet") >= 0
    number = _bullet_number(lead)
    if body_start >= end:
        if number is None:
            return None
        body_start, bullet, number = lead.start("bullet"), False, None  # "1." alone: the end of a wrapped "0 or 1."
    hinted = hints is not None and hints.within(body_start, end)
    # tuple.__new__ skips the NamedTuple's Python-level constructor, which would make this four times slower
    return _new_segment(_Segment, (body_start, end, bullet, body_start - line_start, blank_before, number, hinted))


def _is_blank_gap(gap: str) -> bool:
    """Whether the line breaks (and blank lines) between two lines leave an empty line."""
    return gap.count("\n") > 1 or ("\n" not in gap and gap.count("\r") > 1)


def _segments(text: str, hints: _HeaderHints) -> Iterator[_Segment]:
    """The segments of the non-blank lines of `text`, in order; a line is cut where a header starts inside it."""
    previous_end = 0
    hint_positions = iter(hints.positions)  # visited along with the lines: `next_hint` is the first not before them
    next_hint = next(hint_positions, len(text))
    for line in _LINE.finditer(text):
        start, end = line.span()
        if text[start].isspace() and line.group().isspace():
            continue
        blank_before = start - previous_end > 1 and _is_blank_gap(text[previous_end:start])
        previous_end = end
        if next_hint >= end:
            if segment := _segment(line, start, end, blank_before, None):
                yield segment
            continue
        while next_hint < end:
            next_hint = next(hint_positions, len(text))
        cuts = [start, *(_inline_cuts(text, start, end) if hints.section_within(start, end) else ()), end]
        for i in range(len(cuts) - 1):
            lead = _LEAD.match(text, cuts[i], cuts[i + 1])  # always matches: indent and bullet are optional
            if lead and (segment := _segment(lead, start, cuts[i + 1], blank_before and i == 0, hints)):
                yield segment


def _continues(text: str, body_start: int, indent: int, current: _Criterion) -> bool:
    """Whether a non-bullet line continues the current criterion (a hard-wrapped line) or starts another.

    The line's text starts at `body_start`, `indent` characters into the line.
    """
    if _BARE_NUMBER.match(text, body_start):
        return True
    if _ends_with_colon(text, max(current.start, current.end - _TAIL), current.end):
        return False
    first = text[body_start]
    if first.islower() or first in "([{,;&/-–+<>=≤≥%":
        return True
    line_start = max(text.rfind("\n", 0, current.end), text.rfind("\r", 0, current.end)) + 1
    return current.end - line_start >= _WRAPPED_WIDTH or indent > current.indent


def _run_on_pieces(criterion: _Criterion, text: str) -> list[tuple[int, int]]:
    """(start, end) of the criterion, or of its items when a numbered list runs on in one line.

    "1. Age over 18 2. Male 3. ..." is split at the numbers that continue the list.
    """
    if criterion.number is None:
        return [(criterion.start, criterion.end)]
    pieces = []
    expected, start = criterion.number + 1, criterion.start
    for m in _RUN_ON_ITEM.finditer(text, criterion.start, criterion.end):
        if int(m.group(1)) == expected:
            pieces.append((start, m.start()))
            start, expected = m.end(), expected + 1
    pieces.append((start, criterion.end))
    return pieces


def _header_criterion(text: str, body_start: int, end: int, indent: int, header: tuple[str, int]) -> _Criterion | None:
    """The criterion after a header (section, length) starting at `body_start` on its line, if the line goes on."""
    section, length = header
    after = body_start + length
    bullet = _BULLET.match(text, after, end)
    after = bullet.end() if bullet else after
    if not text[after:end].strip():
        return None
    return _Criterion(after, end, section, indent + length, _bullet_number(bullet))


def split_criteria(text: str) -> list[tuple[int, int, str]]:
    """(start, end, section) of each criterion in `text`, in order; offsets exclude bullets and trailing space."""
    criteria: list[_Criterion] = []
    section: str | None = None
    current: _Criterion | None = None
    open_parens = 0  # a header's parenthesis still open: its lines are part of the header
    for body_start, end, bullet, indent, blank_before, number, hinted in _segments(text, _HeaderHints(text)):
        if open_parens > 0:
            body = text[body_start:end]
            open_parens += body.count("(") - body.count(")")
            continue
        if hinted:
            body = text[body_start:end]
            if header := _header_kind(body):
                section = header[0]
                open_parens = max(0, body.count("(") - body.count(")"))
                current = _header_criterion(text, body_start, end, indent, header)
                if current is not None:
                    criteria.append(current)
                continue
        intro = _intro_kind(text[body_start:end]) if _ends_with_colon(text, body_start, end) else None
        if intro and (section is None or current is None or intro == "exclusion"):
            section = intro
        if current is not None and not bullet and not blank_before and _continues(text, body_start, indent, current):
            current.end = end
            continue
        current = _Criterion(body_start, end, section or "inclusion", indent, number)
        criteria.append(current)
    spans = []
    pdq = has_pdq_headers(text)
    for criterion in criteria:
        for start, end in _run_on_pieces(criterion, text):
            while end > start and text[end - 1].isspace():
                end -= 1
            if end > start:
                for item_start, item_end in item_spans(text, start, end) if pdq else [(start, end)]:
                    spans += [(a, b, criterion.section) for a, b in _capped(text, item_start, item_end)]
    return spans


def _capped(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """[start, end) in pieces of at most MAX_CRITERION_CHARS, each cut after the last whitespace that fits
    (anywhere when there is none): the fact components' work per criterion is bounded, so time is linear."""
    pieces = []
    while end - start > MAX_CRITERION_CHARS:
        limit = start + MAX_CRITERION_CHARS
        cut = max(text.rfind(" ", start + 1, limit), text.rfind("\n", start + 1, limit))
        cut = cut if cut > start else limit
        pieces.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    return [*pieces, (start, end)]


class CriterionOffsets(NamedTuple):
    """Where criterion i lies: characters [start_char, end_char), tokens [start, end), and its section."""

    start_char: int
    end_char: int
    section: str
    start: int
    end: int


def criteria_offsets(doc: Doc) -> list[CriterionOffsets]:
    """The criteria of a processed Doc in text order (none when `tm_sections` has not run on it)."""
    return doc.user_data.get(_OFFSETS_KEY, [])


class CriterionSpans(Sequence[Span]):
    """The criteria of a processed Doc as Spans labelled with their section, each made when asked for.

    Most criteria are never needed as Spans: making them all would cost more than the components reading them.
    """

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.offsets = criteria_offsets(doc)

    def __len__(self) -> int:
        return len(self.offsets)

    @overload
    def __getitem__(self, k: int) -> Span: ...

    @overload
    def __getitem__(self, k: slice) -> list[Span]: ...

    def __getitem__(self, k: int | slice) -> Span | list[Span]:
        """Criterion `k`, or the criteria of a slice."""
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        criterion = self.offsets[k]
        return Span(self.doc, criterion.start, criterion.end, label=criterion.section)


def criterion_of(doc: Doc, start_char: int) -> int | None:
    """Index of the criterion containing character `start_char`, or None outside every criterion."""
    criteria = criteria_offsets(doc)
    i = bisect_right([c.start_char for c in criteria], start_char) - 1
    if i >= 0 and start_char < criteria[i].end_char:
        return i
    return None


def ents_by_criterion(doc: Doc) -> list[list[Span]]:
    """The entities of each criterion (index → list), in one pass.

    Cheaper than `span.ents` per criterion, which walks the whole Doc each time.
    """
    criteria = criteria_offsets(doc)
    starts = [c.start for c in criteria]
    buckets: list[list[Span]] = [[] for _ in starts]
    for ent in doc.ents:
        i = bisect_right(starts, ent.start) - 1
        if i >= 0 and ent.end <= criteria[i].end:
            buckets[i].append(ent)
    return buckets


def add_kind(doc: Doc, criterion: int | None, kind: str) -> None:
    """Record that criterion `criterion` states a fact of `kind` (e.g. "age"); shown in `Criterion.kinds`."""
    if criterion is not None:
        doc._.kinds.setdefault(criterion, set()).add(kind)


def _token_end(text: str, starts: list[int], i: int) -> int:
    """Where the text of token `i` (not a whitespace token) ends, given where each token starts.

    A Doc's text is each token's text followed by one space or none, and only whitespace tokens hold spaces.
    """
    following = starts[i + 1] if i + 1 < len(starts) else len(text)
    return following - 1 if text[following - 1] == " " else following


class SectionSplitter:
    """Records the criteria (see `criteria_offsets`) and initialises the fact containers."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        offsets: list[CriterionOffsets] = []
        text = doc_text(doc)
        found = split_criteria(text)
        if found:
            starts = doc.to_array(IDX).tolist()  # each token's first character
        previous_end = 0
        for start, end, section in found:
            # widen to whole tokens, as Doc.char_span(alignment_mode="expand") would, without its per-call cost
            first, last = bisect_right(starts, start) - 1, bisect_left(starts, end) - 1
            if first < previous_end or last < first:
                continue
            offsets.append(CriterionOffsets(starts[first], _token_end(text, starts, last), section, first, last + 1))
            previous_end = last + 1
        doc.user_data[_OFFSETS_KEY] = offsets
        doc._.facts = {}
        doc._.kinds = {}
        return doc


@Language.factory("tm_sections", default_config={})
def make_sections(nlp: Language, name: str) -> SectionSplitter:
    return SectionSplitter(nlp, name)
