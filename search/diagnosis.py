"""The diagnosis criterion: is the trial for the patient's disease?

    >>> found = understand(["metastatic colorectal adenocarcinoma"])
    >>> describe(found[0])
    'metastatic colorectal adenocarcinoma → colorectal adenocarcinoma'
    >>> verdict = diagnosis_verdict(document, found)                  # doctest: +SKIP
    >>> verdict.status, verdict.explanation                           # doctest: +SKIP
    ('not_met', 'trial is for breast cancer; the patient has colorectal adenocarcinoma')

The patient's conditions map to disease terms with `nlp.diseases` (`understand`); the trial's deciding terms were
read at indexing time (`nlp.trial_diseases`, `TrialCriteria.diseases`). The verdict, for the best of the patient's
conditions (a patient with several conditions is matched on any of them):

- met: the patient's term is one of the trial's or lies below one (trial "lung cancer", patient NSCLC), or the
  trial is a basket (solid tumour, any cancer) the patient's disease falls in;
- not_met: every disease the trial names is disjoint from the patient's (breast vs colorectal), or the trial
  enrols people without the disease (screening, prevention of the disease itself), or the patient's tumour of the
  central nervous system and the trial's are stated at sites that contradict (a note's "anaplastic astrocytoma of the
  spine", a trial's "supratentorial malignant primary glioma": `nlp.sites`, `DiseaseFacts.sites`; a site stated on
  one side only decides nothing);
- unknown: either side names no known disease, or the patient's term is broader than the trial's (patient "lung
  cancer", trial NSCLC: ask), or only a condition of the patient's past fits ("history of stroke", a `Diagnosis`
  marked historical, against a stroke trial: whether it takes a past stroke, or one within 90 days, is asked), or
  the trial lists a family beside a kind of it ("Non-Hodgkin Lymphoma; Small Lymphocytic Lymphoma":
  `DiseaseFacts.families`) and the patient has another kind of the family (DLBCL): the registry does not say
  whether the trial takes the family or the kind only.

Each verdict quotes what it rests on: the registry conditions, the title or the criterion that states the disease.
For ranking, `names_the_disease` tells a trial for the patient's disease (or a term above or below it) from a basket
whose keywords list it among the kinds it takes, and both from one the patient fits only as a basket;
`for_a_kind_of_it` tells a trial for a narrower kind of the patient's disease (the unknown verdict that asks).

Beside it, `excluded_verdicts` gives one not_met verdict per criterion that excludes, in so many words, a disease the
patient has (`TrialCriteria.diseases.excluded`, read by `nlp.trial_diseases`: "Subjects suffering from multiple
myeloma"): the patient's term is the excluded one, or a named kind of it: below it, its name holding the excluded
term's name ("type 2 diabetes mellitus" under "diabetes mellitus"), the criterion naming the excluded term by no
narrower words (not "acute hepatitis", an ontology synonym of hepatitis), and the excluded term having at most
MAX_EXCLUDED_BREADTH narrower terms (a mitral valve prolapse is not ruled out by "heart disease", which names too many
conditions to be sure the criterion means it). An excluded disease the patient is not known to have gives no
verdict: the profile lists what the patient has, not all they do not have. A condition of the patient's past
("history of hepatitis", "asthma in childhood": a history cue of `nlp/vocab/note_cues.jsonl`, as a note's reading
writes it) is ruled out only by a criterion that excludes a history too ("History of hepatitis", "Prior hepatitis");
"Hepatitis" alone may mean the disease now, so it gives no verdict.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from nlp import diseases, sites
from nlp.models import DiseaseSite, DiseaseTerm
from nlp.notes.context import states_history
from search.models import CriterionVerdict, IndexDocument, VerdictStatus

_RANK = {"met": 2, "unknown": 1, "not_met": 0}
_STATUS: dict[str, VerdictStatus] = {"met": "met", "unknown": "unknown", "not_met": "not_met"}
MAX_EXCLUDED_BREADTH = 20  # narrower terms an excluded term may have and still rule out a patient with one of them


@dataclass(frozen=True)
class Diagnosis:
    """One of the patient's conditions as written, and the disease terms it was understood as (none: unmapped)."""

    text: str
    ids: tuple[str, ...]
    names: tuple[str, ...]
    historical: bool = False  # the condition is the patient's past ("history of hepatitis")
    sites: frozenset[str] = frozenset()  # the sites the condition is stated at (`nlp.sites`: "of the spine")


