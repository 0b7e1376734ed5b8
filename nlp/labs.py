"""The `tm_labs` component: laboratory thresholds (analyte, comparator, value, unit, × ULN) per criterion.

    >>> from nlp.pipeline import get_nlp
    >>> doc = get_nlp()("Inclusion Criteria:\\n* AST and ALT ≤ 2.5 × ULN; platelets ≥ 100,000/mm^3")
    >>> [(lab.analyte, lab.comparator, lab.value, lab.unit, lab.uln_multiple) for lab in doc._.facts["labs"]]
    [('ast', '<=', 2.5, None, True), ('alt', '<=', 2.5, None, True), ('platelets', '>=', 100000.0, '/mm^3', False)]

A LAB entity (analytes from `nlp/patterns/labs.jsonl`), or several listed together ("AST and ALT",
"aspartate aminotransferase (AST)"), takes the first COMPARATOR entity after it in the same clause and the
number after that; "× ULN" / "times the upper limit of normal" (or "≤ ULN" alone, value 1) sets
`uln_multiple`. A threshold in an exclusion criterion is turned into the eligible range ("AST > 5 × ULN" excluded →
AST <= 5 × ULN), so every Lab reads as a requirement, unless a modal between analyte and comparator states it as one
("platelets must be greater than 70,000" among exclusion criteria; "creatinine must not be > 1.4 mg/dl" states
the inverse; not a modal in a parenthesis that defines what is excluded); so is a negated one in an inclusion criterion
("No diabetes mellitus or fasting glucose >= 120 mg/dl" → glucose < 120; "Patients with bilirubin > 3 mg/dL are not
eligible"), and a negated one in an exclusion criterion is a requirement (the double negative cancels). The negation
must open the clause or the item after a label's colon ("No clinically significant laboratory abnormalities
including ..., or neutropenia (WBC less than 4000)"; "Hematopoietic: No coagulopathy (i.e., platelets less than
80,000)") and reaches the analyte only when no item run into the one before ("No cardiac insufficiency LVEF at least
50%"), colon, modal ("and must have") or turn to a requirement ("and with", `requirement_turn` cues) comes between;
or it must follow the threshold at once ("... mg/dL are not eligible"). A negation inside the clause ("not well
controlled ... with HbA1c >= 7%") or inside the comparator ("no greater than") is not one. Conditional second
thresholds are left out: the first threshold of an analyte in a criterion is kept. An analyte named as the term of a
ratio ("Urine protein:creatinine ratio < 1.0") is not read: the ratio is not the analyte.

A threshold that holds for part of the patients only goes to `doc._.facts["uncertain"]` (kind "lab"), not to the
rules: one of a criterion a subgroup header governs or a cohort label opens (`nlp.cohorts`: "Cohort A:", "Cohort 2:
ANC >= ...", unless every subgroup header of its section states it), and one under a condition: a `condition_scope`,
`conditional`, `applicability` or `threshold_condition` cue right after it ("AST ≤ 2.5 × ULN (≤ 5 × ULN for patients
with liver metastases)": the general limit stays a rule, the second one, with or without its comparator, is uncertain),
or a condition opening its clause or following the threshold before it ("...; in patients with known hepatic
involvement, AST and ALT ≤ 5 × ULN are allowed"; not "eligible if ANC ≥ 1500", a condition of entry). A threshold
stated as required and followed by "or" and another way in ("Creatinine < 2.5 mg/dL or on stable hemodialysis",
"creatinine < 1.5 × ULN OR creatinine clearance ≥ 60"; not the same limit in another unit, "or ≥ 1.5 × 10^9/L") is
uncertain "either", and so is the next threshold in its clause (the other way in); an excluded one ("creatinine >
2.5 mg/dL or on hemodialysis") excludes either way and stays a rule.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from spacy.language import Language
from spacy.tokens import Doc, Span

from nlp.biomarkers.scopes import cohort_label
from nlp.cohorts import Subgroups, shared_by_every, subgroups
from nlp.models import Comparator, Lab, UncertainFact, Uncertainty
from nlp.polarity import Cues, cue_finder, doc_context, polarity, release_context
from nlp.resources import read_vocab
from nlp.sections import CriterionOffsets, add_kind

COMPARATOR_REACH = 12
BACK_REACH = 2  # tokens from a threshold's end to a negation after it that speaks of it ("mg/dL are not eligible")
_LAB_LABELS = frozenset({"LAB"})
_COMPARATOR_LABELS = frozenset({"COMPARATOR"})
_LIST_WORDS = {"and", "or", "and/or", "/", ",", "(", ")", "&", "serum", "plasma", "blood", "total", "level", "levels"}
# a gap of only `_LIST_WORDS` and spaces holds no other characters: a quick test before reading its tokens
_LIST_GAP = re.compile(r"[\sa-z/,()&]*", re.I)
_INVERSE: dict[Comparator, Comparator] = {">=": "<", ">": "<=", "<=": ">", "<": ">=", "=": "="}
_COMPARATORS: dict[str, Comparator] = {op: op for op in _INVERSE}  # entity id -> comparator
_NUMBER = re.compile(r"\s*(\d{1,3}(?:,\d{3})+|\d+(?:[.,]\d+)?|\.\d+)")
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+")
_ULN = re.compile(
    r"\s*(?:[x×X*]|times|fold|-fold)?\s*(?:the\s+)?(?:institutional\s+|site\s+|local\s+)?"
    r"(?:ULN|IULN|UNL|upper\s+limits?\s+of\s+(?:the\s+)?normal|upper\s+normal\s+limits?|N\b|normal\b)",
    re.I,
)
_POWER = re.compile(r"\s*[x×X*]\s*10\s*(?:\^|\*\*|E)?\s*([0-9⁰¹²³⁴⁵⁶⁷⁸⁹]{1,2})\s*/\s*(L|l|µL|uL|μL|mm3|mm\^3)")
_UNIT = re.compile(
    r"\s*(g/dL|g/dl|mg/dL|mg/dl|g/L|g/l|mg/L|mg/l|µmol/L|umol/L|μmol/L|µmol/l|umol/l|μmol/l|mmol/L|mmol/l|"
    r"m[lL]/min(?:/1[.,]73\s*m(?:2|²|\^2))?|cells/mm3|cells/mm\^3|cells/µL|cells/uL|/mm3|/mm\^3|/µL|/uL|/μL|"
    r"/L|U/L|IU/L|IU/mL|ng/mL|ng/dL|ng/ml|mg%|milliseconds|msec|ms|%)"
)
# a multiple of the limit in words: "five times the upper limit of normal", "twice the ULN" (nlp/vocab/numbers.jsonl,
# nlp/vocab/multiples.jsonl)
_WORD_NUMBERS = {row["word"]: float(row["value"]) for row in read_vocab("numbers.jsonl")}
_WORD_MULTIPLES = {row["word"]: float(row["value"]) for row in read_vocab("multiples.jsonl")}
_WORD_MULTIPLE = re.compile(
    r"\s*(?:(?P<number>" + "|".join(sorted(map(re.escape, _WORD_NUMBERS), key=len, reverse=True))
    + r")[\s-]*(?:[x×X*]|times|fold)|(?P<multiple>" + "|".join(map(re.escape, _WORD_MULTIPLES)) + r"))\b",
    re.I,
)
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_CONDITION_AFTER = ("condition_scope", "conditional", "applicability", "threshold_condition")
_CONDITION_BEFORE = ("condition_scope", "applicability")
_OPENING_CONDITION = ("conditional", "threshold_condition")  # "If liver metastases ..., AST"; not "eligible if"
_ULN_WORDS = {"uln", "iuln", "unl", "upper"}  # a bracket naming a threshold of its own
_AFTER_GAP = {",", "(", ")"}  # tokens between a threshold and the condition that follows it
_SEGMENT_ENDS = {",", ";", ".", ")"}
CONDITION_WORDS = 12  # tokens after a condition cue searched for an analyte of its own
# another way in after a threshold: "or on stable hemodialysis", "OR creatinine clearance >= 60"; not the same limit in
# another unit or form ("or 1.5 x 10^9/L", "or less", "(or <= 5 x ULN ...)")
_ALTERNATIVE = re.compile(r"[ \t]*,?[ \t]*(?:or|and/or)\b(?![ \t]*(?:[<>≤≥=(\d]|less|lower|more|greater|higher|above|"
                          r"below|equal|fewer|up\s+to))", re.I)
_CLAUSE_END = re.compile(r"[;.](?:\s|$)")
_BY_METHOD = re.compile(r"[ \t]+(?:by|on|per|via)[ \t]+[\w-]+", re.I)  # "SF >= 28% by echocardiogram OR ejection ..."
_RATIO = re.compile(r"(?:[ \t]*[:/][ \t]*[a-z]+)?[ \t]+ratios?\b", re.I)  # "creatinine ratio": a ratio, not the analyte
_MORE = re.compile(r"[\s,]*(?:\(\s*)?(?:or\s+|and\s+)?(?:up\s+to\s+)?", re.I)  # before a second threshold
_BARE_MULTIPLE = re.compile(r"\d+(?:\.\d+)?\s*(?:[x×X*]|times|-?fold)", re.I)  # "(5 times ULN if ...)"


class LabExtractor:
    """Writes `doc._.facts["labs"]` (list[Lab]) and adds the thresholds that hold for part of the patients to
    `doc._.facts["uncertain"]`."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.cue_finder = cue_finder(nlp)

    def __call__(self, doc: Doc) -> Doc:
        facts: list[Lab] = []
        uncertain: list[UncertainFact] = []
        headed: list[tuple[int, Lab]] = []  # rules of criteria a subgroup header governs: kept when all state them
        groups: Subgroups | None = None
        context = doc_context(doc, self.cue_finder)
        comparators = context.ents(_COMPARATOR_LABELS)
        for k, labs in context.ents(_LAB_LABELS).items():
            if k not in comparators:
                continue
            cues = context.cues(k)
            found = _criterion(doc, context.text, k, context.offsets[k], labs, comparators[k], cues)
            if not found:
                continue
            add_kind(doc, k, "lab")
            groups = groups or subgroups(context)
            if k in groups.closed:
                continue
            labelled = k not in groups.only and cohort_label(doc, cues.span, cues)
            for lab, reason in found:
                if reason is None and k in groups.only:
                    headed.append((k, lab))
                elif reason is None and not labelled:
                    facts.append(lab)
                else:  # a cohort's limit is the cohort's, even with "or Cohort 2: ..." after it
                    uncertain.append(_uncertain(lab, k, "cohort" if reason is None or labelled and reason == "either"
                                                   else reason))
        if headed:
            shared = shared_by_every(context, ((k, _key(lab)) for k, lab in headed))
            facts.extend(lab for _k, lab in headed if _key(lab) in shared)
            facts.sort(key=lambda lab: lab.criterion or 0)
            uncertain.extend(_uncertain(lab, k, "cohort") for k, lab in headed if _key(lab) not in shared)
        context.facts["labs"] = facts
        context.facts.setdefault("uncertain", []).extend(uncertain)
        release_context(doc)
        return doc


