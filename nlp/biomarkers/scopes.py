"""Biomarker facts that hold for only part of the population: a cohort's label, a condition, or either status.

    >>> from nlp.extract import extract_text
    >>> facts = extract_text("Inclusion Criteria:\\n* Cohort B: KRAS G12C mutation")
    >>> facts.biomarkers, [(u.reason, u.biomarker.gene) for u in facts.uncertain if u.biomarker]
    ([], [('cohort', 'KRAS')])

The guide's whole-population rule: a marker required of one cohort, arm, part or phase, or only of patients who
meet a condition, or stated as "positive or negative", is no requirement of the study. Such facts go to
`TrialCriteria.uncertain`, never to `biomarkers`; matching reports them as unknown. Each test reads the cues of
`nlp/vocab/cues.jsonl` within the scope the cue governs:
- `cohort_label`: the criterion opens with a label naming a cohort ("Cohort B:", "DOSE EXPANSION PHASE:",
  "Participants with no prior therapy:"), which governs the whole criterion;
- `conditional`: a condition on the patients ("... is required for patients who have HER2-overexpressing
  tumors") governs the rest of its clause; a subject that names the marker before what the patients must do
  ("Patients who are hormone-receptor positive must have failed hormonal therapy") governs the marker;
- `alternative_items`: an inclusion criterion that is one item of a list of alternatives ("... one of the
  following:", items ending in "or") states a marker of that alternative only, unless every item states it;
- `cohort_conflicts`: one marker required by one inclusion criterion and excluded by another defines cohorts;
- `subtype_exclusions`: an exclusion criterion that names a marker every patient must have ("Ph+ CML" required,
  "lymphoid Ph+ blast crisis" excluded) excludes a subtype of the population, not the marker: no fact.
A marker that every cohort label of a section shares is required of every cohort, so it stays a requirement.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from nlp.biomarkers.words import (
    ALTERNATIVE_VERBS,
    CONJUNCTIONS,
    DISEASE_PHASE_WORDS,
    ITEM_SEPARATORS,
    JUDGEMENT_WORDS,
    LIST_CLOSERS,
    RELATIVE_WORDS,
    STATUS_WORDS,
)
from nlp.diseases import is_cancer, map_condition
from nlp.models import Biomarker, UncertainFact, Uncertainty
from nlp.polarity import Cues, DocContext

LABEL_REACH = 16  # tokens from the criterion's start within which its label ends with ":"
DASH_LABEL_REACH = 3  # tokens of a label's id between its cohort word and a dash: "Part 1 -", "Cohort 2a –"
_DASHES = {"-", "–", "—"}
FLAT_ITEMS = 2  # items of a list written at its header's indentation read as its alternatives
LONG_NAME_REACH = 8  # tokens of a gene's long name and bracket between a preposition and the symbol
POST_CONDITION_REACH = 12  # tokens after a marker within which an "unless" or "provided" conditions it
COHORT_REACH = 10  # tokens after an allowance within which a cohort word makes it that cohort's
ENTRY_REACH = 10  # tokens between "assigned to", "of the" ... and the cohort word they enter
_LABEL_PREPOSITIONS = {"for", "in"}  # open a label that a comma ends: "For the expansion cohort, ..."
MAX_ITEM_WORDS = 6  # words of one item of a bracketed list of alternatives
MAX_CONJUNCT_WORDS = 8  # words between a marker and an "or" that still make one conjunct with it
MIN_OTHER_WORDS = 3  # words the other side of an "or" needs to be a requirement of its own
MIN_CAPITAL_OR_WORDS = 2  # the same beside a capital "OR", which parts items: "... OR unfavorable pathology"
JUDGEMENT_REACH = 4  # words after an "or" within which a judgement is offered: "or the treating physician considers"
RUN_HEADER_WORDS = 2  # words naming what a list lists between "one of the following" and its colon ("categories:")
UNKNOWN_STATUS_REACH = 3  # tokens between an item's opening "unknown" and its "status": "Unknown receptor status"
MIN_CANCER_ITEMS = 3  # cancers the items of a nested list open with, each another, that make it a list of alternatives
CANCER_OPENING_WORDS = 8  # words of an item read for the cancer it opens with: "AML: AML in first complete remission"
_MARKER_LABELS = {"GENE", "GENE_FAMILY", "VARIANT", "PROFILE"}
_TEST_KINDS = ("test_word", "status_method", "method_expression", "method_ish", "method_copies")
_DRUG_LABELS = {"DRUG", "DRUG_CLASS"}
_LABEL_ID = re.compile(r"^(?:[A-Z]\d?|\d+[a-z]?|[IVX]+)$")


def _opening(doc: Doc, span: Span) -> int:
    """The criterion's first word (past spaces and bullet marks)."""
    i = span.start
    while i < span.end and (doc[i].is_space or doc[i].is_punct):
        i += 1
    return i


def cohort_label(doc: Doc, span: Span, cues: Cues) -> bool:
    """The criterion opens with a label naming a cohort, arm, part or phase: "Cohort B: ...", "Dose expansion: ...",
    "Part 1 - ...", "Phase II portion of the study - ...", "For the expanded cohort portion, ...", "Phase 2 Cohort C
    (thyroid cancer): ..."; never without a cohort word or noun (the test most criteria end at)."""
    if not cues.has("cohort_word", "cohort_noun"):
        return False
    opening = _opening(doc, span)
    word = cues.at(opening, "cohort_word")
    if word is not None:
        dash = word.end
        while dash < min(span.end, word.end + DASH_LABEL_REACH) and doc[dash].text not in _DASHES:
            if not (doc[dash].like_num or _LABEL_ID.match(doc[dash].text)):
                break
            dash += 1
        if dash > word.end and dash < span.end and doc[dash].text in _DASHES:
            return True
    introduced = doc[opening].lower_ in _LABEL_PREPOSITIONS  # "For the expansion cohort, patients must have ..."
    # the tokens from which on a cohort word, and a cohort noun near the opening, lie before (span.end: none does)
    named_from = min((c.end for c in cues.items if c.kind == "cohort_word"), default=span.end)
    glossed_from = min((c.end for c in cues.items if c.kind == "cohort_noun" and c.start - opening <= ENTRY_REACH),
                       default=span.end)
    for token in doc[span.start : min(span.end, span.start + LABEL_REACH)]:
        text, glossed = token.text, glossed_from <= token.i
        if text in (":", "):", "]:") or (introduced and text == ","):
            return named_from <= token.i
        if text in _DASHES and token.whitespace_ and glossed:
            return True  # "Phase II portion of the study - histologically confirmed ..."
        if text in (".", ";") or (text in ("(", "[") and not glossed):
            return False  # a bracket after a cohort word glosses the label: "Phase 2 Cohort C (thyroid cancer):"
    return False


