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

# NTRK trials converted from legacy records without any site (../shared/README.md)
NTRK_TRIALS_WITHOUT_SITES = {"NCT02576431", "NCT02637687", "NCT02122913", "NCT02097810", "NCT02568267",
                             "NCT02650401", "NCT03093116", "NCT03215511"}
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
        "NCT04879121", {"nct_id", "title", "status", "score", "verdict", "criteria", "nearest_site", "contacts"})
    assert first["nearest_site"] is None


def test_match_near_a_houston_zip_gives_the_md_anderson_site_and_its_distance(data_dir, patient_file):
    done = run(data_dir, "match", "--patient", str(patient_file), "--near", "77030", "--radius", "50mi", "--json")
    results = json.loads(done.stdout)["results"]
    first = results[0]
    assert (first["nct_id"], first["nearest_site"]["facility"], first["nearest_site"]["city"]) == (
        "NCT04879121", "M D Anderson Cancer Center", "Houston")
    assert 0 <= first["nearest_site"]["distance_km"] < 80
    assert all(r["nearest_site"] and r["nearest_site"]["distance_km"] <= 80.5 for r in results)


def test_match_near_a_city_leaves_out_trials_without_a_site_location(data_dir, patient_file):
    near = ["match", "--patient", str(patient_file), "--near", "Houston, TX", "--json", "--top", "50"]
    kept = {r["nct_id"] for r in json.loads(run(data_dir, *near).stdout)["results"]}
    widened = json.loads(run(data_dir, *near, "--include-unlocated").stdout)["results"]
    unlocated = {r["nct_id"] for r in widened if r["nearest_site"] is None}
    assert "NCT04879121" in kept and not kept & NTRK_TRIALS_WITHOUT_SITES
    assert NTRK_TRIALS_WITHOUT_SITES & unlocated


def test_a_table_near_a_place_shows_the_nearest_site(data_dir, patient_file):
    done = run(data_dir, "match", "--patient", str(patient_file), "--near", "Houston, TX", "--top", "1")
    assert "nearest site" in done.stdout and "M D Anderson Cancer Center" in done.stdout


def test_a_result_carries_the_central_contact_of_its_record(data_dir, tmp_path):
    path = tmp_path / "thymoma.json"
    path.write_text(json.dumps({"age": 60, "conditions": ["thymoma"]}))
    done = run(data_dir, "match", "--patient", str(path), "--near", "Houston, TX", "--status", "any", "--json",
               "--top", "50")
    contacts = {r["nct_id"]: r["contacts"] for r in json.loads(done.stdout)["results"]}
    assert {"name": "Anne S. Tsao", "phone": "713-792-6363", "email": "astsao@mdanderson.org"} in contacts[
        "NCT03295227"]


def test_an_ambiguous_place_exits_2_naming_the_candidates(data_dir, patient_file):
    done = run(data_dir, "match", "--patient", str(patient_file), "--near", "Springfield")
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "Springfield, Illinois" in done.stderr and "Springfield, Massachusetts" in done.stderr


def test_an_unknown_place_exits_2_and_searches_nothing(data_dir, patient_file):
    done = run(data_dir, "match", "--patient", str(patient_file), "--near", "Atlantis under the sea")
    assert (done.returncode, done.stdout) == (2, "")
    assert "--near: no place called 'Atlantis under the sea' is known" in done.stderr


def test_the_near_flag_wins_over_the_patient_json(data_dir, tmp_path):
    path = tmp_path / "boston.json"
    path.write_text(json.dumps(PATIENT | {"location": {"near": "Boston, MA", "radius_km": 50}}))
    in_boston = json.loads(run(data_dir, "match", "--patient", str(path), "--json").stdout)["results"]
    in_houston = json.loads(run(data_dir, "match", "--patient", str(path), "--near", "Houston, TX",
                                "--json").stdout)["results"]
    assert "NCT04879121" not in {r["nct_id"] for r in in_boston}
    assert in_houston[0]["nct_id"] == "NCT04879121"


@pytest.mark.parametrize(("flags", "message"), [
    (["--near", "Houston, TX", "--radius", "far"], "--radius: 'far' is not a radius"),
    (["--radius", "100km"], "--radius: needs a place"),
])
def test_a_bad_radius_is_one_line_with_exit_2(data_dir, patient_file, flags, message):
    done = run(data_dir, "match", "--patient", str(patient_file), *flags)
    assert (done.returncode, message in done.stderr) == (2, True)


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


def test_a_procedure_the_vocabulary_lacks_warns_and_a_known_one_is_judged(data_dir, tmp_path):
    path = tmp_path / "procedures.json"
    path.write_text(json.dumps({"conditions": ["non-small cell lung cancer"], "procedures": ["kidney transplant",
                                                                                            "tonsillectomy"]}))
    done = run(data_dir, "match", "--patient", str(path), "--top", "500", "--include-ineligible", "--status", "any",
               "--json")
    assert done.returncode == 0 and "procedures: 'tonsillectomy' is not a procedure trialmatch knows" in done.stderr
    path.write_text(json.dumps({"conditions": ["cervical cancer"], "planned_procedures": ["cone biopsy"]}))
    planned = run(data_dir, "match", "--patient", str(path), "--top", "1", "--json")
    assert planned.returncode == 0 and "planned_procedures: 'cone biopsy' is not a procedure trialmatch knows" in \
        planned.stderr
    found = {r["nct_id"]: r for r in json.loads(done.stdout)["results"]}
    verdicts = [c for c in found["NCT03191786"]["criteria"] if c["kind"] == "procedure"]  # "... or solid organ
    assert [v["status"] for v in verdicts] == ["not_met"]  # transplant": a kidney transplant is one
    assert found["NCT03191786"]["verdict"] == "not_eligible"
