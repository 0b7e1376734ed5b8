"""Trials similar to a given trial: one algorithm for every backend.

    >>> [r.nct_id for r in similar_trials("NCT04879121", backend, top=3)]  # doctest: +SKIP
    ['NCT02576431', 'NCT02637687', 'NCT02122913']

The backend retrieves candidates by the trial's salient terms (content words of its title, conditions,
keywords and interventions; stop words in `stopwords.json`) plus its genes, gene/alteration pairs,
drugs and conditions. Each candidate is then scored in Python by what it shares, and every shared
thing becomes a reason ("shares NTRK1/2/3 fusion", "shares larotrectinib").
"""

from __future__ import annotations

import re

from search.backend import Backend, Retrieval
from search.fields import content_words, required_gene_alterations, tokens
from search.models import IndexDocument, SimilarResult

MAX_TERMS = 20
MIN_CANDIDATES = 30
WEIGHTS = {"gene_alteration": 3.0, "gene": 2.0, "drug": 2.0, "drug_class": 1.0, "condition": 2.0, "text": 2.0}


class TrialNotFound(LookupError):
    """The trial asked about is not in the index."""


def salient_terms(doc: IndexDocument) -> list[str]:
    """Content words that characterise a trial, most characteristic parts first."""
    parts = [*doc.conditions, *doc.keywords, *doc.interventions, doc.title, doc.acronym or ""]
    return content_words("\n".join(parts))[:MAX_TERMS]


def _lower(values: list[str]) -> set[str]:
    return {v.strip().lower() for v in values if v.strip()}


def compact_genes(genes: list[str]) -> str:
    """NTRK1, NTRK2, NTRK3 -> NTRK1/2/3; unrelated genes are joined with commas."""
    parts = [match for g in genes if (match := re.match(r"^(.*?)(\d+)$", g))]
    if len(genes) > 1 and len(parts) == len(genes) and len({p.group(1) for p in parts}) == 1:
        return parts[0].group(1) + "/".join(p.group(2) for p in parts)
    return ", ".join(genes)


def _shared(source: IndexDocument, other: IndexDocument) -> tuple[dict[str, float], list[str]]:
    shares: dict[str, float] = {}
    reasons: list[str] = []
    pairs = sorted(set(required_gene_alterations(source)) & set(required_gene_alterations(other)))
    by_alteration: dict[str, list[str]] = {}
    for pair in pairs:
        gene, alteration = pair.split("|")
        by_alteration.setdefault(alteration, []).append(gene.upper())
    for alteration, genes in by_alteration.items():
        what = "alteration" if alteration == "any" else alteration
        reasons.append(f"shares {compact_genes(genes)} {what}")
    shares["gene_alteration"] = len(pairs)
    genes = sorted({g for g in source.genes if g in other.genes} - {p.split("|")[0].upper() for p in pairs})
    if genes:
        reasons.append(f"shares gene {compact_genes(genes)}")
    shares["gene"] = len(set(source.genes) & set(other.genes))
    drugs = sorted(set(source.drugs) & set(other.drugs))
    reasons += [f"shares {d}" for d in drugs]
    shares["drug"] = len(drugs)
    classes = sorted(_lower(source.intervention_classes) & _lower(other.intervention_classes))
    reasons += [f"shares drug class {c}" for c in classes]
    shares["drug_class"] = len(classes)
    conditions = sorted(_lower(source.conditions) & _lower(other.conditions))
    reasons += [f"shares condition {c}" for c in conditions]
    shares["condition"] = len(conditions)
    return shares, reasons


def similar_trials(nct_id: str, backend: Backend, top: int = 10) -> list[SimilarResult]:
    """The `top` trials most like `nct_id`, each with the reasons it was found; raises TrialNotFound."""
    source = backend.get(nct_id)
    if source is None:
        raise TrialNotFound(f"{nct_id} is not in the index: check the NCT id or run `trialmatch index`")
    terms = salient_terms(source)
    pairs = [pair.split("|") for pair in required_gene_alterations(source)]
    request = Retrieval(
        text=" ".join(terms),
        genes=[gene for gene, _ in pairs],
        gene_alterations=[(gene, alteration) for gene, alteration in pairs],
        drugs=sorted(set(source.drugs) | set(source.intervention_classes)),
        conditions=source.conditions,
        exclude=[source.nct_id],
        size=max(MIN_CANDIDATES, top * 3),
    )
    hits = backend.retrieve(request)
    best = max((h.score for h in hits), default=0.0) or 1.0
    results = []
    for hit in hits:
        shares, reasons = _shared(source, hit.document)
        words = set(tokens(" ".join([hit.document.title, *hit.document.conditions, *hit.document.interventions])))
        common = [t for t in terms if t in words][:5]
        if common:
            reasons.append(f"similar wording: {', '.join(common)}")
        score = sum(WEIGHTS[k] * min(v, 3) for k, v in shares.items()) + WEIGHTS["text"] * hit.score / best
        results.append(SimilarResult(nct_id=hit.document.nct_id, title=hit.document.title,
                                     score=round(score, 4), reasons=reasons))
    results.sort(key=lambda r: (-r.score, r.nct_id))
    return results[:top]