@lru_cache(maxsize=1024)
def _understand_one(text: str) -> Diagnosis:
    matches = diseases.map_condition(text)
    kept = diseases.most_specific([m.id for m in matches])
    at = sites.narrowest(sites.named_sites(text)) if any(sites.applies_to(i) for i in kept) else frozenset()
    return Diagnosis(text, tuple(kept), tuple(diseases.term(i).name for i in kept), states_history(text), at)


def understand(conditions: Sequence[str]) -> list[Diagnosis]:
    """Each condition with its terms ("metastatic colorectal adenocarcinoma" → colorectal adenocarcinoma)."""
    return [_understand_one(" ".join(c.split())) for c in conditions if c.strip()]


def describe(diagnosis: Diagnosis) -> str:
    """The line the user sees: "metastatic colorectal adenocarcinoma → colorectal adenocarcinoma"."""
    if not diagnosis.ids:
        return f"{diagnosis.text} → not recognised (matched on its words only; the diagnosis criterion stays unknown)"
    return f"{diagnosis.text} → {', '.join(diagnosis.names)}"


def broader_and_narrower(found: Sequence[Diagnosis]) -> tuple[list[str], list[str]]:
    """Term ids a trial for the patient's disease may list: the patient's terms and every term above them (met
    when the trial lists one), and every term below them (unknown: the trial may take a narrower disease)."""
    own = {i for d in found for i in d.ids}
    above = set(own)
    below: set[str] = set()
    for term_id in own:
        above |= diseases.ancestors(term_id)
        if not diseases.is_basket(term_id):
            below |= diseases.descendants(term_id)
    return sorted(above), sorted(below - above)


def _quote(doc: IndexDocument, term: DiseaseTerm | DiseaseSite | None) -> tuple[str, tuple[int, int] | None]:
    """What a verdict rests on: the criterion that states the disease, or the registry field that names it."""
    criteria = doc.facts.criteria
    if term is not None and term.source == "sentence" and term.criterion is not None \
            and 0 <= term.criterion < len(criteria):
        return criteria[term.criterion].text, criteria[term.criterion].span
    source = term.source if term is not None else "condition"
    if source == "title":
        return f"title: {doc.title}", None
    if source == "keyword":
        return f"keywords: {term.text if term else ''}", None
    return f"conditions: {'; '.join(doc.conditions) or 'none listed'}", None


def _names(terms: Sequence[DiseaseTerm]) -> str:
    return ", ".join(dict.fromkeys(t.name for t in terms))


@lru_cache(maxsize=65536)
def _judge(patient_id: str, trial_ids: tuple[str, ...]) -> diseases.Relation:
    """`nlp.diseases.judge`, remembered: many trials name the same terms."""
    return diseases.judge(patient_id, trial_ids)


