"""The `tm_stages` component: limits on a cancer's stage ("Stage IIIB or IV NSCLC", "FIGO stage III-IV").

    >>> from nlp.extract import extract_text
    >>> [(s.words, s.polarity) for s in extract_text("Inclusion Criteria:\\n- Stage IIIB-IV melanoma").stages]
    [('IIIB to IV', 'required')]

A stage is a numeral 0-IV (Roman or Arabic) with an optional substage letter and number (IA1, IIIB, IVB); it is
held as an interval of ordinals `numeral * 100 + letter * 10 + number`, so "III" covers IIIA to IIIC, "IIIB"
covers IIIB1 and IIIB2, and a patient's stage less precise than a limit overlaps it without lying inside it
(`compare`). A limit is the word "stage" or a staging system's name, then one value expression: a value, a range
or list of values ("IIIB-IV", "II, III or IV", "I through IIIA", "III/IV"), or a value open on one side ("III or
higher", ">= stage IIB", "up to stage IIIA"). The systems (AJCC/TNM, FIGO, Ann Arbor, Rai, ISS ...) are data
(`nlp/vocab/cancer_stages.jsonl`: id, names, highest numeral, what letters mean); a system whose letters are
symptoms or extent (Ann Arbor A/B/E/S, Durie-Salmon A/B) is compared by its numeral alone, and so is an unnamed
stage in a sentence naming lymphoma.

The limit is `required` in an inclusion criterion, `excluded` in an exclusion one or when negated ("no stage IV
disease"). No limit is read when it is not the stage of the trial's cancer or not certain (words in
`nlp/vocab/stage_context.jsonl`, searched in the limit's sentence): the stage of another disease (CKD, pressure
ulcer, liver fibrosis, NYHA), of another cancer (a prior or second cancer, a relative's), a condition ("if",
"unless", "for patients with") or a subgroup (`nlp.cohorts`), a negated limit among exclusion criteria, a list with
a gap ("I or III"), a numeral past the system's highest, an Arabic numeral near study-design words ("stage 1 of
the study"). T and N categories alone ("T2N1") and grades are not stages and are never read. An inclusion limit
whose sentence offers an alternative the stage does not decide ("stage IIIB/IV or recurrent disease") keeps that
alternative's words: a patient whose stage lies outside may still qualify by it, so the verdict is unknown, not
not met.

A trial whose criteria give no stage limit may name its stages in its registry conditions, one a condition (PDQ
records: "Stage 0 Cervical Cancer"); `condition_limit` reads them, and the verdict judges by them.

`patient_stage` reads a patient's own stage (one value, no range) from a note's sentence or a diagnosis; it is the
patient's cancer's stage only when their conditions name a cancer (`names_a_cancer`). An alternative that names a
recurrence alone ("stage IV or recurrent", `recurrence_only`) is decided by whether the patient's cancer came back:
a profile's `recurrent` (a note says so only of a cancer just found: `nlp.notes.reader`). A registry title that
gives its patients' disease only states of a cancer come back or resisting treatment ("Patients With Recurrent or
Refractory Non-Hodgkin's Lymphoma": `title_recurrence`) is decided by it too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from nlp.cohorts import subgroups
from nlp.disease_scales import NO_BEFORE, sentence_start
from nlp.diseases import is_cancer, is_within, map_condition
from nlp.models import CancerStage, TrialCriteria
from nlp.polarity import DocContext, cue_finder, doc_context, polarity
from nlp.resources import phrase_regex, phrase_regex_by_first_letter, read_vocab
from nlp.sections import CriterionOffsets, add_kind

Interval = tuple[int, int]
_ROMAN = {"0": 0, "i": 1, "ii": 2, "iii": 3, "iv": 4}
_NUMERALS = ("0", "I", "II", "III", "IV")
_LETTERS = "abcd"
_SUB = r"(?:[a-d][1-3]?)?"
_ROMAN_VALUE = rf"(?:(?:iv|iii|ii|i){_SUB}|0(?:is|a)?)(?!\w|\.\w)"
_ARABIC_VALUE = rf"(?:[1-4]{_SUB}|0(?:is|a)?)(?!\w|\.\w)"
_VALUE = re.compile(r"(?P<numeral>iv|iii|ii|i|[0-4])(?P<letter>[a-d])?(?P<digit>[1-3])?", re.I)
_SEPARATOR = r"\*?(?:\s*(?:-|–|—|\bto\b|\bthrough\b|\bthru\b|\band/or\b|\bor\b|\band\b|/|,|&)\s*)+(?:stages?\s+)?"
_LISTED = r"\s+(?=(?:iv|iii|ii|i)[a-d][1-3]?\s*(?:,|\bor\b|\band\b|/))"  # "IIA, IIB IIIA or IIIB": a comma left out
_RANGE = re.compile(r"-|–|—|\bto\b|\bthrough\b|\bthru\b", re.I)
_EDITION = r"(?:\s*[(\[]?\s*(?:\d{4}|\d+(?:st|nd|rd|th)\s*(?:ed(?:ition)?\.?)?|v\d+)\s*[)\]]?)?"
_KIND = r"(?:(?:clinical|pathologic(?:al)?|anatomic(?:al)?|prognostic)\s+)?"
_STAGE_WORD = r"stag(?:e|es|ing)(?:\s+group(?:ing)?)?"
_CMP = (r"(?P<cmp>≥|>=|=>|≤|<=|=<|>|<|at\s+least|(?:greater|higher|more)\s+than\s+or\s+equal\s+to"
        r"|(?:less|lower)\s+than\s+or\s+equal\s+to|(?:greater|higher|later|more\s+advanced)\s+than|(?:less|lower|earlier)"
        r"\s+than|above|beyond|below|up\s+to|no\s+(?:more|greater|higher|later)\s+than)?\s*")
_OPEN = (r"(?:\s*(?:or|and)\s+(?P<open>greater|higher|above|beyond|later|more\s+advanced|worse|over|less|lower|below"
         r"|earlier|under)\b|(?P<plus>\+))?")
_PRE = re.compile(r"(?P<cmp>≥|>=|=>|≤|<=|=<|>|<|at\s+least|(?:greater|higher|more)\s+than\s+or\s+equal\s+to"
                  r"|(?:less|lower)\s+than\s+or\s+equal\s+to|(?:greater|higher|later|more\s+advanced)\s+than"
                  r"|(?:less|lower|earlier)\s+than|above|beyond|below|up\s+to)\s*(?:an?\s+|the\s+)?$", re.I)
_AT_LEAST = ("≥", ">=", "=>", "at least", "greater than or equal to", "higher than or equal to",
             "more than or equal to")
_ABOVE = (">", "greater than", "higher than", "later than", "more advanced than", "above", "beyond")
_AT_MOST = ("≤", "<=", "=<", "up to", "less than or equal to", "lower than or equal to", "no more than",
            "no greater than", "no higher than", "no later than")
_UP = frozenset({"greater", "higher", "above", "beyond", "later", "more advanced", "worse", "over"})
_OR = re.compile(r"\b(?:or|and/or)\b", re.I)
_JOINS = re.compile(r"[,;]|\b(?:or|and/or)\b", re.I)
# a stage value or T or N category an "or" offers ("stage IIB (bulky), III, or IV", "stage IIIA or T4 N0")
_STAGE_VALUE = re.compile(r"(?<![\w-])(?:(?:IV|III|II|I)[A-D]?[1-3]?(?![\w-])|[TN](?:[0-4]|is)(?![a-z]))")
_CONTINUED = re.compile(rf"\s*\([^()]{{0,60}}\)(?:\s*(?:,|\bor\b|\band\b|/)\s*)+(?:stage\s*)?{_ROMAN_VALUE}", re.I)
_PARENTHESIS = re.compile(r"\s*\([^()]{0,200}\)")  # what follows a stage and defines it: "(T3-4 or N2-3)"
_HEADER = re.compile(r"\s*:")
_PERIOD = re.compile(r"\.(?:\s|$)")
_NARROWED = re.compile(r"\s*\(?\s*(?:with\s+)?[TN](?:[0-4]|is|x)\b")  # "stage III T3 disease": only some of stage III
_NEGATION = re.compile(r"\b(?:no|not|without|none|never|neither|nor|absence\s+of|free\s+of)\b", re.I)
EXCLUDED_WORDS = 10  # an excluded stage is its sentence: "No clinical or radiological evidence of stage IV disease"
NEGATION_WORDS = 5  # a negation further before the stage than this many words may be about something else
_JOINED = re.compile(r"[^.]{0,80}?\bor\s+(?:\w+\s+)?$", re.I)  # "stage IV solid tumours; or (unresectable) stage III"
_SENTENCE_END = re.compile(r"[.;](?:\s|$)")
_CONTINUES = re.compile(r"(?:;|\b[ie]\.[eg]\.)\s*\Z", re.I)  # what ends a clause the next sentence continues
_WORD = re.compile(r"[\w'-]+")
NEXT_ITEM = "another criterion"  # the alternative of a stage whose criterion ends with "or": the next one
_WITH = re.compile(r"\bwith\s+", re.I)
_STATE_JOINER = re.compile(r"\s*(?:,\s*(?:and|or)?|and/or|/|\bor\b|\band\b)\s*", re.I)  # "Relapsed/Refractory"
ALTERNATIVE_WORDS = 5  # words of an alternative kept to show it ("recurrent disease after surgery")


@dataclass(frozen=True)
class System:
    id: str
    name: str
    highest: int
    numeral_only: bool  # its letters are symptoms or extent (Ann Arbor A/B/E/S), not substages


@dataclass(frozen=True)
class StageMention:
    system: str | None
    low: int | None
    high: int | None
    words: str
    values: int  # how many values it wrote: a patient's own stage is one, without a comparator
    arabic: bool
    start: int
    end: int


@dataclass(frozen=True)
class _Grammar:
    mention: re.Pattern
    system_after: re.Pattern
    system_lower: re.Pattern  # `system_after` for a lower-cased ASCII text, without re.I: several times faster
    system_begun: re.Pattern  # `system_lower` without its end (?!\w): found in a whole text when in any part of it
    systems: dict[str, System]  # id → system
    names: dict[str, str]  # lower-case name → id
    context: dict[str, re.Pattern]  # kind of stage_context.jsonl → its words
    numeral_only_words: re.Pattern  # words that make an unnamed stage an Ann Arbor one ("lymphoma")


def _name_key(name: str) -> str:
    return " ".join(name.lower().replace("-", " ").split())


@lru_cache(maxsize=1)
def _grammar() -> _Grammar:
    rows = read_vocab("cancer_stages.jsonl")
    systems = {r["id"]: System(r["id"], r["name"], int(r["highest"]), r["letters"] != "substage") for r in rows}
    names = {_name_key(n): r["id"] for r in rows for n in r["names"]}
    system = phrase_regex([n for r in rows for n in r["names"]]).replace(r"\-", r"[\s-]*")
    head = (rf"(?:(?P<system>{system})(?!\w){_EDITION}[\s-]*{_KIND}(?:{_STAGE_WORD}(?!\w))?"
            rf"|{_KIND}(?P<word>{_STAGE_WORD})(?!\w))")
    values = (rf"(?P<values>{_ROMAN_VALUE}(?:(?:{_SEPARATOR}|{_LISTED}){_ROMAN_VALUE})*"
              rf"|{_ARABIC_VALUE}(?:{_SEPARATOR}{_ARABIC_VALUE})*)")
    mention = re.compile(rf"(?<![\w-]){head}[\s:=]*(?:(?:of|is|was)\s+)?[(\[]?\s*{_CMP}{values}{_OPEN}", re.I)
    context_rows = {r["kind"]: r for r in read_vocab("stage_context.jsonl")}
    heads = {"subgroup_after": r"[^.;:]{0,60}?", "subgroup_relative": r"[^.;:]{0,80}?"}  # matched after the stage
    modal = phrase_regex(context_rows["subgroup_modal"]["words"])
    tails = {"part_of": r"\W*$", "therapy_for": r"[^.;:]{0,40}?\bfor\b[^.;:]{0,40}$",  # right before it
             "subgroup_relative": rf"[^.;:]{{0,120}}?\b(?:{modal})\b"}
    context = {kind: re.compile(heads.get(kind, "") + rf"(?<![\w-])(?:{phrase_regex(r['words'])})(?![\w])"
                                + tails.get(kind, ""), re.I)
               for kind, r in context_rows.items() if kind not in ("numeral_only", "subgroup_modal")}
    numeral_only = re.compile(rf"(?<!\w)(?:{phrase_regex(context_rows['numeral_only']['words'])})", re.I)
    system_after = re.compile(rf"(?<!\w)(?:{system})(?!\w)", re.I)
    # grouped by first letter: these two are searched in every whole text, where trying each name at each position
    # costs the most
    lower = phrase_regex_by_first_letter([n.lower() for r in rows for n in r["names"]]).replace(r"\-", r"[\s-]*")
    system_lower = re.compile(rf"(?<!\w)(?:{lower})(?!\w)")
    system_begun = re.compile(rf"(?<!\w)(?:{lower})")
    return _Grammar(mention, system_after, system_lower, system_begun, systems, names, context, numeral_only)


def system_ids() -> dict[str, str]:
    """Every staging system id with the name it is shown by."""
    return {s.id: s.name for s in _grammar().systems.values()}


def _value(word: str) -> tuple[int, int, int]:
    m = _VALUE.match(word)
    if m is None:
        raise ValueError(word)
    numeral = m.group("numeral").lower()
    letter = _LETTERS.index(m.group("letter").lower()) + 1 if m.group("letter") else 0
    digit = int(m.group("digit")) if m.group("digit") else 0
    return _ROMAN.get(numeral, 0) if not numeral.isdigit() else int(numeral), letter, digit


def _interval(value: tuple[int, int, int], numeral_only: bool) -> Interval:
    numeral, letter, digit = value
    if numeral_only or not letter:
        return numeral * 100, numeral * 100 + 99
    base = numeral * 100 + letter * 10
    return (base + digit, base + digit) if digit else (base, base + 9)


def _shown(value: tuple[int, int, int], numeral_only: bool) -> str:
    numeral, letter, digit = value
    if numeral_only or not letter:
        return _NUMERALS[numeral]
    return f"{_NUMERALS[numeral]}{_LETTERS[letter - 1].upper()}{digit or ''}"


def words_of(low: str | None, high: str | None) -> str:
    """A limit's values in words: "IIIB to IV", "III or higher", "II or lower", "IV"."""
    if low is not None and high is not None:
        return low if low == high else f"{low} to {high}"
    return f"{low} or higher" if low is not None else f"{high} or lower"


