"""The Elasticsearch backend: explicit mapping, bulk writes with retries, versioned index behind an alias.

    >>> backend = ElasticBackend("http://127.0.0.1:9200", index="trialmatch")  # doctest: +SKIP
    >>> backend.rebuild(documents)                                               # doctest: +SKIP

The mapping uses only the `standard` analyzer and no scripts (the server may lack analysis-common and
painless): text fields per part of the record, lower-case keyword fields for filters, original-case
keywords for facets, nested biomarkers, a double_range age window in years (the embedded backend's rule,
see `fields.age_bounds`) and geo_point sites. An index built with another mapping is refused with a
message to rebuild it, so a field it lacks cannot silently match nothing.
The alias `index` always points at one complete versioned index (`<index>-v<ns>`); `rebuild` fills a new
one, merges it into one segment (cheaper queries) and moves the alias in one `_aliases` call; incremental
upserts leave merging to Elasticsearch. User text only ever reaches `term`/`match` queries, never
`query_string`. Request bodies are kept out of the client's DEBUG log (they may carry a
patient's conditions).
"""

from __future__ import annotations

import base64
import logging
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError, helpers
from pydantic import BaseModel

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
    ConstantClause,
    TextClause,
    age_bounds,
    facet_values,
    indexed_biomarkers,
    keyword_values,
    match_view,
    plan_clauses,
    required_gene_alterations,
    required_genes,
    site_points,
    text_clause,
    text_fields,
)
from search.models import IndexDocument, Whereabouts

MAX_FAILED_ITEMS = 10
MERGE_TIMEOUT_S = 3600.0
log = logging.getLogger(__name__)
_KEYWORD = {"type": "keyword"}
# bytes read per hit from doc values: a few hits' columns, where a stored field or _source costs decompressing the
# block of whole documents around each hit (at 100k trials the fetch phase of a match query took about as long as
# its query phase)
_DOC_VALUE_BYTES = {"type": "binary", "doc_values": True}
_MATCH_VIEWS = {"source": False, "stored_fields": "_none_", "docvalue_fields": ["match_view"]}
_PLAIN_WORD = re.compile(r"[a-z0-9]+")


def _mapping() -> dict:
    probe = IndexDocument(nct_id="x")
    properties: dict = {"doc": {"type": "object", "enabled": False},
                        "match_view": _DOC_VALUE_BYTES, "whereabouts": _DOC_VALUE_BYTES}
    properties |= {f"t_{f}": {"type": "text", "analyzer": "standard"} for f in TEXT_BOOSTS}
    properties |= {f"k_{f}": _KEYWORD for f in keyword_values(probe)}
    properties |= {f"f_{f}": _KEYWORD for f in facet_values(probe)}
    properties |= {
        "biomarkers": {"type": "nested", "properties": {
            "gene": _KEYWORD, "alteration": _KEYWORD, "polarity": _KEYWORD, "variant": _KEYWORD,
            "min_copies": {"type": "float"}, "any_of": _KEYWORD}},
        "req_gene": _KEYWORD, "req_bm": _KEYWORD,
        "age_years": {"type": "double_range"},
        "sites": {"type": "geo_point"},
        "last_update": _KEYWORD,
    }
    # _source keeps only the document; what matching reads of each hit is in doc values, read without _source
    return {"dynamic": "strict", "_source": {"excludes": ["match_view", "whereabouts", "t_*"]},
            "properties": properties}


def _encoded(model: BaseModel) -> str:
    return base64.b64encode(model.model_dump_json(exclude_defaults=True).encode()).decode()


