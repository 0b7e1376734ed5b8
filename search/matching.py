"""Match a patient to trials: candidates from the backend, verdicts in Python, one ranking for all backends.

    >>> results = match_patient(load_patient("patient.json"), open_backend(settings), top=5)  # doctest: +SKIP
    >>> results[0].nct_id, results[0].verdict                                               # doctest: +SKIP
    ('NCT04879121', 'potentially_eligible')

Conditions and genes are relevance signals, never hard filters, so a tumour-agnostic basket trial is
found through its biomarker. Candidates also come by the patient's disease terms (`search.diagnosis`): trials
whose deciding terms are the patient's, a cancer above them, below them, or a basket the disease falls in (a "colon
cancer" patient finds "colorectal neoplasms" trials; an "obesity" patient finds the trial titled "... in Obese
Women"; the broad terms above a non-cancer disease, "nervous system disease", retrieve nothing). Status, age, sex
and location prefilter the candidates (age and sex only when ineligible trials are not wanted); when fewer
potentially eligible trials than `top` come back, a second, deeper retrieval (at most DEEP_CANDIDATES) follows.
Unless ineligible trials are wanted, a candidate is judged only up to its first kind of criterion not met (about half
the candidates of a match fail one, a fifth the diagnosis): the rest of its verdicts and its score could not change
the results.

Ranking in tiers: potentially eligible with the diagnosis met, or unknown only in that the trial is for a kind of
the patient's disease and requires a gene the patient is positive for (a lung cancer patient's HER2-positive NSCLC
trial: the verdict still asks); potentially eligible with the diagnosis otherwise unknown; then not eligible. Within
a tier: open before closed; then biomarker specificity (a requirement naming the patient's very variant > exact
alteration and threshold > an `any` alteration > a required gene the patient carries, kind not known to fit > the
patient's gene named only in the trial's text, criteria included > no biomarker named > biomarker not shown); then a
diagnosis verdict the primary diagnosis (the first condition) gives alone before one only a comorbidity gives
(`search.diagnosis.rests_on_primary`: a lung cancer patient's lung cancer trials before trials for the hypertension
the note also names); then a trial that names the patient's disease, a term above it or below it, before a basket
whose keywords list it among dozens of kinds taken (`DiseaseFacts.listed`), before one the patient fits only as a
basket (solid tumour, cancer: a trial for any cancer, "Paclitaxel Plus Topotecan in Treating Patients With Solid
Tumors", is not for a liposarcoma as a liposarcoma trial is); then met criteria minus the questions left open: the
kinds of unknown criteria, each kind counted once (the treatment history answers every prior-therapy unknown at
once, the molecular report every biomarker one: a trial with three prior-therapy unknowns asks one question, one
with unknown performance status and brain metastases two); then text relevance.
With a location (resolved first: `search.geo.place_patient`), only trials with a site within the radius are
candidates, unless `include_unlocated` also asks for those that list no site location; each result then
carries its nearest site and distance. Every result carries the trial's contacts.
Nothing about the patient is logged or written anywhere.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import cache

from core.statuses import OPEN_STATUSES
from nlp.diseases import is_basket, is_cancer
from nlp.vocab import gene_aliases
from search.backend import Backend, Hit, Retrieval
from search.diagnosis import (
    Diagnosis,
    broader_and_narrower,
    diagnosis_verdict,
    excluded_verdicts,
    for_a_kind_of_it,
    names_the_disease,
    rests_on_primary,
    understand,
)
from search.fields import content_words, tokens
from search.geo import nearest_site, trial_contacts
from search.models import CriterionVerdict, IndexDocument, MatchResult, PatientProfile
from search.verdicts import evaluate, same_variant

DEFAULT_STATUSES: tuple[str, ...] = OPEN_STATUSES
MIN_CANDIDATES = 40
REQUIRED_GENE = 3  # biomarker specificity from which the trial requires a gene the patient is positive for
DEEP_CANDIDATES = 1000
log = logging.getLogger(__name__)


def _request(patient: PatientProfile, statuses: Sequence[str] | None, size: int, prefilter: bool,
             found_diseases: Sequence[Diagnosis] = ()) -> Retrieval:
    found = [b for b in patient.biomarkers if b.status == "positive"]  # a negative result boosts nothing
    above, below = broader_and_narrower(found_diseases)
    own = {i for d in found_diseases for i in d.ids}
    return Retrieval(
        # the words that say something: a function word of a condition ("Quality of Life in Advanced Cancer") is in
        # nearly every trial's text, so it hardly ranks, and its long postings are the slowest part of the query
        text=" ".join(content_words(" ".join([*patient.conditions, patient.search_text or ""]))),
        gene_text=" ".join(word for b in found for word in gene_words(b.gene)),
        # the patient's own terms, and the cancers above them; a non-cancer term's ancestors ("nervous system
        # disease") are too broad to retrieve by
        diseases=[i for i in above if not is_basket(i) and (is_cancer(i) or i in own)],
        disease_baskets=[i for i in above if is_basket(i)],
        narrower_diseases=below,
        genes=list(dict.fromkeys(b.gene for b in found)),
        gene_alterations=list(dict.fromkeys((b.gene, b.alteration) for b in found)),
        prefer_statuses=list(OPEN_STATUSES),
        statuses=list(statuses) if statuses is not None else None,
        age=patient.age if prefilter else None,
        sex=patient.sex.upper() if prefilter and patient.sex else None,
        location=patient.location,
        size=size,
    )


@cache
def _gene_words() -> dict[str, tuple[str, ...]]:
    """HGNC symbol → its one-word names in lower case ("ERBB2" → erbb2, her2, neu ...)."""
    words: dict[str, list[str]] = {}
    for alias, symbol in gene_aliases().items():
        found = tokens(alias)
        if len(found) == 1 and len(found[0]) > 2:
            words.setdefault(symbol, []).append(found[0])
    return {symbol: tuple(dict.fromkeys(found)) for symbol, found in words.items()}


def gene_words(symbol: str) -> tuple[str, ...]:
    """The words a trial's text may name gene `symbol` by: the symbol and its one-word aliases."""
    return _gene_words().get(symbol, ()) or (symbol.lower(),)