def _system(match: re.Match[str], text: str, end: int) -> str | None:
    grammar = _grammar()
    if match.group("system"):
        return grammar.names[_name_key(match.group("system"))]
    stop = _SENTENCE_END.search(text, match.end(), end)
    after = grammar.system_after.search(text, match.end(), min(match.end() + 40, stop.start() if stop else end))
    return grammar.names[_name_key(after.group(0))] if after else None


def _numeral_only(system: str | None, text: str, start: int, end: int) -> bool:
    grammar = _grammar()
    if system is not None:
        return grammar.systems[system].numeral_only
    return grammar.numeral_only_words.search(text, start, end) is not None


def _limit(match: re.Match[str], system: str | None, numeral_only: bool, before: str) -> StageMention | None:
    """The limit one mention writes (`before`: a comparator written before "stage"), or None when it is not
    certain enough to judge by."""
    words = re.findall(_ROMAN_VALUE + "|" + _ARABIC_VALUE, match.group("values"), re.I)
    values = sorted(_value(w) for w in words)
    highest = _grammar().systems[system].highest if system else 4
    if any(v[0] > highest for v in values):
        return None
    if any(b[0] - a[0] > 1 for a, b in zip(values, values[1:], strict=False)) \
            and not _RANGE.search(re.sub(_VALUE.pattern, " ", match.group("values"), flags=re.I)):
        return None  # "stage I or III": a list with a gap
    comparator = " ".join((match.group("cmp") or before).lower().split())
    opened = (match.group("open") or ("higher" if match.group("plus") else "")).lower()
    if (comparator or opened) and (len(values) > 1 or (comparator and opened) or (match.group("cmp") and before)):
        return None
    first, last = values[0], values[-1]
    low_shown, high_shown = _shown(first, numeral_only), _shown(last, numeral_only)
    low, high = _interval(first, numeral_only)[0], _interval(last, numeral_only)[1]
    bounds: tuple[int | None, int | None] = (low, high)
    if opened:
        bounds = (low, None) if opened in _UP else (None, high)
        shown = words_of(low_shown, None) if opened in _UP else words_of(None, high_shown)
    elif comparator in _AT_LEAST:
        bounds, shown = (low, None), words_of(low_shown, None)
    elif comparator in _ABOVE:
        bounds, shown = (high + 1, None), f"above {high_shown}"
    elif comparator in _AT_MOST or comparator.startswith("no "):
        bounds, shown = (None, high), words_of(None, high_shown)
    elif comparator:
        bounds, shown = (None, low - 1), f"below {low_shown}"
    else:
        shown = words_of(low_shown, high_shown)
    arabic = words[0][0].isdigit()
    return StageMention(system, bounds[0], bounds[1], shown, len(values), arabic, match.start(), match.end())


