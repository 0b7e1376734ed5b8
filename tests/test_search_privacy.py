"""Privacy: matching writes nothing about the patient to disk or to the logs, on either backend."""

from __future__ import annotations

import logging

import pytest

from search.backends import open_backend
from search.elastic import ElasticBackend
from search.matching import match_patient
from search.patient import parse_patient
from tests.backend_suite import indexed_corpus

CONDITION = "quillbone zyxomatous carcinoma"
LAT, LON = 12.3456, -45.6789
PATIENT = {"age": 61.0625, "sex": "female", "conditions": [CONDITION, "solid tumor"], "ecog": 1,
           "biomarkers": [{"gene": "NTRK1", "alteration": "amplification", "copies": 9}],
           "prior_therapies": [{"name": "larotrectinib", "outcome": "progression"}],
           "location": {"lat": LAT, "lon": LON, "radius_km": 20000}}
SECRETS = [CONDITION, "quillbone", "zyxomatous", str(LAT), str(LON), "61.0625"]


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    return indexed_corpus(tmp_path_factory.getbasetemp())


def leaked_in_files(root) -> list[str]:
    leaks = []
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            leaks += [f"{path.name}: {s}" for s in SECRETS if s.encode() in data]
    return leaks


def test_a_match_at_debug_level_writes_no_patient_value_to_the_data_directory(settings, caplog):
    caplog.set_level(logging.DEBUG)
    backend = open_backend(settings)
    try:
        assert match_patient(parse_patient(PATIENT), backend, statuses=None, include_ineligible=True)
    finally:
        backend.close()
    assert leaked_in_files(settings.data_dir) == []


def test_a_match_at_debug_level_logs_no_patient_value(settings, caplog):
    caplog.set_level(logging.DEBUG)
    backend = open_backend(settings)
    try:
        match_patient(parse_patient(PATIENT), backend, statuses=None, include_ineligible=True)
    finally:
        backend.close()
    assert [s for s in SECRETS if s in caplog.text] == []


@pytest.mark.elasticsearch
def test_an_elasticsearch_match_at_debug_level_logs_no_patient_value(settings, es_url, caplog):
    elastic = ElasticBackend(es_url, index="test-privacy")
    try:
        elastic.rebuild(open_backend(settings).search(size=1000))
        caplog.set_level(logging.DEBUG)
        assert match_patient(parse_patient(PATIENT), elastic, statuses=None, include_ineligible=True)
        logged = caplog.text
    finally:
        elastic.drop()
        elastic.close()
    assert "POST" in logged and [s for s in SECRETS if s in logged] == []