def _key(lab: Lab) -> tuple:
    return lab.analyte, lab.comparator, lab.value, lab.unit, lab.uln_multiple


def _uncertain(lab: Lab, k: int, reason: Uncertainty) -> UncertainFact:
    return UncertainFact(kind="lab", reason=reason, lab=lab, criterion=k, span=lab.span or (0, 0))


def _groups(doc: Doc, text: str, labs: list[Span]) -> list[list[Span]]:
    """Analytes listed together share the threshold after the list."""
    groups: list[list[Span]] = []
    for lab in labs:
        if groups and _LIST_GAP.fullmatch(text, groups[-1][-1].end_char, lab.start_char):
            between = {t.lower_ for t in doc[groups[-1][-1].end : lab.start] if not t.is_space}
            if between <= _LIST_WORDS:
                groups[-1].append(lab)
                continue
        groups.append([lab])
    return groups


def _criterion(
    doc: Doc,
    text: str,
    k: int,
    criterion: CriterionOffsets,
    labs: list[Span],
    comparator_ents: list[Span],
    cues: Cues,
) -> list[tuple[Lab, Uncertainty | None]]:
    """The criterion's thresholds, each with "conditional" when a condition governs it (None: a rule)."""
    comparators = [(c, _COMPARATORS[c.id_]) for c in comparator_ents if c.id_ in _COMPARATORS]
    if not comparators:
        return []
    found: dict[str, Lab] = {}
    conditional: dict[tuple, Lab] = {}
    either: dict[tuple, Lab] = {}
    alternative_until = -1  # where the clause of the threshold before an "or" ends: the next threshold is the other way
    lab_starts = [lab.start for lab in labs]  # labs and comparators come in text order: search, never scan
    comparator_starts = [c.start for c, _op in comparators]
    by_char = {c.start_char: (c, op) for c, op in comparators}
    previous = criterion.start  # the token after the last threshold read
    claimed = False  # whether a condition right after the last threshold was read as its own
    opened = cues.has(*_CONDITION_BEFORE, *_OPENING_CONDITION)  # most criteria: no condition before any analyte
    for group in _groups(doc, text, labs):
        group = [lab for lab in group if not _RATIO.match(text, lab.end_char)]
        if not group:
            continue
        opening = cues.clause(group[0].start)[0] if opened else criterion.start
        if all(lab.id_ in found for lab in group) and not (
                opened and cues.in_clause(_CONDITION_BEFORE + _OPENING_CONDITION, opening, group[0].start)):
            continue  # an analyte's first threshold is the rule: a later one counts only under a condition
        end = group[-1].end
        following = bisect_left(lab_starts, end)
        stop = min(lab_starts[following] if following < len(labs) else criterion.end, end + COMPARATOR_REACH,
                   criterion.end)
        nearest = _nearest(doc, text, group[-1], comparators, bisect_left(comparator_starts, end), stop)
        if nearest is None:
            continue
        comparator, raw = nearest
        threshold = _threshold(text, comparator.end_char, criterion.end_char)
        if threshold is None:
            continue
        value, unit, uln, end_char = threshold
        op = raw
        stated = _stated_as_required(doc, cues, group[-1], comparator)
        if stated is not None:  # "must be greater than": the threshold as required, "must not be" its inverse
            op = op if not stated else _INVERSE[op]
        else:
            negated = _negated(doc, cues, group[0], end_char, criterion.section)
            op = op if polarity(criterion.section, negated) == "required" else _INVERSE[op]
        after = _token_after(doc, comparator.end, end_char)
        claims = _condition_after(doc, text, cues, after, end_char, criterion.end)
        condition = claims or opened and _condition_before(doc, cues, max(previous, opening), group[0].start,
                                                           previous <= opening or not claimed)
        claimed = claims
        span = (group[0].start_char, end_char)
        thresholds = [(op, value, unit, uln, span, condition)]
        next_lab = labs[following].start_char if following < len(labs) else criterion.end_char
        for more_op, more_value, more_uln, more_end, more_after in _more_thresholds(
                doc, text, end_char, min(next_lab, criterion.end_char), by_char, raw, op, after):
            claimed = _condition_after(doc, text, cues, more_after, more_end, criterion.end)
            thresholds.append((more_op, more_value, None, more_uln, (group[0].start_char, more_end), claimed))
            after = more_after
        previous = after
        last_end = thresholds[-1][4][1]
        alternative = group[0].start_char < alternative_until
        alternative_until = -1
        if op == raw and _offers_another_way(text, last_end, criterion.end_char, next_lab):
            alternative = True
            stop_clause = _CLAUSE_END.search(text, last_end, criterion.end_char)
            alternative_until = stop_clause.start() if stop_clause else criterion.end_char
        for t_op, t_value, t_unit, t_uln, t_span, t_condition in thresholds:
            for lab in group:
                fact = Lab(analyte=lab.id_, comparator=t_op, value=t_value, unit=t_unit, uln_multiple=t_uln,
                           criterion=k, span=t_span)
                if t_condition:
                    conditional.setdefault(_key(fact), fact)
                elif alternative:
                    either.setdefault(_key(fact), fact)
                elif lab.id_ not in found:
                    found[lab.id_] = fact
    read: list[tuple[Lab, Uncertainty | None]] = [(lab, None) for lab in found.values()]
    read += [(lab, "conditional") for lab in conditional.values()]
    return read + [(lab, "either") for lab in either.values() if lab.analyte not in found]


