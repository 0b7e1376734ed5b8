"""The `tm_disease_scales` component: limits on a disease's stage, class or score (NYHA class, Hoehn and Yahr, HAM-D).

    >>> from nlp.extract import extract_text
    >>> [(s.scale, s.low, s.high, s.polarity) for s in extract_text(
    ...     "Exclusion Criteria:\\n- Heart failure (NYHA class III or IV)").disease_scales]
    [('nyha', 3.0, 4.0, 'excluded')]

The scales are data (`nlp/vocab/disease_scales.jsonl`: id, the names trials and notes write, the lowest and highest
value). A scale's name, a few filler words ("(NYHA) functional class", "stages") and one value expression make one
limit: a value ("class III"), a range or list of adjacent values ("II-IV", "1 or 2", "III/IV"), a value open on one
side ("II or greater", "III or worse", "≥ 2", "less than 3", "heart failure > NYHA class II"). Roman and Arabic
numerals both count; half steps ("2.5") too. The limit is the closed range [low, high] (None: open); it is
`required` in an inclusion criterion, `excluded` in an exclusion one or when negated ("No NYHA class III/IV heart
disease"). Anything less certain gives no limit: a negated limit among exclusion criteria; a limit an inclusion
criterion requires after an earlier inclusion criterion that ends with a colon (it may be an item of "No cardiac
disease, including any of the following:"), after more than SUBJECT_WORDS words of its sentence ("No serious
illness (... unstable angina, or New York Heart Association class II-IV heart disease)": a negation far before it
may hold) or before an "or" ("NYHA class III/IV, or syncope": alternatives); a list with a gap ("I, II or IV") or
read in part ("class II (if not due to cancer), III, or IV"); a comparator before a list; a criterion that speaks
of "off" periods, "wearing-off" aside (Hoehn and Yahr stages differ between a patient's "on" and "off" states, and
a note gives one stage); and a criterion only one subgroup of patients must meet (`nlp.cohorts`).

A score scale (a row with `items`: the HAM-D total score, 0-52) is read the same way with whole numbers ("HAM-D17
total score > or = 22", "HRSD score between 14 and 24"). It gives no limit when another item count is written in
or around it ("HAMD24", "24-item ... (HRSD-24)": that version's total runs higher for the same patient), when it is
one item's score ("HAM-D item 1", "item No. 3 of HAM-D"), after an "or" in an inclusion criterion's sentence ("MDD
or HDRS ≥ 12": an alternative), or when negated by a cue other than "No" right before it ("No other severe medical
disease Hamilton Depression Scale score of less than 20": a run-on list's negation); a number written before the
name ("a score of 15 or less on the HAM-D") is not read.

`find_values` reads the same names in a note: the patient's own value, one number after the name ("Hoehn-Yahr
Stage I", "NYHA class 2", "Her HAM-D score is 20").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from nlp.cohorts import stated_by_every, subgroups
from nlp.models import DiseaseScale
from nlp.polarity import cue_finder, doc_context, polarity
from nlp.resources import phrase_regex, read_vocab
from nlp.sections import add_kind

SUBJECT_WORDS = 8  # a limit an inclusion criterion requires is its sentence's subject: at most this many words before
STEP = 0.5  # the finest step of a scale (modified Hoehn and Yahr stages 1.5 and 2.5): "> 2" is 2.5 or more
_ROMAN = {"i": 1.0, "ii": 2.0, "iii": 3.0, "iv": 4.0, "v": 5.0}
_VALUE = r"(?:iv|v|iii|ii|i|[1-5](?:\.5)?)(?!\w|\.\w)"
_FILLER = (r"(?:[\s:,=]*(?:\((?:nyha|h\s*&\s*y|hy)\)|\bnyha\b|functional|classification|class(?:es)?|stages?|scores?"
           r"|grades?|of|in|the|scale|(?:is|was|are)\b)(?![\w])[\s:,=]*)*")
_BEFORE = (r"\s*(?P<cmp>≥|>=|=>|>\s*or\s*=|≤|<=|=<|<\s*or\s*=|>|<|at\s+least"
           r"|(?:greater|higher|more)\s+than\s+or\s+equal\s+to"
           r"|(?:less|lower)\s+than\s+or\s+equal\s+to|(?:greater|higher|more)\s+than|(?:less|lower)\s+than|above"
           r"|below|up\s+to|no\s+(?:more|greater|higher)\s+than)?\s*")
_SEPARATOR = (r"(?:(?:\s*(?:-|–|\bto\b|\bthrough\b|\band/or\b|\bor\b|\band\b|/|,)\s*)+|\s+)"
              r"(?:(?:class|stage|grade)\s*)?")  # "II, III, or IV", "class II or class III"
_OPEN = r"(?:\s*(?:or|and)\s+(?P<open>greater|higher|more|worse|above|over|less|lower|better|below))?"
_SCORE = r"\d{1,3}(?![\d%]|\.\d|\s*%|[\s-]*items?\b)"
_SCORE_FILLER = (r"(?:[\s:,=]*(?:\([^()]{1,12}\)|total|scores?|of|the|between|(?:is|was|are)\b)(?![\w])"
                 r"[\s:,=]*)*")
_ITEMS = r"(?:[\s-]*(?P<items>\d{2}))?(?![A-Za-z\d])"  # "HAM-D17", "HAMD-24"
_ITEM_COUNT = re.compile(r"(?<![\w.])(\d{2})[\s-]*items?\b|(?<=[A-Za-z])-?(\d{2})\)", re.I)  # "24-item", "(HRSD-24)"
_ONE_ITEM = re.compile(r"\bitem\b(?![\s-]*version)", re.I)  # "item 1 score", "item No. 3 of HAM-D"
VERSION_REACH = 40  # characters around a score searched for the item count of the version it is
_PRE = re.compile(r"(?P<cmp>≥|>=|=>|≤|<=|=<|>|<|(?:greater|higher|more)\s+than\s+or\s+equal\s+to|(?:less|lower)\s+than"
                  r"\s+or\s+equal\s+to|(?:greater|higher|more|worse)\s+than|(?:less|lower)\s+than|above|below)"
                  r"\s*(?:the\s+)?\(?\s*$", re.I)  # "heart failure > NYHA class II", "greater than the NYHA class I"
_CONTINUED = re.compile(r"\s*(?:\([^()]{0,60}\))?\s*(?:,|\bor\b|\band\b|/)\s*(?:class\s*)?"
                        r"(?:iv|v|iii|ii|i|[1-5])(?!\w)", re.I)  # "class II (if not due to cancer), III, or IV"
_UP = frozenset({"greater", "higher", "more", "worse", "above", "over"})
_WORD = re.compile(r"\w+")
_OR = re.compile(r"\bor\b", re.I)
_OFF_STATE = re.compile(r"(?<!wearing-)(?<!wearing )\boff\b", re.I)  # not "wearing-off fluctuations"
_SENTENCE_END = re.compile(r"[.;]\s")
NO_BEFORE = re.compile(r"\bno\s+$", re.I)  # "No New York Heart Association ...": "no new" is no pseudo-negation here


@dataclass(frozen=True)
class ScaleMention:
    scale: str
    low: float | None
    high: float | None
    values: int  # how many values the expression wrote: a note's own value is one, without a comparator
    start: int
    end: int


@dataclass(frozen=True)
class _Grammar:
    mention: re.Pattern  # a stage or class scale's name and value expression
    score: re.Pattern | None  # a score scale's name, its number of items and value expression
    last_words: tuple[str, ...]  # the last word of every name, lower case: a text without any names no scale
    scales: dict[str, str]  # lower-case name → scale id
    bounds: dict[str, tuple[float, float]]  # scale id → (lowest, highest)
    items: dict[str, tuple[int, ...]]  # score scale id → the item counts of the version it is ((17,): HAM-D-17)


@lru_cache(maxsize=1)
def _grammar() -> _Grammar:
    rows = read_vocab("disease_scales.jsonl")
    scales = {" ".join(name.lower().split()): row["id"] for row in rows for name in row["names"]}
    graded = [name for row in rows if "items" not in row for name in row["names"]]
    scored = [name for row in rows if "items" in row for name in row["names"]]
    values = rf"(?P<values>{_VALUE}(?:{_SEPARATOR}{_VALUE})*)"
    mention = re.compile(rf"(?<![\w])(?P<name>{phrase_regex(graded)})(?![\w]){_FILLER}{_BEFORE}{values}{_OPEN}",
                         re.I)
    numbers = rf"(?P<values>{_SCORE}(?:\s*(?:-|–|\bto\b|\band\b)\s*{_SCORE})?)"
    score = re.compile(rf"(?<![\w])(?P<name>{phrase_regex(scored)}){_ITEMS}{_SCORE_FILLER}{_BEFORE}{numbers}{_OPEN}",
                       re.I) if scored else None
    last_words = tuple(sorted({name.split()[-1].lower() for name in scales}))
    bounds = {row["id"]: (float(row["lowest"]), float(row["highest"])) for row in rows}
    items = {row["id"]: tuple(row["items"]) for row in rows if "items" in row}
    return _Grammar(mention, score, last_words, scales, bounds, items)


def scale_ids() -> dict[str, tuple[float, float]]:
    """Every scale id with its (lowest, highest) value."""
    return dict(_grammar().bounds)


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    return {row["id"]: row["name"] for row in read_vocab("disease_scales.jsonl")}


def scale_step(scale: str) -> float:
    """The step between a scale's values: 1 for NYHA classes, 0.5 for the modified Hoehn and Yahr stages."""
    return float(next(row.get("step", 1) for row in read_vocab("disease_scales.jsonl") if row["id"] == scale))


