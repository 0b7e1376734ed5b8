"""Match a patient to trials: candidates from the backend, verdicts in Python, one ranking for all backends.

    >>> results = match_patient(load_patient("patient.json"), open_backend(settings), top=5)  # doctest: +SKIP
    >>> results[0].nct_id, results[0].verdict                                               # doctest: +SKIP
    ('NCT04879121', 'potentially_eligible')

Conditions and genes are relevance signals, never hard filters, so a tumour-agnostic basket trial is
found through its biomarker. Status, age, sex and location prefilter the candidates (age and sex only
when ineligible trials are not wanted). Ranking: potentially eligible first; then open before closed;
then biomarker specificity (exact alteration and threshold > an `any` alteration > no biomarker named
> biomarker not shown); then met minus unknown criteria; then text relevance.
Nothing about the patient is logged or written anywhere.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from core.statuses import OPEN_STATUSES
from search.backend import Backend, Retrieval
from search.models import IndexDocument, MatchResult, PatientProfile
from search.verdicts import evaluate

DEFAULT_STATUSES: tuple[str, ...] = OPEN_STATUSES
MIN_CANDIDATES = 40
log = logging.getLogger(__name__)


def _request(patient: PatientProfile, statuses: Sequence[str] | None, size: int, prefilter: bool) -> Retrieval:
    found = [b for b in patient.biomarkers if b.status == "positive"]  # a negative result boosts nothing
    return Retrieval(
        text=" ".join(patient.conditions),
        genes=list(dict.fromkeys(b.gene for b in found)),
        gene_alterations=list(dict.fromkeys((b.gene, b.alteration) for b in found)),
        prefer_statuses=list(OPEN_STATUSES),
        statuses=list(statuses) if statuses is not None else None,
        age=patient.age if prefilter else None,
        sex=patient.sex.upper() if prefilter and patient.sex else None,
        location=patient.location,
        size=size,
    )


def score_of(eligible: bool, open_: bool, specificity: int, met: int, unknown: int, relevance: float) -> float:
    """One number that orders results exactly as the ranking rules do (relevance in [0, 1])."""
    balance = max(-49, min(49, met - unknown)) + 50
    return round(10_000 * eligible + 1_000 * open_ + 100 * specificity + balance + relevance, 4)


def judge(doc: IndexDocument, patient: PatientProfile, relevance: float) -> MatchResult:
    """The MatchResult of one trial for one patient (relevance: the backend score scaled to [0, 1])."""
    evaluation = evaluate(doc, patient)
    counts = {s: sum(v.status == s for v in evaluation.criteria) for s in ("met", "not_met", "unknown")}
    eligible = counts["not_met"] == 0
    return MatchResult(
        nct_id=doc.nct_id,
        title=doc.title,
        status=doc.overall_status,
        score=score_of(eligible, doc.overall_status in OPEN_STATUSES, evaluation.specificity,
                       counts["met"], counts["unknown"], relevance),
        verdict="potentially_eligible" if eligible else "not_eligible",
        criteria=evaluation.criteria,
        counts=counts,
    )


def match_patient(
    patient: PatientProfile,
    backend: Backend,
    top: int = 20,
    statuses: Sequence[str] | None = DEFAULT_STATUSES,
    include_ineligible: bool = False,
) -> list[MatchResult]:
    """The best `top` trials for `patient`, ranked; `statuses=None` accepts any overall status."""
    size = max(MIN_CANDIDATES, top * 2)
    hits = backend.retrieve(_request(patient, statuses, size, prefilter=not include_ineligible))
    best = max((h.score for h in hits), default=0.0) or 1.0
    results = [judge(h.document, patient, h.score / best) for h in hits]
    if not include_ineligible:
        results = [r for r in results if r.verdict == "potentially_eligible"]
    results.sort(key=lambda r: (-r.score, r.nct_id))
    log.debug("match: %d candidates, %d results", len(hits), len(results))
    return results[:top]