def _token_after(doc: Doc, start: int, end_char: int) -> int:
    """The first token from `start` on that begins at or after character `end_char`."""
    i = start
    while i < len(doc) and doc[i].idx < end_char:
        i += 1
    return i


def _condition_after(doc: Doc, text: str, cues: Cues, start: int, end_char: int, stop: int) -> bool:
    """A condition cue right after a threshold (ending at `end_char`), past spaces, commas and brackets, in its
    sentence ("≤ 5 × ULN for patients with liver metastases", "5 times ULN (if liver metastases are present)",
    "≥ 60 mL/min for patients with creatinine > ULN"); not one opening a bracket that states its own threshold
    ("> 2.5 × ULN (if related to liver metastases greater than 5 × ULN)") nor one whose words run into an analyte
    of their own ("> 2.5 × ULN, for subjects with liver involvement AST/ALT > 5 × ULN")."""
    i, gap, bracket = start, 0, False
    while i < stop and (doc[i].is_space or doc[i].text in _AFTER_GAP) and gap <= 2:
        gap += not doc[i].is_space
        bracket = bracket or doc[i].text == "("
        i += 1
    cue = cues.at(i, *_CONDITION_AFTER) if i < stop else None
    if cue is None or "." in text[end_char : doc[i].idx] or ";" in text[end_char : doc[i].idx]:
        return False
    if bracket:
        close = next((j for j in range(i, stop) if doc[j].text == ")"), stop)
        return not any(t.like_num or t.lower_ in _ULN_WORDS for t in doc[i:close])
    for j in range(cue.end, min(stop, cue.end + CONDITION_WORDS)):
        if doc[j].text in _SEGMENT_ENDS:
            break
        if doc[j].ent_type_ in _LAB_LABELS and doc[j].ent_iob_ == "B":
            return j == cue.end  # "for patients with creatinine > ULN": a condition on a value, the threshold's
    return True