def find_mentions(text: str, start: int = 0, end: int | None = None) -> list[StageMention]:
    """Every stage limit written in `text[start:end]`, in text order."""
    grammar = _grammar()
    end = len(text) if end is None else end
    found = []
    continued = start  # a list read in part goes on to here: its further values are no limit of their own either
    for match in grammar.mention.finditer(text, start, end):
        system = _system(match, text, end)
        more = _CONTINUED.match(text, match.end(), end)
        if more is not None:
            continued = more.end()
        if system is None and not match.group("word") or more is not None or match.start() < continued \
                or _HEADER.match(text, match.end()):
            continue  # no "stage" nor system; a list read in part ("stage I (≥ 1 cm), stage II"); a header ("Stage 1:")
        pre = _PRE.search(text, max(start, match.start() - 30), match.start())
        limit = _limit(match, system, _numeral_only(system, text, start, end), pre.group("cmp") if pre else "")
        if limit is not None:
            found.append(limit)
    return found


def _joined(text: str, mentions: list[StageMention]) -> list[StageMention]:
    """Mentions of one system an "or" joins whose stages meet ("Stage IV solid tumours; or stage III solid tumours",
    "Stage IIIB/C or Stage IV") as one limit: III to IV, IIIB to IV."""
    out: list[StageMention] = []
    for m in mentions:
        last = out[-1] if out else None
        if last is None or None in (last.low, last.high, m.low, m.high) or m.system != last.system \
                or not _JOINED.fullmatch(text, last.end, m.start):
            out.append(m)
            continue
        first, second = sorted((last, m), key=lambda x: (x.low, x.high))
        if first.high is None or second.low is None or second.low // 100 > first.high // 100 + 1:
            out.append(m)  # "stage I-II or IV": a gap
            continue
        high = max((first, second), key=lambda x: x.high or 0)
        out[-1] = StageMention(m.system, first.low, high.high, words_of(first.words.split(" to ")[0],
                                                                        high.words.split(" to ")[-1]),
                               last.values + m.values, last.arabic, last.start, m.end)
    return out


