"""The `tm_cns` component: are CNS (brain, leptomeningeal) metastases allowed — yes, stable only, or no?

    >>> from nlp.pipeline import get_nlp
    >>> doc = get_nlp()("Exclusion Criteria:\\n* Active or untreated brain metastases")
    >>> doc._.facts["cns_metastases"].allowed
    'stable_only'

Each criterion naming CNS metastases (CNS entities from `nlp/patterns/cns.jsonl`) gives a verdict:
- exclusion of plain mentions ("known brain metastases") → `no`;
- exclusion qualified by activity ("active", "untreated", "symptomatic", "progressive") → `stable_only`:
  a patient whose metastases are treated and stable passes such a criterion (our documented convention);
- an allowance or exception for treated/stable disease ("treated, stable brain metastases are allowed",
  "... except stable, treated lesions") → `stable_only`, in either section;
- inclusion that requires or allows CNS metastases without qualifiers → `yes`; negated inclusion ("no
  brain metastases") → `no`, or `stable_only` when only active ones are ruled out;
- an allowance under a condition ("brain metastases allowed if: ...", "brain lesions eligible provided no rapidly
  progressive CNS metastases") → `stable_only`, the conditional value; ruling out untreated or unresponsive
  disease ("no inadequately treated CNS metastases", "no CNS disease that has not responded") is an activity
  qualifier (`cns_active` cues);
- a negation opening a criterion's comma list ("No history of A, B, ..., or CNS disease") reaches every item of it.
A criterion gives no verdict (abstains) when it names CNS metastases as the site of a procedure ("No prior surgery
involving brain metastases": `cns_procedure` cues just before the mention), when it names CNS disease as the only site
of disease ("No CNS disease only": patients with CNS and other disease are not spoken of; `cns_sole_site` cues right
after the mention) or as a cohort's label ("Patients without brain metastases: ..."; `cns_cohort_label` cues, a colon
after the mention with the cohort's criteria after it, and no CNS cue after the colon).
A criterion naming only leptomeningeal disease (pattern id `leptomeningeal metastases`; "brain or leptomeningeal
..." names both) decides only when no criterion names brain or other CNS metastases: it does not speak of them.
The trial's answer: an explicit stable-disease allowance wins, else any `no`, else `stable_only` from an
activity qualifier, else `yes`; `criterion` is the index of the deciding criterion.
A trial whose diseases are known and none a cancer keeps the answer only when its criterion names metastases
(`for_a_cancer`; the `metastasis` words of `nlp/vocab/cns_words.jsonl`): "structural brain lesions" in a
Parkinson's disease trial, "central nervous system disease" in a vasculitis trial are other brain disease.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from nlp.diseases import is_cancer
from nlp.models import CnsAllowance, CnsMetastases, TrialCriteria
from nlp.polarity import FORWARD_WINDOW, Cues, cue_finder, doc_context
from nlp.resources import read_vocab
from nlp.sections import add_kind

ACTIVE_REACH = 5
LABEL_REACH = 4  # tokens from a mention to the colon ending the cohort label it opens
_CNS_LABELS = frozenset({"CNS"})
# words before a mention making it the object of what is allowed ("resection of brain metastases allowed")
_OBJECT_WORDS = frozenset(row["word"] for row in read_vocab("cns_words.jsonl") if row["kind"] == "object_of")
_METASTASES = re.compile(
    r"\b(?:" + "|".join(re.escape(r["word"]) for r in read_vocab("cns_words.jsonl") if r["kind"] == "metastasis")
    + ")", re.I)
_LEPTOMENINGEAL = "leptomeningeal metastases"
_CNS_CUES = ("cns_stable", "cns_active", "allowance", "exclusion_phrase")
# verdicts by strength when criteria disagree: the lowest rank decides
_RANK = {("stable_only", True): 0, ("no", False): 1, ("stable_only", False): 2, ("yes", False): 3}


class CnsExtractor:
    """Writes `doc._.facts["cns_metastases"]` (CnsMetastases)."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.cue_finder = cue_finder(nlp)

    def __call__(self, doc: Doc) -> Doc:
        context = doc_context(doc, self.cue_finder)
        verdicts: list[tuple[int, int, CnsAllowance]] = []
        meninges_only: list[tuple[int, int, CnsAllowance]] = []
        for k, ents in context.ents(_CNS_LABELS).items():
            cues = context.cues(k)
            ents = [e for e in ents if not _sole_site(cues, e) and not _cohort_label(cues, e)
                    and not _procedure_on(cues, e)]
            if not ents:
                continue
            allowed, explicit = _verdict(cues, cues.span, ents)
            found = meninges_only if all(e.ent_id_ == _LEPTOMENINGEAL for e in ents) else verdicts
            found.append((_RANK[(allowed, explicit)], k, allowed))
            add_kind(doc, k, "cns_metastases")
        verdicts = verdicts or meninges_only
        if verdicts:
            _, k, allowed = min(verdicts)
            context.facts["cns_metastases"] = CnsMetastases(allowed=allowed, criterion=k)
        else:
            context.facts["cns_metastases"] = CnsMetastases()
        return doc