def score_of(tier: int, open_: bool, specificity: int, primary: bool, for_the_disease: int, met: int,
             asked: int, relevance: float) -> float:
    """One number that orders results exactly as the ranking rules do (tier 2, 1 or 0; specificity 0-6;
    for_the_disease 2, 1 or 0 as `names_the_disease`; met criteria; asked: kinds of unknown criteria; relevance in
    [0, 1], scaled below one step of the balance so the best text hit never ties with one more met criterion)."""
    balance = max(-49, min(49, met - asked)) + 50
    return round(100_000 * tier + 10_000 * open_ + 1_000 * specificity + 300 * primary + 100 * for_the_disease
                 + balance + 0.999 * relevance, 4)


def _specificity(shown: int, doc: IndexDocument, patient: PatientProfile) -> int:
    """Biomarker specificity for ranking: 6 a requirement names the patient's very variant (BRAF V600E), 5 exact
    alteration (and threshold), 4 through an `any` alteration, 3 the trial requires a gene the patient is positive for
    but whether the kind fits is not known, 2 its text names such a gene (no requirement read), 1 no biomarker
    named, 0 a required biomarker not shown met."""
    if shown >= 2:
        return 6 if shown == 3 and _names_the_variant(doc, patient) else shown + 2
    positive = {b.gene for b in patient.biomarkers if b.status == "positive"}
    if any(b.polarity == "required" and b.gene in positive for b in doc.facts.biomarkers):
        return 3
    return 2 if not positive.isdisjoint(doc.gene_mentions) else shown


def _tier(doc: IndexDocument, found: Sequence[Diagnosis], diagnosis: CriterionVerdict, specificity: int) -> int:
    """The tier of a potentially eligible trial: 2 with the diagnosis met, or unknown only in that the trial is for a
    kind of the patient's disease (lung cancer, NSCLC trial) and it requires a gene the patient is positive for (the
    molecular report narrows the kind: an ERBB2-amplified lung cancer patient and a HER2-positive NSCLC trial); 1
    with the diagnosis otherwise unknown."""
    if diagnosis.status == "met":
        return 2
    return 2 if specificity >= REQUIRED_GENE and for_a_kind_of_it(doc, found) else 1


def _names_the_variant(doc: IndexDocument, patient: PatientProfile) -> bool:
    """A requirement of the trial names a variant the patient carries (not only the gene and kind)."""
    found = [b for b in patient.biomarkers if b.status == "positive" and b.variant]
    return any(b.polarity == "required" and b.variant and p.gene == b.gene and same_variant(b.variant, p.variant)
               for b in doc.facts.biomarkers for p in found)


