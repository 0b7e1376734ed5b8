"""The conformance suite on the Elasticsearch backend (live server from the `es_url` fixture)."""

from __future__ import annotations

import re

import pytest
from elastic_transport import ConnectionTimeout

from search.backend import BackendError, BackendUnavailable, Retrieval
from search.elastic import ElasticBackend, _mapping, scoring_clauses
from search.fields import TextClause
from search.matching import match_patient
from search.models import PatientProfile
from tests.backend_suite import BackendSuite, documents, ids

pytestmark = pytest.mark.elasticsearch


def _index_name(request) -> str:
    return "test-" + re.sub(r"[^a-z0-9_-]+", "-", request.node.name.lower())[:180]


@pytest.fixture
def elastic(es_url, request):
    backend = ElasticBackend(es_url, index=_index_name(request))
    backend.drop()
    yield backend
    backend.drop()
    backend.close()


class TestElasticBackend(BackendSuite):
    @pytest.fixture
    def backend(self, elastic):
        return elastic


def test_a_failed_rebuild_leaves_the_alias_on_the_complete_index(elastic):
    elastic.upsert(documents())

    def broken():
        yield documents()[0]
        raise RuntimeError("extraction crashed")

    with pytest.raises(RuntimeError):
        elastic.rebuild(broken())
    assert elastic.count() == 5


def test_a_failed_rebuild_deletes_its_half_built_index(elastic):
    elastic.upsert(documents())
    before = set(elastic.client.indices.get(index=f"{elastic.alias}*"))

    def broken():
        yield documents()[0]
        raise RuntimeError("extraction crashed")

    with pytest.raises(RuntimeError):
        elastic.rebuild(broken())
    assert set(elastic.client.indices.get(index=f"{elastic.alias}*")) == before


def test_a_rebuild_moves_the_alias_to_one_new_index(elastic):
    elastic.upsert(documents())
    old = set(elastic.client.indices.get_alias(name=elastic.alias))
    elastic.rebuild(documents()[:2])
    new = set(elastic.client.indices.get_alias(name=elastic.alias))
    assert len(new) == 1 and not new & old


def test_the_mapping_is_strict_with_nested_biomarkers_and_an_age_range(elastic):
    elastic.upsert(documents()[:1])
    mapping = next(iter(elastic.client.indices.get_mapping(index=elastic.alias).values()))["mappings"]
    props = mapping["properties"]
    assert (mapping["dynamic"], props["biomarkers"]["type"], props["age_years"]["type"], props["sites"]["type"]) == (
        "strict", "nested", "double_range", "geo_point")


def test_an_index_built_with_another_mapping_is_refused_with_how_to_rebuild_it(elastic):
    older = _mapping()
    older["properties"]["age_months"] = {"type": "integer_range"}
    del older["properties"]["age_years"]
    elastic.client.indices.create(index=f"{elastic.alias}-v1", mappings=older)
    elastic.client.indices.put_alias(index=f"{elastic.alias}-v1", name=elastic.alias)
    with pytest.raises(BackendError, match="built by another version.*trialmatch index --rebuild"):
        elastic.retrieve(Retrieval(text="lung cancer", age=50))
    with pytest.raises(BackendError, match="trialmatch index --rebuild"):
        elastic.upsert(documents()[:1])
    elastic.rebuild(documents())
    assert ids(elastic.retrieve(Retrieval(text="lung cancer", age=50)))[0] == "NCT00000005"


def test_an_unreachable_server_raises_backend_unavailable():
    backend = ElasticBackend("http://127.0.0.1:9", index="nothing", timeout=2)
    with pytest.raises(BackendUnavailable, match="TRIALMATCH_ES_URL"):
        backend.search("glioma")


def test_an_index_version_left_by_a_killed_rebuild_is_deleted_by_the_next_rebuild(elastic):
    elastic.upsert(documents())
    left = elastic._create_version()  # what a rebuild killed before its alias swap leaves
    elastic.rebuild(documents())
    remaining = set(elastic.client.indices.get(index=f"{elastic.alias}-v*"))
    assert left not in remaining and remaining == set(elastic._alias_targets())
    assert elastic.discard_orphans() == []


