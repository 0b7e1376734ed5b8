"""The `tm_performance` component: ECOG / Karnofsky / Lansky performance-status limits.

    >>> from nlp.extract import extract_text
    >>> extract_text("Inclusion Criteria:\\n- ECOG 0-2 or Karnofsky > 60%").performance_status
    PerformanceStatus(ecog_max=2, karnofsky_min=70, lansky_min=None)

Anchors are the SCALE entities of `nlp/patterns/scales.jsonl` (ECOG, Zubrod, WHO, Karnofsky/KPS, Lansky,
and plain "performance status", whose scale is told by its values: ≤ 5 is ECOG, ≥ 10 Karnofsky).
Adjacent anchors ("Eastern Cooperative Oncology Group (ECOG) performance status") form one mention; the
value follows it: a list or range ("0-1", "0, 1, or 2", "0 to 2"), a comparator ("≤ 2", "at least 70",
"2 or less", "70 or better"), or one number. ECOG gives the largest allowed grade ("< 2" → 1), Karnofsky
and Lansky the smallest allowed score ("> 60" → 70 on the scale's steps of ten). Exclusion statements are
inverted ("ECOG ≥ 3" excluded → at most 2; "KPS < 70" excluded → at least 70). Cohorts: the most
permissive inclusion value wins, values after cohort labels included ("ECOG: Phase I dose escalation: 0-1. Phase II
dose expansion: 0-2" → 2); exclusion values (the most permissive of them) fill a scale inclusion left open. A
bare header ("Performance status", legacy layout) takes its value from the next criterion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Span

from nlp.models import PerformanceStatus
from nlp.polarity import DocContext, cue_finder, doc_context
from nlp.resources import pattern_phrases, phrase_regex, read_vocab
from nlp.sections import CriterionOffsets, add_kind

SPECIFIC = ("ecog", "karnofsky", "lansky")
WEAK_ANCHORS = frozenset({"who", "ps"})
ECOG_MAX_GRADE = 5
TIME_UNITS = ("year", "month", "week", "day")  # ids of `nlp/patterns/units.jsonl` that measure time
SCORE_STEP = 10
_GAP = re.compile(r"[\s(),/:'’\-\[\]]*(?:(?:score|scale|status|of|the|s|grade|rating)[\s(),/:'’\-\[\]]*)*")
_COORDINATED = re.compile(r"[\s(),/]*(?:or|and)[\s(),/]*")  # "Karnofsky (or Lansky) 70-100%": two named scales
_FILLER = re.compile(
    r"(?:[\s(),:：\-\[\]]|=(?!\s*[<>/]))*(?:(?:scores?|scale|status|performance|ps|grade|of|level|must|be|is|are|should|with|"
    r"a|an|the|between|from|equal|to|rating|value|index|within|range|only|defined|as|has|have|had|being|\([^()\d]{0,40}\))"
    r"(?![a-z])(?:[\s(),:：\-\[\]]|=(?!\s*[<>/]))*)*"
)
# "PS of 0-1", "[WHO] scale) <2"; an "=" that starts a comparator ("= <", the masked "=\<") is no filler
_WEAK_FILLER = re.compile(r"(?:[\s:：\])]|=(?!\s*[<>/]))*(?:(?:of|scale|score)(?![a-z])(?:[\s:：\])]|=(?!\s*[<>/]))*)*")
_SCALE_LABELS = frozenset({"SCALE"})
_REACH = 160  # how far after a scale mention its value may be
_EXCEPTION_OPEN = re.compile(r"\s*\(\s*")  # "90-100% (70-80% allowed if ...)": an exception that widens
_EXCEPTION_ALLOWED = re.compile(
    r"\s*(?:(?:is|are|also|may\s+be)\s+)*(?:allowed|permitted|acceptable|eligible)(?![a-z])"
)
_WORD_START = re.compile(r"(?<![a-z])[a-z]")
_STOP = re.compile(r";|\.(?:\s|$)|\n\s*\n")
# a cohort's label before its value, after the scale ("ECOG: Phase I dose escalation: 0-1. Phase II ...: 0-2")
_COHORT_LABEL = re.compile(r"(?:[a-z][a-z0-9/-]*\s+){0,5}[a-z0-9][a-z0-9/-]*\s*:\s*")
_NEXT_LABEL = re.compile(r"[\s.;,]*")


@dataclass(frozen=True)
class _Grammar:
    value: re.Pattern
    comparators: dict[str, str]
    numbers: dict[str, int]
    number_words: re.Pattern  # a number in digits or words, as `_numbers` finds them


@lru_cache(maxsize=1)
def _grammar() -> _Grammar:
    numbers = {row["word"]: int(row["value"]) for row in read_vocab("numbers.jsonl")}
    comparators = pattern_phrases("comparators.jsonl", "COMPARATOR")
    post = [p for p in comparators if p.split()[0] in ("or", "and") and "old" not in p and "young" not in p]
    pre = [p for p in comparators if p not in post and "old" not in p and "young" not in p]
    units = pattern_phrases("units.jsonl", "UNIT")
    durations = phrase_regex([phrase for phrase, unit in units.items() if unit in TIME_UNITS])
    # a number of days, weeks ... is a time, never a grade or score: "ECOG scale within 3 days prior to dosing"
    num = r"(?:\d{1,3}|" + phrase_regex(list(numbers)) + r")(?![\d.]*\d)(?!\s*(?:" + durations + r")(?![a-z]))(?:\s*%)?"
    joiner = r"\s*(?:-|~|to|through|or|,|and|/)\s*(?:(?:or|and)\s+)?"
    value = (
        r"(?:(?P<cmp>" + _words_or_symbols(pre) + r")\s*(?:\(\s*[<>≤≥=/]+\s*\)\s*)?"  # "less than or equal to (<=) 2"
        r"(?:(?:a|an|to)\s+)?(?:(?:score|value)\s+of\s+)?"
        r"(?P<n>" + num + r")"
        r"|(?P<list>" + num + r"(?:" + joiner + num + r")*)(?:\s*(?P<post>" + _words_or_symbols(post) + r"))?)"
    )
    number_words = re.compile(r"\d{1,3}|" + phrase_regex(list(numbers)))
    return _Grammar(value=re.compile(value), comparators=comparators, numbers=numbers, number_words=number_words)


def _words_or_symbols(phrases: list[str]) -> str:
    words = [p for p in phrases if p[:1].isalpha()]
    symbols = [p for p in phrases if not p[:1].isalpha()]
    return f"(?<![a-z])(?:{phrase_regex(words)})(?![a-z])|{phrase_regex(symbols)}"


@dataclass
class _Reading:
    scale: str  # ecog, karnofsky or lansky
    value: int
    section: str
    criterion: int


def _number(token: str, grammar: _Grammar) -> int | None:
    token = token.strip().rstrip("%").strip()
    if token.isdigit():
        return int(token)
    return grammar.numbers.get(re.sub(r"\s+", " ", token))


def _numbers(text: str, grammar: _Grammar) -> list[int]:
    parts = grammar.number_words.findall(text)
    return [n for n in (_number(p, grammar) for p in parts) if n is not None]


def _is_range(text: str) -> bool:
    return bool(re.search(r"\d\s*(?:-|to|through)\s*\d|(?:-|to|through)\s", text))


def _limit(scale: str, match: re.Match, section: str, grammar: _Grammar) -> int | None:
    """The limit a value expression sets: ECOG's largest allowed grade, a score's smallest allowed value."""
    if match.group("cmp"):
        value = _number(match.group("n"), grammar)
        op = grammar.comparators[re.sub(r"\s+", " ", match.group("cmp").lower())]
        values = [value] if value is not None else []
    else:
        values = _numbers(match.group("list"), grammar)
        post = match.group("post")
        op = grammar.comparators[re.sub(r"\s+", " ", post.lower())] if post else ("range" if len(values) > 1 else "=")
    if not values:
        return None
    if op == "better":
        op = "<=" if scale == "ecog" else ">="
    elif op == "worse":
        op = ">=" if scale == "ecog" else "<="
    if scale == "ecog":
        if any(v > ECOG_MAX_GRADE for v in values):
            return None
        return _ecog_limit(op, values, section)
    if any(v > 100 for v in values) or max(values) < SCORE_STEP:
        return None  # "ECOG/Karnofsky 0 or 1": grades of the other scale, no score
    return _score_limit(op, values, section)


def _ecog_limit(op: str, values: list[int], section: str) -> int | None:
    if section == "inclusion":
        if op in ("range", "=", "<="):
            return max(values)
        if op == "<":
            return max(values) - 1 if max(values) > 0 else None
        return None
    if op in ("range", "=", ">="):
        return min(values) - 1 if min(values) > 0 else None
    if op == ">":
        return min(values)
    return None


def _score_limit(op: str, values: list[int], section: str) -> int | None:
    step = SCORE_STEP if all(v % SCORE_STEP == 0 for v in values) else 1
    if section == "inclusion":
        if op in ("range", "=", ">="):
            return min(values)
        if op == ">":
            return min(values) + step
        return None
    if op in ("range", "=", "<="):
        return max(values) + step
    if op == "<":
        return max(values)
    return None


@dataclass
class _Mention:
    scales: list[str]  # several when named together: "Karnofsky/Lansky ≥ 50"
    start: int
    end: int


def _mentions(text: str, scale_ents: list[Span]) -> list[_Mention]:
    """Each scale mention among a criterion's SCALE entities, adjacent anchors merged."""
    mentions: list[_Mention] = []
    for ent in scale_ents:
        scale = ent.id_ or "performance_status"
        if not mentions or not (
            _GAP.fullmatch(text, mentions[-1].end, ent.start_char)
            or (
                scale in SPECIFIC
                and all(s in SPECIFIC for s in mentions[-1].scales)
                and _COORDINATED.fullmatch(text, mentions[-1].end, ent.start_char)
            )
        ):
            mentions.append(_Mention([scale], ent.start_char, ent.end_char))
            continue
        current = mentions[-1]
        current.end = ent.end_char
        named = [s for s in current.scales if s in SPECIFIC]
        if scale in SPECIFIC:
            current.scales = named + [scale] if scale not in named else named
        elif not named and current.scales[0] in WEAK_ANCHORS:
            current.scales = [scale]
    return mentions