def allowed_in_cohort(doc: Doc, cues: Cues, start: int, end: int) -> bool:
    """The marker's clause puts it in one cohort, arm or portion only: "... T790M mutation is eligible for the
    treatment in the sequential arm", "A participant assigned to the combination arms must have ...", "MET+ status
    (Phase 2 only)", "...; for Phase 2, patients must have ER-negative breast cancer"."""
    if _named_cohort_opens(doc, cues, cues.clause(start)[0], start):
        return True
    clause_start, clause_end = cues.clause(end)
    nouns = [
        n for n in cues.in_clause(("cohort_noun",), clause_start, clause_end)
        if n.start == 0 or doc[n.start - 1].lower_ not in DISEASE_PHASE_WORDS  # not "in the chronic phase"
    ]
    for entry in cues.in_clause(("cohort_entry",), clause_start, start):
        if any(0 <= n.start - entry.end <= ENTRY_REACH for n in nouns):
            return True
    for n in nouns:
        following = [t for t in doc[n.end : min(clause_end, n.end + ENTRY_REACH)] if not t.is_space]
        if any(t.lower_ == "only" for t in following[:3]):  # "(Phase 2 only)", "for part 1 only"
            return True
    for allowance in cues.in_clause(("allowance",), end, clause_end):
        words = cues.in_clause(("cohort_word",), allowance.end, min(clause_end, allowance.end + COHORT_REACH))
        if any(c.end - c.start == 1 for c in words):
            return True
    return False


def _named_cohort_opens(doc: Doc, cues: Cues, clause_start: int, start: int) -> bool:
    """The clause opens with a named cohort, arm, part or phase and a comma before the marker: "...; for Phase 2,
    patients must have ...", "in Part B, ...", "For cohort 1, ..."."""
    opening = clause_start
    while opening < start and (doc[opening].is_space or doc[opening].is_punct):
        opening += 1
    noun = cues.at(opening + 1, "cohort_noun") if doc[opening].lower_ in _LABEL_PREPOSITIONS else None
    if noun is None:
        return False
    i = noun.end
    while i < start and (doc[i].like_num or _LABEL_ID.match(doc[i].text)):
        i += 1
    return noun.end < i < start and doc[i].text == ","


def conditional(doc: Doc, span: Span, cues: Cues, start: int, end: int) -> bool:
    """A condition on the patients governs the tokens [start, end): "for patients who have ...", or the subject
    of the criterion or of the marker's sentence ("Patients who are ER-positive must ...", "HER2-positive patients
    must have received ...", not "Patients with HER2+ ... are not eligible")."""
    if cues.has("applicability"):  # "(applicable to non-squamous patients only)", "a requirement only for Part B"
        return True
    clause_start, clause_end = cues.clause(start)
    if cues.at(_word_after(doc, end, clause_end), "population_noun") and _after_preposition(doc, clause_start, start):
        return True  # "anti-EGFR therapy for RAS wild-type patients": whom something else is for
    if _for_some_only(doc, cues, end, clause_end):
        return True
    opening = clause_start
    while opening < start and (doc[opening].is_space or doc[opening].is_punct):
        opening += 1
    if doc[opening].lower_ in _LABEL_PREPOSITIONS and opening < start:  # "For HER2-positive disease, trastuzumab ..."
        comma = next((i for i in range(opening, clause_end) if doc[i].text == ","), None)
        if comma is not None and comma >= end:
            return True
    for c in cues.in_clause(("post_condition",), end, min(clause_end, end + POST_CONDITION_REACH)):
        if c.end >= clause_end or doc[c.end].lower_ != "otherwise":  # "t(8;21) unless failed induction therapy",
            return True  # not "unless otherwise approved"
    clause_opening, opening = opening, _opening(doc, span)
    if any(c.start > opening for c in cues.in_clause(("condition_scope",), clause_start, start)):
        return True
    if _asked_of_some(doc, cues, clause_opening, start):
        return True
    if not (
        cues.at(opening, "subject")
        or (clause_opening < start and cues.at(clause_opening, "subject"))  # "... . Patients with X must have ..."
        or (clause_opening == start and cues.at(_word_after(doc, end, clause_end), "population_noun"))
        or (clause_opening == start and _history_asked(doc, cues, end, clause_end))
    ):  # the last two: the marker names the patients it opens with ("HER2-positive patients must have received ..."),
        return False  # or their tumours, of which a treatment history is asked ("ER-positive tumours must have failed")
    verbs = cues.in_clause(("modal", "exclusion_phrase", "allowance"), end, clause_end)
    return bool(verbs) and min(verbs, key=lambda c: (c.start, c.start - c.end)).kind == "modal"  # "may be eligible"


def _history_asked(doc: Doc, cues: Cues, end: int, clause_end: int) -> bool:
    """The marker names tumours of which the first modal after it asks a treatment history: a prior-therapy cue and a
    drug or drug class follow the modal in the clause ("ER-positive tumours must have failed hormonal therapy"), which
    only the marker's patients must have; not a test of the marker ("... must be confirmed by FISH"), nor a subject
    naming the patients by their disease ("Ph+ chronic phase CML subjects must have resistance to imatinib"): the
    population the trial enrols."""
    modals = cues.in_clause(("modal",), end, clause_end)
    if not modals:
        return False
    after = min(c.start for c in modals)
    if cues.in_clause(("population_noun",), end, after):
        return False
    return bool(cues.in_clause(("prior",), after, clause_end)) and any(
        doc[i].ent_type_ in _DRUG_LABELS for i in range(after, clause_end)
    )