def sentence_of(text: str, start: int, end: int, at: int, to: int) -> tuple[int, int]:
    """The sentence of `text[start:end]` holding `text[at:to]`."""
    stop = _SENTENCE_END.search(text, to, end)
    return sentence_start(text, start, at), stop.start() if stop else end


def _about_another(text: str, sentence: tuple[int, int], mention: StageMention) -> bool:
    """Whether the words of the sentence say the stage is not the trial's cancer's, or holds only conditionally, for
    part of the stage ("selected stage III", "partial stage IIIA"), or as the setting of a therapy ("no prior
    treatment for stage IV NSCLC")."""
    context = _grammar().context
    arabic = mention.arabic
    if context["part_of"].search(text, max(sentence[0], mention.start - 20), mention.start) \
            or context["therapy_for"].search(text, max(sentence[0], mention.start - 90), mention.start):
        return True
    kinds = ("other_disease", "other_cancer", "conditional", "design") if arabic else \
        ("other_disease", "other_cancer", "conditional")
    return any(context[kind].search(text, *sentence) for kind in kinds)


def _after_another_cancer(text: str, criterion: CriterionOffsets, mention: StageMention) -> bool:
    """Whether a clause the stage's sentence continues after a semicolon or "i.e."/"e.g." speaks of another cancer:
    "No prior malignancy unless cured over 2 years ago; i.e. prostate cancer, or early stage (I-III) solid tumors"
    gives a prior cancer's stage. A full stop ends what such a clause governs."""
    other = _grammar().context["other_cancer"]
    end = _sentence(text, criterion, mention)[0]
    while (joined := _CONTINUES.search(text, criterion.start_char, end)) is not None:
        start = sentence_start(text, criterion.start_char, joined.start())
        if other.search(text, start, joined.start()):
            return True
        end = start
    return False