def _resolve(scale: str, limit_text: str, grammar: _Grammar) -> str | None:
    """The scale a mention means: its own when specific, else told by the size of its values."""
    if scale in SPECIFIC:
        return scale
    values = _numbers(limit_text, grammar)
    if values and max(values) <= ECOG_MAX_GRADE:
        return "ecog"
    if values and min(values) >= SCORE_STEP:
        return "karnofsky"
    return None


def _read(
    text: str, start: int, end: int, scale: str, section: str, grammar: _Grammar
) -> tuple[int | None, str, bool] | None:
    """(limit, resolved scale, whether a cohort label stood before the value) stated in text[start:end] right after
    a mention of `scale`, if any; an exception in parentheses right after the value that allows more ("Karnofsky
    90-100% (70-80% allowed if ...)") widens the limit."""
    weak = scale in WEAK_ANCHORS or scale == "performance_status"
    filler = _WEAK_FILLER if scale in WEAK_ANCHORS else _FILLER
    position = found.end() if (found := filler.match(text, start, end)) else start
    match = grammar.value.match(text, position, end)
    if not match and found and position > start:  # the filler took the start of a comparator: "equal to or less than"
        starts = (at.start() for at in _WORD_START.finditer(text, start, position))
        match = next((m for at in starts if (m := grammar.value.match(text, at, end))), None)
    label = None if match else _COHORT_LABEL.match(text, position, end)
    if label:
        match = grammar.value.match(text, label.end(), end)
    if not match:
        return None
    resolved = _resolve(scale if not weak else "performance_status", match.group(), grammar)
    if resolved is None:
        return None
    limit = _limit(resolved, match, section, grammar)
    opened = _EXCEPTION_OPEN.match(text, match.end(), end)
    exception = grammar.value.match(text, opened.end(), end) if opened and opened.group().strip() else None
    if limit is not None and exception and _EXCEPTION_ALLOWED.match(text, exception.end(), end):
        wider = _limit(resolved, exception, section, grammar)
        if wider is not None:
            limit = max(limit, wider) if resolved == "ecog" else min(limit, wider)
    return limit, resolved, label is not None


