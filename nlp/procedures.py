"""The `tm_procedures` component: procedures a trial excludes or requires the patient to have had (transplants,
named surgeries), and the procedures a note says the patient had.

    >>> from nlp.extract import extract_text
    >>> [(p.procedure, p.polarity) for p in extract_text(
    ...     "Exclusion Criteria:\\n- Prior allogeneic stem cell transplant").procedures]
    [('allogeneic_hsct', 'excluded')]

The procedures are data (`nlp/vocab/procedures.jsonl`: id, name, synonyms, parent): "kidney transplant" is below
"organ transplant", below "transplant"; a `generic` row ("transplant") names no kind, so a patient's procedure
below it leaves the trial's rule unknown rather than decided. A mention of a procedure in a criterion is a rule
about the patient's past: `excluded` in an exclusion criterion or when negated ("No prior organ transplantation"),
`required` in an inclusion criterion that says the patient had it ("must have undergone nephrectomy", "recipients
of a kidney transplant", "prior pituitary surgery"). No rule is read from a sentence that bounds it in time or
speaks of a future or current procedure ("major surgery within 4 weeks", "candidates for transplant", "planned
surgery", "undergoing kidney transplantation": recency and plans are other criteria), that permits it ("prior
nephrectomy allowed"), that defines childbearing potential ("post-menopausal or had a hysterectomy"), that is about
donors, from a negated exclusion criterion (which way it was meant is not certain) or from a criterion only a
subgroup must meet (unless every subgroup states it). A rule the text makes conditional ("unless", "except", "if",
"with active GVHD", or an `applicability` cue of nlp/vocab/cues.jsonl: "requirements below do not apply to patients
with ... history of bone marrow transplantation") or an either/or requirement ("prior nephrectomy or ...") is kept
apart as uncertain: matching reports it as unknown.

A treatment of a disease a criterion rules out without naming the procedure ("no previous treatments for
acromegaly", "any prior treatment for their acromegaly, including ..., or prior surgery") excludes the surgeries that
treat that disease (`treats` in the vocabulary: pituitary surgery for acromegaly), by the same rules (`_treated_for`).

`find_mentions` reads the same names anywhere: the note reader (`nlp.notes.reader`) takes the patient's from it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

from spacy.language import Language
from spacy.tokens import Doc

from nlp.cohorts import stated_by_every, subgroups
from nlp.diseases import is_within, map_condition
from nlp.models import Procedure, UncertainFact, Uncertainty
from nlp.polarity import DocContext, cue_finder, doc_context, polarity
from nlp.resources import phrase_regex, phrase_regex_by_first_letter, read_vocab
from nlp.sections import CriterionOffsets, add_kind

ABBREVIATION_LETTERS = 5  # a synonym of at most this many capitals ("BMT", "ASCT", "TAH") matches in capitals only
_SENTENCE_END = re.compile(r"(?<!\.[a-z])(?<!\bvs)[.;]\s|\n\s*\n", re.I)  # not "e.g. ", "i.e. ", "vs. "
QUALIFIER_REACH = 40  # characters before a procedure's name searched for a word naming its kind ("allogeneic ...")
_PHRASE_STOP = re.compile(r"[,;:()\[\]]|\b(?:and|with|of|history|prior|previous|no)\b", re.I)
HEADER_REACH = 8  # criteria back searched for the list header ("Any of the following within 6 months:") above one
NEGATION_REACH = 4  # words at most between "No" and the procedure it negates in an inclusion criterion
_WORD = re.compile(r"\w+")
_OR = re.compile(r"\bor\b|/", re.I)
_ENDS_WITH_OR = re.compile(r"\bor\W*$", re.I)
_LIST_CONJUNCTION = re.compile(r",\s*(and|or)\b(?!\s*/)", re.I)  # what closes a comma list: ", and" / ", or"
_DURATION = r"\b\d+\s*(?:days?|weeks?|wks?|months?|mos?|years?|yrs?)\b"  # "within 4 weeks", "6 months"
PLANNED_REACH = 60  # characters before a procedure in a note searched for words that make it planned, not had


@dataclass(frozen=True)
class _Cues:
    """The context words of `nlp/vocab/procedure_context.jsonl` (one `kind` a row; its `why` says what it does),
    compiled: searched in a procedure's sentence, or anchored right before or after its name."""

    timed: re.Pattern
    not_past: re.Pattern
    permitted: re.Pattern
    childbearing: re.Pattern
    current: re.Pattern
    past: re.Pattern
    past_cue: re.Pattern
    negation: re.Pattern
    condition: re.Pattern
    must: re.Pattern
    qualified_after: re.Pattern  # matched right after the name
    qualified_before: re.Pattern  # searched up to the name
    consequence: re.Pattern  # searched up to the name
    determiner: re.Pattern  # searched up to the name
    modifier: re.Pattern  # searched up to the name
    note_planned: re.Pattern  # searched up to the name, in a note
    note_not_yet: re.Pattern  # searched up to the name, in a note
    treated_for: re.Pattern  # "prior treatment for", searched in a criterion
    treated_for_gate: re.Pattern  # the last two words of a treated_for phrase, searched in a lower-cased text first
    disease_lead: re.Pattern  # what may stand between "treatment for" and the disease: a determiner at most


