"""parse-note and match --note end to end: one JSON object, stdin, one-line errors (exit 2), JSON fields replacing
the note's."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.backend_suite import indexed_corpus
from tests.test_nlp_notes import trec_topic

NOTE = ("52-year-old woman with metastatic colorectal adenocarcinoma. NGS: NTRK1 amplification (9 copies). "
        "ECOG 1. No brain metastases.")


def run(data_dir, *args, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRIALMATCH_")}
    env["TRIALMATCH_DATA_DIR"] = str(data_dir)
    done = subprocess.run([sys.executable, "-m", "trialmatch", *args], capture_output=True, input=stdin, env=env,
                          timeout=180)
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode(), done.stderr.decode())


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return indexed_corpus(tmp_path_factory.getbasetemp()).data_dir


@pytest.fixture
def note_file(tmp_path):
    path = tmp_path / "note.txt"
    path.write_text(NOTE, encoding="utf-8")
    return path


def test_parse_note_json_is_exactly_one_object_with_profile_evidence_and_warnings(tmp_path, note_file):
    done = run(tmp_path, "parse-note", str(note_file), "--json")
    payload = json.loads(done.stdout)
    assert set(payload) == {"profile", "evidence", "warnings"}
    assert payload["profile"]["biomarkers"] == [{"gene": "NTRK1", "alteration": "amplification", "copies": 9.0}]
    assert {"field": "biomarkers[0]", "text": "NTRK1 amplification", "span": [66, 85]} in payload["evidence"]


def test_parse_note_reads_stdin_for_a_dash(tmp_path):
    done = run(tmp_path, "parse-note", "-", "--json", stdin=trec_topic(1).encode())
    assert json.loads(done.stdout)["profile"]["age"] == 45.0


def test_parse_note_shows_planned_procedures_apart_from_those_had(tmp_path):
    done = run(tmp_path, "parse-note", "-", "--json", stdin=trec_topic(31).encode())
    payload = json.loads(done.stdout)
    assert (payload["profile"].get("procedures"), payload["profile"]["planned_procedures"]) == (None, ["hysterectomy"])
    assert {e["text"] for e in payload["evidence"] if e["field"] == "planned_procedures[0]"} == {
        "radical hysterectomy"}
    shown = run(tmp_path, "parse-note", "-", stdin=trec_topic(31).encode()).stdout
    assert "planned_procedures[0]" in shown


def test_parse_note_without_json_shows_each_field_with_its_source(tmp_path, note_file):
    done = run(tmp_path, "parse-note", str(note_file))
    assert done.returncode == 0 and 'from "52-year-old" [0:11]' in done.stdout


@pytest.mark.parametrize(("note", "says"), [
    (b"", "note: empty"), (b"Nice weather today.", "no patient facts"), (b"45 y\xe9", "not UTF-8 text")])
def test_a_bad_note_is_one_line_on_stderr_with_exit_2(tmp_path, note, says):
    done = run(tmp_path, "parse-note", "-", stdin=note)
    assert (done.returncode, done.stdout, done.stderr.count("\n"), says in done.stderr) == (2, "", 1, True)


def test_match_note_ranks_the_trial_the_note_fits(data_dir, note_file):
    done = run(data_dir, "match", "--note", str(note_file), "--top", "3", "--json")
    assert json.loads(done.stdout)["results"][0]["nct_id"] == "NCT04879121"


def test_match_patient_fields_replace_the_notes_field_by_field(data_dir, note_file, tmp_path):
    patient = tmp_path / "patient.json"
    patient.write_text(json.dumps({"biomarkers": [{"gene": "NTRK1", "alteration": "amplification", "copies": 5}]}))
    done = run(data_dir, "match", "--note", str(note_file), "--patient", str(patient), "--top", "40",
               "--include-ineligible", "--json")
    model = next(r for r in json.loads(done.stdout)["results"] if r["nct_id"] == "NCT04879121")
    biomarker = next(c for c in model["criteria"] if c["kind"] == "biomarker")
    assert "NTRK1 amplification, 5 copies" in biomarker["explanation"]
    assert any(c["kind"] == "age" and "52" in c["explanation"] for c in model["criteria"])  # the note's age kept


def test_match_needs_a_patient_or_a_note(data_dir):
    done = run(data_dir, "match")
    assert done.returncode == 2 and "--patient" in done.stderr and "--note" in done.stderr


def test_match_note_with_nothing_to_search_by_says_what_to_add(data_dir, tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("A 60-year-old man, ECOG 1.", encoding="utf-8")
    done = run(data_dir, "match", "--note", str(path))
    assert (done.returncode, done.stderr.count("\n")) == (2, 1) and "diagnosis" in done.stderr


def test_a_note_of_symptoms_and_findings_finds_trials_by_its_words_with_the_diagnosis_unknown(data_dir, tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("A 66-year-old man presents with a peripheral lesion on CT; electromagnetic navigation "
                    "bronchoscopy is planned to reach it.", encoding="utf-8")
    done = run(data_dir, "match", "--note", str(path), "--status", "any", "--top", "5", "--json")
    results = json.loads(done.stdout)["results"]
    assert done.returncode == 0 and "warning: conditions:" in done.stderr and "own words" in done.stderr
    assert "NCT03355586" in [r["nct_id"] for r in results]  # "... Electromagnetic Navigation Based Diagnostic Yield"
    assert all(c["status"] == "unknown" for r in results for c in r["criteria"] if c["kind"] == "diagnosis")


def test_parse_note_gives_the_words_match_note_searches_by_so_its_profile_matches_alike(data_dir, tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("A 66-year-old man presents with a peripheral lesion on CT; electromagnetic navigation "
                    "bronchoscopy is planned to reach it.", encoding="utf-8")
    profile = json.loads(run(tmp_path, "parse-note", str(note), "--json").stdout)["profile"]
    assert profile["search_text"].startswith("peripheral lesion") and "man" not in profile["search_text"]
    patient = tmp_path / "patient.json"
    patient.write_text(json.dumps(profile), encoding="utf-8")
    by_note, by_profile = (json.loads(run(data_dir, "match", *source, "--status", "any", "--json").stdout)["results"]
                           for source in (("--note", str(note)), ("--patient", str(patient))))
    assert [r["nct_id"] for r in by_note] == [r["nct_id"] for r in by_profile] and by_note
    shown = run(tmp_path, "parse-note", str(note)).stdout
    assert "search_text" in shown and "never judged" in shown


def test_a_notes_therapies_are_partial_in_parse_note_json_and_stay_so_through_match_patient(data_dir, tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("58-year-old woman with metastatic non-small cell lung cancer. Progressed on osimertinib.",
                    encoding="utf-8")
    profile = json.loads(run(tmp_path, "parse-note", str(note), "--json").stdout)["profile"]
    assert profile["prior_therapies"] == [{"name": "osimertinib", "outcome": "progression"}]
    assert profile["prior_therapies_complete"] is False
    assert "prior_therapies_complete  false" in run(tmp_path, "parse-note", str(note)).stdout
    statuses = {}
    for complete in (False, True):
        patient = tmp_path / f"patient-{complete}.json"
        patient.write_text(json.dumps(profile | {"prior_therapies_complete": complete}), encoding="utf-8")
        done = run(data_dir, "match", "--patient", str(patient), "--status", "any", "--include-ineligible",
                   "--top", "500", "--json")
        statuses[complete] = [(c["status"], "partial" in c["explanation"]) for r in json.loads(done.stdout)["results"]
                              for c in r["criteria"] if c["kind"] == "prior_therapy" and "requires" in c["explanation"]
                              and "osimertinib" not in c["explanation"]]
    assert ("unknown", True) in statuses[False] and ("not_met", False) not in statuses[False]
    assert ("not_met", False) in statuses[True]
