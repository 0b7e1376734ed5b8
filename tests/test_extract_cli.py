"""`trialmatch extract` as a user runs it: one JSON line per trial, --pretty, and one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from nlp.models import TrialCriteria

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
NTRK = SHARED / "ctgov" / "ntrk"
TRIALMATCH = [sys.executable, "-m", "trialmatch"]


def trialmatch(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRIALMATCH_")}
    env["TRIALMATCH_DATA_DIR"] = str(tmp_path / "data")
    return subprocess.run([*TRIALMATCH, *args], env=env, capture_output=True, text=True, timeout=300)


def read_jsonl(path: Path) -> list[TrialCriteria]:
    return [TrialCriteria.model_validate_json(line) for line in path.read_text().splitlines()]


def test_studies_in_a_directory_give_one_line_each_in_input_order(tmp_path: Path):
    out = tmp_path / "facts.jsonl"
    done = trialmatch(tmp_path, "extract", "--input", str(NTRK), "--output", str(out))
    assert done.returncode == 0, done.stderr
    facts = read_jsonl(out)
    assert [f.nct_id for f in facts] == sorted(p.stem for p in NTRK.glob("NCT*.json"))
    model = next(f for f in facts if f.nct_id == "NCT04879121")
    assert (model.age.min_years, model.age.source, model.performance_status.ecog_max) == (16, "both", 3)
    assert "extracted 9 trials" in done.stderr


def test_text_only_jsonl_with_empty_and_broken_lines_still_gives_a_record_per_trial(tmp_path: Path):
    source = tmp_path / "texts.jsonl"
    lines = [
        json.dumps({"nct_id": "NCT00000001", "criteria": "Inclusion Criteria:\n- Age 18 to 70 years\n- ECOG 0-1"}),
        json.dumps({"nct_id": "NCT00000002", "criteria": ""}),
        json.dumps({"nct_id": "NCT00000003"}),
        "{not json",
        json.dumps({"nct_id": "NCT00000004", "criteria": None}),
    ]
    source.write_text("\n".join(lines) + "\n")
    out = tmp_path / "facts.jsonl"
    done = trialmatch(tmp_path, "extract", "-i", str(source), "-o", str(out))
    assert done.returncode == 0, done.stderr
    facts = read_jsonl(out)
    assert [f.nct_id for f in facts] == ["NCT00000001", "NCT00000002", "NCT00000003", "NCT00000004"]
    assert (facts[0].age.min_years, facts[0].age.max_years, facts[0].age.source) == (18, 70, "text")
    assert all(f.criteria == [] and f.age.min_years is None for f in facts[1:])
    assert "skipped 1 records" in done.stderr and "not a JSON line" in done.stderr


def test_pretty_prints_each_fact_with_the_sentence_it_came_from(tmp_path: Path):
    done = trialmatch(tmp_path, "extract", "--input", str(NTRK), "--pretty", "nct04879121")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("NCT04879121:")
    ps = lines.index(next(line for line in lines if line.startswith("  performance status: ECOG max 3")))
    assert "[inclusion #" in lines[ps + 1] and "Karnofsky performance score (KPS) >= 70 %" in lines[ps + 1]
    assert any(line.startswith("  age: 16.0 to None years (source: both)") for line in lines)


def test_user_errors_are_one_line_and_exit_status_2(tmp_path: Path):
    missing = trialmatch(tmp_path, "extract", "--input", str(tmp_path / "nope"), "--output", str(tmp_path / "o"))
    unknown = trialmatch(tmp_path, "extract", "--input", str(NTRK), "--pretty", "NCT99999999")
    nowhere = trialmatch(tmp_path, "extract", "--input", str(NTRK))
    for done in (missing, unknown, nowhere):
        assert done.returncode == 2
        assert done.stderr.strip().splitlines()[-1].startswith("trialmatch: error: ")
        assert "Traceback" not in done.stderr
    assert "does not exist" in missing.stderr
    assert "NCT99999999 is not in" in unknown.stderr
    assert "--output" in nowhere.stderr