@lru_cache(maxsize=1)
def _cues() -> _Cues:
    rows = read_vocab("procedure_context.jsonl")
    alternatives = {row["kind"]: phrase_regex(row["words"]) for row in rows}
    treated_for = next(row["words"] for row in rows if row["kind"] == "treated_for")
    words = {kind: rf"(?<!\w)(?:{alt})(?!\w)" for kind, alt in alternatives.items()}
    plain = {kind: re.compile(words[kind], re.I) for kind in (
        "not_past", "permitted", "childbearing", "current", "past", "past_cue", "negation", "condition", "must")}
    return _Cues(
        timed=re.compile(rf"{words['timed']}|{_DURATION}", re.I),
        qualified_after=re.compile(rf"\W*{words['qualified_after']}", re.I),
        qualified_before=re.compile(rf"(?:{words['qualified_before']}|\b\d+\s+prior\b)\W*(?:\w+\W+)?$", re.I),
        consequence=re.compile(rf"{words['consequence']}\W*(?:(?:an?|the|prior|previous)\s+)?(?:\w+\s+)?$", re.I),
        determiner=re.compile(rf"{words['determiner']}\s+$", re.I),
        modifier=re.compile(rf"(?<!\w)(?:{alternatives['modifier']})[\s-]?$", re.I),
        note_planned=re.compile(rf"{words['note_planned']}[^.;]*$|\bfor\s+(?:an?\s+)?$", re.I),
        note_not_yet=re.compile(rf"{words['note_not_yet']}\W+(?:(?!(?:after|following|post|since)\b)\w+\W+){{0,3}}$",
                                re.I),
        treated_for=re.compile(rf"{words['past']}\s+{words['treated_for']}", re.I),
        treated_for_gate=re.compile(phrase_regex(sorted({" ".join(w.lower().split()[-2:]) for w in treated_for}))),
        disease_lead=re.compile(rf"\s*(?:{words['determiner']}\s+)?", re.I),
        **plain,
    )


def is_planned(note: str, floor: int, at: int) -> bool:
    """Whether words before a procedure named at `at` in a note (its sentence starts at `floor`) make it planned,
    weighed or not done rather than had ("evaluated for kidney transplant", "unable to perform thyroidectomy")."""
    return _cues().note_planned.search(note, max(floor, at - PLANNED_REACH), at) is not None


def is_not_yet_had(note: str, floor: int, at: int) -> bool:
    """Whether words right before a procedure named at `at` in a note (its sentence starts at `floor`) say it is
    planned, offered or declined, so not had yet ("She was offered a radical hysterectomy", "scheduled for kidney
    transplant"); weighed ("evaluated for") or loosely tied mentions are not (nlp/vocab/procedure_context.jsonl,
    note_not_yet)."""
    return _cues().note_not_yet.search(note, max(floor, at - PLANNED_REACH), at) is not None