def scale_name(scale: str) -> str:
    """The name a scale id is shown by ("nyha" → "NYHA class")."""
    return _names().get(scale, scale)


def describe(limit: DiseaseScale) -> str:
    """A limit in words: "NYHA class 3 to 4", "Hoehn and Yahr stage 2.5 or more", "NYHA class 2 or less"."""
    low, high = limit.low, limit.high
    if low is not None and high is not None:
        values = f"{low:g}" if low == high else f"{low:g} to {high:g}"
    elif low is not None:
        values = f"{low:g} or more"
    elif high is not None:
        values = f"{high:g} or less"
    else:
        values = "any"
    return f"{scale_name(limit.scale)} {values}"


def _number(word: str) -> float:
    return _ROMAN.get(word.lower()) or float(word)


def _limit(match: re.Match[str], bounds: tuple[float, float], before: str, scored: bool = False
           ) -> tuple[float | None, float | None, int] | None:
    """(low, high, number of values) of one mention (`before`: a comparator written before the scale's name;
    `scored`: a score scale, whose two values are a range: "between 14 and 24"), or None when it is not certain
    enough to judge by."""
    words = re.findall(_SCORE if scored else _VALUE, match.group("values"), re.I)
    values = sorted(_number(w) for w in words)
    if any(not bounds[0] <= v <= bounds[1] for v in values):
        return None
    if not scored and any(b - a > 1 for a, b in zip(values, values[1:], strict=False)):
        separators = re.sub(_VALUE, " ", match.group("values"), flags=re.I)
        if not re.search(r"-|–|\bto\b|\bthrough\b", separators):
            return None  # "I, II or IV": a list with a gap
    low, high = values[0], values[-1]
    comparator = (match.group("cmp") or "").lower()
    opened = (match.group("open") or "").lower()
    if before and (comparator or opened or len(values) > 1):
        return None
    comparator = re.sub(r"\s*or\s*=", "=", " ".join((comparator or before).lower().split()))  # "> or =" is ">="
    if comparator and (len(values) > 1 or opened):
        return None
    if opened:
        return (low, None, len(values)) if opened in _UP else (None, high, len(values))
    if comparator in ("≥", ">=", "=>", "at least") or comparator.startswith(("greater than or", "higher than or",
                                                                            "more than or")):
        return low, None, 1
    if comparator in (">", "above") or comparator.endswith(" than") and comparator[:4] in ("grea", "high", "more"):
        return low + STEP, None, 1
    if comparator in ("≤", "<=", "=<", "up to") or comparator.startswith(("less than or", "lower than or", "no ")):
        return None, high, 1
    if comparator:  # "<", "below", "less than", "lower than"
        return None, high - STEP, 1
    return low, high, len(values)


