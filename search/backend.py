"""The contract every search backend keeps, and the filter grammar they all understand.

    >>> parse_filters({"field": "biomarkers.gene", "operator": "==", "value": "NTRK1"})
    BiomarkerMatch(genes=frozenset({'ntrk1'}), alterations=None, polarities=None)

Filters are plain nested dicts, Haystack style: a leaf `{"field", "operator", "value"}` with operator
`==`, `!=`, `in`, `not in`; a group `{"operator": "AND"|"OR"|"NOT", "conditions": [...]}`. Values compare
case-insensitively. List fields (phases, conditions, ...) match when any element matches. Leaves on
`biomarkers.*` joined by AND (with `==`/`in`) must hold for the same biomarker, so gene NTRK1 AND
alteration amplification means "an NTRK1 amplification", not "some NTRK1 fact and some amplification".
`parse_filters` validates the dict and returns the small tree each backend compiles; a malformed filter
raises `FilterError` on every backend alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from search.models import IndexDocument, Location, Whereabouts

KEYWORD_FIELDS = (
    "nct_id", "overall_status", "phases", "study_type", "sex", "sponsor", "conditions", "keywords",
    "interventions", "intervention_classes", "drugs", "genes", "disease_ids", "disease_terms", "enrols",
)
BIOMARKER_FIELDS = {"biomarkers.gene": "genes", "biomarkers.alteration": "alterations",
                    "biomarkers.polarity": "polarities"}
FACET_FIELDS = ("conditions", "overall_status", "phases", "study_type", "genes", "interventions",
                "intervention_classes", "drugs", "sponsor", "disease_ids", "disease_terms", "enrols")


class BackendError(RuntimeError):
    """The backend failed to do what was asked; the message says what to do about it."""


class BackendUnavailable(BackendError):
    """The backend cannot be reached or opened (server down, index missing)."""


class FilterError(BackendError, ValueError):
    """A filter dict does not follow the grammar; the message names the offending part."""


@dataclass(frozen=True)
class Term:
    """`field` holds at least one of `values` (lower-case)."""

    field: str
    values: frozenset[str]


@dataclass(frozen=True)
class BiomarkerMatch:
    """One biomarker fact satisfies every given dimension (None = any value)."""

    genes: frozenset[str] | None = None
    alterations: frozenset[str] | None = None
    polarities: frozenset[str] | None = None


@dataclass(frozen=True)
class And:
    parts: tuple[Filter, ...]


@dataclass(frozen=True)
class Or:
    parts: tuple[Filter, ...]


@dataclass(frozen=True)
class Not:
    part: Filter


Filter = Term | BiomarkerMatch | And | Or | Not


def _values(leaf: dict) -> frozenset[str]:
    op, value = leaf["operator"], leaf.get("value")
    if op in ("in", "not in"):
        if not isinstance(value, list | tuple) or not value:
            raise FilterError(f"operator {op!r} on {leaf['field']!r} needs a non-empty list value, got {value!r}")
        items = value
    else:
        items = [value]
    if not all(isinstance(v, str) for v in items):
        raise FilterError(f"filter values on {leaf['field']!r} must be strings, got {value!r}")
    return frozenset(v.strip().lower() for v in items)


def _leaf(leaf: dict) -> Filter:
    field, op = leaf.get("field"), leaf.get("operator")
    if op not in ("==", "!=", "in", "not in"):
        raise FilterError(f"unknown operator {op!r} on {field!r}: use ==, !=, in or not in")
    if field in BIOMARKER_FIELDS:
        node: Filter = BiomarkerMatch(**{BIOMARKER_FIELDS[field]: _values(leaf)})
    elif field in KEYWORD_FIELDS:
        node = Term(field, _values(leaf))
    else:
        known = ", ".join((*KEYWORD_FIELDS, *BIOMARKER_FIELDS))
        raise FilterError(f"unknown filter field {field!r}: use one of {known}")
    return Not(node) if op in ("!=", "not in") else node


def _merge_biomarkers(parts: list[Filter]) -> list[Filter]:
    """Fold the positive biomarker leaves of one AND group into a single same-biomarker match."""
    merged: dict[str, frozenset[str]] = {}
    rest: list[Filter] = []
    for part in parts:
        if isinstance(part, BiomarkerMatch):
            for dim in ("genes", "alterations", "polarities"):
                value = getattr(part, dim)
                if value is not None:
                    merged[dim] = merged[dim] & value if dim in merged else value
        else:
            rest.append(part)
    return ([BiomarkerMatch(**merged)] if merged else []) + rest


def parse_filters(filters: dict | None) -> Filter | None:
    """Validate a filter dict and return its tree (None for no filter)."""
    return None if filters is None else _filter(filters)


def _filter(filters: object) -> Filter:
    """The tree of one filter dict; a group's conditions must be filter dicts too."""
    if not isinstance(filters, dict):
        raise FilterError(f"a filter must be a dict, got {type(filters).__name__}")
    if "field" in filters:
        return _leaf(filters)
    op, conditions = filters.get("operator"), filters.get("conditions")
    if op not in ("AND", "OR", "NOT"):
        raise FilterError(f"unknown group operator {op!r}: use AND, OR or NOT (or give a 'field')")
    if not isinstance(conditions, list) or not conditions:
        raise FilterError(f"group {op!r} needs a non-empty 'conditions' list")
    parts = [_filter(c) for c in conditions]
    if op == "OR":
        return Or(tuple(parts))
    merged = tuple(_merge_biomarkers(parts))
    inner = merged[0] if len(merged) == 1 else And(merged)
    return Not(inner) if op == "NOT" else inner


