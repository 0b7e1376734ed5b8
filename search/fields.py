"""What both backends index from an `IndexDocument`: text per field, lower-case keywords, biomarker keys.

    >>> tokens("HER2-positive (ERBB2) breast cancer")
    ['her2', 'positive', 'erbb2', 'breast', 'cancer']

The embedded and Elasticsearch backends build their records from these functions, so a document is
searchable by the same words and the same keyword values on both. The relevance plan (which request
signal looks in which index field with which boost) is declared here once as `RELEVANCE_PLAN` and
`PREFERENCE_PLAN`; `plan_clauses` turns a request into backend-neutral clauses each backend compiles:

    >>> plan_clauses(RELEVANCE_PLAN, Retrieval(genes=["NTRK1"]))
    [ConstantClause(field='req_gene', terms=('ntrk1',), boost=8.0)]
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache
from itertools import product
from pathlib import Path

from search.backend import Retrieval
from search.models import IndexDocument, Location

STOPWORDS_PATH = Path(__file__).with_name("stopwords.json")
MAX_QUERY_TOKENS = 64
MAX_QUERY_CHARS = 10_000
TEXT_BOOSTS = {"title": 2.0, "conditions": 3.0, "keywords": 1.5, "interventions": 1.5, "summary": 1.0,
               "eligibility": 0.5}
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class TextSignal:
    """The words of a request attribute, scored by the backend's BM25 in each text field times its boost."""

    attribute: str
    boosts: dict[str, float]  # text field (index field `t_<field>`) -> boost


@dataclass(frozen=True)
class KeywordSignal:
    """The values of a request attribute looked up as lower-case keywords in index fields.

    Each value found in a field adds `boost`, whatever the field's length or the value's rarity; with
    `per_value=False` the values form one clause, which adds `boost` once when any of them is found."""

    attribute: str
    fields: tuple[str, ...]
    boost: float
    per_value: bool = True


@dataclass(frozen=True)
class TextClause:
    words: tuple[str, ...]
    boosts: dict[str, float]


@dataclass(frozen=True)
class ConstantClause:
    field: str
    terms: tuple[str, ...]
    boost: float


Signal = TextSignal | KeywordSignal
Clause = TextClause | ConstantClause

# retrieval for matching and similar leaves out the eligibility text: its words say little about what a
# trial is about, and its long postings are the slowest part of a query at registry scale
RETRIEVAL_FIELDS = ("title", "conditions", "keywords", "interventions", "summary")
# a retrieved trial hits at least one of these; their scores add up
# gene names are rare words with short postings: they are looked up in the criteria too, where a trial often
# names the alteration it needs ("CDK4 amplification") without a structured fact
GENE_TEXT_BOOSTS = {"title": 2.0, "conditions": 2.0, "keywords": 1.5, "summary": 1.0, "eligibility": 1.0}
RELEVANCE_PLAN: tuple[Signal, ...] = (
    TextSignal("text", {field: TEXT_BOOSTS[field] for field in RETRIEVAL_FIELDS}),
    TextSignal("gene_text", GENE_TEXT_BOOSTS),
    KeywordSignal("genes", ("req_gene",), 8.0),
    KeywordSignal("gene_alterations", ("req_bm",), 4.0),
    KeywordSignal("drugs", ("k_drugs", "k_intervention_classes"), 3.0),
    KeywordSignal("conditions", ("k_conditions",), 3.0),
    # whom the trial is for outweighs the words of the diagnosis, so a trial for a narrower disease ("breast
    # carcinoma" for a "breast cancer" patient) is not crowded out by trials that merely say "cancer"
    KeywordSignal("diseases", ("k_disease_ids",), 20.0, per_value=False),
    KeywordSignal("narrower_diseases", ("k_disease_ids",), 12.0, per_value=False),
    KeywordSignal("disease_baskets", ("k_disease_ids",), 4.0, per_value=False),
)
# these only add to the score of a trial the relevance plan retrieved
PREFERENCE_PLAN: tuple[Signal, ...] = (
    KeywordSignal("prefer_statuses", ("k_overall_status",), 1.0, per_value=False),
)