def _negation_near(text: str, sentence: tuple[int, int], mention: StageMention) -> bool:
    """Whether a negation stands at most NEGATION_WORDS words before the stage, in its clause ("No evidence of stage
    IV disease"): one further off or behind a comma ("no prior systemic treatment for advanced or recurrent (Stage
    IIIB ...)", "no direct invasion, T1N0M0 (stage IA)") may negate something else."""
    found = list(_NEGATION.finditer(text, sentence[0], mention.start))
    between = text[found[-1].end():mention.start] if found else ""
    return bool(found) and len(_WORD.findall(between)) <= NEGATION_WORDS and not re.search(r"[,(]", between)


def _alternative(text: str, sentence: tuple[int, int], end: int, mention: StageMention) -> str | None:
    """The words of an alternative the sentence offers to the stage ("or recurrent disease"), or None. The sentence
    runs on past a semicolon ("stage IV cancers; or stage III ..."), and a parenthesis right after the stage defines
    it ("Stage III or IV (T3-4 or N2-3)") rather than offering an alternative. Only an "or" whose words name another
    state of the disease (`disease_state` of `nlp/vocab/stage_context.jsonl`: "or locally advanced", "Recurrent or")
    or a stage value ("Stage IIB (bulky), III, or IV") offers one; an "or" between genes or histologies ("an ALK,
    ROS1 or NTRK3 rearrangement", "Adenocarcinoma or squamous cell carcinoma") does not. A stage listed as one of
    several criteria ("one of the following: ISS stage 2 or 3, abnormal cytogenetics") has alternatives too."""
    period = _PERIOD.search(text, mention.end, end)
    sentence = (sentence[0], period.start() if period else end)
    ignored = _grammar().context["ignored_or"]
    plain = ignored.sub(lambda m: " " * len(m.group(0)), text[: sentence[1]])
    defined = _PARENTHESIS.match(plain, mention.end, sentence[1])
    any_of = _grammar().context["any_of"].search(text, sentence[0], mention.start)
    if any_of is not None:
        return " ".join(_WORD.findall(text[any_of.start():mention.start])[:ALTERNATIVE_WORDS])
    for after in _OR.finditer(plain, defined.end() if defined else mention.end, sentence[1]):
        words = _WORD.findall(text[after.end():sentence[1]])[:ALTERNATIVE_WORDS]
        if not words:
            return NEXT_ITEM
        joined = _JOINS.search(plain, after.end(), sentence[1])  # "a BRAF or NRAS mutation, or metastatic": its own
        if _a_state(text, after.end(), joined.start() if joined else sentence[1]):
            return " ".join(words)
    for before in reversed(list(_OR.finditer(plain, sentence[0], mention.start))):
        words = _WORD.findall(text[sentence[0]:before.start()])[-ALTERNATIVE_WORDS:]
        joins = list(_JOINS.finditer(plain, sentence[0], before.start()))
        if _a_state(text, joins[-1].end() if joins else sentence[0], before.start()):
            return " ".join(words)
    return None


def _a_state(text: str, start: int, end: int) -> bool:
    """Whether `text[start:end]` names a state of the disease, a stage value, a T or N category or a staging system:
    what an alternative to a stage is."""
    grammar = _grammar()
    return any(found.search(text, start, end) for found in (grammar.context["disease_state"], _STAGE_VALUE,
                                                             grammar.system_after))