@dataclass(frozen=True)
class ProcedureMention:
    procedure: str
    start: int
    end: int


@dataclass(frozen=True)
class _Vocabulary:
    mention: re.Pattern  # every synonym, longest first, case-insensitive
    folded: re.Pattern  # the same in lower case, case-sensitive: searched in an ASCII text's lower case, quicker
    capitals: re.Pattern  # abbreviations, in capitals only
    ids: dict[str, str]  # lower-case synonym → id
    parents: dict[str, str | None]
    names: dict[str, str]
    generic: frozenset[str]
    sterilising: frozenset[str]  # procedures childbearing-potential definitions name ("not had a hysterectomy")
    qualifiers: dict[str, list[tuple[re.Pattern, str]]]  # parent id → (a kind's word before its name, the kind)
    treats: dict[str, frozenset[str]]  # procedure id → ids of the diseases it treats (its `treats` names)


@lru_cache(maxsize=1)
def _vocabulary() -> _Vocabulary:
    rows = read_vocab("procedures.jsonl")
    ids: dict[str, str] = {}
    words: list[str] = []
    capitals: list[str] = []
    for row in rows:
        for name in [row["name"], *row["synonyms"]]:
            ids.setdefault(" ".join(name.lower().split()), row["id"])
            short = name.isupper() and len(name.replace("-", "").replace("/", "")) <= ABBREVIATION_LETTERS
            (capitals if short else words).append(name)
    # grouped behind their first letter: at each word start the engine tries one group, not every name (the same
    # matches as the plain alternation, case-insensitive as it is; a quarter of the pipeline's time otherwise)
    mention = re.compile(rf"(?<![\w-])(?:{phrase_regex_by_first_letter([w.lower() for w in words])})(?![\w-])", re.I)
    # case ignored, each alternative of the regex is tried in full at each word start; case-sensitive, the engine
    # passes over one whose first character differs: in an ASCII text's lower case (same length, and its letters
    # equal where case is ignored) the same matches at the same offsets
    folded = re.compile(mention.pattern)
    qualifiers: dict[str, list[tuple[re.Pattern, str]]] = {}
    for row in rows:
        if row.get("qualifiers") and row["parent"]:
            word = re.compile(rf"(?<![\w-])(?:{phrase_regex(row['qualifiers'])})(?![\w])", re.I)
            qualifiers.setdefault(row["parent"], []).append((word, row["id"]))
    # each abbreviation behind its first capital, the word start checked after it (`(?<![\w-].)`: no word character
    # or hyphen before that capital): the engine then passes over every character that opens no abbreviation, most of
    # a text, instead of testing a look-behind at each (the same matches as the look-behind first)
    by_first: dict[str, list[str]] = {}
    for name in sorted(capitals, key=len, reverse=True):
        by_first.setdefault(name[0], []).append(re.escape(name[1:]))
    caps = re.compile("(?:" + "|".join(rf"{re.escape(first)}(?<![\w-].)(?:{'|'.join(rests)})"
                                       for first, rests in by_first.items()) + r")(?![\w-])")
    return _Vocabulary(mention, folded, caps, ids, {row["id"]: row["parent"] for row in rows},
                       {row["id"]: row["name"] for row in rows},
                       frozenset(row["id"] for row in rows if row.get("generic")),
                       frozenset(row["id"] for row in rows if row.get("sterilising")), qualifiers,
                       {row["id"]: frozenset(m.id for name in row["treats"] for m in map_condition(name))
                        for row in rows if row.get("treats")})


def procedure_ids() -> dict[str, str]:
    """Every procedure id with its name."""
    return dict(_vocabulary().names)


def procedure_name(procedure: str) -> str:
    """The name a procedure id is shown by ("allogeneic_hsct" → "allogeneic stem cell transplant")."""
    return _vocabulary().names.get(procedure, procedure)