def tokens(text: str, limit: int | None = None) -> list[str]:
    """Lower-case words as the index sees them (letters and digits; everything else separates)."""
    words = [w for w in _WORD.findall(text.lower()) if len(w) <= 40]
    return words[:limit] if limit else words


@cache
def _stopwords() -> frozenset[str]:
    return frozenset(json.loads(STOPWORDS_PATH.read_text(encoding="utf-8")))


def content_words(text: str) -> list[str]:
    """The distinct words of `text` that say something: no stop words (`stopwords.json`), numbers or words
    of one or two letters, in order of first use."""
    return list(dict.fromkeys(w for w in tokens(text) if w not in _stopwords() and len(w) > 2 and not w.isdigit()))


def query_tokens(text: str) -> list[str]:
    """The distinct words of a user query, capped so a huge input cannot make a huge query."""
    words = tokens(text[:MAX_QUERY_CHARS])
    if len(text) > MAX_QUERY_CHARS and words and _WORD.match(text, MAX_QUERY_CHARS):
        words.pop()  # the cut fell inside a word
    return list(dict.fromkeys(words))[:MAX_QUERY_TOKENS]


def text_clause(text: str, boosts: dict[str, float]) -> TextClause | None:
    """The query words of `text` for the given fields, or None when it has no word."""
    words = query_tokens(text)
    return TextClause(tuple(words), boosts) if words else None


def _term(value: str | tuple[str, ...]) -> str:
    """A request value as the index keys it: lower case, a (gene, alteration) pair joined by `|`."""
    return ("|".join(value) if isinstance(value, tuple) else value).lower()


def plan_clauses(plan: tuple[Signal, ...], request: Retrieval) -> list[Clause]:
    """The clauses of `request` under `plan`, in plan order (per value, then per field)."""
    clauses: list[Clause] = []
    for signal in plan:
        values = getattr(request, signal.attribute)
        if isinstance(signal, TextSignal):
            clauses += [c for c in [text_clause(values, signal.boosts)] if c]
            continue
        groups = [[v] for v in values] if signal.per_value else [values] if values else []
        clauses += [ConstantClause(field, tuple(sorted({_term(v) for v in group})), signal.boost)
                    for group in groups for field in signal.fields]
    return clauses


def text_fields(doc: IndexDocument) -> dict[str, str]:
    """The searchable text of a document, by field (keys are TEXT_BOOSTS')."""
    return {
        "title": " ".join(filter(None, [doc.title, doc.official_title, doc.acronym])),
        "conditions": " ; ".join(doc.conditions),
        "keywords": " ; ".join(doc.keywords),
        "interventions": " ; ".join(doc.interventions + doc.intervention_classes),
        "summary": doc.summary,
        "eligibility": doc.eligibility_text,
    }


def keyword_values(doc: IndexDocument) -> dict[str, list[str]]:
    """The lower-case values filters compare against, by filter field (backend.KEYWORD_FIELDS)."""
    raw: dict[str, list[str]] = {
        "nct_id": [doc.nct_id], "overall_status": [doc.overall_status or ""], "phases": doc.phases,
        "study_type": [doc.study_type or ""], "sex": [doc.facts.sex], "sponsor": [doc.sponsor or ""],
        "conditions": doc.conditions, "keywords": doc.keywords, "interventions": doc.interventions,
        "intervention_classes": doc.intervention_classes, "genes": doc.genes, "drugs": doc.drugs,
        "disease_ids": doc.disease_ids, "disease_terms": doc.disease_terms, "enrols": [doc.facts.diseases.enrols],
    }
    return {field: sorted({v.strip().lower() for v in values if v and v.strip()}) for field, values in raw.items()}


def facet_values(doc: IndexDocument) -> dict[str, list[str]]:
    """Values as registered (original case) for facet counts."""
    return {
        "conditions": doc.conditions, "overall_status": [doc.overall_status] if doc.overall_status else [],
        "phases": doc.phases, "study_type": [doc.study_type] if doc.study_type else [], "genes": doc.genes,
        "interventions": doc.interventions, "intervention_classes": doc.intervention_classes,
        "drugs": doc.drugs, "sponsor": [doc.sponsor] if doc.sponsor else [],
        "disease_ids": doc.disease_ids, "disease_terms": doc.disease_terms, "enrols": [doc.facts.diseases.enrols],
    }