def _condition_before(doc: Doc, cues: Cues, start: int, lab: int, free: bool) -> bool:
    """A condition between token `start` (the clause's opening or the last threshold's end) and the analyte, with
    no closing bracket after it ("For patients with hepatic involvement, alkaline phosphatase ...", "for subjects
    with liver involvement AST/ALT > 5 × ULN"); an "if" only as the first word ("If liver metastases are present,
    AST ...", not "eligible if ANC ..."). A condition right after the last threshold is that threshold's when it
    claimed it (not `free`: "... or ≤ 5 × ULN in patients with liver metastases, and bilirubin ..."), and an analyte
    right after it is the value it is on, no rule either."""
    first = start
    while first < lab and (doc[first].is_space or doc[first].is_punct):
        first += 1
    for cue in cues.in_clause(_CONDITION_BEFORE + _OPENING_CONDITION, start, lab):
        if cue.kind not in _CONDITION_BEFORE and cues.at(first, *_OPENING_CONDITION) is not cue:
            continue
        if not free and cue.start == first:
            if cue.end == lab:
                return True  # the value the claimed condition is on ("for patients with creatinine > ULN")
            continue
        if not any(t.text == ")" for t in doc[cue.end : lab]):
            return True
    return False


def _offers_another_way(text: str, end: int, criterion_end: int, next_lab: int) -> bool:
    """An "or" right after the threshold ending at `end` offers another way in ("Creatinine < 2.5 mg/dL or on stable
    hemodialysis"; excluded either way: both rules), or one after the method it was measured by when another analyte
    follows the "or" ("Shortening fraction >= 28% by echocardiogram OR ejection fraction >= 50% by MUGA"); not the
    other method of one limit ("LVEF >= 50% by ECHO or MUGA")."""
    if _ALTERNATIVE.match(text, end, criterion_end):
        return True
    method = _BY_METHOD.match(text, end, criterion_end)
    offered = _ALTERNATIVE.match(text, method.end(), criterion_end) if method else None
    return offered is not None and not text[offered.end() : next_lab].strip()