def normalize_procedure(text: str) -> str | None:
    """The id a profile's procedure names ("renal transplant", "kidney_transplant", "s/p Kidney Transplantation"),
    or None when the vocabulary lacks it."""
    vocabulary = _vocabulary()
    key = " ".join(text.replace("_", " ").lower().split())
    if key.replace(" ", "_") in vocabulary.names:
        return key.replace(" ", "_")
    if key in vocabulary.ids:
        return vocabulary.ids[key]
    found = find_mentions(text)
    return found[0].procedure if len(found) == 1 else None


def is_a(procedure: str, ancestor: str) -> bool:
    """Whether `procedure` is `ancestor` or a kind below it."""
    parents = _vocabulary().parents
    seen: str | None = procedure
    while seen is not None:
        if seen == ancestor:
            return True
        seen = parents.get(seen)
    return False


def is_generic(procedure: str) -> bool:
    """Whether a procedure names no kind ("transplant"): a kind below it neither meets nor breaks its rule."""
    return procedure in _vocabulary().generic


def find_mentions(text: str, start: int = 0, end: int | None = None) -> list[ProcedureMention]:
    """Every procedure named in `text[start:end]`, longest first where two overlap, in text order."""
    vocabulary = _vocabulary()
    end = len(text) if end is None else end
    spans = [*_name_spans(vocabulary, text, start, end),
             *(m.span() for m in vocabulary.capitals.finditer(text, start, end))]
    found: list[ProcedureMention] = []
    for at, stop in sorted(spans, key=lambda span: (span[0], -span[1])):
        if found and (at < found[-1].end or text[found[-1].end:at].strip() in ("(", "[")):
            continue  # overlapping, or the previous name's abbreviation: "autologous stem cell transplant (SCT)"
        named = vocabulary.ids[" ".join(text[at:stop].lower().split())]
        found.append(ProcedureMention(_kind_before(text, start, at, named), at, stop))
    return found


def _name_spans(vocabulary: _Vocabulary, text: str, start: int, end: int, first: bool = False
                ) -> list[tuple[int, int]]:
    """The spans of the names (abbreviations apart) in `text[start:end]`, or of the first only with `first`. An
    ASCII piece is searched in lower case by `folded`, from the character before `start` on, which the names'
    look-behind reads as `mention` does; any other by `mention`."""
    floor = max(0, start - 1)
    piece = text[floor:end]
    if piece.isascii():
        matches, offset = vocabulary.folded.finditer(piece.lower(), start - floor), floor
    else:
        matches, offset = vocabulary.mention.finditer(text, start, end), 0
    spans = ((offset + m.start(), offset + m.end()) for m in matches)
    return list(islice(spans, 1) if first else spans)


def _kind_before(text: str, floor: int, at: int, procedure: str) -> str:
    """The kind a procedure's name is narrowed to by words before it in its phrase ("Prior Allogeneic hematologic
    stem cell transplant": allogeneic; "solid organ or hematological transplantation": both kinds, the name's own)."""
    kinds = _vocabulary().qualifiers.get(procedure)
    if not kinds:
        return procedure
    phrase = max(floor, at - QUALIFIER_REACH)
    for stop in _PHRASE_STOP.finditer(text, phrase, at):
        phrase = stop.end()
    named = {kind for word, kind in kinds if word.search(text, phrase, at)}
    return _kind_before(text, floor, at, named.pop()) if len(named) == 1 else procedure


def _sentence(text: str, start: int, end: int, at: int, at_end: int) -> tuple[int, int]:
    """The bounds of the sentence holding text[at:at_end], within a criterion [start, end)."""
    heads = [m.end() for m in _SENTENCE_END.finditer(text, start, at)]
    tail = _SENTENCE_END.search(text, at_end, end)
    return (heads[-1] if heads else start), (tail.start() if tail else end)