def indexed_biomarkers(doc: IndexDocument) -> list[tuple[str, str, str]]:
    """(gene, alteration, polarity) of every biomarker a filter finds the trial by: the facts, and the uncertain
    ones with polarity "uncertain" (a gene search still finds a cohort-only trial; a polarity filter does not)."""
    found: list[tuple[str, str, str]] = [(b.gene.lower(), b.alteration, b.polarity) for b in doc.facts.biomarkers]
    found += [
        (u.biomarker.gene.lower(), u.biomarker.alteration, "uncertain") for u in doc.facts.uncertain if u.biomarker
    ]
    return list(dict.fromkeys(found))


def biomarker_keys(doc: IndexDocument) -> list[str]:
    """`gene|alteration|polarity` keys with `*` wildcards, so one term finds a same-biomarker match."""
    keys: set[str] = set()
    for gene, alteration, polarity in indexed_biomarkers(doc):
        for g, a, p in product((gene, "*"), (alteration, "*"), (polarity, "*")):
            keys.add(f"{g}|{a}|{p}")
    return sorted(keys)


def biomarker_query_keys(genes, alterations, polarities) -> list[str]:
    """The keys a same-biomarker filter looks for (None dimension = wildcard)."""
    return [f"{g}|{a}|{p}" for g, a, p in product(genes or ["*"], alterations or ["*"], polarities or ["*"])]


def required_genes(doc: IndexDocument) -> list[str]:
    return sorted({b.gene.lower() for b in doc.facts.biomarkers if b.polarity == "required"})


def required_gene_alterations(doc: IndexDocument) -> list[str]:
    return sorted({f"{b.gene.lower()}|{b.alteration}" for b in doc.facts.biomarkers if b.polarity == "required"})


NO_AGE_LIMIT_YEARS = 1000.0


def age_bounds(doc: IndexDocument) -> tuple[float, float]:
    """The age window in years for prefiltering; an inverted window (min > max) prefilters nobody out.

    Both backends keep a patient when min <= age <= max, in fractional years and without rounding: the
    rule `search.verdicts` judges the age criterion by, so the prefilter never drops a trial the verdict
    would accept nor keeps one it rejects (rounding to months let 17.96 years pass "18 Years")."""
    low = doc.facts.age.min_years if doc.facts.age.min_years is not None else 0.0
    high = doc.facts.age.max_years if doc.facts.age.max_years is not None else NO_AGE_LIMIT_YEARS
    return (low, high) if low <= high else (0.0, NO_AGE_LIMIT_YEARS)


CONDITION_LABS_PATH = Path(__file__).with_name("condition_labs.json")


@cache
def condition_lab_analytes() -> frozenset[str]:
    """The analytes `condition_labs.json` says a condition decides: the only lab thresholds matching reads."""
    rows = json.loads(CONDITION_LABS_PATH.read_text(encoding="utf-8"))["conditions"]
    return frozenset(analyte for row in rows for side in ("above", "below") for analyte in row.get(side, {}))