def _asked_of_some(doc: Doc, cues: Cues, clause_opening: int, start: int) -> bool:
    """The clause opens with a subject that names its patients by something other than a cancer, then a modal
    before the marker at `start`: "Patients with bright surface immunoglobulin levels must have CD23 expression",
    "Patients who lack CD23 should have cyclin D1 overexpression" ask the marker of those patients only; "Patients
    with metastatic colorectal cancer must have ..." names the population."""
    subject = cues.at(clause_opening, "subject")
    if subject is None:
        return False
    modals = cues.in_clause(("modal",), subject.end, start)
    if not modals:
        return False
    named = doc[subject.end : min(c.start for c in modals)]
    if any(t.ent_type_ in _MARKER_LABELS for t in named):
        return True
    return not any(is_cancer(m.id) for m in map_condition(named.text))


def _for_some_only(doc: Doc, cues: Cues, end: int, clause_end: int) -> bool:
    """After the marker its clause names, behind a preposition of a label, the patients it is asked of, and "only"
    right after them, with no other marker between: "K/NRAS wild-type status for mCRC patients only", "... in
    colorectal cancer patients only" ("MET positive and KRAS wild-type for mCRC patients only" asks only KRAS so)."""
    for noun in cues.in_clause(("population_noun",), end, clause_end):
        after = _word_after(doc, noun.end, clause_end)
        if after == clause_end or doc[after].lower_ != "only":
            continue
        if any(doc[i].ent_type_ in _MARKER_LABELS for i in range(end, noun.start)):
            return False
        named = [t for t in doc[end : noun.start] if not (t.is_space or t.is_punct)]
        prepositions = [i for i, t in enumerate(named) if t.lower_ in _LABEL_PREPOSITIONS]
        if prepositions and prepositions[-1] < len(named) - 1:
            return True
    return False


def _after_preposition(doc: Doc, clause_start: int, start: int) -> bool:
    """A preposition of a label ("for", "in") stands before token `start`, separated only by the words of a gene's
    long name and the bracket of its symbol: "for RAS", "for rat sarcoma viral oncogene homolog (RAS)"."""
    for i in range(start - 1, max(clause_start, start - LONG_NAME_REACH) - 1, -1):
        if doc[i].lower_ in _LABEL_PREPOSITIONS:
            return True
        if not (doc[i].is_alpha or doc[i].is_space or doc[i].text == "("):
            return False
    return False


def _word_after(doc: Doc, i: int, end: int) -> int:
    """The first token from `i` before `end` that is no space."""
    while i < end and doc[i].is_space:
        i += 1
    return i


def _names_marker(labels: dict[int, Span], start: int, end: int) -> bool:
    return any(i in labels and labels[i].label_ in _MARKER_LABELS for i in range(start, end))


def _words(doc: Doc, start: int, end: int) -> int:
    return sum(1 for t in doc[start:end] if not (t.is_space or t.is_punct))


def _bracketed_alternative(doc: Doc, span: Span, labels: dict[int, Span], start: int, end: int) -> bool:
    """The marker is one item of a bracketed list of alternatives whose other items name no marker: "High-risk
    cytogenetics (monosomy 7, 5q-, trisomy 8, or t(9;22))"."""
    bracket = _enclosing_bracket(doc, span, start, end)
    if bracket is None:
        return False
    opened, closed = bracket
    if not any(doc[i].lower_ in ("or", "and/or") for i in range(opened, closed)):
        return False
    items, item_start, depth = [], opened + 1, 0
    for i in range(opened + 1, closed):
        depth += doc[i].text in ("(", "[")
        depth -= doc[i].text in (")", "]")
        if depth == 0 and doc[i].lower_ in (",", ";", "or", "and/or"):
            items.append((item_start, i))
            item_start = i + 1
    items.append((item_start, closed))
    if any(_words(doc, *item) > MAX_ITEM_WORDS for item in items):  # a sentence in brackets, not a list
        return False
    others = [
        item for item in items
        if any(t.is_alpha for t in doc[item[0] : item[1]]) and not _names_marker(labels, *item)
        and not all(t.lower_ in LIST_CLOSERS for t in doc[item[0] : item[1]] if not (t.is_space or t.is_punct))
    ]
    return len(items) > 1 and bool(others)


def _enclosing_bracket(doc: Doc, span: Span, start: int, end: int) -> tuple[int, int] | None:
    """The tokens of the innermost bracket around tokens [start, end) within `span`: its "(" and its ")"."""
    depth, opened = 0, None
    for i in range(start - 1, span.start - 1, -1):
        if doc[i].text in (")", "]"):
            depth += 1
        elif doc[i].text in ("(", "["):
            if depth == 0:
                opened = i
                break
            depth -= 1
    if opened is None:
        return None
    depth = 0
    for i in range(opened + 1, span.end):
        if doc[i].text in ("(", "["):
            depth += 1
        elif doc[i].text in (")", "]"):
            if depth == 0:
                return (opened, i) if i >= end else None
            depth -= 1
    return None


def _outer_items(doc: Doc, span: Span, at: int, step: int) -> list[tuple[int, int, str]]:
    """The items of a list outside brackets met walking from token `at` by `step` (-1 left, 1 right) within `span`,
    each (start, end, the separator that ends it on the far side, "" at the end), up to a clause's end or past the
    first item longer than `MAX_ITEM_WORDS` words. The first item may be empty (a separator right at `at`)."""
    items: list[tuple[int, int, str]] = []
    depth, edge, i = 0, at, at
    while span.start <= i < span.end:
        opens, closes = doc[i].text in ("(", "["), doc[i].text in (")", "]")
        depth += (closes - opens) if step < 0 else (opens - closes)
        if depth < 0 or (depth == 0 and doc[i].text in (";", ":", ".")):
            break
        if depth == 0 and doc[i].lower_ in (",", "or", "and/or"):
            first, last = (i, i - 1) if i == edge else (min(edge, i - step), max(edge, i - step))
            items.append((first, last, doc[i].lower_))  # empty when the separator is right at `at`: "(p16-) or larynx"
            edge = i + step
            if _words(doc, items[-1][0], items[-1][1] + 1) > MAX_ITEM_WORDS:
                return [(first, last + 1, separator) for first, last, separator in items]
        i += step
    items.append((min(edge, i - step), max(edge, i - step), ""))
    return [(first, last + 1, separator) for first, last, separator in items]