def patient_stage(text: str, start: int = 0, end: int | None = None) -> StageMention | None:
    """The one stage `text[start:end]` gives a patient ("stage IB", "T2N1M0 stage IIB", "FIGO IIIC", "stage 4"),
    or None when it gives none, a range, a stage in question ("Stage IV?"), or the stage of something else (CKD, a
    relative's cancer, a sentence naming only diseases that are no cancer: "Fungal esophagitis stage IV")."""
    end = len(text) if end is None else end
    own = [m for m in find_mentions(text, start, end) if m.values == 1 and m.low is not None and m.high is not None
           and _a_cancers(text, sentence_of(text, start, end, m.start, m.end), m)]
    return own[0] if own and all((m.low, m.high, m.system) == (own[0].low, own[0].high, own[0].system)
                                 for m in own) else None


def for_a_cancer(facts: TrialCriteria) -> TrialCriteria:
    """`facts` without stage limits when the trial's diseases are known and none is a cancer ("Stage I-III primary
    sclerosing cholangitis", "stage 2 hypertension"): a cancer's stage is not what they limit."""
    if facts.stages and facts.diseases.terms and not any(is_cancer(t.id) for t in facts.diseases.terms):
        facts.stages = []
        for criterion in facts.criteria:
            criterion.kinds = [k for k in criterion.kinds if k != "stage"]
    return facts