def diagnosis_verdict(doc: IndexDocument, found: Sequence[Diagnosis],
                      absent: Sequence[Diagnosis] = ()) -> CriterionVerdict:
    """The `diagnosis` criterion of `doc` for a patient whose conditions were `understand`-ed as `found` and whose
    conditions stated absent (`PatientProfile.absent_conditions`) as `absent`."""
    facts = doc.facts.diseases
    mapped = [d for d in found if d.ids]
    first = facts.terms[0] if facts.terms else None
    text, span = _quote(doc, first)
    if facts.enrols == "without_disease" and found:
        what = _names(facts.terms) or "the disease it studies"
        has = ", ".join(n for d in mapped for n in d.names) or ", ".join(d.text for d in found)
        return CriterionVerdict(
            kind="diagnosis", status="not_met", criterion=text, span=span,
            explanation=f"trial enrols people without {what} (screening or prevention); the patient has {has}")
    lacking = _absent_verdict(doc, absent, text, span)
    if lacking is not None and not any(_judge(i, tuple(t.id for t in facts.terms)).verdict == "met"
                                       for d in mapped for i in d.ids):
        return lacking  # every disease the trial is for is one the patient lacks, and none of theirs fits
    if not found:
        return CriterionVerdict(kind="diagnosis", status="unknown", criterion=text, span=span,
                                explanation="the patient profile gives no diagnosis")
    if not mapped:
        unmapped = ", ".join(repr(d.text) for d in found)
        return CriterionVerdict(kind="diagnosis", status="unknown", criterion=text, span=span,
                                explanation=f"the patient's diagnosis {unmapped} is not a disease trialmatch knows")
    if not facts.terms:
        return CriterionVerdict(kind="diagnosis", status="unknown", criterion=text, span=span,
                                explanation="the trial names no disease trialmatch knows")
    trial_ids = tuple(t.id for t in facts.terms)
    judged = [(d, i, _judge(i, trial_ids)) for d in mapped for i in d.ids]
    best = max((r for _d, _i, r in judged), key=lambda r: _RANK[r.verdict])
    if best.verdict == "not_met":
        asked = _family_verdict(doc, mapped)
        if asked is not None:
            return asked
    elsewhere = _site_verdict(doc, [(d, i) for d, i, r in judged if r.verdict == "met"])
    if elsewhere is not None:
        return elsewhere
    decided = next((t for t in facts.terms if t.id == best.trial), first)
    text, span = _quote(doc, decided)
    past = [d for d, _i, r in judged if r.verdict == "met"]
    if best.verdict == "met" and all(d.historical for d in past):
        reason = best.reason.split(";")[0]
        return CriterionVerdict(kind="diagnosis", status="unknown", criterion=text, span=span,
                                explanation=f"{reason}; the patient has a {past[0].text}, of the past: ask whether "
                                            "the trial takes it")
    return CriterionVerdict(kind="diagnosis", status=_STATUS[best.verdict], criterion=text, span=span,
                            explanation=best.reason)


def _site_verdict(doc: IndexDocument, met: Sequence[tuple[Diagnosis, str]]) -> CriterionVerdict | None:
    """not_met when each of the patient's terms the trial is for (`met`: the condition and the term) is stated at a
    site that contradicts the sites the trial states for that disease (`nlp.sites.contradict`: an anaplastic
    astrocytoma of the spine, a trial for supratentorial malignant glioma); None when one is stated at no site, the
    trial states none, or the two agree (a brainstem glioma, a trial for brain tumours)."""
    found: tuple[Diagnosis, list[DiseaseSite]] | None = None
    for diagnosis, term_id in met:
        stated = [s for s in doc.facts.diseases.sites if diseases.is_within(term_id, s.id)
                  or diseases.is_within(s.id, term_id)] if diagnosis.sites else []
        if not sites.contradict(diagnosis.sites, [s.sites for s in stated]):
            return None
        found = found or (diagnosis, stated)
    if found is None:
        return None
    diagnosis, stated = found
    decided = min((s for s in stated if sites.contradict(diagnosis.sites, [s.sites])),
                  key=lambda s: s.criterion is None)
    text, span = _quote(doc, decided)
    return CriterionVerdict(kind="diagnosis", status="not_met", criterion=text, span=span,
                            explanation=f"trial is for {decided.name} of the {_and(sorted(decided.sites))} site; "
                                        f"the patient's {diagnosis.text} is of the {_and(sorted(diagnosis.sites))} "
                                        "site")


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


def _absent_verdict(doc: IndexDocument, absent: Sequence[Diagnosis], text: str,
                    span: tuple[int, int] | None) -> CriterionVerdict | None:
    """not_met when every disease `doc` is for is one the patient is stated not to have, or lies below one (trial
    for type 2 diabetes, "no diabetes mellitus"); None otherwise, and for a trial enrolling people without it."""
    facts = doc.facts.diseases
    if not facts.terms or facts.enrols == "without_disease":
        return None
    lacks = [next((name for d in absent for i, name in zip(d.ids, d.names, strict=True)
                   if diseases.is_within(t.id, i)), None) for t in facts.terms]
    if any(name is None for name in lacks):
        return None
    return CriterionVerdict(kind="diagnosis", status="not_met", criterion=text, span=span,
                            explanation=f"trial is for {_names(facts.terms)}; the patient is stated not to have "
                                        f"{', '.join(dict.fromkeys(n for n in lacks if n))}")