class ProcedureExtractor:
    """Writes `doc._.facts["procedures"]` (list[Procedure]) and adds uncertain procedure rules to
    `doc._.facts["uncertain"]`."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.cue_finder = cue_finder(nlp)
        _vocabulary(), _cues()  # built with the pipeline, not while the first Doc waits

    def __call__(self, doc: Doc) -> Doc:
        context = doc_context(doc, self.cue_finder)
        text = context.text
        facts: list[Procedure] = []
        uncertain: list[UncertainFact] = []
        treated = _cues().treated_for_gate.search(text.lower()) is not None \
            and _cues().treated_for.search(text) is not None  # "prior treatment for <disease>" somewhere
        if treated or _name_spans(_vocabulary(), text, 0, len(text), first=True) or _vocabulary().capitals.search(text):
            groups = subgroups(context)
            headed: list[Procedure] = []  # rules of criteria a subgroup header governs: kept when all state them
            for k, criterion in enumerate(context.offsets):
                if k in groups.closed:
                    continue
                for fact, reason in self._rules(doc, context, k, criterion, treated):
                    if k in groups.only:
                        if reason is None:
                            headed.append(fact)
                        continue
                    if reason is None:
                        facts.append(fact)
                    else:
                        uncertain.append(UncertainFact(kind="procedure", reason=reason, procedure=fact,
                                                       criterion=k, span=fact.span))
                    add_kind(doc, k, "procedure")
            for fact in stated_by_every(context, headed, lambda p: (p.procedure, p.polarity)):
                facts.append(fact)
                add_kind(doc, fact.criterion, "procedure")
        context.facts["procedures"] = facts
        context.facts.setdefault("uncertain", []).extend(uncertain)
        return doc

    def _rules(self, doc: Doc, context: DocContext, k: int, criterion: CriterionOffsets, treated: bool
               ) -> Iterable[tuple[Procedure, Uncertainty | None]]:
        text = context.text
        cues = None
        ctx = _cues()
        header = _header(text, context.offsets, k)
        if header is not None and (_cues().timed.search(header) or _cues().childbearing.search(header)):
            return
        for m in find_mentions(text, criterion.start_char, criterion.end_char):
            first, last = _sentence(text, criterion.start_char, criterion.end_char, m.start, m.end)
            sentence = text[first:last]
            if _not_a_rule(sentence) or ctx.determiner.search(text, first, m.start) \
                    or ctx.modifier.search(text, first, m.start) \
                    or _defines_childbearing(text, context, k, m) \
                    or ctx.current.search(sentence) and not ctx.past.search(sentence):
                continue
            cues = cues or context.cues(k)
            words = doc.char_span(m.start, m.end, alignment_mode="expand")
            negated = words is not None and cues.negated(words.start, words.end, criterion.section)
            if negated and criterion.section == "exclusion":
                continue  # "Exclusion: No prior transplant": which way it was meant is not certain
            if negated and not _negates(text, first, m.start):
                continue  # "No positive surgical margins in the cystectomy specimen": the cue is about other words
            rule = polarity(criterion.section, negated)
            if rule == "required" and not ctx.past_cue.search(text, first, m.start):
                continue  # "Kidney transplantation" under inclusion: the trial's setting, not the patient's past
            reason: Uncertainty | None = None
            if rule == "excluded" and ctx.consequence.search(text, max(first, m.start - 30), m.start):
                continue
            if ctx.condition.search(sentence) or ctx.qualified_after.match(text, m.end, last) \
                    or cues.has("applicability") \
                    or rule == "excluded" and ctx.must.search(sentence) \
                    or ctx.qualified_before.search(text, max(first, m.start - 30), m.start):
                reason = "conditional"
            elif rule == "required" and _OR.search(sentence) and not _closed_by_and(sentence) \
                    or criterion.section == "inclusion" \
                    and _ENDS_WITH_OR.search(text, m.end, criterion.end_char):  # an item of a list of alternatives
                reason = "either"
            yield Procedure(procedure=m.procedure, polarity=rule, criterion=k, span=(m.start, m.end)), reason
        if treated:
            yield from _treated_for(doc, context, k, criterion)


def _treated_for(doc: Doc, context: DocContext, k: int, criterion: CriterionOffsets
                 ) -> Iterable[tuple[Procedure, Uncertainty | None]]:
    """A treatment of a named disease the criterion rules out ("no previous treatments for acromegaly" among
    inclusion criteria, "any prior treatment for their acromegaly, including ..., or prior surgery" among
    exclusion criteria) excludes each surgery that treats the disease (`treats` in nlp/vocab/procedures.jsonl),
    the disease named right after it, a determiner at most between ("for metastatic breast cancer" is a setting,
    no rule). A treatment an inclusion criterion requires gives no rule (a drug may meet it as well as a
    surgery), nor does a timed or permitted one; a condition in its sentence makes the rule uncertain."""
    text = context.text
    ctx = _cues()
    cues = None
    for m in ctx.treated_for.finditer(text, criterion.start_char, criterion.end_char):
        first, last = _sentence(text, criterion.start_char, criterion.end_char, m.start(), m.end())
        if _not_a_rule(text[first:last]):
            continue
        cues = cues or context.cues(k)
        words = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        negated = words is not None and cues.negated(words.start, words.end, criterion.section)
        if polarity(criterion.section, negated) != "excluded" or negated and criterion.section == "exclusion":
            continue
        named = map_condition(text[m.end():last])
        if not named or not ctx.disease_lead.fullmatch(text, m.end(), m.end() + named[0].start):
            continue
        reason: Uncertainty | None = "conditional" if ctx.condition.search(text, first, last) \
            or cues.has("applicability") else None
        for procedure, diseases in _vocabulary().treats.items():
            if any(is_within(named[0].id, disease) for disease in diseases):
                yield Procedure(procedure=procedure, polarity="excluded", criterion=k,
                                span=(m.start(), m.end())), reason


def _closed_by_and(sentence: str) -> bool:
    """Whether a sentence's comma list is closed by ", and" (all its items required), so an "or" in it lies inside
    an item ("Undergone a radical hysterectomy, complete pelvic lymphadenectomy, and resection of any enlarged
    common iliac or para-aortic lymph nodes"), not between alternatives; ", and/or" is no such close."""
    closes = _LIST_CONJUNCTION.search(sentence)
    return closes is not None and closes.group(1).lower() == "and"


def _not_a_rule(sentence: str) -> bool:
    """Whether a sentence speaks of a procedure's time, plan or permission, or defines childbearing potential."""
    ctx = _cues()
    return any(p.search(sentence) for p in (ctx.timed, ctx.not_past, ctx.permitted, ctx.childbearing))


def _defines_childbearing(text: str, context: DocContext, k: int, m: ProcedureMention) -> bool:
    """Whether a sterilising procedure ("Has not undergone a hysterectomy or bilateral oophorectomy") follows a
    criterion about childbearing potential ("NOTE: A FOCBP is any woman ... who meets the following criteria"): an
    item of its definition, not a rule."""
    if m.procedure not in _vocabulary().sterilising or k == 0:
        return False
    before = context.offsets[k - 1]
    return _cues().childbearing.search(text, before.start_char, before.end_char) is not None


def _header(text: str, offsets: list[CriterionOffsets], k: int) -> str | None:
    """The text of the nearest criterion of k's section, at most HEADER_REACH before it, that ends with a colon: the
    list k may be an item of ("Any of the following within 6 months:")."""
    for j in range(k - 1, max(-1, k - 1 - HEADER_REACH), -1):
        o = offsets[j]
        if o.section != offsets[k].section:
            return None
        if text[o.start_char:o.end_char].rstrip().endswith(":"):
            return text[o.start_char:o.end_char]
    return None


def _negates(text: str, first: int, at: int) -> bool:
    """Whether the last "no" / "not" / "without" before `at` in its sentence is at most NEGATION_REACH words away
    ("No prior/concurrent bone marrow transplantation"), so it is the procedure it negates."""
    cues = list(_cues().negation.finditer(text, first, at))
    return bool(cues) and len(_WORD.findall(text, cues[-1].end(), at)) <= NEGATION_REACH


@Language.factory("tm_procedures", default_config={})
def make_procedures(nlp: Language, name: str) -> ProcedureExtractor:
    return ProcedureExtractor(nlp, name)
