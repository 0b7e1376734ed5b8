"""The provisioned Elasticsearch is real: a mapping, bulk indexing, a search, and the cleanup."""

from __future__ import annotations

import pytest
from elasticsearch import Elasticsearch, helpers

pytestmark = pytest.mark.elasticsearch

MAPPING = {
    "properties": {
        "nct_id": {"type": "keyword"},
        "title": {"type": "text", "analyzer": "standard"},
        "age": {"type": "integer_range"},
        "biomarkers": {
            "type": "nested",
            "properties": {"gene": {"type": "keyword"}, "alteration": {"type": "keyword"}},
        },
        "sites": {"type": "geo_point"},
    }
}

DOCS = [
    {
        "nct_id": "NCT04879121",
        "title": "Larotrectinib in NTRK-amplified solid tumors",
        "age": {"gte": 18, "lte": 120},
        "biomarkers": [{"gene": "NTRK1", "alteration": "amplification"}],
        "sites": [{"lat": 29.71, "lon": -95.40}],
    },
    {
        "nct_id": "NCT02576431",
        "title": "Larotrectinib for NTRK fusion-positive cancers (NAVIGATE)",
        "age": {"gte": 12, "lte": 120},
        "biomarkers": [{"gene": "NTRK1", "alteration": "fusion"}],
        "sites": [],
    },
]


@pytest.fixture
def client(es_url):
    with Elasticsearch(es_url, request_timeout=30) as es:
        yield es


def test_bulk_indexed_documents_are_searchable_with_mapping(client, request):
    index = f"it-{request.node.name.lower()}"
    client.indices.create(index=index, mappings=MAPPING)
    try:
        actions = ({"_index": index, "_id": d["nct_id"], "_source": d} for d in DOCS)
        ok, errors = helpers.bulk(client, actions, refresh="wait_for")
        assert (ok, errors) == (2, [])
        amplified = client.search(
            index=index,
            query={
                "bool": {
                    "must": [{"match": {"title": "larotrectinib"}}],
                    "filter": [
                        {"term": {"age": 52}},
                        {
                            "nested": {
                                "path": "biomarkers",
                                "query": {"term": {"biomarkers.alteration": "amplification"}},
                            }
                        },
                    ],
                }
            },
        )
        assert [hit["_id"] for hit in amplified["hits"]["hits"]] == ["NCT04879121"]
        teen = client.search(index=index, query={"term": {"age": 15}})
        assert [hit["_id"] for hit in teen["hits"]["hits"]] == ["NCT02576431"]
        mapping = client.indices.get_mapping(index=index)[index]["mappings"]["properties"]
        assert mapping["sites"]["type"] == "geo_point"
    finally:
        client.indices.delete(index=index)
    assert not client.indices.exists(index=index)


def test_server_runs_the_expected_distribution(client):
    nodes = client.nodes.info(filter_path="nodes.*.version,nodes.*.modules.name")["nodes"]
    (node,) = nodes.values()
    assert node["version"].split(".")[0] == "9"
    assert "analysis-common" not in {m["name"] for m in node["modules"]}