def qualifies_one_item(doc: Doc, span: Span, labels: dict[int, Span], start: int, end: int) -> bool:
    """The marker at tokens [start, end) fills a bracket that qualifies one item of a list of alternatives outside
    brackets, whose other items name no marker or each name their own in a bracket of theirs: "... of the oral
    cavity, oropharynx (p16 negative), hypopharynx or larynx", "NSCLC (EGFR mutation), melanoma (BRAF V600E), or
    colorectal cancer (KRAS wild-type)": patients of the other items enrol without it, so the marker belongs to one
    subgroup. A bracket after the last item qualifies it alone only when the others carry markers of their own."""
    bracket = _enclosing_bracket(doc, span, start, end)
    if bracket is None or _words(doc, bracket[0] + 1, bracket[1]) > MAX_ITEM_WORDS:
        return False
    opened, closed = bracket
    if any(doc[i].lower_ in (",", ";", "or", "and/or") for i in range(opened + 1, closed)):
        return False  # a list in brackets, not one item's qualifier
    if opened - 1 < span.start or doc[opened - 1].is_punct:
        return False
    before = _outer_items(doc, span, opened - 1, -1)
    after = _outer_items(doc, span, closed + 1, 1)
    if _words(doc, before[0][0], before[0][1]) > MAX_ITEM_WORDS or _words(doc, after[0][0], after[0][1]):
        return False  # a short item, and the bracket ends it
    others = [(first, last) for first, last, _ in before[1:] + after[1:] if _words(doc, first, last)]
    separators = [separator for _, _, separator in before + after]
    marked = [item for item in others if _names_marker(labels, *item)]
    if not all(_marks_itself(doc, labels, *item) for item in marked):
        return False
    last_item = _words(doc, closed + 1, span.end) == 0
    return len(others) >= 2 and "or" in separators and (bool(marked) or not last_item)


def _marks_itself(doc: Doc, labels: dict[int, Span], start: int, end: int) -> bool:
    """The item at tokens [start, end) names its markers only in a bracket that qualifies it, after words of its
    own: "melanoma (BRAF V600E)"."""
    depth, words = 0, 0
    for i in range(start, end):
        if depth == 0 and i in labels and labels[i].label_ in _MARKER_LABELS:
            return False
        if depth == 0 and not (doc[i].is_space or doc[i].is_punct):
            words += 1
        depth += _opens(doc[i].text)
    return words > 0


def _bracket_then_other(doc: Doc, cues: Cues, labels: dict[int, Span], start: int, end: int) -> bool:
    """The marker is named in brackets that gloss a feature offered beside another that names no marker: "high-risk
    cytogenetics [t(9;22), t(4;11) or other MLL rearrangements] or > 1 cycle to obtain remission"."""
    clause_start, clause_end = cues.clause(start)
    depth = sum(_opens(doc[i].text) for i in range(clause_start, start))
    if depth <= 0:
        return False
    for i in range(start, clause_end):
        depth += _opens(doc[i].text)
        if depth <= 0:
            following = _word_after(doc, i + 1, clause_end)
            if i < end or following >= clause_end or doc[following].lower_ not in ("or", "and/or"):
                return False
            other = (following + 1, clause_end)
            return _words(doc, *other) >= MIN_OTHER_WORDS and not _names_marker(labels, *other)
    return False


def _opens(text: str) -> int:
    """Brackets a token opens less those it closes ("t(9;22" opens one, ")" closes one)."""
    return text.count("(") + text.count("[") - text.count(")") - text.count("]")


def offered_with_other(doc: Doc, span: Span, cues: Cues, labels: dict[int, Span], start: int, end: int) -> bool:
    """The marker at tokens [start, end) is one alternative beside a requirement that names no marker: "... by the
    Couch model or be positive for BRCA1 or BRCA2", "any of the following: prior response to a TKI; an EGFR
    mutation", "Either chronic-phase CML ..., or advanced-phase CML, including Ph+ ALL", so patients without it may
    enrol."""
    clause_start, clause_end = cues.clause(start)
    either = doc[_opening(doc, span)].lower_ == "either"  # "Either A or B": every "or" parts the alternatives
    for i in range(clause_start, clause_end - 1):
        if doc[i].lower_ != "or":
            continue
        j = i + 1
        while j < clause_end and doc[j].is_space:
            j += 1
        if j >= clause_end or not (either or doc[j].lower_ in ALTERNATIVE_VERBS or _judgement(doc, j, clause_end)):
            continue
        other = (j, clause_end) if i >= end else (max(clause_start, _opening(doc, span)), i) if i < start else None
        between = doc[end:i] if i >= end else doc[i:start]
        if _words(doc, between.start, between.end) > MAX_CONJUNCT_WORDS or any(
            t.lower_ in RELATIVE_WORDS for t in between  # "CD20+ NHL who have relapsed or are resistant"
        ):
            continue
        if other and _words(doc, *other) >= MIN_OTHER_WORDS and not _names_marker(labels, *other):
            return True
    if _bracketed_alternative(doc, span, labels, start, end) or _bracket_then_other(doc, cues, labels, start, end):
        return True
    if _capital_or_alternative(doc, span, cues, labels, start, end):
        return True
    for header in cues.in_clause(("alternatives_header",), span.start, start):
        items, item_start = [], header.end
        for i in range(header.end, span.end):
            if doc[i].text in ITEM_SEPARATORS and i not in labels:  # not the ";" of a marker's name: "t9; 22"
                items.append((item_start, i))
                item_start = i + 1
        items = [item for item in [*items, (item_start, span.end)] if _words(doc, *item)]
        if len(items) > 1 and any(not _names_marker(labels, *item) for item in items):
            return True
        if (
            len(items) == 1
            and not _names_marker(labels, span.start, header.start)  # not "MAGE-A3 as assessed by one of the following"
            and _run_together(doc, cues, labels, header.end, start, end)
        ):
            return True
    for opening in cues.in_clause(("alternatives_opening",), span.start, start):
        colon = next((i for i in range(opening.end, start) if doc[i].text == ":"), None)
        if colon is None:  # "at least one high-risk feature: tumour > 2 cm, ER negative, grade 3, or age < 35"
            continue
        items, item_start = [], colon + 1
        for i in range(colon + 1, cues.clause(start)[1]):
            if doc[i].lower_ in (",", ";", "or", "and/or"):
                items.append((item_start, i))
                item_start = i + 1
        items = [item for item in [*items, (item_start, cues.clause(start)[1])] if _words(doc, *item)]
        if len(items) > 1 and any(not _names_marker(labels, *item) for item in items):
            return True
    return False