class Retrieval(BaseModel):
    """What matching and similar ask a backend for: relevance signals plus hard prefilters."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(default="", description="free text scored against titles, conditions, summary, criteria")
    genes: list[str] = Field(default_factory=list, description="boost trials requiring these genes")
    gene_text: str = Field(default="", description="gene names and aliases scored in the text, criteria included")
    gene_alterations: list[tuple[str, str]] = Field(
        default_factory=list, description="boost trials requiring exactly this (gene, alteration)"
    )
    drugs: list[str] = Field(default_factory=list, description="boost trials using these drugs or classes")
    conditions: list[str] = Field(default_factory=list, description="boost trials listing these conditions")
    diseases: list[str] = Field(
        default_factory=list, description="disease term ids of the patient and above: a trial for one fits")
    disease_baskets: list[str] = Field(
        default_factory=list, description="generic terms above the patient's (solid tumour, cancer): basket trials")
    narrower_diseases: list[str] = Field(
        default_factory=list, description="term ids below the patient's: a trial for one may fit (ask)")
    prefer_statuses: list[str] = Field(default_factory=list, description="small boost for these statuses")
    statuses: list[str] | None = Field(default=None, description="hard filter; None = any")
    age: float | None = Field(default=None, description="hard filter: age within the trial's window")
    sex: str | None = Field(default=None, description="hard filter: FEMALE or MALE accepted by the trial")
    location: Location | None = Field(default=None, description="hard filter: a site within the radius, or none listed")
    exclude: list[str] = Field(default_factory=list, description="NCT ids never returned")
    size: int = 100


@dataclass(frozen=True)
class Hit:
    document: IndexDocument
    score: float


class Backend(Protocol):
    """A store of `IndexDocument`s searchable by text, filters and `Retrieval` requests.

    Every method raises `BackendError` (or `BackendUnavailable`, `FilterError`) and nothing else.
    """

    def rebuild(self, documents: Iterable[IndexDocument]) -> int:
        """Build a fresh index from `documents` beside the live one and swap it in atomically.

        On failure the live index is untouched. Returns the number of documents written."""
        ...

    def upsert(self, documents: Iterable[IndexDocument]) -> int:
        """Add or replace documents by nct_id; visible to readers when the call returns. Returns the count."""
        ...

    def discard_orphans(self) -> list[str]:
        """Remove what rebuilds killed before their swap left behind (never the live index, never a build in
        progress). Returns the names removed."""
        ...

    def delete(self, nct_ids: Sequence[str]) -> int:
        """Remove documents by nct_id (unknown ids are ignored). Returns how many ids were asked for."""
        ...

    def get(self, nct_id: str) -> IndexDocument | None:
        """The stored document, or None."""
        ...

    def search(self, query: str | None = None, filters: dict | None = None, size: int = 20) -> list[IndexDocument]:
        """Documents matching any word of `query` and every `filters` condition, most relevant first.

        A None or blank query matches every document; a query without any word (`*:*`) matches none."""
        ...

    def whereabouts(self, nct_ids: Sequence[str]) -> list[Whereabouts]:
        """The sites and central contacts of the trials `nct_ids`, without the rest of their documents; unknown
        ids are left out, in no particular order."""
        ...

    def retrieve(self, request: Retrieval) -> list[Hit]:
        """Candidates for matching and similar: at least one relevance signal hits, every prefilter holds.

        A request without any relevance signal returns nothing. Hits carry `fields.match_view` documents
        (no summary, eligibility text or keywords); `get` gives the full one."""
        ...

    def count(self, filters: dict | None = None) -> int:
        """How many documents match `filters` (None: all)."""
        ...

    def facets(self, field: str, size: int = 50) -> dict[str, int]:
        """The most frequent values of a keyword field (one of FACET_FIELDS) with document counts."""
        ...

    def close(self) -> None:
        """Release files, connections and locks."""
        ...


def check_facet_field(field: str) -> None:
    if field not in FACET_FIELDS:
        raise FilterError(f"cannot facet on {field!r}: use one of {', '.join(FACET_FIELDS)}")