def judge(doc: IndexDocument, patient: PatientProfile, relevance: float,
          found_diseases: Sequence[Diagnosis] | None = None) -> MatchResult:
    """The MatchResult of one trial for one patient (relevance: the backend score scaled to [0, 1]);
    `found_diseases` is `understand(patient.conditions)`, computed once per match by the caller."""
    found = understand(patient.conditions) if found_diseases is None else found_diseases
    result = _judgement(doc, patient, relevance, found, ineligible=True)
    assert result is not None, "a judgement that keeps ineligible trials always gives a result"
    return result


def _judgement(doc: IndexDocument, patient: PatientProfile, relevance: float, found: Sequence[Diagnosis],
               ineligible: bool) -> MatchResult | None:
    """`judge`, or, with `ineligible` False, None for a trial with a criterion not met: its verdicts stop at the
    first kind not met and it gets no score (most candidates a match drops fail the diagnosis or one criterion)."""
    diagnosis = diagnosis_verdict(doc, found, understand(patient.absent_conditions))
    if not ineligible and diagnosis.status == "not_met":
        return None
    excluded = excluded_verdicts(doc, found)  # each one is not met
    if not ineligible and excluded:
        return None
    evaluation = evaluate(doc, patient, until_not_met=not ineligible)
    criteria = [diagnosis, *excluded, *evaluation.criteria]
    counts = {s: sum(v.status == s for v in criteria) for s in ("met", "not_met", "unknown")}
    eligible = counts["not_met"] == 0
    if not eligible and not ineligible:
        return None
    specificity = _specificity(evaluation.specificity, doc, patient)
    tier = _tier(doc, found, diagnosis, specificity) if eligible else 0
    return MatchResult(
        nct_id=doc.nct_id,
        title=doc.title,
        status=doc.overall_status,
        score=score_of(tier, doc.overall_status in OPEN_STATUSES, specificity, rests_on_primary(doc, found, diagnosis),
                       names_the_disease(doc, found),
                       counts["met"], len({v.kind for v in criteria if v.status == "unknown"}), relevance),
        verdict="potentially_eligible" if eligible else "not_eligible",
        criteria=criteria,
        counts=counts,
    )


def _judged(hits: list[Hit], patient: PatientProfile, found: Sequence[Diagnosis], best: float,
            ineligible: bool) -> list[MatchResult]:
    """The judgements of `hits`; without the ineligible trials unless `ineligible`."""
    return [r for h in hits
            if (r := _judgement(h.document, patient, min(1.0, h.score / best), found, ineligible)) is not None]


def match_patient(
    patient: PatientProfile,
    backend: Backend,
    top: int = 20,
    statuses: Sequence[str] | None = DEFAULT_STATUSES,
    include_ineligible: bool = False,
) -> list[MatchResult]:
    """The best `top` trials for `patient`, ranked; `statuses=None` accepts any overall status."""
    if patient.location is not None and not patient.location.placed:
        raise ValueError("location.near must be resolved to coordinates first (search.geo.place_patient)")
    found = understand(patient.conditions)
    size = max(MIN_CANDIDATES, top * 2)
    prefilter = not include_ineligible
    hits = backend.retrieve(_request(patient, statuses, size, prefilter, found))
    best = max((h.score for h in hits), default=0.0) or 1.0
    results = _judged(hits, patient, found, best, include_ineligible)
    if sum(r.verdict == "potentially_eligible" for r in results) < top and len(hits) == size < DEEP_CANDIDATES:
        deeper = _request(patient, statuses, min(DEEP_CANDIDATES - size, size), prefilter, found)
        deeper.exclude = [h.document.nct_id for h in hits]  # only the next candidates are fetched and judged
        more = backend.retrieve(deeper)
        results += _judged(more, patient, found, best, include_ineligible)
        hits += more
    results.sort(key=lambda r: (-r.score, r.nct_id))
    log.debug("match: %d candidates, %d results", len(hits), len(results))
    return _with_sites(results[:top], patient, backend)


def _with_sites(results: list[MatchResult], patient: PatientProfile, backend: Backend) -> list[MatchResult]:
    """Results with their nearest site and contacts, read apart from the rest of the documents (retrieval's are
    slim, without sites)."""
    if not results:
        return results
    docs = {d.nct_id: d for d in backend.whereabouts([r.nct_id for r in results])}
    return [r.model_copy(update={"nearest_site": nearest_site(doc, patient.location),
                                 "contacts": trial_contacts(doc, patient.location)})
            if (doc := docs.get(r.nct_id)) else r for r in results]