def _capital_or_alternative(doc: Doc, span: Span, cues: Cues, labels: dict[int, Span], start: int, end: int) -> bool:
    """The marker at tokens [start, end) ends or opens an item of a list that a capital "OR" outside brackets parts,
    across clauses, and the item on the other side of that "OR" is a requirement that speaks of no marker: "... or
    high risk ALL with Ph positive 9/22 translocation; OR - Acute myelogenous leukemia (AML) with documented
    chemosensitivity ...", "Hypodiploidy OR Pseudodiploidy with translocations t(4;11), or t(8;14) OR Elevated WBC
    at presentation ...", "MYCN amplification (> 10) OR unfavorable pathology" (two words are enough beside a capital
    "OR"). The marker stays within `MAX_CONJUNCT_WORDS` of the "OR", with no run-in item opening
    between them. Not another test or status of a marker ("Philadelphia chromosome positive OR bcr positive",
    "overexpression (3+ by immunohistochemistry OR gene amplification by FISH)", "CML confirmed by: Cytogenetic
    testing demonstrating presence of t(9:22) OR RT-PCR demonstrating presence of BCR/ABL rearrangement")."""
    depths = _bracket_depths(doc, span.start, span.end)
    ors = [i for i in range(span.start, span.end) if doc[i].text == "OR" and depths[i - span.start] == 0]
    bounds = [_opening(doc, span) - 1, *ors, span.end]  # each item lies between two bounds
    for n, i in enumerate(ors, start=1):
        if i >= end:
            between, other = (end, i), (i + 1, bounds[n + 1])
        elif i < start:
            between, other = (i + 1, start), (bounds[n - 1] + 1, i)
        else:
            continue
        if _words(doc, *between) > MAX_CONJUNCT_WORDS or any(
            cues.opens_item(t) or doc[t].lower_ in RELATIVE_WORDS for t in range(*between)
        ):
            continue
        if _words(doc, *other) >= MIN_CAPITAL_OR_WORDS and not any(
            depths[t - span.start] == 0 and (t in labels or doc[t].lower_ in STATUS_WORDS) for t in range(*other)
        ) and not any(  # no marker, alteration, status or test word outside brackets: a bracket may abbreviate
            c.kind in _TEST_KINDS and other[0] <= c.start < other[1] and depths[c.start - span.start] == 0
            for c in cues.items  # something else as a gene's symbol ("chemosensitivity (CR, PR, or MR)"), and a test
        ):  # is another way to find a marker ("confirmed by: Cytogenetic testing demonstrating presence of t(9:22)")
            return True
    return False


def _bracket_depths(doc: Doc, start: int, end: int) -> list[int]:
    """The depth of brackets each token of [start, end) lies in, counting from `start`."""
    depths, depth = [], 0
    for t in doc[start:end]:
        depth = max(0, depth + t.text.count("(") + t.text.count("[") - t.text.count(")") - t.text.count("]"))
        depths.append(depth)
    return depths


def _judgement(doc: Doc, j: int, clause_end: int) -> bool:
    """The words from token `j` open a judgement offered instead of what comes before the "or": a judgement word
    within `JUDGEMENT_REACH` words ("or the investigator thinks the patient will benefit", "or in the opinion of
    the investigator ..."); not the judge alone ("as assessed by the local laboratory or investigator")."""
    words = [t for t in doc[j:clause_end] if not (t.is_space or t.is_punct)][:JUDGEMENT_REACH]
    return any(t.lower_ in JUDGEMENT_WORDS for t in words)


def _run_together(doc: Doc, cues: Cues, labels: dict[int, Span], header_end: int, start: int, end: int) -> bool:
    """The marker at tokens [start, end) lies inside a list of alternatives that a legacy text ran together after
    its header (which no marker precedes in the criterion), the items' bullets lost: a colon at most
    `RUN_HEADER_WORDS` words after "one of the following", then, before the marker, no sentence end and at least
    `MIN_OTHER_WORDS` words that name no marker (the items before it: "... of one of the following types:
    Follicular lymphoma grade 1 or 2 Small lymphocytic lymphoma CD20 positive hairy cell leukemia ..."), and no
    modal up to the marker's end, which would open a requirement of its own ("... Follicular grade 3 Lymphoma must
    express CD20")."""
    reach = range(header_end, min(start, header_end + RUN_HEADER_WORDS + 1))
    colon = next((i for i in reach if doc[i].text == ":"), None)
    if colon is None or any(t.text == "." for t in doc[colon:start]) or cues.in_clause(("modal",), colon, end):
        return False
    before = [t for t in doc[colon + 1 : start] if t.is_alpha and t.i not in labels and t.lower_ not in CONJUNCTIONS]
    return len(before) >= MIN_OTHER_WORDS


def _column(text: str, start: int) -> int:
    return start - (text.rfind("\n", 0, start) + 1)


def _nested(context: DocContext, k: int) -> tuple[int, list[int]]:
    """The parent of criterion `k` (the criterion above it, less indented, in its section) and the items of the
    list under it at `k`'s indentation; (-1, []) when `k` has no parent."""
    offsets, text = context.offsets, context.text
    column = _column(text, offsets[k].start_char)
    parent = k - 1
    while parent >= 0 and _column(text, offsets[parent].start_char) >= column:
        parent -= 1
    if parent < 0 or offsets[parent].section != offsets[k].section:
        return -1, []
    parent_column = _column(text, offsets[parent].start_char)
    items = []
    for j in range(parent + 1, len(offsets)):
        at = _column(text, offsets[j].start_char)
        if at <= parent_column or offsets[j].section != offsets[k].section:
            break
        if at == column:
            items.append(j)
    return parent, items


