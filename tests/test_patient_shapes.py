"""Patient JSON of the wrong shape — a list or an object where a word is expected, nesting thousands deep —
is the project's own error naming the field (exit 2 on the command line), never a traceback."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from search.patient import PatientError, load_patient, parse_patient

TRIALMATCH = [sys.executable, "-m", "trialmatch"]


@pytest.mark.parametrize(("data", "field"), [
    ({"biomarkers": [{"gene": "NTRK1", "alteration": ["fusion"]}]}, "biomarkers[0].alteration"),
    ({"biomarkers": [{"gene": "NTRK1", "alteration": {"x": 1}}]}, "biomarkers[0].alteration"),
    ({"biomarkers": [{"gene": "NTRK1", "status": ["positive"]}]}, "biomarkers[0].status"),
    ({"biomarkers": [{"gene": "NTRK1", "status": {"x": 1}}]}, "biomarkers[0].status"),
    ({"conditions": ["glioma"], "prior_therapies": [{"name": "larotrectinib", "outcome": {"x": 1}}]},
     "prior_therapies[0].outcome"),
    ({"conditions": ["glioma"], "prior_therapies": [{"name": "larotrectinib", "outcome": ["progression"]}]},
     "prior_therapies[0].outcome"),
    ({"conditions": ["glioma"], "sex": ["female"]}, "sex"),
    ({"conditions": ["glioma"], "cns_metastases": {"x": 1}}, "cns_metastases"),
])
def test_a_list_or_object_where_a_word_is_expected_names_the_field(data, field):
    with pytest.raises(PatientError, match=rf"^{re.escape(field)}: (expected|input should be) "):
        parse_patient(data)


def test_a_profile_nested_thousands_deep_is_a_patient_error_naming_the_file(tmp_path: Path):
    path = tmp_path / "deep.json"
    path.write_text('{"conditions": ["glioma"], "biomarkers": ' + "[" * 5000 + "]" * 5000 + "}")
    with pytest.raises(PatientError, match=rf"^patient file {re.escape(str(path))}: .*deeper than 100 levels"):
        load_patient(path)


def test_a_profile_nested_past_the_cap_names_the_field(tmp_path: Path):
    path = tmp_path / "deep.json"
    path.write_text(json.dumps({"conditions": ["glioma"], "biomarkers": json.loads("[" * 150 + "]" * 150)}))
    with pytest.raises(PatientError, match=r"biomarkers\[0\]\[0\]\[0\]… nests deeper than 100 levels"):
        load_patient(path)


@pytest.mark.parametrize("profile", [
    '{"conditions": ["glioma"], "biomarkers": ' + "[" * 5000 + "]" * 5000 + "}",
    json.dumps({"biomarkers": [{"gene": "NTRK1", "alteration": ["fusion"]}]}),
])
def test_match_reports_a_malformed_profile_in_one_line_with_exit_2(tmp_path: Path, profile: str):
    path = tmp_path / "patient.json"
    path.write_text(profile)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRIALMATCH_")}
    env["TRIALMATCH_DATA_DIR"] = str(tmp_path / "data")
    done = subprocess.run([*TRIALMATCH, "match", "--patient", str(path)], env=env, capture_output=True, text=True,
                          timeout=120)
    assert (done.returncode, done.stderr.count("\n"), "Traceback" in done.stderr) == (2, 1, False), done.stderr


def test_invalid_bytes_in_a_patient_file_reach_the_field_check(tmp_path: Path):
    path = tmp_path / "p.json"
    path.write_bytes(b'{"conditions": ["glioma"], "sex": "fem\xffale"}')
    with pytest.raises(PatientError, match=rf"^patient file {re.escape(str(path))}: sex: unknown value 'fem\ufffdale'"):
        load_patient(path)