def find_mentions(text: str, start: int = 0, end: int | None = None) -> list[ScaleMention]:
    """Every scale limit written in `text[start:end]`, in text order."""
    grammar = _grammar()
    found = []
    end = len(text) if end is None else end
    matches = [*grammar.mention.finditer(text, start, end), *(grammar.score.finditer(text, start, end)
                                                               if grammar.score else ())]
    for match in sorted(matches, key=lambda m: m.start()):
        scale = grammar.scales[" ".join(match.group("name").lower().split())]
        scored = scale in grammar.items
        if _CONTINUED.match(text, match.end()):
            continue  # only the first values of a list were read
        if scored and not _the_version(text, match, grammar.items[scale]):
            continue
        pre = _PRE.search(text, max(0, match.start() - 40), match.start())
        limit = _limit(match, grammar.bounds[scale], pre.group("cmp") if pre else "", scored)
        if limit is not None:
            low, high, count = limit
            found.append(ScaleMention(scale, low, high, count, match.start(), match.end()))
    return found


def _the_version(text: str, match: re.Match[str], items: tuple[int, ...]) -> bool:
    """Whether a score scale's mention is the total of the version the scale is: no other item count written in or
    around it ("HAMD24", "24-item Hamilton ... (HRSD-24)", "(GRID-HAM-D 24-item version)"), and no single item
    ("HAMD-17 item 1 score", "item No. 3 of HAM-D")."""
    around = text[max(0, match.start() - VERSION_REACH):match.end() + VERSION_REACH]
    counts = [int(a or b) for a, b in _ITEM_COUNT.findall(around)] + ([int(match.group("items"))]
                                                                       if match.group("items") else [])
    before = text[max(0, match.start() - VERSION_REACH):match.start()]
    return all(n in items for n in counts) and not _ONE_ITEM.search(match.group()) \
        and not _ONE_ITEM.search(_ITEM_COUNT.sub("", before))