def _record(doc: IndexDocument) -> dict:
    low, high = age_bounds(doc)
    record: dict = {"doc": doc.model_dump(mode="json", exclude_defaults=True),
                    "match_view": _encoded(match_view(doc)),
                    "whereabouts": _encoded(Whereabouts(nct_id=doc.nct_id, sites=doc.sites, contacts=doc.contacts))}
    record |= {f"t_{k}": v for k, v in text_fields(doc).items() if v}
    record |= {f"k_{k}": v for k, v in keyword_values(doc).items() if v}
    record |= {f"f_{k}": v for k, v in facet_values(doc).items() if v}
    record |= {
        "biomarkers": [{"gene": b.gene.lower(), "alteration": b.alteration, "polarity": b.polarity,
                        "variant": b.variant, "min_copies": b.min_copies, "any_of": b.any_of}
                       for b in doc.facts.biomarkers]
        + [{"gene": gene, "alteration": alteration, "polarity": polarity}
           for gene, alteration, polarity in indexed_biomarkers(doc) if polarity == "uncertain"],
        "req_gene": required_genes(doc), "req_bm": required_gene_alterations(doc),
        "age_years": {"gte": low, "lte": high},
        "sites": [{"lat": lat, "lon": lon} for lat, lon in site_points(doc)],
        "last_update": doc.last_update,
    }
    return record