def test_plain_words_are_term_queries_and_other_words_go_through_the_analyzer():
    queries = scoring_clauses(TextClause(("ntrk1", "fusion", "immunothérapie"), {"title": 2.0, "summary": 1.0}))
    assert queries == [
        {"term": {"t_title": {"value": "ntrk1", "boost": 2.0}}},
        {"term": {"t_title": {"value": "fusion", "boost": 2.0}}},
        {"match": {"t_title": {"query": "immunothérapie", "boost": 2.0}}},
        {"term": {"t_summary": {"value": "ntrk1", "boost": 1.0}}},
        {"term": {"t_summary": {"value": "fusion", "boost": 1.0}}},
        {"match": {"t_summary": {"query": "immunothérapie", "boost": 1.0}}},
    ]


def _segments(elastic) -> int:
    stats = elastic.client.indices.stats(index=elastic.alias, metric="segments")
    return stats["_all"]["primaries"]["segments"]["count"]


def test_merging_an_index_into_one_segment_keeps_every_hit_and_score(elastic):
    for doc in documents():
        elastic.upsert([doc])  # each upsert refreshes: one segment per document
    request = Retrieval(text="solid tumors lung cancer", genes=["NTRK1"])
    before = [(h.document.nct_id, h.score) for h in elastic.retrieve(request)]
    assert _segments(elastic) > 1
    elastic._merge(next(iter(elastic.client.indices.get_alias(name=elastic.alias))))
    assert _segments(elastic) == 1
    assert [(h.document.nct_id, h.score) for h in elastic.retrieve(request)] == before


def test_a_rebuild_whose_merge_fails_still_goes_live(elastic, monkeypatch, caplog):
    def refuse(*args, **kwargs):
        raise ConnectionTimeout("merge took too long")

    monkeypatch.setattr(type(elastic.client.indices), "forcemerge", refuse)
    assert elastic.rebuild(documents()) == 5
    assert elastic.count() == 5
    assert "could not merge the rebuilt index" in caplog.text


def _searches(elastic: ElasticBackend, monkeypatch) -> list[dict]:
    """The search requests the backend's client sends from now on, recorded as they go to the server."""
    asked: list[dict] = []
    search = elastic.client.search

    def spy(**request):
        asked.append(request)
        return search(**request)

    monkeypatch.setattr(elastic.client, "search", spy)
    return asked


def test_a_match_reads_its_hits_from_doc_values_never_from_source_or_stored_fields(elastic, monkeypatch):
    elastic.upsert(documents())
    asked = _searches(elastic, monkeypatch)
    patient = PatientProfile(age=50, conditions=["solid tumour"],
                             biomarkers=[{"gene": "NTRK1", "alteration": "amplification", "status": "positive"}])
    assert match_patient(patient, elastic, top=5)
    assert len(asked) >= 2  # candidates, then their sites and contacts
    assert all((r["source"], r["stored_fields"]) == (False, "_none_") and r["docvalue_fields"] for r in asked)


def test_the_next_candidates_after_a_retrieval_need_no_second_query(elastic, es_url, monkeypatch):
    elastic.upsert(documents())
    request = Retrieval(text="solid tumors lung breast cancer", genes=["NTRK1"], size=2)
    fresh = ElasticBackend(es_url, index=elastic.alias)  # asks the server every time
    first = [(h.document.nct_id, h.score) for h in fresh.retrieve(request)]
    deeper = request.model_copy(update={"exclude": [i for i, _ in first]})
    second = [(h.document.nct_id, h.score) for h in fresh.retrieve(deeper)]
    assert len(first) == len(second) == 2
    asked = _searches(elastic, monkeypatch)
    assert [(h.document.nct_id, h.score) for h in elastic.retrieve(request)] == first
    assert [(h.document.nct_id, h.score) for h in elastic.retrieve(deeper)] == second
    assert len(asked) == 1
    elastic.upsert(documents()[:1])  # a write may change the hits and scores: the next request asks the server
    now = [(h.document.nct_id, h.score) for h in fresh.retrieve(deeper)]
    assert [(h.document.nct_id, h.score) for h in elastic.retrieve(deeper)] == now
    assert len(asked) == 2
    fresh.close()