def _other_cohorts(
    text: str, start: int, end: int, scale: str, section: str, grammar: _Grammar
) -> list[tuple[int | None, str]]:
    """The limits of the cohorts labelled after the first one's value ("... dose escalation: 0-1. Phase II dose
    expansion: 0-2"), each read like the first, from `start` (the end of the first one's value) to `end`."""
    found: list[tuple[int | None, str]] = []
    while (gap := _NEXT_LABEL.match(text, start, end)) and (label := _COHORT_LABEL.match(text, gap.end(), end)):
        stop = _STOP.search(text, label.end(), end)
        result = _read(text, gap.end(), stop.start() if stop else end, scale, section, grammar)
        if result is None or not result[2]:
            break
        found.append(result[:2])
        start = stop.start() if stop else end
    return found


def _below(
    text: str, following: list[CriterionOffsets], scale: str, section: str, grammar: _Grammar
) -> list[tuple[int | None, str]]:
    """The limit the criterion after a bare header states, and when that one opens with a cohort's label ("-
    Phase IB: 0-1"), those of the criteria after it that open with another cohort's label ("- Phase II: 0-2")."""
    limits: list[tuple[int | None, str]] = []
    for criterion in following:
        result = _read(
            text, criterion.start_char, min(criterion.end_char, criterion.start_char + _REACH), scale, section, grammar
        )
        if result is None or (limits and not result[2]):
            break
        limits.append(result[:2])
        if not result[2]:
            break
    return limits


