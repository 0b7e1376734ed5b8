"""The embedded backend: a tantivy index in the data directory, no server needed.

    >>> backend = EmbeddedBackend(Path("data/index"))          # doctest: +SKIP
    >>> backend.upsert([doc]); backend.get("NCT04879121").title  # doctest: +SKIP

Chosen over SQLite FTS5 by measurement (100k replicated real records, 200 condition queries with
status and age filters, top 200 with stored documents): tantivy p95 8.9 ms, FTS5 p95 220 ms (FTS5
scores every matching row before it can sort). `path` is a symlink to a versioned directory; `rebuild`
writes a new directory beside it and swaps the symlink with one atomic rename. Queries are built from
term objects, never from tantivy's query parser, so user text cannot inject query syntax. Sites are
indexed as 1-degree grid cells, so a location prefilter is a term query; the exact distance is checked
in Python on the candidates only.

The directory of a rebuild killed before its swap is removed by the next `rebuild` or `discard_orphans`
(`search.index_versions`).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from dataclasses import field as _field
from pathlib import Path

import tantivy

from search.backend import (
    And,
    BackendError,
    BackendUnavailable,
    BiomarkerMatch,
    Filter,
    Hit,
    Not,
    Or,
    Retrieval,
    Term,
    check_facet_field,
    parse_filters,
)
from search.fields import (
    PREFERENCE_PLAN,
    RELEVANCE_PLAN,
    TEXT_BOOSTS,
    Clause,
    TextClause,
    age_bounds,
    biomarker_keys,
    biomarker_query_keys,
    facet_values,
    geo_cells,
    keyword_values,
    match_view,
    plan_clauses,
    query_cells,
    required_gene_alterations,
    required_genes,
    site_points,
    text_clause,
    text_fields,
)
from search.gazetteer import distance_km
from search.index_versions import building, discard_orphans
from search.models import IndexDocument, Location, Whereabouts

WRITER_HEAP = 100_000_000
_Q = tantivy.Query
_MUST, _SHOULD, _NOT = tantivy.Occur.Must, tantivy.Occur.Should, tantivy.Occur.MustNot


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", tokenizer_name="raw")
    for field in TEXT_BOOSTS:
        sb.add_text_field(f"t_{field}", tokenizer_name="default", index_option="freq")
    for field in keyword_values(IndexDocument(nct_id="x")):
        sb.add_text_field(f"k_{field}", tokenizer_name="raw", index_option="basic")
    for field in facet_values(IndexDocument(nct_id="x")):
        sb.add_text_field(f"f_{field}", tokenizer_name="raw", index_option="basic", fast=True)
    sb.add_text_field("bm", tokenizer_name="raw", index_option="basic")
    sb.add_text_field("geo_cell", tokenizer_name="raw", index_option="basic")
    sb.add_text_field("req_gene", tokenizer_name="raw", index_option="basic")
    sb.add_text_field("req_bm", tokenizer_name="raw", index_option="basic")
    sb.add_float_field("min_age", indexed=True, fast=True)
    sb.add_float_field("max_age", indexed=True, fast=True)
    sb.add_bytes_field("doc", stored=True)
    sb.add_bytes_field("mdoc", stored=True)
    sb.add_bytes_field("geo", stored=True)
    return sb.build()


def _record(doc: IndexDocument) -> tantivy.Document:
    fields: dict = {"id": doc.nct_id, "doc": doc.model_dump_json(exclude_defaults=True).encode(),
                    "mdoc": match_view(doc).model_dump_json(exclude_defaults=True).encode(),
                    "geo": json.dumps([[round(a, 4), round(b, 4)] for a, b in site_points(doc)]).encode()}
    fields |= {f"t_{k}": v for k, v in text_fields(doc).items() if v}
    fields |= {f"k_{k}": v for k, v in keyword_values(doc).items() if v}
    fields |= {f"f_{k}": v for k, v in facet_values(doc).items() if v}
    fields |= {"bm": biomarker_keys(doc), "geo_cell": geo_cells(doc), "req_gene": required_genes(doc),
               "req_bm": required_gene_alterations(doc)}
    fields = {k: v for k, v in fields.items() if v}
    fields["min_age"], fields["max_age"] = (float(x) for x in age_bounds(doc))
    return tantivy.Document(**fields)


@dataclass
class _Ranking:
    """One retrieval query's ranked hits, deeper than it returned, with the searcher they come from."""

    request: Retrieval  # without exclusions and size
    searcher: tantivy.Searcher
    hits: list[tuple[float, tantivy.DocAddress]]
    exhaustive: bool  # every document the query matches is in `hits`
    returned: dict[str, tuple[int, int]] = _field(default_factory=dict)  # nct_id -> address of what was returned

    def rest(self, exclude: Sequence[str]) -> list[tuple[float, tantivy.DocAddress]]:
        """The hits without those returned under the ids in `exclude`."""
        dropped = {self.returned[i] for i in exclude if i in self.returned}
        return [(score, a) for score, a in self.hits if (a.segment_ord, a.doc) not in dropped]


