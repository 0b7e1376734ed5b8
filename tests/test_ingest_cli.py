"""The ingest, refresh and schedule commands as a user runs them: summaries, --json, exit statuses."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from core.settings import Settings
from ingest.lock import sync_lock
from search.backends import open_backend
from tests.fake_ctgov import FakeCtgov

CTGOV = Path(__file__).resolve().parents[1].parent / "shared" / "ctgov"
TRIALMATCH = [sys.executable, "-m", "trialmatch"]
SUMMARY_KEYS = ["added", "changed", "unchanged", "failed", "repaired", "total", "failures"]


def trialmatch(
    data_dir: Path, *args: str, api_url: str = "http://127.0.0.1:9/api/v2", **variables: str
) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRIALMATCH_")}
    env.update(TRIALMATCH_DATA_DIR=str(data_dir), TRIALMATCH_CTGOV_URL=api_url, TRIALMATCH_CTGOV_RATE="100000")
    env.update(variables)
    return subprocess.run([*TRIALMATCH, *args], env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def api():
    with FakeCtgov() as fake:
        yield fake


def test_ingest_json_prints_exactly_one_summary_object(tmp_path: Path):
    done = trialmatch(tmp_path, "ingest", "--source", str(CTGOV / "ntrk"), "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert list(summary) == SUMMARY_KEYS
    assert (summary["added"], summary["total"], summary["failures"]) == (9, 9, [])


def test_skipped_records_are_named_and_the_run_still_succeeds(tmp_path: Path):
    (tmp_path / "broken.json").write_text("{")
    done = trialmatch(tmp_path / "data", "ingest", "-s", str(CTGOV / "ntrk"), "-s", str(tmp_path / "broken.json"))
    assert done.returncode == 0
    assert done.stdout.startswith("ingest: 9 added, 0 changed, 0 unchanged, 1 failed; 9 studies in the store")
    assert f"skipped {tmp_path / 'broken.json'}: invalid JSON" in done.stderr


def test_progress_lines_go_to_stderr_when_not_on_a_terminal(tmp_path: Path):
    done = trialmatch(tmp_path, "ingest", "--source", str(CTGOV / "api-v2" / "studies"), "--json")
    assert "ingest: 125 studies" in done.stderr
    assert json.loads(done.stdout)["added"] == 125


def test_a_missing_source_is_one_error_line_and_exit_status_2(tmp_path: Path):
    done = trialmatch(tmp_path, "ingest", "--source", str(tmp_path / "nope"))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"trialmatch: error: source {tmp_path / 'nope'} does not exist: give the path of a study file, "
        "directory or .zip"
    ]


def test_a_live_ingest_with_the_network_down_fails_with_exit_status_2(tmp_path: Path):
    done = trialmatch(tmp_path, "ingest", "--term", "NTRK", "--retries", "1")
    assert done.returncode == 2
    assert "cannot reach ClinicalTrials.gov" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_unusable_store_file_is_one_error_line_and_exit_status_2(tmp_path: Path):
    (tmp_path / "studies.sqlite").write_text("not a database, " * 100)
    done = trialmatch(tmp_path, "ingest", "--source", str(CTGOV / "ntrk"))
    assert done.returncode == 2
    assert done.stderr.startswith(f"trialmatch: error: cannot open the raw store {tmp_path / 'studies.sqlite'}")


def test_an_unknown_status_is_refused_before_any_request(tmp_path: Path):
    done = trialmatch(tmp_path, "ingest", "--status", "OPEN")
    assert done.returncode == 2
    assert "unknown status OPEN: use one of ACTIVE_NOT_RECRUITING" in done.stderr


def test_live_ingest_then_refresh_report_in_json(tmp_path: Path, api: FakeCtgov):
    first = trialmatch(tmp_path, "ingest", "--term", "breast", "--json", api_url=api.url)
    assert first.returncode == 0, first.stderr
    added = json.loads(first.stdout)["added"]
    refreshed = trialmatch(tmp_path, "refresh", "--json", "--no-index", api_url=api.url)
    assert refreshed.returncode == 0, refreshed.stderr
    assert json.loads(refreshed.stdout) == {
        "added": 0, "changed": 0, "unchanged": 0, "failed": 0, "repaired": 0, "total": added, "failures": []
    }


def test_refresh_has_the_changed_studies_re_extracted_and_re_indexed(tmp_path: Path):
    with FakeCtgov() as api:
        assert trialmatch(tmp_path, "ingest", "--term", "KRAS", api_url=api.url).returncode == 0
        first = trialmatch(tmp_path, "refresh", api_url=api.url)
        assert first.returncode == 0, first.stderr
        indexed = int(first.stdout.split("index: ")[1].split()[0])
        study = next(s for s in api.studies if "kras" in json.dumps(s).lower())
        nct_id = study["protocolSection"]["identificationModule"]["nctId"]
        api.update_study(nct_id, overallStatus="TERMINATED", lastUpdatePostDateStruct={"date": "2026-11-22"})
        second = trialmatch(tmp_path, "refresh", "--json", api_url=api.url)
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout)["changed"] == 1
    assert f"index: 1 studies re-indexed, 0 failed, {indexed} in the index" in second.stderr
    backend = open_backend(Settings.load(data_dir=tmp_path))
    try:
        assert backend.get(nct_id).overall_status == "TERMINATED"
    finally:
        backend.close()


def test_the_contact_and_retries_come_from_the_environment_unless_a_flag_says_otherwise(tmp_path: Path):
    with FakeCtgov() as api:
        variables = {"TRIALMATCH_CONTACT": "env@example.org", "TRIALMATCH_CTGOV_RETRIES": "0"}
        assert trialmatch(tmp_path, "ingest", "--term", "KRAS", api_url=api.url, **variables).returncode == 0
        assert api.requests[-1].headers["User-Agent"].endswith("(+env@example.org)")
        api.inject("503")
        failed = trialmatch(tmp_path, "refresh", "--no-index", api_url=api.url, **variables)
        assert failed.returncode == 2 and "HTTP 503" in failed.stderr
        api.inject("503")
        flagged = trialmatch(
            tmp_path, "refresh", "--no-index", "--retries", "1", "--contact", "flag@example.org",
            api_url=api.url, **variables,
        )
    assert flagged.returncode == 0, flagged.stderr
    assert api.requests[-1].headers["User-Agent"].endswith("(+flag@example.org)")


def test_refresh_before_any_live_ingest_says_what_to_run(tmp_path: Path, api: FakeCtgov):
    done = trialmatch(tmp_path, "refresh", api_url=api.url)
    assert done.returncode == 2
    assert "run e.g. `trialmatch ingest --term NTRK` first" in done.stderr


def test_a_second_run_is_refused_while_another_holds_the_lock(tmp_path: Path):
    with sync_lock(tmp_path):
        done = trialmatch(tmp_path, "ingest", "--source", str(CTGOV / "ntrk"))
    assert done.returncode == 2
    assert f"another ingest or refresh (pid {os.getpid()}) is writing the store" in done.stderr


def test_schedule_runs_refresh_on_an_interval_in_the_foreground(tmp_path: Path, api: FakeCtgov):
    assert trialmatch(tmp_path, "ingest", "--term", "lung", api_url=api.url).returncode == 0
    done = trialmatch(
        tmp_path, "schedule", "--every", "1s", "--run-now", "--max-runs", "2", "--no-index", api_url=api.url
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("refresh: 0 added, 0 changed") == 2
    assert "refreshing every 0:00:01" in done.stdout


def test_schedule_stops_cleanly_on_sigterm(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRIALMATCH_")}
    env["TRIALMATCH_DATA_DIR"] = str(tmp_path)
    process = subprocess.Popen([*TRIALMATCH, "schedule", "--every", "1h"], env=env, stdout=subprocess.PIPE, text=True)
    assert "refreshing every 1:00:00" in process.stdout.readline()
    assert "next refresh at" in process.stdout.readline()
    process.send_signal(signal.SIGTERM)
    out, _ = process.communicate(timeout=30)
    assert process.returncode == 0
    assert out.strip().endswith("schedule stopped")


def test_schedule_refuses_a_malformed_interval(tmp_path: Path):
    done = trialmatch(tmp_path, "schedule", "--every", "often")
    assert done.returncode == 2
    assert "invalid schedule 'often'" in done.stderr