def _siblings(context: DocContext, k: int) -> list[int]:
    """The items of the list criterion `k` belongs to, when its parent offers them as alternatives ("one of the
    following:") or every item but the last ends in "or" or "and/or", or each item names another cancer (a list
    of the cancers that may enrol: "- Colorectal cancer / - Triple-negative breast cancer / - Urothelial cancer");
    else the items a trailing "or" joins to `k` (`_or_run`), or []."""
    parent, items = _nested(context, k)
    if parent < 0 or len(items) < 2:
        return []
    offered = context.cues(parent).has("alternatives_header") or all(_ends_in_or(context, j) for j in items[:-1])
    return items if offered or _cancers(context, k, items) else _or_run(context, k, items)


def one_of_alternatives(context: DocContext, k: int) -> bool:
    """Criterion `k` is one item of a list offered as alternatives ("meeting 1 of the following criteria: -
    Previously untreated - Primary refractory - Relapsing disease"), or ends in "or": patients may meet another."""
    return _ends_in_or(context, k) or bool(_siblings(context, k) or _flat_items(context, k))


def _ends_in_or(context: DocContext, j: int) -> bool:
    """Criterion `j` ends in "or" or "and/or": the item after it is offered instead of it."""
    text = context.text[context.offsets[j].start_char : context.offsets[j].end_char]
    return text.rstrip(" ;,.").lower().endswith((" or", " and/or"))


def _lone_or(context: DocContext, j: int) -> bool:
    """Criterion `j` is an "OR" line alone, written between two items to offer the second instead of the first."""
    if j < 0 or j >= len(context.offsets):
        return False
    text = context.text[context.offsets[j].start_char : context.offsets[j].end_char]
    return text.strip(" ;,.-*").lower() in ("or", "and/or")


def _or_lines(context: DocContext, k: int) -> list[int]:
    """The items around criterion `k` that lone "OR" lines join into alternatives, in its section ("A known BRCA1
    or BRCA2 mutation carrier" / "OR" / "A relative of a carrier"): [] unless `k` is one of two or more."""
    offsets = context.offsets

    def item(j: int) -> bool:
        return 0 <= j < len(offsets) and offsets[j].section == offsets[k].section

    first, last = k, k
    while _lone_or(context, first - 1) and item(first - 2):
        first -= 2
    while _lone_or(context, last + 1) and item(last + 2):
        last += 2
    return list(range(first, last + 1, 2)) if last > first else []


def _or_run(context: DocContext, k: int, items: list[int]) -> list[int]:
    """The items around `k` that a trailing "or" joins into alternatives inside a longer list ("- Low grade
    tumour OR / - Oestrogen receptor positive / - Largest mass under 5 cm"): [] unless `k` is one of two or more."""
    at = items.index(k)
    first, last = at, at
    while first > 0 and _ends_in_or(context, items[first - 1]):
        first -= 1
    while last < len(items) - 1 and _ends_in_or(context, items[last]):
        last += 1
    return items[first : last + 1] if last > first else []


def _opening_cancer(context: DocContext, j: int) -> str | None:
    """The cancer criterion `j` opens with, if any: "AML: AML in first complete remission" → AML."""
    words = [t for t in context.criteria[j] if not t.is_space][:CANCER_OPENING_WORDS]
    if not words:
        return None
    opening = context.doc[words[0].i : words[-1].i + 1].text
    return next((m.id for m in map_condition(opening) if is_cancer(m.id)), None)


def _cancers(context: DocContext, k: int, items: list[int]) -> bool:
    """A list of the cancers that may enrol, `k` one of them: `k` and most items open with the name of a cancer,
    and they name at least `MIN_CANCER_ITEMS` different ones ("- AML in first remission / - ALL in first
    remission with t(9;22) / - NHL relapsing after transplant / - Bone marrow failure"). A patient has one of them,
    so each item is an alternative."""
    if len(items) < MIN_CANCER_ITEMS or _opening_cancer(context, k) is None:
        return False
    named = [cancer for j in items if (cancer := _opening_cancer(context, j)) is not None]
    return 2 * len(named) > len(items) and len(set(named)) >= MIN_CANCER_ITEMS


def _flat_items(context: DocContext, k: int) -> list[int]:
    """The items of a list written at its header's indentation ("At least one of the following:", then the items
    as sibling bullets or paragraphs) up to criterion `k`, when `k` is one of them; else []. Where such a list ends
    the text does not say: its first `FLAT_ITEMS` are read as its items, and a later item is one of them only while
    neither it nor any item between opens a requirement of its own ("Subjects must have ...", `_own_requirement`)
    or a list of its own (ends in ":"), as the run of risk criteria ending in "Positive for the BRCA1/BRCA2 gene"
    under "at least one of the following criteria:" is."""
    offsets, text = context.offsets, context.text
    column = _column(text, offsets[k].start_char)

    def sibling(j: int) -> bool:
        return offsets[j].section == offsets[k].section and _column(text, offsets[j].start_char) == column

    def header_of(h: int) -> str:
        return text[offsets[h].start_char : offsets[h].end_char].rstrip()

    def offers(h: int) -> bool:
        return header_of(h).endswith(":") and context.cues(h).has("alternatives_header")

    def dedented(h: int) -> bool:
        """Criterion `h` is a header more indented than `k`, with nothing nested under it, its first item right after
        it at `k`'s indentation: the reflow wrote the list's items less indented than the header ("  * At least 1 of
        the following:" then "* Overexpression of cyclin D1")."""
        return (
            offsets[h].section == offsets[k].section
            and _column(text, offsets[h].start_char) > column
            and sibling(h + 1)
            and offers(h)
        )

    for h in range(k - 1, max(-1, k - 1 - FLAT_ITEMS), -1):
        if not sibling(h) and not dedented(h):
            return []
        if offers(h):
            items = [j for j in range(h + 1, min(len(offsets), h + 1 + FLAT_ITEMS)) if sibling(j)]
            return items if k in items and len(items) > 1 else []
    for h in range(k, -1, -1):
        if not sibling(h):
            return list(range(h + 1, k + 1)) if h < k and dedented(h) else []
        if h > k - FLAT_ITEMS and header_of(h).endswith(":"):
            return []
        if header_of(h).endswith(":"):
            return list(range(h + 1, k + 1)) if context.cues(h).has("alternatives_header") else []
        if _own_requirement(context, h):
            return []
    return []