def within_reach(points: list[list[float]], location: Location) -> bool:
    """A site lies within the radius; or the trial lists no site location and those are asked for."""
    if not points:
        return location.include_unlocated
    assert location.lat is not None and location.lon is not None, "resolve the location first (search.geo)"
    return any(distance_km(location.lat, location.lon, a, b) <= location.radius_km for a, b in points)


class EmbeddedBackend:
    """tantivy index under `path` (a symlink to a versioned directory, created on first write)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.schema = _schema()
        self._index: tantivy.Index | None = None
        self._opened_target: Path | None = None
        self._last: _Ranking | None = None

    # -- opening and writing -------------------------------------------------------------------------

    def _target(self) -> Path | None:
        return self.path.resolve() if self.path.is_symlink() or self.path.is_dir() else None

    def _open(self, create: bool = False) -> tantivy.Index:
        target = self._target()
        if target is None or not target.exists():
            if not create:
                raise BackendUnavailable(
                    f"no search index at {self.path}: run `trialmatch index` to build it"
                )
            with building(self.path):
                target = self._new_version_dir()
                self._swap_in(target)
        if self._index is None or target != self._opened_target:
            try:
                self._index = tantivy.Index(self.schema, path=str(target), reuse=True)
            except ValueError as exc:
                raise BackendError(
                    f"the index at {target} is unreadable or from another version ({exc}): "
                    "run `trialmatch index --rebuild`"
                ) from exc
            self._opened_target = target
        return self._index

    def _new_version_dir(self) -> Path:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        target = self.path.parent / f"{self.path.name}-{time.time_ns()}"
        target.mkdir()
        return target

    def _swap_in(self, target: Path) -> Path | None:
        """Point the symlink at `target` atomically; return the directory it pointed to before."""
        previous = self.path.resolve() if self.path.is_symlink() else None
        if self.path.exists() and not self.path.is_symlink():
            raise BackendError(f"{self.path} is a directory, not an index link: move it away and rebuild")
        link = self.path.parent / f".{self.path.name}.swap-{os.getpid()}"
        link.unlink(missing_ok=True)
        link.symlink_to(target.name)
        os.replace(link, self.path)
        return previous

    def _write(self, index: tantivy.Index, documents: Iterable[IndexDocument], replace: bool) -> int:
        try:
            writer = index.writer(heap_size=WRITER_HEAP, num_threads=1)
        except ValueError as exc:
            raise BackendError(f"the index at {self.path} is locked by another writer ({exc}): retry later") from exc
        written = 0
        self._last = None
        try:
            for doc in documents:
                if replace:
                    writer.delete_documents_by_term("id", doc.nct_id)
                writer.add_document(_record(doc))
                written += 1
            writer.commit()
            writer.wait_merging_threads()
        except BaseException:
            writer.rollback()
            raise
        index.reload()
        return written

    def rebuild(self, documents: Iterable[IndexDocument]) -> int:
        self.discard_orphans()
        with building(self.path):
            target = self._new_version_dir()
            try:
                written = self._write(tantivy.Index(self.schema, path=str(target)), documents, replace=True)
            except BaseException:
                shutil.rmtree(target, ignore_errors=True)
                raise
            previous = self._swap_in(target)
        self._index, self._last = None, None
        if previous is not None and previous != target:
            shutil.rmtree(previous, ignore_errors=True)
        return written

    def upsert(self, documents: Iterable[IndexDocument]) -> int:
        return self._write(self._open(create=True), documents, replace=True)

    def discard_orphans(self) -> list[str]:
        """Remove the directories of rebuilds that were killed before they were swapped in."""
        return [p.name for p in discard_orphans(self.path)]

    def delete(self, nct_ids: Sequence[str]) -> int:
        index = self._open(create=True)
        self._last = None
        writer = index.writer(heap_size=WRITER_HEAP, num_threads=1)
        for nct_id in nct_ids:
            writer.delete_documents_by_term("id", nct_id)
        writer.commit()
        writer.wait_merging_threads()
        index.reload()
        return len(nct_ids)

    def close(self) -> None:
        self._index, self._last = None, None
        self._opened_target = None

    # -- reading -----------------------------------------------------------------------------------

    def _searcher(self) -> tantivy.Searcher:
        index = self._open()
        index.reload()
        return index.searcher()

    def _docs(self, searcher: tantivy.Searcher, result) -> list[tuple[IndexDocument, float]]:
        return [
            (IndexDocument.model_validate_json(searcher.doc(address)["doc"][0]), score)
            for score, address in result.hits
        ]

    def get(self, nct_id: str) -> IndexDocument | None:
        if not self._target():
            return None
        searcher = self._searcher()
        hits = self._docs(searcher, searcher.search(_Q.term_query(self.schema, "id", nct_id), 1, count=False))
        return hits[0][0] if hits else None

    def _clause(self, clause: Clause) -> tantivy.Query:
        """A plan clause: each word in each field, BM25 times the field's boost; or a constant-score term set."""
        if isinstance(clause, TextClause):
            return _Q.boolean_query([
                (_SHOULD, _Q.boost_query(_Q.term_query(self.schema, f"t_{field}", word), boost))
                for field, boost in clause.boosts.items()
                for word in clause.words
            ])
        return _Q.const_score_query(_Q.term_set_query(self.schema, clause.field, list(clause.terms)), clause.boost)

    def _compile(self, node: Filter) -> tantivy.Query:
        if isinstance(node, Term):
            return _Q.term_set_query(self.schema, f"k_{node.field}", sorted(node.values))
        if isinstance(node, BiomarkerMatch):
            keys = biomarker_query_keys(node.genes, node.alterations, node.polarities)
            return _Q.term_set_query(self.schema, "bm", keys)
        if isinstance(node, And):
            return _Q.boolean_query([(_MUST, self._compile(p)) for p in node.parts])
        if isinstance(node, Or):
            return _Q.boolean_query([(_SHOULD, self._compile(p)) for p in node.parts], 1)
        if isinstance(node, Not):
            return _Q.boolean_query([(_MUST, _Q.all_query()), (_NOT, self._compile(node.part))])
        raise BackendError(f"cannot compile filter node {node!r}")

    def _with_filters(self, query: tantivy.Query | None, filters: dict | None) -> tantivy.Query:
        tree = parse_filters(filters)
        clauses = [(_MUST, query or _Q.all_query())]
        if tree is not None:
            clauses.append((_MUST, self._compile(tree)))
        return _Q.boolean_query(clauses)

    def search(self, query: str | None = None, filters: dict | None = None, size: int = 20) -> list[IndexDocument]:
        text = text_clause(query or "", TEXT_BOOSTS)
        if size <= 0 or (text is None and query and query.strip()):
            return []
        full = self._with_filters(self._clause(text) if text else None, filters)
        searcher = self._searcher()
        return [doc for doc, _ in self._docs(searcher, searcher.search(full, size, count=False))]

    def whereabouts(self, nct_ids: Sequence[str]) -> list[Whereabouts]:
        if not nct_ids or not self._target():
            return []
        searcher = self._searcher()
        found = searcher.search(_Q.term_set_query(self.schema, "id", list(nct_ids)), len(nct_ids), count=False)
        return [Whereabouts.model_validate_json(searcher.doc(address)["doc"][0]) for _, address in found.hits]

    def count(self, filters: dict | None = None) -> int:
        if not self._target():
            return 0
        searcher = self._searcher()
        found = searcher.search(self._with_filters(None, filters), 1, count=True)
        return found.count  # type: ignore[attr-defined]  # tantivy's stub omits SearchResult.count (0.22-0.27)

    def facets(self, field: str, size: int = 50) -> dict[str, int]:
        check_facet_field(field)
        searcher = self._searcher()
        agg = searcher.aggregate(_Q.all_query(), {"f": {"terms": {"field": f"f_{field}", "size": size}}})
        return {b["key"]: b["doc_count"] for b in agg["f"]["buckets"]}

    def _relevance(self, request: Retrieval) -> tantivy.Query:
        should = [(_SHOULD, self._clause(c)) for c in plan_clauses(RELEVANCE_PLAN, request)]
        return _Q.boolean_query(should, 1) if should else _Q.empty_query()

    def retrieve(self, request: Retrieval) -> list[Hit]:
        if request.size <= 0:
            return []
        s = self.schema
        clauses = [(_MUST, self._relevance(request))]
        clauses += [(_SHOULD, self._clause(c)) for c in plan_clauses(PREFERENCE_PLAN, request)]
        if request.statuses is not None:
            clauses.append((_MUST, _Q.term_set_query(s, "k_overall_status", [x.lower() for x in request.statuses])))
        if request.age is not None:
            clauses.append((_MUST, _Q.range_query(s, "min_age", tantivy.FieldType.Float, None, request.age)))
            clauses.append((_MUST, _Q.range_query(s, "max_age", tantivy.FieldType.Float, request.age, None)))
        if request.sex is not None:
            clauses.append((_MUST, _Q.term_set_query(s, "k_sex", ["all", request.sex.lower()])))
        if request.exclude:
            clauses.append((_NOT, _Q.term_set_query(s, "id", request.exclude)))
        if request.location and (cells := query_cells(request.location)):
            clauses.append((_MUST, _Q.term_set_query(s, "geo_cell", cells)))
        # distance is checked here, so ask for more when a location may drop some
        limit = request.size * 3 if request.location else request.size
        ranking = self._continued(request, limit)
        if ranking is None:
            searcher = self._searcher()
            # twice as deep: a next page as large (matching's deeper retrieval) then needs no second query
            found = searcher.search(_Q.boolean_query(clauses), 2 * limit, count=False).hits
            ranking = _Ranking(request.model_copy(update={"exclude": [], "size": 0}), searcher, found,
                               exhaustive=len(found) < 2 * limit)
        hits, returned = [], {}
        for score, address in ranking.rest(request.exclude)[:limit]:
            stored = ranking.searcher.doc(address)
            if request.location is None or within_reach(json.loads(stored["geo"][0]), request.location):
                hit = Hit(IndexDocument.model_validate_json(stored["mdoc"][0]), score)
                hits.append(hit)
                returned[hit.document.nct_id] = (address.segment_ord, address.doc)
                if len(hits) == request.size:
                    break
        ranking.returned.update(returned)
        self._last = ranking
        return hits

    def _continued(self, request: Retrieval, limit: int) -> _Ranking | None:
        """The last retrieval's ranking when `request` asks for the next candidates of the same query (the same
        signals and filters, excluding what it returned): the candidates after those are the same hits the query
        with the exclusion would give, in the same order, from the same snapshot of the index."""
        last = self._last
        if last is None or not request.exclude or not set(request.exclude) <= last.returned.keys():
            return None
        if last.request != request.model_copy(update={"exclude": [], "size": 0}):
            return None
        return last if last.exhaustive or len(last.rest(request.exclude)) >= limit else None