def _more_thresholds(doc: Doc, text: str, start_char: int, limit: int, by_char: dict[int, tuple[Span, Comparator]],
                     raw: Comparator, op: Comparator, token: int) -> list[tuple[Comparator, float, bool, int, int]]:
    """The thresholds written right after an analyte's first (from `start_char`, before `limit`): a comparator and
    its value ("(<= 5 x ULN ...)", turned as the first was), or a bare multiple of the ULN ("(5 times ULN ...)",
    the first's comparator); each (comparator, value, × ULN, end offset, token after it). `token`: the token after
    the first threshold."""
    found: list[tuple[Comparator, float, bool, int, int]] = []
    at = start_char
    while True:
        gap = _MORE.match(text, at, limit)
        begin = gap.end() if gap else at
        if begin >= limit:
            return found
        if begin in by_char:
            comparator, more = by_char[begin]
            read = _threshold(text, comparator.end_char, limit)
            turned = more if raw == op else _INVERSE[more]
            token = max(token, comparator.end)
        elif _BARE_MULTIPLE.match(text, begin, limit):
            read = _threshold(text, begin, limit)
            if read is None or not read[2]:
                return found
            turned = op
        else:
            return found
        if read is None:
            return found
        value, _unit, uln, end_char = read
        after = _token_after(doc, token, end_char)
        found.append((turned, value, uln, end_char, after))
        at, token = end_char, after