def performance_readings(context: DocContext) -> list[_Reading]:
    """The limits stated after each scale mention, criterion by criterion."""
    by_criterion = context.ents(_SCALE_LABELS)
    if not by_criterion:
        return []
    grammar = _grammar()
    original = context.text
    text = original.lower()
    criteria = context.offsets
    readings: list[_Reading] = []
    for index, scale_ents in by_criterion.items():
        criterion = criteria[index]
        mentions = _mentions(original, scale_ents)
        for k, mention in enumerate(mentions):
            bound = min(mentions[k + 1].start if k + 1 < len(mentions) else criterion.end_char, mention.end + _REACH)
            stop = _STOP.search(text, mention.end, bound)
            limit_end = stop.start() if stop else bound
            tail_empty = k + 1 == len(mentions) and not text[mention.end : criterion.end_char].strip(" :.-")
            for scale in mention.scales:
                result = _read(text, mention.end, limit_end, scale, criterion.section, grammar)
                limits: list[tuple[int | None, str]] = []
                if result is None and tail_empty:  # a header: its value, or its cohorts' labelled values, below
                    limits = _below(text, criteria[index + 1 :], scale, criterion.section, grammar)
                elif result is not None:
                    limits = [result[:2]]
                if result is not None and result[2]:  # a labelled cohort's value: other cohorts' may follow
                    last = mentions[k + 1].start if k + 1 < len(mentions) else criterion.end_char
                    limits += _other_cohorts(text, limit_end, last, scale, criterion.section, grammar)
                stated = [(limit, resolved) for limit, resolved in limits if limit is not None]
                readings += [_Reading(resolved, limit, criterion.section, index) for limit, resolved in stated]
    return readings


def performance_status(readings: list[_Reading]) -> PerformanceStatus:
    """Combine readings: the most permissive inclusion value per scale, else the most permissive exclusion one
    (exclusions that state different limits are those of different cohorts: "Group 1: Karnofsky < 70", "Group 2:
    Karnofsky < 50")."""

    def pick(scale: str) -> int | None:
        for section in ("inclusion", "exclusion"):
            values = [r.value for r in readings if r.scale == scale and r.section == section]
            if values:
                return (max if scale == "ecog" else min)(values)
        return None

    return PerformanceStatus(ecog_max=pick("ecog"), karnofsky_min=pick("karnofsky"), lansky_min=pick("lansky"))


class PerformanceComponent:
    """Writes `doc._.facts["performance_status"]` and marks the criteria that state it."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.cue_finder = cue_finder(nlp)
        _grammar()

    def __call__(self, doc: Doc) -> Doc:
        context = doc_context(doc, self.cue_finder)
        readings = performance_readings(context)
        context.facts["performance_status"] = performance_status(readings)
        for reading in readings:
            add_kind(doc, reading.criterion, "performance_status")
        return doc


@Language.factory("tm_performance", default_config={})
def make_performance(nlp: Language, name: str) -> PerformanceComponent:
    return PerformanceComponent(nlp, name)