@lru_cache(maxsize=4096)
def condition_limit(conditions: tuple[str, ...], patient: tuple[str, ...]) -> tuple[int, int, str] | None:
    """The stages a trial's registry conditions name, as one range (low, high, words), for a patient whose
    conditions name a cancer within the staged ones: the trial's limit when its criteria give none. Every condition
    naming a cancer must name one stage of it and no system ("Stage 0 Cervical Cancer"; "Stage II Multiple Myeloma"
    beside "Stage III Multiple Myeloma": II to III). None when a condition names a cancer without a stage ("Recurrent
    Breast Cancer" beside "Stage IV Breast Cancer": the trial takes more than those stages), a range or a system;
    when the stages leave a numeral out between them ("Stage I" and "Stage III": not certain the trial skips II);
    or when the patient's cancer is not one the stages are of (a trial for "Stage IV Melanoma" whose criteria take
    other cancers too)."""
    found: list[tuple[int, int, str]] = []
    staged: set[str] = set()
    for condition in conditions:
        cancers = {m.id for m in map_condition(condition) if is_cancer(m)}
        if not cancers:
            continue
        stages = find_mentions(condition)
        one = stages[0] if len(stages) == 1 and stages[0].values == 1 and stages[0].system is None else None
        if one is None or one.low is None or one.high is None:
            return None
        found.append((one.low, one.high, one.words))
        staged |= cancers
    found.sort()
    own = {m.id for condition in patient for m in map_condition(condition) if is_cancer(m)}
    gap = any(second[0] // 100 > first[1] // 100 + 1 for first, second in zip(found, found[1:], strict=False))
    if not found or gap or not any(is_within(mine, theirs) for mine in own for theirs in staged):
        return None
    highest = max(found, key=lambda f: f[1])
    return found[0][0], highest[1], words_of(found[0][2], highest[2])


def names_a_cancer(conditions: list[str]) -> bool:
    """Whether a patient's conditions name a cancer: only then is a stage a note or diagnosis gives a cancer's
    ("Fungal esophagitis stage IV", "breast development stage 1" are not)."""
    return any(is_cancer(m) for c in conditions for m in map_condition(c))


def _a_cancers(text: str, sentence: tuple[int, int], mention: StageMention) -> bool:
    """Whether a stage a patient is given is a cancer's: not another's, not in question, not in a sentence whose
    diseases are all other than cancer."""
    named = map_condition(text[sentence[0]:sentence[1]])
    return not _about_another(text, sentence, mention) and not text[mention.end:sentence[1]].lstrip().startswith("?") \
        and (not named or any(is_cancer(m) for m in named))


def compare(patient: Interval, low: int | None, high: int | None) -> bool | None:
    """Whether a patient's stage interval lies inside [low, high] (True), outside it (False), or overlaps its edge:
    a patient's stage less precise than the limit ("III" against "IIIB or higher") is None."""
    lo, hi = low if low is not None else -1, high if high is not None else 10_000
    if lo <= patient[0] and patient[1] <= hi:
        return True
    if patient[1] < lo or patient[0] > hi:
        return False
    return None


def read_stage(value: str) -> tuple[str | None, str, Interval] | None:
    """A stage a profile gives ("IIIB", "stage 4", "FIGO IIIC", "3a"): (system id or None, the stage as shown,
    its interval), or None when `value` is not one stage."""
    cleaned = value.strip()
    text = cleaned if re.match(r"(?i)stag", cleaned) or _grammar().system_after.match(cleaned) else f"stage {cleaned}"
    found = [m for m in find_mentions(text) if m.values == 1]
    if len(found) != 1 or (found[0].start, found[0].end) != (0, len(text)):
        return None
    one = found[0]
    return None if one.low is None or one.high is None else (one.system, one.words, (one.low, one.high))


def stage_interval(stage: str, system: str | None) -> Interval | None:
    """The interval of a stage a profile gives, compared by its numeral alone in a system whose letters are not
    substages."""
    found = read_stage(stage)
    if found is None:
        return None
    numeral_only = system is not None and _grammar().systems[system].numeral_only
    low, high = found[2]
    return (low // 100 * 100, high // 100 * 100 + 99) if numeral_only else (low, high)


def names_a_recurrence(text: str, start: int = 0, end: int | None = None) -> bool:
    """Whether `text[start:end]` names a disease that came back ("recurrent", "relapse": `recurrence` of
    `nlp/vocab/stage_context.jsonl`)."""
    return _grammar().context["recurrence"].search(text, start, len(text) if end is None else end) is not None


def title_recurrence(title: str) -> str | None:
    """The states a registry title gives its patients' disease right after "with" ("Patients With Recurrent or
    Refractory Non-Hodgkin's Lymphoma": "Recurrent or Refractory") when every one of them is a recurrence or a
    resistance to a treatment given (`recurrence`, `refractory` of `nlp/vocab/stage_context.jsonl`), else None: no
    state, or another beside them ("Newly Diagnosed or Recurrent", "Recurrent or Progressive", "Previously
    Untreated"), which a cancer just found may have."""
    grammar = _grammar()
    state = grammar.context["disease_state"]
    for with_ in _WITH.finditer(title):
        states, at, end = [], with_.end(), with_.end()
        while (found := state.match(title, at)) is not None:
            states.append(found.group())
            end = found.end()
            joined = _STATE_JOINER.match(title, end)
            if joined is None:
                break
            at = joined.end()
        if states and all(names_a_recurrence(s) or grammar.context["refractory"].search(s) for s in states):
            return title[with_.end():end]
    return None


def recurrence_only(alternative: str) -> bool:
    """Whether an alternative to a stage names no state of the disease but a recurrence ("recurrent squamous cell
    carcinoma"): whether the patient's cancer came back decides it. Not a stage value, a T or N category, another
    system, nor another state ("locally advanced", "metastatic"), which the recurrence does not decide."""
    grammar = _grammar()
    states = [m.group() for m in grammar.context["disease_state"].finditer(alternative)]
    return bool(states) and all(names_a_recurrence(state) for state in states) \
        and not _STAGE_VALUE.search(alternative) and not grammar.system_after.search(alternative)


def describe(limit: CancerStage) -> str:
    """A limit in words: "stage IIIB to IV", "FIGO stage III or higher", "stage IV (or recurrent disease)"."""
    system = f"{_grammar().systems[limit.system].name} " if limit.system in _grammar().systems else ""
    alternative = f" (or {limit.alternative})" if limit.alternative else ""
    return f"{system}stage {limit.words}{alternative}"


class StageExtractor:
    """Writes `doc._.facts["stages"]` (list[CancerStage])."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.cue_finder = cue_finder(nlp)
        _grammar()  # built with the pipeline, not while the first Doc waits

    def __call__(self, doc: Doc) -> Doc:
        context = doc_context(doc, self.cue_finder)
        found = "stag" in context.text.lower() or _names_a_system(context.text)
        facts = _without_subgroups(*_limits(doc, context)) if found else []
        for fact in facts:
            add_kind(doc, fact.criterion, "stage")
        context.facts["stages"] = facts
        return doc


def _names_a_system(text: str) -> bool:
    """Whether `text` names a staging system. An ASCII text is searched lower-cased, without re.I: on ASCII text
    both match alike (re.I makes only non-ASCII letters such as the Kelvin sign or long s match ASCII ones)."""
    grammar = _grammar()
    if text.isascii():
        return grammar.system_lower.search(text.lower()) is not None
    return grammar.system_after.search(text) is not None


def _limits(doc: Doc, context: DocContext) -> tuple[list[CancerStage], list[StageMention]]:
    """Every stage limit of the criteria, and the stages that qualify the subject of a requirement of their own."""
    text = context.text
    facts: list[CancerStage] = []
    others: list[StageMention] = []
    subgroup = [_grammar().context[kind] for kind in ("subgroup_after", "subgroup_relative")]
    # An ASCII text where no system's name begins (a lookbehind sees before a criterion's start, and no end is
    # asked, so a name `find_mentions` reads in a criterion is found here too) has mentions only in criteria holding
    # "stag": others are skipped
    lower = text.lower() if text.isascii() and not _grammar().system_begun.search(text.lower()) else None
    for k, criterion in enumerate(context.offsets):
        if lower is not None and "stag" not in lower[criterion.start_char:criterion.end_char]:
            continue
        found = find_mentions(text, criterion.start_char, criterion.end_char)
        if not found:
            continue  # nothing to read: whether a subgroup header governs it does not matter
        groups = subgroups(context)  # found once per Doc, on first need
        if k in groups.only or k in groups.closed:
            continue
        if any(_about_another(text, _sentence(text, criterion, m), m) or _after_another_cancer(text, criterion, m)
               for m in found):
            continue  # read in part: "all stages except Ia; stages Ib through III if ...; stage IV regardless"
        read = []
        for m in _joined(text, found):
            sentence = _sentence(text, criterion, m)
            words = doc.char_span(m.start, m.end, alignment_mode="expand")
            negated = NO_BEFORE.search(text[max(criterion.start_char, m.start - 8):m.start]) is not None \
                or words is not None and context.cues(k).negated(words.start, words.end, criterion.section)
            if negated and not _negation_near(text, sentence, m) \
                    or (negated or criterion.section == "exclusion") and _NARROWED.match(text, m.end):
                break
            if negated and criterion.section == "exclusion":
                continue  # "Exclusion: No stage IV": which way it was meant is not certain
            if any(context_re.match(text[:sentence[1]], m.end) for context_re in subgroup):
                others.append(m)  # "stage II patients must ...", "stage IV patients will be allowed"
                continue
            if (negated or criterion.section == "exclusion") and (len(_WORD.findall(
                    text[sentence[0]:m.start] + " " + text[m.end:sentence[1]])) > EXCLUDED_WORDS
                    or _grammar().context["excluded_qualifier"].search(text, m.end, sentence[1])):
                break  # "... EGFR mutation and with stage IV disease", "stage IV with no evaluable disease"
            alternative = _alternative(text, sentence, criterion.end_char, m) \
                if criterion.section == "inclusion" and not negated else None
            read.append(CancerStage(system=m.system, low=m.low, high=m.high, words=m.words,
                                    alternative=alternative, polarity=polarity(criterion.section, negated),
                                    criterion=k, span=(m.start, m.end)))
        else:
            facts += read  # a criterion any of whose stages is uncertain gives none: it was read in part
    return facts, others


def _sentence(text: str, criterion: CriterionOffsets, m: StageMention) -> tuple[int, int]:
    return sentence_of(text, criterion.start_char, criterion.end_char, m.start, m.end)


def _without_subgroups(facts: list[CancerStage], others: list[StageMention]) -> list[CancerStage]:
    """The required limits of a record without those that speak of a subgroup: when two are disjoint ("Stage I-II
    ..." and "Stage IV ..."), each holds for its own patients and none is required; a limit inside another required
    one qualifies some of its patients ("stage II, III, or IV breast cancer; stage II patients must be high risk")
    and is dropped. `others` are stages the text gives a subgroup of patients ("stage IV patients will be allowed"):
    one outside every required limit says those limits are not the whole story, and none is kept."""
    facts = _or_items(facts)
    required = [f for f in facts if f.polarity == "required"]

    def bounds(f: CancerStage | StageMention) -> tuple[int, int]:
        return (f.low if f.low is not None else -1, f.high if f.high is not None else 10_000)

    if any(bounds(a)[1] < bounds(b)[0] or bounds(b)[1] < bounds(a)[0] for a in required for b in required) \
            or required and any(not any(bounds(r)[0] <= bounds(o)[0] and bounds(o)[1] <= bounds(r)[1]
                                        for r in required) for o in others):
        return [f for f in facts if f.polarity != "required"]
    inside = {id(a) for a in required for b in required if a is not b and bounds(a) != bounds(b)
              and bounds(b)[0] <= bounds(a)[0] and bounds(a)[1] <= bounds(b)[1]}
    return [f for f in facts if id(f) not in inside]


def _or_items(facts: list[CancerStage]) -> list[CancerStage]:
    """Required stages of two items the first of which ends with "or" ("FIGO stage IB1 with a visible lesion OR",
    "FIGO stage IB2 or greater") as one limit from the lower to the higher: IB1 or higher."""
    out: list[CancerStage] = []
    for f in facts:
        last = out[-1] if out else None
        if last is None or last.alternative != NEXT_ITEM or f.criterion != last.criterion + 1 \
                or "required" != f.polarity or last.polarity != "required" or last.system != f.system:
            out.append(f)
            continue
        low, high = min((last, f), key=lambda x: x.low or -1), max((last, f), key=lambda x: x.high or 10_000)
        low_words, high_words = low.words.split(" ")[0], high.words.split(" ")[-1]
        words = f"{low_words} or higher" if high.high is None else words_of(low_words, high_words)
        out[-1] = last.model_copy(update={"low": low.low, "high": high.high, "words": words,
                                          "alternative": f.alternative})
    return out


@Language.factory("tm_stages", default_config={})
def make_stages(nlp: Language, name: str) -> StageExtractor:
    return StageExtractor(nlp, name)