def _verdict(cues: Cues, span: Span, ents: list[Span]) -> tuple[CnsAllowance, bool]:
    """(allowed, explicit stable allowance) for one criterion mentioning CNS metastases."""
    ent = ents[0]
    active = any(
        (c.end <= e.start and e.start - c.end <= ACTIVE_REACH) or (c.start >= e.end and c.start - e.end <= ACTIVE_REACH)
        for e in ents
        for c in cues.in_clause(("cns_active",), *cues.clause(e.start))
    )
    active_words = [c for c in cues.items if c.kind == "cns_active"]
    stable = any(
        c.kind == "cns_stable" and not any(a.start <= c.start and c.end <= a.end for a in active_words)
        for c in cues.items
    )
    allowance = cues.has("allowance") or any(c.start >= ent.end for c in cues.items if c.kind == "exception")
    negated = _negated(cues, ent, span.label_)
    if stable and (allowance or span.label_ == "inclusion" and not negated):
        return "stable_only", True
    if span.label_ == "exclusion":
        if negated:
            return "yes", False
        return ("stable_only", False) if active else ("no", False)
    if negated:
        return ("stable_only", False) if active else ("no", False)
    if active and any(_negated(cues, e, span.label_) for e in ents[1:]):
        return "stable_only", False
    if _conditional_allowance(cues, ent):
        return "stable_only", False
    return "yes", False


def _conditional_allowance(cues: Cues, ent: Span) -> bool:
    """The mention is allowed under a condition: an `allowance` cue within `ACTIVE_REACH` tokens after it, then a
    `post_condition` cue within `ACTIVE_REACH` tokens after that ("brain metastases allowed if: ...", "are allowed
    unless ..."); not when the mention is the object of what is allowed ("resection of brain metastases allowed
    (provided ...)": an `object_of` word of `nlp/vocab/cns_words.jsonl` just before it)."""
    doc = cues.span.doc
    before = ent.start - 1
    while before > cues.span.start and doc[before].is_space:
        before -= 1
    if before >= cues.span.start and doc[before].lower_ in _OBJECT_WORDS:
        return False
    return any(
        a.kind == "allowance"
        and ent.end <= a.start <= ent.end + ACTIVE_REACH
        and any(c.kind == "post_condition" and a.start <= c.start <= a.end + ACTIVE_REACH for c in cues.items)
        for a in cues.items
    )


def _negated(cues: Cues, ent: Span, section: str) -> bool:
    """Whether a mention is negated in its clause, also by a negation opening the clause's comma list ("No history
    of A, B, ..., or CNS disease"), however far before the mention."""
    doc = cues.span.doc
    start = _first_word(doc, cues.clause(ent.start)[0], ent.start)
    opening = cues.at(start, "negation_forward")
    window = FORWARD_WINDOW
    if opening is not None and any(doc[i].text == "," for i in range(opening.end, ent.start)):
        window = max(window, ent.start - opening.end)
    return cues.negated(ent.start, ent.end, section, window=window)


def _sole_site(cues: Cues, ent: Span) -> bool:
    """The mention names CNS disease as the only site of disease ("No CNS disease only"): a `cns_sole_site` cue
    right after it ends its clause or is followed by punctuation."""
    doc = cues.span.doc
    _, clause_end = cues.clause(ent.start)
    for cue in cues.in_clause(("cns_sole_site",), ent.end, clause_end):
        if cue.start != ent.end:
            continue
        after = _first_word(doc, cue.end, clause_end)
        if after >= clause_end or doc[after].is_punct:
            return True
    return False


def _procedure_on(cues: Cues, ent: Span) -> bool:
    """The mention is the site of a procedure named just before it (`cns_procedure` cues: "No prior surgery
    involving brain metastases", "radiosurgery to brain metastases"): the criterion rules on the procedure, and says
    nothing of whether the patient may have the metastases; unless it allows the procedure ("Concurrent radiotherapy
    for brain metastases allowed"), which admits patients who have them."""
    if cues.has("allowance"):
        return False
    doc = cues.span.doc
    before = ent.start
    while before > cues.span.start and doc[before - 1].is_space:
        before -= 1
    return cues.ending_at(before, "cns_procedure") is not None


def _cohort_label(cues: Cues, ent: Span) -> bool:
    """The mention is in a label naming a cohort by its CNS status ("Patients without brain metastases: At least one
    measurable lesion"): a `cns_cohort_label` cue opens the clause before it, a colon follows within
    `LABEL_REACH` tokens with the cohort's own criteria after it (a colon ending the criterion opens a list of
    qualifiers: "Patients with CNS metastases which are:"), and no CNS cue after the colon speaks of the mention."""
    doc = cues.span.doc
    start, end = cues.clause(ent.start)
    start = _first_word(doc, start, ent.start)
    opener = cues.at(start, "cns_cohort_label")
    if opener is None or opener.end > ent.start:
        return False
    colon = next((i for i in range(ent.end, min(ent.end + LABEL_REACH, end)) if doc[i].text == ":"), None)
    if colon is None or all(doc[i].is_space for i in range(colon + 1, end)):
        return False
    return not cues.in_clause(_CNS_CUES, colon, end)


def _first_word(doc: Doc, start: int, end: int) -> int:
    """The first token at or after `start` (before `end`) that is not whitespace; `end` when none is."""
    while start < end and doc[start].is_space:
        start += 1
    return start


def for_a_cancer(facts: TrialCriteria) -> TrialCriteria:
    """`facts` without the CNS metastases answer when the trial's diseases are known, none is a cancer, and the
    deciding criterion names no metastases: it speaks of other brain disease."""
    cns, terms = facts.cns_metastases, facts.diseases.terms
    if cns.criterion is None or not terms or any(is_cancer(t.id) for t in terms):
        return facts
    if _METASTASES.search(facts.criteria[cns.criterion].text):
        return facts
    facts.cns_metastases = CnsMetastases()
    for criterion in facts.criteria:
        if not _METASTASES.search(criterion.text):
            criterion.kinds = [k for k in criterion.kinds if k != "cns_metastases"]
    return facts


@Language.factory("tm_cns", default_config={})
def make_cns(nlp: Language, name: str) -> CnsExtractor:
    return CnsExtractor(nlp, name)