def _own_requirement(context: DocContext, j: int) -> bool:
    """Criterion `j` opens with the patients it asks something of and a modal in its first clause ("Subjects must
    have an ECOG performance status of 0 to 1", "The patient must not have been treated"): a requirement of its
    own, not an item of a list above it."""
    cues, doc = context.cues(j), context.doc
    opening = _opening(doc, cues.span)
    subject = cues.at(opening, "item_subject")
    return subject is not None and bool(cues.in_clause(("modal",), subject.end, cues.clause(subject.end)[1]))


def _subtree(context: DocContext, j: int) -> list[int]:
    """Criterion `j` and the criteria nested under it: those right after it, more indented, in its section."""
    offsets, text = context.offsets, context.text
    column = _column(text, offsets[j].start_char)
    end = j + 1
    while (
        end < len(offsets)
        and offsets[end].section == offsets[j].section
        and _column(text, offsets[end].start_char) > column
    ):
        end += 1
    return list(range(j, end))


def _levels(context: DocContext, k: int) -> list[int]:
    """Criterion `k` and the criteria it is nested under, innermost first; an item of a flat list whose header the
    reflow wrote more indented than its items is nested under that header (`_dedented_header`), the nearer of the
    two above it."""
    chain = [k]
    while (parent := max(_nested(context, chain[-1])[0], _dedented_header(context, chain[-1]))) >= 0:
        chain.append(parent)
    return chain


def _dedented_header(context: DocContext, k: int) -> int:
    """The header of the flat list criterion `k` is an item of, when it is more indented than its items ("    * At
    least 1 of the following:" under "  * Mantle cell lymphoma", then "* Overexpression of cyclin D1"); else -1."""
    items = _flat_items(context, k)
    header = items[0] - 1 if items else -1
    offsets, text = context.offsets, context.text
    if header < 0 or _column(text, offsets[header].start_char) <= _column(text, offsets[k].start_char):
        return -1
    return header


def alternative_items(context: DocContext, facts: list[Biomarker]) -> tuple[list[Biomarker], list[Biomarker]]:
    """Split off the inclusion facts of one item of a list of alternatives, or of a criterion nested under such an
    item ("One of the following: / - CLL / - CD19 and CD5 expression / - Mantle cell lymphoma"), that not every
    item states in its own lines. When every item requires a marker ("one of the following: ER positive / PR
    positive"), the markers are alternatives of one `any_of` group and all stay, unless an item names only what the
    list's header asks of every patient ("CD20 positive lymphoma of the following subtypes:" / "- DLBCL with MYC
    rearrangement" / "- CD20 positive marginal zone lymphoma"): that alternative needs no marker of its own, so
    every item's markers are of one alternative only; when the items each give a kind of the one marker their
    parent requires of any kind ("HER-2 positive" / "- FISH must show gene amplification OR" / "- IHC 3+"), they say
    what its "positive" means and the parent's fact of any kind goes."""
    by_criterion: dict[int, set[tuple]] = {}
    for b in facts:
        by_criterion.setdefault(b.criterion, set()).add((b.gene, b.alteration, b.polarity))
    moved: set[int] = set()
    grouped: dict[int, str] = {}
    defined: set[int] = set()
    for k in by_criterion:
        if context.offsets[k].section != "inclusion":
            continue
        for level in _levels(context, k):
            if _lone_alternative(context, level):
                moved.update(i for i, b in enumerate(facts) if b.criterion == k)
                continue
            nested = _siblings(context, level)
            items = nested or _flat_items(context, level) or _or_lines(context, level)
            if not items:
                continue
            subtrees = [_subtree(context, j) for j in items]
            stated = [set().union(*(by_criterion.get(i, set()) for i in tree)) for tree in subtrees]
            asked = by_criterion.get(_nested(context, level)[0] if nested else items[0] - 1, set())
            own = [facts_of - asked for facts_of in stated]
            if any(own) and not all(own):
                within = {i for tree in subtrees for i in tree}
                kept_keys = asked | set.intersection(*own)
                moved.update(
                    i for i, b in enumerate(facts)
                    if b.criterion in within and (b.gene, b.alteration, b.polarity) not in kept_keys
                )
                continue
            if all(stated) and all(polarity == "required" for facts_of in stated for *_, polarity in facts_of):
                within = {i for tree in subtrees for i in tree}
                grouped.update({i: f"{items[0]}:items" for i, b in enumerate(facts) if b.criterion in within})
                parent = _nested(context, level)[0] if nested else -1
                defined.update(_defined_by_items(facts, parent, set().union(*stated)))
                continue
            shared = set.intersection(*stated)
            moved.update(
                i for i, b in enumerate(facts) if b.criterion == k and (b.gene, b.alteration, b.polarity) not in shared
            )
    kept = [b.model_copy(update={"any_of": grouped[i]}) if i in grouped else b for i, b in enumerate(facts)]
    return (
        [b for i, b in enumerate(kept) if i not in moved and i not in defined],
        [b for i, b in enumerate(kept) if i in moved],
    )


def _lone_alternative(context: DocContext, j: int) -> bool:
    """Criterion `j` is the only item nested under a header that offers alternatives ("One of the following
    histologically confirmed diagnoses:" then "  * Chronic lymphocytic leukaemia"): the others were cut off from it
    by the layout (a stray line at the left margin), so what `j` states holds for one alternative only."""
    parent, items = _nested(context, j)
    if parent < 0 or items != [j]:
        return False
    header = context.text[context.offsets[parent].start_char : context.offsets[parent].end_char].rstrip()
    return header.endswith(":") and context.cues(parent).has("alternatives_header")