def _names_a_scale(text: str) -> bool:
    grammar = _grammar()
    lowered = text.lower()
    return any(word in lowered for word in grammar.last_words) and any(
        pattern.search(text) is not None for pattern in (grammar.mention, grammar.score) if pattern is not None)


def find_values(text: str, start: int = 0, end: int | None = None) -> list[ScaleMention]:
    """The mentions in `text[start:end]` that state one value ("Hoehn-Yahr Stage I"): a patient's own."""
    return [m for m in find_mentions(text, start, end) if m.values == 1 and m.low == m.high]


class DiseaseScaleExtractor:
    """Writes `doc._.facts["disease_scales"]` (list[DiseaseScale])."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.cue_finder = cue_finder(nlp)
        _grammar()  # built with the pipeline, not while the first Doc waits

    def __call__(self, doc: Doc) -> Doc:
        context = doc_context(doc, self.cue_finder)
        text = context.text
        facts: list[DiseaseScale] = []
        if _names_a_scale(text):
            groups = subgroups(context)
            headed: list[DiseaseScale] = []  # limits of criteria a subgroup header governs: kept when all state them
            for k, criterion in enumerate(context.offsets):
                mentions = find_mentions(text, criterion.start_char, criterion.end_char)
                if not mentions or k in groups.closed \
                        or _OFF_STATE.search(text, criterion.start_char, criterion.end_char):
                    continue
                cues = context.cues(k)
                listed = criterion.section == "inclusion" and _in_a_list(text, context.offsets, k)
                for m in mentions:
                    words = doc.char_span(m.start, m.end, alignment_mode="expand")
                    no_before = NO_BEFORE.search(text[max(criterion.start_char, m.start - 8):m.start]) is not None
                    negated = no_before or words is not None and cues.negated(words.start, words.end,
                                                                              criterion.section)
                    if negated and criterion.section == "exclusion":
                        continue  # "Exclusion: No NYHA class III/IV": which way it was meant is not certain
                    head = sentence_start(text, criterion.start_char, m.start)
                    if m.scale in _grammar().items and (negated and not no_before or criterion.section == "inclusion"
                                                        and _OR.search(text, head, m.start)):
                        continue  # a score after "No other severe medical disease" or "MDD or": not its own limit
                    if not negated and criterion.section == "inclusion" and (
                            listed or len(_WORD.findall(text, head, m.start)) > SUBJECT_WORDS
                            or _OR.search(text, m.end, criterion.end_char)):
                        continue  # maybe an item of "No cardiac disease, including any of the following:"
                    (headed if k in groups.only else facts).append(DiseaseScale(
                        scale=m.scale, low=m.low, high=m.high, polarity=polarity(criterion.section, negated),
                        criterion=k, span=(m.start, m.end)))
                if k not in groups.only:
                    add_kind(doc, k, "disease_scale")
            for fact in stated_by_every(context, headed, _key):
                facts.append(fact)
                add_kind(doc, fact.criterion, "disease_scale")
        context.facts["disease_scales"] = facts
        return doc


def _key(fact: DiseaseScale) -> tuple:
    return fact.scale, fact.low, fact.high, fact.polarity


def sentence_start(text: str, start: int, at: int) -> int:
    """Where the sentence holding `at` starts, within a criterion starting at `start` (legacy criteria run on)."""
    ends = [m.end() for m in _SENTENCE_END.finditer(text, start, at)]
    return ends[-1] if ends else start


def _in_a_list(text: str, offsets: list, k: int) -> bool:
    """Whether an earlier criterion of k's section ends with a colon: k may be an item of the list it opens, whose
    words ("No clinically significant cardiac disease, including:") may negate it."""
    section = offsets[k].section
    return any(o.section == section and text[o.start_char:o.end_char].rstrip().endswith(":") for o in offsets[:k])


@Language.factory("tm_disease_scales", default_config={})
def make_disease_scales(nlp: Language, name: str) -> DiseaseScaleExtractor:
    return DiseaseScaleExtractor(nlp, name)
