"""The index, match and similar commands end to end: JSON shapes, tables, and one-line errors (exit 2)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from ingest.loaders import iter_source
from ingest.store import RawStore
from tests.backend_suite import NTRK_DIR, indexed_corpus

PATIENT = {"age": 52, "conditions": ["metastatic colorectal adenocarcinoma"],
           "biomarkers": [{"gene": "NTRK1", "alteration": "amplification", "copies": 9}]}


def run(data_dir, *args) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRIALMATCH_")}
    env["TRIALMATCH_DATA_DIR"] = str(data_dir)
    return subprocess.run([sys.executable, "-m", "trialmatch", *args], capture_output=True, text=True, env=env,
                          timeout=120)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return indexed_corpus(tmp_path_factory.getbasetemp()).data_dir


@pytest.fixture
def patient_file(tmp_path):
    path = tmp_path / "patient.json"
    path.write_text(json.dumps(PATIENT))
    return path


def test_match_json_lists_ranked_results_with_criteria(data_dir, patient_file):
    done = run(data_dir, "match", "--patient", str(patient_file), "--top", "3", "--json")
    first = json.loads(done.stdout)["results"][0]
    assert (first["nct_id"], set(first)) == (
        "NCT04879121", {"nct_id", "title", "status", "score", "verdict", "criteria"})


def test_match_without_json_prints_a_table(data_dir, patient_file):
    done = run(data_dir, "match", "--patient", str(patient_file), "--top", "2")
    assert done.returncode == 0 and "NCT04879121" in done.stdout.splitlines()[1]


def test_match_says_what_the_diagnosis_was_understood_as(data_dir, patient_file):
    done = run(data_dir, "match", "--patient", str(patient_file), "--top", "2")
    assert done.stdout.splitlines()[0] == "diagnosis: metastatic colorectal adenocarcinoma → colorectal adenocarcinoma"


def test_match_json_gives_the_diagnosis_terms_and_a_diagnosis_criterion(data_dir, patient_file):
    done = run(data_dir, "match", "--patient", str(patient_file), "--top", "1", "--json")
    payload = json.loads(done.stdout)
    assert payload["diagnosis"] == [{"text": "metastatic colorectal adenocarcinoma",
                                     "terms": [{"id": "DOID:0050861", "name": "colorectal adenocarcinoma"}]}]
    assert payload["results"][0]["criteria"][0]["kind"] == "diagnosis"


def test_an_unmapped_diagnosis_warns_and_still_matches(data_dir, tmp_path):
    path = tmp_path / "unmapped.json"
    path.write_text(json.dumps({"conditions": ["zorblax syndrome"], "biomarkers": [{"gene": "NTRK1"}]}))
    done = run(data_dir, "match", "--patient", str(path), "--top", "3")
    assert done.returncode == 0 and "'zorblax syndrome' is not a disease trialmatch knows" in done.stderr
    assert "NCT" in done.stdout


def test_an_invalid_patient_is_one_line_naming_the_field_with_exit_2(data_dir, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"conditions": ["glioma"], "ecog": 9}))
    done = run(data_dir, "match", "--patient", str(path))
    assert (done.returncode, done.stderr.count("\n"), "ecog" in done.stderr) == (2, 1, True)


def test_a_gene_both_positive_and_negative_is_one_line_naming_the_entry_with_exit_2(data_dir, tmp_path):
    path = tmp_path / "contradiction.json"
    path.write_text(json.dumps({"conditions": ["breast cancer"], "biomarkers": [
        {"gene": "HER2", "alteration": "amplification"}, {"gene": "ERBB2", "status": "negative"}]}))
    done = run(data_dir, "match", "--patient", str(path))
    assert (done.returncode, done.stderr.count("\n")) == (2, 1) and "biomarkers[1].status" in done.stderr


def test_an_unknown_status_word_is_a_user_error(data_dir, patient_file):
    done = run(data_dir, "match", "--patient", str(patient_file), "--status", "OPENISH")
    assert done.returncode == 2 and "--status" in done.stderr


def test_similar_json_gives_reasons(data_dir):
    done = run(data_dir, "similar", "NCT02576431", "--top", "3", "--json")
    results = json.loads(done.stdout)["results"]
    assert len(results) == 3 and all(set(r) == {"nct_id", "title", "score", "reasons"} for r in results)


def test_similar_of_an_unknown_trial_is_a_user_error(data_dir):
    done = run(data_dir, "similar", "NCT99999999")
    assert (done.returncode, done.stderr.count("\n")) == (2, 1)


def test_match_before_indexing_says_to_run_index(tmp_path, patient_file):
    done = run(tmp_path, "match", "--patient", str(patient_file))
    assert done.returncode == 2 and "trialmatch index" in done.stderr


def test_index_is_incremental_and_rebuild_reindexes_everything(tmp_path):
    with RawStore(tmp_path / "studies.sqlite") as store:
        for loaded in iter_source(NTRK_DIR):
            store.upsert(loaded.study, loaded.source)
    first = json.loads(run(tmp_path, "index", "--json").stdout)
    again = json.loads(run(tmp_path, "index", "--json").stdout)
    rebuilt = json.loads(run(tmp_path, "index", "--rebuild", "--json").stdout)
    counts = (first["indexed"], again["indexed"], rebuilt["indexed"], rebuilt["total"])
    assert counts == (9, 0, 9, 9), first["failures"] + rebuilt["failures"]


def test_index_without_a_raw_store_says_to_ingest_first(tmp_path):
    done = run(tmp_path, "index")
    assert done.returncode == 2 and "trialmatch ingest" in done.stderr