def match_view(doc: IndexDocument) -> IndexDocument:
    """The slim copy retrieval returns: what verdicts, ranking and similar need, nothing to display.

    Summary, eligibility text, keywords and sites are dropped (backends apply the distance filter
    themselves), and only the criteria a fact points at or that carry a fact kind are kept, with the
    pointers renumbered. Lab thresholds are kept only on the analytes a condition of the patient's can decide
    (`condition_lab_analytes`: creatinine, clearance, GFR); the others give no verdict. Loading this is several
    times faster than the full document (large trials list hundreds of sites and dozens of
    criteria), which keeps match latency low at registry scale."""
    facts = doc.facts
    pointed: set[int | None] = {b.criterion for b in facts.biomarkers}
    pointed.update(t.criterion for t in facts.prior_therapies)
    pointed.update(t.criterion for t in facts.current_therapies)
    pointed.update(u.criterion for u in facts.uncertain)
    pointed.update(s.criterion for s in facts.disease_scales)
    pointed.update(s.criterion for s in facts.stages)
    pointed.update(p.criterion for p in facts.procedures)
    labs = [lab for lab in facts.labs if lab.analyte in condition_lab_analytes()]
    pointed.update(lab.criterion for lab in labs)
    pointed.add(facts.cns_metastases.criterion)
    pointed.update(t.criterion for t in [*facts.diseases.terms, *facts.diseases.excluded, *facts.diseases.families])
    pointed.update(s.criterion for s in facts.diseases.sites)
    kept = [i for i, c in enumerate(facts.criteria) if i in pointed or c.kinds]
    new_index: dict[int | None, int] = {old: new for new, old in enumerate(kept)}
    cns = facts.cns_metastases
    slim_facts = facts.model_copy(update={
        "criteria": [facts.criteria[i] for i in kept],
        "biomarkers": [b.model_copy(update={"criterion": new_index.get(b.criterion, -1)}) for b in facts.biomarkers],
        "prior_therapies": [t.model_copy(update={"criterion": new_index.get(t.criterion, -1)})
                            for t in facts.prior_therapies],
        "current_therapies": [t.model_copy(update={"criterion": new_index.get(t.criterion, -1)})
                              for t in facts.current_therapies],
        "uncertain": [u.model_copy(update={"criterion": new_index.get(u.criterion, -1)}) for u in facts.uncertain],
        "cns_metastases": cns.model_copy(update={"criterion": new_index.get(cns.criterion)}),
        "disease_scales": [s.model_copy(update={"criterion": new_index.get(s.criterion, -1)})
                           for s in facts.disease_scales],
        "stages": [s.model_copy(update={"criterion": new_index.get(s.criterion, -1)}) for s in facts.stages],
        "procedures": [p.model_copy(update={"criterion": new_index.get(p.criterion, -1)}) for p in facts.procedures],
        "diseases": facts.diseases.model_copy(update={
            name: [t.model_copy(update={"criterion": new_index.get(t.criterion)}) for t in terms]
            for name, terms in (("terms", facts.diseases.terms), ("excluded", facts.diseases.excluded),
                                ("families", facts.diseases.families), ("sites", facts.diseases.sites))}),
        "labs": [lab.model_copy(update={"criterion": new_index.get(lab.criterion)}) for lab in labs],
    })
    return doc.model_copy(update={
        "summary": "", "eligibility_text": "", "keywords": [], "official_title": None, "sites": [],
        "facts": slim_facts,
    })


def site_points(doc: IndexDocument) -> list[tuple[float, float]]:
    """(lat, lon) of every site with coordinates."""
    return [(s.lat, s.lon) for s in doc.sites if s.lat is not None and s.lon is not None]


GEO_CELL_DEGREES = 1.0
MAX_QUERY_CELLS = 400
KM_PER_DEGREE = 111.2


def _cell(lat: float, lon: float) -> str:
    return f"{math.floor(lat / GEO_CELL_DEGREES)}:{math.floor(lon / GEO_CELL_DEGREES)}"


def geo_cells(doc: IndexDocument) -> list[str]:
    """The 1-degree grid cells holding the trial's sites; `none` when it lists no coordinates."""
    return sorted({_cell(lat, lon) for lat, lon in site_points(doc)}) or ["none"]


def query_cells(location: Location) -> list[str] | None:
    """Grid cells covering the circle's bounding box (plus `none` when trials without a site location are
    wanted), or None when that would be too many."""
    assert location.lat is not None and location.lon is not None, "resolve the location first (search.geo)"
    lat, lon, radius_km = location.lat, location.lon, location.radius_km
    dlat = radius_km / KM_PER_DEGREE
    cos_lat = math.cos(math.radians(min(89.0, abs(lat) + dlat)))
    dlon = radius_km / (KM_PER_DEGREE * max(cos_lat, 1e-6))
    if lat - dlat < -90 or lat + dlat > 90 or lon - dlon < -180 or lon + dlon > 180:
        return None
    lat_cells = range(math.floor((lat - dlat) / GEO_CELL_DEGREES), math.floor((lat + dlat) / GEO_CELL_DEGREES) + 1)
    lon_cells = range(math.floor((lon - dlon) / GEO_CELL_DEGREES), math.floor((lon + dlon) / GEO_CELL_DEGREES) + 1)
    if len(lat_cells) * len(lon_cells) > MAX_QUERY_CELLS:
        return None
    return [f"{a}:{b}" for a in lat_cells for b in lon_cells] + (["none"] if location.include_unlocated else [])