def _stated_as_required(doc: Doc, cues: Cues, lab: Span, comparator: Span) -> bool | None:
    """None unless a modal between the analyte and its comparator states the threshold as required, in either
    section ("Pre-existing bone marrow compromise: platelets must be greater than 70,000" among exclusion criteria);
    then whether a negation after the modal turns it round ("Creatinine must not be > 1.4 mg/dl"). Not a modal in
    a parenthesis that defines what is excluded ("abnormal liver function tests as determined by serum albumin (must
    be < 2.5 g/dL)")."""
    modals = cues.in_clause(("modal",), lab.end, comparator.start)
    if not modals or any(t.text == "(" for t in doc[lab.end : modals[0].start]):
        return None
    return bool(cues.in_clause(("negation_forward",), modals[0].end, comparator.start))


def _negated(doc: Doc, cues: Cues, lab: Span, end_char: int, section: str) -> bool:
    """Whether a negation speaks of the analyte and its threshold (ending at `end_char`): one opening its clause
    or the item after a label's colon ("Hematopoietic: No coagulopathy (i.e., platelets less than 80,000)"), unless
    a new item, a modal or a turn to a requirement comes between (`_reaches`); or one right after the threshold
    ("... mg/dL are not eligible"), not one further on. A negation inside the clause ("Diabetes not well controlled
    ... with HbA1c >= 7%") speaks of its own words."""
    clause_start, _ = cues.clause(lab.start)
    opening = next((cue for i in _openings(doc, clause_start, lab.start)
                    if (cue := cues.at(i, "negation_forward")) is not None), None)
    reached = opening is not None and _reaches(doc, cues, opening.end, lab.start)
    fact = doc.char_span(lab.start_char, end_char, alignment_mode="expand")
    end = lab.end if fact is None else fact.end
    window = lab.start - clause_start if reached else -1
    return cues.negated(lab.start, end, section, window=window, back_window=BACK_REACH)