class _NoBodies(logging.Filter):
    """Drop the transport's DEBUG records: they print request bodies, which may hold patient data."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG


_node_log = logging.getLogger("elastic_transport.node")
if not any(isinstance(f, _NoBodies) for f in _node_log.filters):
    _node_log.addFilter(_NoBodies())


def scoring_clauses(clause: Clause) -> list[dict]:
    """A plan clause as should-clauses whose scores add up to its score: each word in each field, BM25 times the
    field's boost; or one constant-score terms query.

    A word of ASCII letters and digits is the one token the `standard` analyzer makes of it, so it is a `term`
    query; any other word goes through the field's analyzer in a `match` query. One flat list of term queries
    lets Lucene skip documents that cannot reach the top hits, which nested `multi_match` queries do less well,
    and the sum is the same as `multi_match` of type `most_fields` gives."""
    if isinstance(clause, TextClause):
        plain = [w for w in clause.words if _PLAIN_WORD.fullmatch(w)]
        analyzed = " ".join(w for w in clause.words if not _PLAIN_WORD.fullmatch(w))
        queries: list[dict] = []
        for field, boost in clause.boosts.items():
            queries += [{"term": {f"t_{field}": {"value": word, "boost": boost}}} for word in plain]
            if analyzed:
                queries.append({"match": {f"t_{field}": {"query": analyzed, "boost": boost}}})
        return queries
    return [{"constant_score": {"filter": {"terms": {clause.field: list(clause.terms)}}, "boost": clause.boost}}]


def compile_clause(clause: Clause) -> dict:
    """A plan clause as one query (see `scoring_clauses`)."""
    should = scoring_clauses(clause)
    return should[0] if len(should) == 1 else {"bool": {"should": should}}


def compile_filter(node: Filter) -> dict:
    """The bool/terms/nested query of a parsed filter tree."""
    if isinstance(node, Term):
        return {"terms": {f"k_{node.field}": sorted(node.values)}}
    if isinstance(node, BiomarkerMatch):
        dims = {"gene": node.genes, "alteration": node.alterations, "polarity": node.polarities}
        must = [{"terms": {f"biomarkers.{k}": sorted(v)}} for k, v in dims.items() if v is not None]
        return {"nested": {"path": "biomarkers", "query": {"bool": {"filter": must}}}}
    if isinstance(node, And):
        return {"bool": {"filter": [compile_filter(p) for p in node.parts]}}
    if isinstance(node, Or):
        return {"bool": {"should": [compile_filter(p) for p in node.parts], "minimum_should_match": 1}}
    if isinstance(node, Not):
        return {"bool": {"must_not": [compile_filter(node.part)]}}
    raise BackendError(f"cannot compile filter node {node!r}")


def _field_types(properties: dict) -> dict[str, str]:
    return {name: body.get("type", "object") for name, body in properties.items()}


def _version_ns(name: str) -> int:
    """The creation stamp of a versioned index `<alias>-v<ns>` (0 for any other name)."""
    stamp = name.rpartition("-v")[2]
    return int(stamp) if stamp.isdigit() else 0


class ElasticBackend:
    """Documents in the Elasticsearch index alias `index` at `url`."""

    def __init__(self, url: str, index: str = "trialmatch", api_key: str | None = None, timeout: float = 30.0):
        self.url = url
        self.alias = index
        self.client = Elasticsearch(
            url, api_key=api_key, request_timeout=timeout, retry_on_timeout=True, max_retries=3,
        )
        self._mapping_checked = False
        self._last: _Page | None = None

    def _call(self, what: str, fn, *args, **kwargs):
        """Run a client call, turning client errors into BackendError / BackendUnavailable."""
        try:
            return fn(*args, **kwargs)
        except ApiError as exc:
            if exc.meta.status in (401, 403):
                raise BackendUnavailable(
                    f"Elasticsearch at {self.url} refused to {what}: set TRIALMATCH_ES_API_KEY to a key "
                    "with read/write rights on the index"
                ) from exc
            raise BackendError(f"Elasticsearch could not {what}: {exc.message} (HTTP {exc.meta.status})") from exc
        except TransportError as exc:
            raise BackendUnavailable(
                f"Elasticsearch at {self.url} is unreachable while trying to {what} ({type(exc).__name__}): "
                "start it or set TRIALMATCH_ES_URL"
            ) from exc

    # -- index management ----------------------------------------------------------------------------

    def _create_version(self) -> str:
        name = f"{self.alias}-v{time.time_ns()}"
        self._call("create an index", self.client.indices.create, index=name, mappings=_mapping(),
                   settings={"number_of_shards": 1, "number_of_replicas": 0})
        return name

    def _alias_targets(self) -> list[str]:
        try:
            return sorted(self.client.indices.get_alias(name=self.alias).keys())
        except NotFoundError:
            return []
        except (ApiError, TransportError):
            return self._call("read the index alias", self.client.indices.get_alias, name=self.alias)

    def _ensure(self) -> None:
        if not self._alias_targets():
            name = self._create_version()
            self._call("create the index alias", self.client.indices.put_alias, index=name, name=self.alias)
        self._check_mapping()

    def _check_mapping(self) -> None:
        """Refuse an index whose fields differ from this version's mapping (built by an older trialmatch):
        a query on a field it lacks would match nothing, silently. Checked once per backend."""
        if self._mapping_checked:
            return
        try:
            live = self.client.indices.get_mapping(index=self.alias)
        except NotFoundError:
            return  # no index yet: reads report it, writes create one with this mapping
        except (ApiError, TransportError):
            live = self._call("read the index mapping", self.client.indices.get_mapping, index=self.alias)
        expected = _field_types(_mapping()["properties"])
        for name, body in live.items():
            if _field_types(body["mappings"].get("properties", {})) != expected:
                raise BackendError(
                    f"the Elasticsearch index {name} was built by another version of trialmatch (its fields "
                    "differ from this version's mapping): run `trialmatch index --rebuild`"
                )
        self._mapping_checked = True

    def _actions(self, index: str, documents: Iterable[IndexDocument]) -> Iterator[dict]:
        for doc in documents:
            yield {"_op_type": "index", "_index": index, "_id": doc.nct_id, "_source": _record(doc)}

    def _bulk(self, actions: Iterable[dict], what: str) -> int:
        done, failures = 0, []
        try:
            for ok, item in helpers.streaming_bulk(
                self.client, actions, chunk_size=500, raise_on_error=False, raise_on_exception=False,
                max_retries=3, initial_backoff=1,
            ):
                if ok:
                    done += 1
                else:
                    failures.append(item)
        except TransportError as exc:
            raise BackendUnavailable(
                f"Elasticsearch at {self.url} became unreachable while {what}: start it and retry"
            ) from exc
        if failures:
            first = "; ".join(str(next(iter(f.values())).get("error", f))[:200] for f in failures[:3])
            raise BackendError(f"{len(failures)} documents failed while {what} (first: {first})")
        return done

    def rebuild(self, documents: Iterable[IndexDocument]) -> int:
        self._last = None  # its hits may have changed
        old = self._alias_targets()
        name = self._create_version()
        try:
            written = self._bulk(self._actions(name, documents), "rebuilding the index")
            self._call("refresh the index", self.client.indices.refresh, index=name)
            self._merge(name)
        except BaseException:
            self.client.options(ignore_status=404).indices.delete(index=name)
            raise
        swap = [{"remove": {"index": i, "alias": self.alias}} for i in old] + [
            {"add": {"index": name, "alias": self.alias}}]
        self._call("swap the index alias", self.client.indices.update_aliases, actions=swap)
        for index in old:
            self._call("delete the previous index", self.client.options(ignore_status=404).indices.delete,
                       index=index)
        self.discard_orphans()
        return written

    def _merge(self, name: str) -> None:
        """Merge a freshly built index into one segment before it goes live: bulk writes leave a score of
        segments, and each one costs every query its own setup and its own, weaker, skipping of hits that cannot
        make the top (at 100k trials a match query took about half as long merged). Scores are unchanged (the
        term statistics are the index's either way). A merge that fails or outlasts MERGE_TIMEOUT_S leaves the
        index complete, only slower to query, so the rebuild goes on."""
        try:
            self.client.options(request_timeout=MERGE_TIMEOUT_S, max_retries=0).indices.forcemerge(
                index=name, max_num_segments=1)
            self.client.indices.refresh(index=name)
        except (ApiError, TransportError) as exc:
            log.warning("could not merge the rebuilt index %s into one segment (%s): it is used as it is", name,
                        type(exc).__name__)

    def discard_orphans(self) -> list[str]:
        """Delete versioned indices older than the live one that the alias does not name: rebuilds killed
        before their swap. A newer one may be another process's rebuild still filling; it is deleted once a
        later rebuild has been swapped in."""
        live = self._alias_targets()
        if not live:
            return []
        newest = max(_version_ns(name) for name in live)
        existing = self._call("list the index versions", self.client.indices.get, index=f"{self.alias}-v*")
        orphans = sorted(name for name in existing if name not in live and _version_ns(name) < newest)
        for name in orphans:
            self._call("delete an orphaned index version", self.client.options(ignore_status=404).indices.delete,
                       index=name)
        return orphans

    def upsert(self, documents: Iterable[IndexDocument]) -> int:
        self._last = None  # its hits may have changed
        self._ensure()
        written = self._bulk(self._actions(self.alias, documents), "indexing documents")
        self._call("refresh the index", self.client.indices.refresh, index=self.alias)
        return written

    def delete(self, nct_ids: Sequence[str]) -> int:
        self._last = None  # its hits may have changed
        if not self._alias_targets():
            return len(nct_ids)
        actions = ({"_op_type": "delete", "_index": self.alias, "_id": i} for i in nct_ids)
        try:
            for _ok, _item in helpers.streaming_bulk(self.client, actions, raise_on_error=False, max_retries=3):
                pass
        except TransportError as exc:
            raise BackendUnavailable(f"Elasticsearch at {self.url} is unreachable: start it and retry") from exc
        self._call("refresh the index", self.client.indices.refresh, index=self.alias)
        return len(nct_ids)

    def drop(self) -> None:
        """Delete the alias and every index behind it (tests and benchmarks clean up with this)."""
        self._last = None  # its hits may have changed
        for index in self._alias_targets():
            self._call("delete an index", self.client.options(ignore_status=404).indices.delete, index=index)

    def close(self) -> None:
        self.client.close()

    # -- reading -----------------------------------------------------------------------------------

    def get(self, nct_id: str) -> IndexDocument | None:
        try:
            response = self.client.get(index=self.alias, id=nct_id, source_includes=["doc"])
        except NotFoundError:
            return None
        except (ApiError, TransportError):
            response = self._call("read a document", self.client.get, index=self.alias, id=nct_id)
        return IndexDocument.model_validate(response["_source"]["doc"])

    def _search(self, what: str, query: dict, size: int) -> list[Hit]:
        """Hits of `query` with their full documents from _source."""
        return [Hit(IndexDocument.model_validate(h["_source"]["doc"]), h["_score"] or 0.0)
                for h in self._hits(what, query, size, {"source_includes": ["doc"]})]

    def _hits(self, what: str, query: dict, size: int, what_to_read: dict[str, Any]) -> list[dict]:
        """The raw hits of `query`, with the fields `what_to_read` names."""
        if size <= 0:
            return []
        what_to_read = {**what_to_read, "track_total_hits": False}  # no counting lets ES skip blocks
        self._check_mapping()
        try:
            response = self.client.search(index=self.alias, query=query, size=size, **what_to_read)
        except NotFoundError as exc:
            raise BackendUnavailable(
                f"no index {self.alias!r} in Elasticsearch at {self.url}: run `trialmatch index`"
            ) from exc
        except (ApiError, TransportError):
            response = self._call(what, self.client.search, index=self.alias, query=query, size=size, **what_to_read)
        return response["hits"]["hits"]

    def _filtered(self, query: dict | None, filters: dict | None) -> dict:
        tree = parse_filters(filters)
        bool_query: dict = {"must": [query or {"match_all": {}}]}
        if tree is not None:
            bool_query["filter"] = [compile_filter(tree)]
        return {"bool": bool_query}

    def search(self, query: str | None = None, filters: dict | None = None, size: int = 20) -> list[IndexDocument]:
        text = text_clause(query or "", TEXT_BOOSTS)
        if text is None and query and query.strip():
            return []
        full = self._filtered(compile_clause(text) if text else None, filters)
        return [h.document for h in self._search("search", full, size)]

    def whereabouts(self, nct_ids: Sequence[str]) -> list[Whereabouts]:
        """Read from their own doc values: a large trial's document is mostly its criteria, text and facts, which
        the server would otherwise decompress and filter and the client decode."""
        if not nct_ids:
            return []
        request: dict[str, Any] = {
            "index": self.alias, "size": len(nct_ids), "query": {"ids": {"values": list(nct_ids)}},
            "track_total_hits": False, "source": False, "stored_fields": "_none_", "docvalue_fields": ["whereabouts"]}
        try:
            response = self.client.search(**request)
        except NotFoundError:
            return []
        except (ApiError, TransportError):
            response = self._call("read trial sites", self.client.search, **request)
        return [Whereabouts.model_validate_json(_decoded(h, "whereabouts")) for h in response["hits"]["hits"]]

    def count(self, filters: dict | None = None) -> int:
        if not self._alias_targets():
            return 0
        query = self._filtered(None, filters)
        return self._call("count documents", self.client.count, index=self.alias, query=query)["count"]

    def facets(self, field: str, size: int = 50) -> dict[str, int]:
        check_facet_field(field)
        response = self._call(
            "count facet values", self.client.search, index=self.alias, size=0,
            aggs={"f": {"terms": {"field": f"f_{field}", "size": size}}},
        )
        return {b["key"]: b["doc_count"] for b in response["aggregations"]["f"]["buckets"]}

    def retrieve(self, request: Retrieval) -> list[Hit]:
        """One bool query: the relevance plan's clauses as should-clauses of which one must hit, the prefilters in
        filter context (they only drop trials, cached across requests) and the excluded ids as must_not.

        A preference that every trial the status filter admits gets (prefer the open statuses, admit only open
        ones: matching's default) is added to each hit's score here instead of being queried: the ranking is the
        same and the query is one clause lighter. Otherwise the preferences stay should-clauses beside the
        relevance query, which then moves to a must.

        The query asks for twice `size` hits and keeps the rest: matching's deeper retrieval, the next `size`
        candidates, then needs no second query (see `_continued`)."""
        if request.size <= 0:
            return []
        if (continued := self._continued(request)) is not None:
            return continued
        filters: list[dict] = []
        if request.statuses is not None:
            filters.append({"terms": {"k_overall_status": [s.lower() for s in request.statuses]}})
        if request.age is not None:
            filters.append({"term": {"age_years": request.age}})
        if request.sex is not None:
            filters.append({"terms": {"k_sex": ["all", request.sex.lower()]}})
        if request.location is not None:
            loc = request.location
            near = {"geo_distance": {"distance": f"{loc.radius_km}km", "sites": {"lat": loc.lat, "lon": loc.lon}}}
            unlocated = {"bool": {"must_not": [{"exists": {"field": "sites"}}]}}
            filters.append({"bool": {"minimum_should_match": 1,
                                     "should": [near, unlocated] if loc.include_unlocated else [near]}})
        relevance = [q for c in plan_clauses(RELEVANCE_PLAN, request) for q in scoring_clauses(c)]
        if not relevance:
            relevance = [{"match_none": {}}]
        bonus, preferred = 0.0, []
        for clause in plan_clauses(PREFERENCE_PLAN, request):
            if isinstance(clause, ConstantClause) and _everyone_gets(clause, request):
                bonus += clause.boost
            else:
                preferred += scoring_clauses(clause)
        query: dict = {"filter": filters}
        if preferred:
            query |= {"must": [{"bool": {"should": relevance, "minimum_should_match": 1}}], "should": preferred}
        else:
            query |= {"should": relevance, "minimum_should_match": 1}
        if request.exclude:
            query["must_not"] = [{"ids": {"values": request.exclude}}]
        found = self._hits("retrieve candidates", {"bool": query}, 2 * request.size, _MATCH_VIEWS)
        page = _Page(request.model_copy(update={"size": 0}), set(request.exclude), found, bonus,
                     exhaustive=len(found) < 2 * request.size)
        self._last = page
        return page.next(request.size)

    def _continued(self, request: Retrieval) -> list[Hit] | None:
        """The next candidates when `request` asks for those after the last retrieval's (the same signals and
        filters, excluding what it excluded and returned), if that query found them: its deeper hits are the
        same hits, in the same order, the query with the exclusions would give (from the index as it was)."""
        last = self._last
        if last is None or set(request.exclude) != last.excluded:
            return None
        if request.model_copy(update={"size": 0, "exclude": last.request.exclude}) != last.request:
            return None
        return last.next(request.size) if last.exhaustive or len(last.rest) >= request.size else None


@dataclass
class _Page:
    """A retrieval query's hits not yet returned (raw, in rank order) and the ids it excluded or returned."""

    request: Retrieval  # as first asked, without size
    excluded: set[str]
    rest: list[dict]
    bonus: float
    exhaustive: bool  # the query found fewer hits than it asked for: there are no more

    def next(self, size: int) -> list[Hit]:
        """The next `size` hits, which are then returned."""
        taken, self.rest = self.rest[:size], self.rest[size:]
        hits = [Hit(IndexDocument.model_validate_json(_decoded(h, "match_view")), (h["_score"] or 0.0) + self.bonus)
                for h in taken]
        self.excluded |= {h.document.nct_id for h in hits}
        return hits


def _decoded(hit: dict, field: str) -> bytes:
    """The bytes of a binary doc-value field of a hit (Elasticsearch returns them in base64)."""
    return base64.b64decode(hit["fields"][field][0])


def _everyone_gets(clause: ConstantClause, request: Retrieval) -> bool:
    """Whether a preference clause holds for every trial the request's status filter admits."""
    if clause.field != "k_overall_status" or request.statuses is None:
        return False
    return {s.lower() for s in request.statuses} <= set(clause.terms)