def names_the_disease(doc: IndexDocument, found: Sequence[Diagnosis]) -> int:
    """How the trial names the patient's disease, a term above it or a term below it, a basket (solid tumour, cancer,
    carcinoma) aside: 2 among the terms that decide (conditions, title, a criterion); 1 only among the cancers a
    basket's keywords list (`DiseaseFacts.listed`: one of dozens, weaker evidence); 0 not at all, the patient fits
    only as a basket: a trial for any cancer, not for theirs."""
    ids = [i for d in found for i in d.ids]
    facts = doc.facts.diseases
    for level, terms in ((2, facts.terms), (1, facts.listed)):
        if any(not diseases.is_basket(t.id) and (diseases.is_within(i, t.id) or diseases.is_within(t.id, i))
               for t in terms for i in ids):
            return level
    return 0


def for_a_kind_of_it(doc: IndexDocument, found: Sequence[Diagnosis]) -> bool:
    """Whether a term that decides the trial's diagnosis lies strictly below one of the patient's, a basket aside: a
    trial for NSCLC for a patient with lung cancer, whose verdict asks whether their lung cancer is that kind."""
    ids = [i for d in found for i in d.ids]
    return any(not diseases.is_basket(t.id) and t.id != i and diseases.is_within(t.id, i)
               for t in doc.facts.diseases.terms for i in ids)


def rests_on_primary(doc: IndexDocument, found: Sequence[Diagnosis], verdict: CriterionVerdict) -> bool:
    """Whether the patient's primary diagnosis alone, the first condition that maps to a term (a note's reading and
    the form put it first), gives `doc` the diagnosis `verdict` all of `found` gave: a trial for the lung cancer of a
    patient with lung cancer and hypertension, not one for the hypertension."""
    primary = next((d for d in found if d.ids), None)
    if primary is None:
        return False
    # one condition: `verdict` is already its verdict (no second judgement on the hot path)
    return len(found) == 1 or diagnosis_verdict(doc, [primary]).status == verdict.status


def _family_verdict(doc: IndexDocument, mapped: Sequence[Diagnosis]) -> CriterionVerdict | None:
    """Unknown for a patient in a family the trial lists beside a kind of it (`DiseaseFacts.families`) but outside
    that kind: the trial may take the whole family. None when the patient is in no such family."""
    facts = doc.facts.diseases
    for family in facts.families:
        has = next((name for d in mapped for i, name in zip(d.ids, d.names, strict=True)
                    if diseases.is_within(i, family.id)), None)
        if has is None:
            continue
        kinds = _names([t for t in facts.terms if diseases.is_within(t.id, family.id)])
        text, span = _quote(doc, family)
        return CriterionVerdict(
            kind="diagnosis", status="unknown", criterion=text, span=span,
            explanation=f"the trial lists {family.name} and {kinds}, a kind of it; the patient has {has}, another "
                        f"kind of {family.name}: ask whether the trial takes it")
    return None


def _words(text: str) -> set[str]:
    return set(diseases.normalize(text).split())


def _has(patient_id: str, excluded: DiseaseTerm) -> bool:
    """Whether a patient with `patient_id` has the excluded disease for certain (see the module docstring)."""
    if patient_id == excluded.id:
        return True
    narrow = len(diseases.descendants(excluded.id)) <= MAX_EXCLUDED_BREADTH
    if not narrow or not diseases.is_within(patient_id, excluded.id):
        return False
    named = _words(diseases.term(excluded.id).name)
    return _words(excluded.text) <= named <= _words(diseases.term(patient_id).name)


def excluded_verdicts(doc: IndexDocument, found: Sequence[Diagnosis]) -> list[CriterionVerdict]:
    """One not_met verdict per criterion of `doc` that excludes a disease the patient has."""
    verdicts: list[CriterionVerdict] = []
    judged: set[int | None] = set()
    for term in doc.facts.diseases.excluded:
        if term.criterion in judged:
            continue
        text, span = _quote(doc, term)
        history = states_history(text)
        has = next(((name, d.historical) for d in found if history or not d.historical
                    for i, name in zip(d.ids, d.names, strict=True) if _has(i, term)), None)
        if has is None:
            continue
        judged.add(term.criterion)
        name, past = has
        what = term.name if name == term.name else f"{name}, a kind of {term.name}"
        verdicts.append(CriterionVerdict(kind="diagnosis", status="not_met", criterion=text, span=span,
                                         explanation=f"trial excludes {term.name}; the patient has "
                                                     f"{'a history of ' if past else ''}{what}"))
    return verdicts