def _defined_by_items(facts: list[Biomarker], parent: int, stated: set[tuple]) -> set[int]:
    """The indexes of the parent criterion's required facts of any kind of the one gene its items each give a
    kind of (`stated`: the items' (gene, alteration, polarity)), which the items define."""
    genes = {gene for gene, *_ in stated}
    if parent < 0 or len(genes) != 1 or any(alteration == "any" for _, alteration, _ in stated):
        return set()
    return {
        i
        for i, b in enumerate(facts)
        if b.criterion == parent and b.gene in genes and b.alteration == "any" and b.polarity == "required"
    }


TESTED_KINDS = frozenset({"expression", "amplification"})  # what a test measures: the protein, the gene's copies


def defined_by_nested_items(context: DocContext, facts: list[Biomarker]) -> list[Biomarker]:
    """Drop the required facts of any kind of a gene that a criterion's nested items give a tested kind of
    ("Histologically confirmed HER2-positive breast cancer:" / "- HER2 overexpression defined as 3+ by IHC or a
    ratio >= 2.0 by ISH" / "- HER2-positive on a biopsy sample"): the items say what its "positive" means, in the
    criterion and in each item."""
    by_criterion: dict[int, list[Biomarker]] = {}
    for b in facts:
        by_criterion.setdefault(b.criterion, []).append(b)
    dropped: set[tuple[int, str]] = set()
    for k, own in by_criterion.items():
        loose = {b.gene for b in own if b.alteration == "any" and b.polarity == "required"}
        if not loose:
            continue
        tree = _subtree(context, k)
        tested = {
            b.gene
            for j in tree[1:]
            for b in by_criterion.get(j, ())
            if b.alteration in TESTED_KINDS and b.polarity == "required"
        }
        dropped.update((j, gene) for j in tree for gene in loose & tested)
    loose_facts = {i for i, b in enumerate(facts) if b.alteration == "any" and b.polarity == "required"}
    return [b for i, b in enumerate(facts) if i not in loose_facts or (b.criterion, b.gene) not in dropped]


def unknown_allowed_beside(context: DocContext, facts: list[Biomarker]) -> tuple[list[Biomarker], list[Biomarker]]:
    """Split off the required facts of an item whose sibling item opens by allowing an unknown status and names
    no marker ("Hormone receptor status:" / "- Estrogen or progesterone receptor positive" / "- Unknown status
    allowed if ..."): the marker may be positive or unknown, so it is no requirement."""
    if not facts:
        return facts, []
    marked = context.ents(_MARKER_LABELS)
    allowing: dict[int, bool] = {}

    def allows_unknown(j: int) -> bool:
        if j not in allowing:
            cues, doc = context.cues(j), context.doc
            i = cues.span.start
            while i < cues.span.end and (doc[i].is_space or doc[i].is_punct):
                i += 1
            cue = cues.at(i, "unknown_status")
            allowing[j] = (
                cue is not None
                and doc[cue.start].lower_ != "status"
                and any(t.lower_ == "status" for t in doc[cue.end : cue.end + UNKNOWN_STATUS_REACH])
                and cues.has("allowance")
                and j not in marked
            )
        return allowing[j]

    moved = {
        i
        for i, b in enumerate(facts)
        if b.polarity == "required"
        and any(j != b.criterion and allows_unknown(j) for j in _nested(context, b.criterion)[1])
    }
    return [b for i, b in enumerate(facts) if i not in moved], [b for i, b in enumerate(facts) if i in moved]


def uncertain(facts: list[Biomarker], reason: Uncertainty) -> list[UncertainFact]:
    return [UncertainFact(reason=reason, biomarker=f, criterion=f.criterion, span=f.span) for f in facts]


def shared_by_cohorts(facts: list[UncertainFact], labelled: dict[str, dict[int, str]]) -> list[Biomarker]:
    """The cohort facts every cohort label of their section states (two different labels at least): requirements of
    all. Criteria repeating one label ("For patients with oropharyngeal cancer only: ..." twice) name one cohort.

    `labelled` holds, per section, the criteria that open with a cohort label, each with its label."""
    seen: dict[tuple, set[int]] = {}
    for u in facts:
        if u.reason == "cohort" and u.biomarker is not None:
            b = u.biomarker
            seen.setdefault((b.gene, b.alteration, b.variant, b.polarity), set()).add(b.criterion)
    shared = {key for key, where in seen.items()
              if any(len(set(c.values())) > 1 and set(c) <= where for c in labelled.values())}
    return [
        u.biomarker
        for u in facts
        if u.reason == "cohort" and u.biomarker is not None
        and (u.biomarker.gene, u.biomarker.alteration, u.biomarker.variant, u.biomarker.polarity) in shared
    ]


def cohort_conflicts(
    facts: list[Biomarker], sections: dict[int, str], others: list[Biomarker]
) -> tuple[list[Biomarker], list[Biomarker]]:
    """Split off the markers one inclusion criterion requires and another excludes, counting the uncertain facts
    (`others`) too: they define cohorts ("stage IIA without N-myc amplification" … "stage II with amplified
    N-myc")."""
    polarities: dict[tuple, set[str]] = {}
    for b in facts + others:
        if sections.get(b.criterion) == "inclusion":
            polarities.setdefault((b.gene, b.alteration, b.variant), set()).add(b.polarity)
    conflicting = {key for key, pols in polarities.items() if len(pols) > 1}
    kept = [b for b in facts if (b.gene, b.alteration, b.variant) not in conflicting]
    moved = [b for b in facts if (b.gene, b.alteration, b.variant) in conflicting]
    return kept, moved


def subtype_exclusions(facts: list[Biomarker], sections: dict[int, str]) -> list[Biomarker]:
    """The facts without the markers an exclusion criterion excludes while an inclusion criterion requires them
    ("Philadelphia chromosome positive CML" … "Exclusion: lymphoid Ph+ blast crisis"): such an exclusion is of a
    subtype the marker only describes, since excluding the marker itself would leave no one to enrol."""
    required = {
        (b.gene, b.alteration, b.variant)
        for b in facts
        if b.polarity == "required" and sections.get(b.criterion) == "inclusion"
    }
    return [
        b
        for b in facts
        if not (
            b.polarity == "excluded"
            and sections.get(b.criterion) == "exclusion"
            and (b.gene, b.alteration, b.variant) in required
        )
    ]