def _openings(doc: Doc, start: int, stop: int) -> list[int]:
    """The first word of the clause from token `start`, and each word after a colon before token `stop`."""
    found, after_colon = [], True
    for i in range(start, stop):
        token = doc[i]
        if token.is_space:
            continue
        if after_colon:
            found.append(i)
        after_colon = token.text == ":"
    return found


def _reaches(doc: Doc, cues: Cues, start: int, lab: int) -> bool:
    """No item run into the one before (a capitalised or upper-case word right after a word: "No cardiac
    insufficiency LVEF at least 50%", "... OR Creatinine no greater than"), colon ("No clinically significant
    abnormality in chemistry: serum creatinine <= 1.7 mg/dL" states the normal values), modal ("and must have") or
    turn to a requirement ("and with") in tokens [start, lab]."""
    if cues.in_clause(("modal", "requirement_turn"), start, lab) or any(t.text == ":" for t in doc[start:lab]):
        return False
    previous = doc[start - 1]
    for i in range(start, lab + 1):
        token = doc[i]
        if token.is_space:
            continue
        word = token.text
        if previous.text[-1:].isalnum() and (word.istitle() or (len(word) > 1 and word.isupper())):
            return False
        previous = token
    return True


def _nearest(
    doc: Doc, text: str, lab: Span, comparators: list[tuple[Span, Comparator]], first: int, stop: int
) -> tuple[Span, Comparator] | None:
    """The first comparator from index `first` on that starts before token `stop` in the clause of `lab`."""
    for i in range(first, len(comparators)):  # an index, not a slice: a slice copies the rest of the list
        comparator, op = comparators[i]
        if comparator.start >= stop:
            return None
        if _same_clause(doc, text, lab, comparator):
            return comparator, op
    return None


def _same_clause(doc: Doc, text: str, lab: Span, comparator: Span) -> bool:
    """No "." or ";" token between the analyte and its comparator (none when their gap holds neither character)."""
    gap = text[lab.end_char : comparator.start_char]
    if "." not in gap and ";" not in gap:
        return True
    return not any(t.text in (".", ";") for t in doc[lab.end : comparator.start])


def _threshold(text: str, start: int, limit: int) -> tuple[float, str | None, bool, int] | None:
    """(value, unit, × ULN, end offset) read from `text[start:]`: "2.5 x ULN", "100,000/mm^3",
    "1.5 x 10^9/L", "ULN", "five times the upper limit of normal"."""
    rest = text[start : min(limit, start + 80)]
    uln = _ULN.match(rest)
    if uln is not None:
        return 1.0, None, True, start + uln.end()
    words = _WORD_MULTIPLE.match(rest)
    if words is not None and (uln := _ULN.match(rest, words.end())) is not None:
        number, multiple = words.group("number"), words.group("multiple")
        value = _WORD_NUMBERS[number.lower()] if number else _WORD_MULTIPLES[multiple.lower()]
        return value, None, True, start + uln.end()
    number = _NUMBER.match(rest)
    if number is None:
        return None
    raw = number.group(1)
    value = float(raw.replace(",", "") if _THOUSANDS.fullmatch(raw) else raw.replace(",", "."))
    end = start + number.end()
    tail = rest[number.end() :]
    if (uln := _ULN.match(tail)) is not None:
        return value, None, True, end + uln.end()
    if (power := _POWER.match(tail)) is not None:
        return value, f"10^{power.group(1).translate(_SUPERSCRIPT)}/{power.group(2)}", False, end + power.end()
    if (unit := _UNIT.match(tail)) is not None:
        return value, unit.group(1), False, end + unit.end()
    return value, None, False, end


@Language.factory("tm_labs", default_config={})
def make_labs(nlp: Language, name: str) -> LabExtractor:
    return LabExtractor(nlp, name)
