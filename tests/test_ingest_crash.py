"""kill -9 of a running ingest or refresh, then a rerun: nothing lost, nothing duplicated, store intact."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest.loaders import iter_source
from ingest.store import RawStore
from tests.fake_ctgov import FakeCtgov

LEGACY = Path(__file__).resolve().parents[1].parent / "shared" / "ctgov" / "legacy-xml"
TRIALMATCH = [sys.executable, "-m", "trialmatch"]


def environment(data_dir: Path, api_url: str = "http://127.0.0.1:9/api/v2") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRIALMATCH_")}
    env.update(TRIALMATCH_DATA_DIR=str(data_dir), TRIALMATCH_CTGOV_URL=api_url, TRIALMATCH_CTGOV_RATE="100000")
    return env


def read_only(data_dir: Path, sql: str):
    with sqlite3.connect(f"file:{data_dir / 'studies.sqlite'}?mode=ro", uri=True, timeout=5) as db:
        return db.execute(sql).fetchone()


def kill_when(process: subprocess.Popen, data_dir: Path, sql: str, timeout: float = 60) -> None:
    """SIGKILL `process` as soon as `sql` returns a true value from its store."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the run finished before it could be killed"
        try:
            if (data_dir / "studies.sqlite").exists() and read_only(data_dir, sql)[0]:
                break
        except sqlite3.OperationalError:
            pass
        time.sleep(0.02)
    else:
        pytest.fail(f"condition {sql!r} never held")
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([*TRIALMATCH, *args], env=env, capture_output=True, text=True, timeout=300)


def assert_consistent(data_dir: Path, expected_ids: set[str]) -> None:
    with RawStore(data_dir / "studies.sqlite") as store:
        assert store.integrity_ok()
        ids = [s.nct_id for s in store.iter_studies()]
    assert len(ids) == len(set(ids))
    assert set(ids) == expected_ids


def test_offline_ingest_killed_mid_run_then_rerun_loses_and_duplicates_nothing(tmp_path: Path):
    source = tmp_path / "xml"
    source.mkdir()
    files = sorted(LEGACY.glob("NCT*.xml"))[:1800]
    for path in files:
        (source / path.name).symlink_to(path)
    data_dir = tmp_path / "data"
    env = environment(data_dir)
    process = subprocess.Popen([*TRIALMATCH, "ingest", "--source", str(source)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kill_when(process, data_dir, "SELECT count(*) >= 500 FROM studies")
    (committed,) = read_only(data_dir, "SELECT count(*) FROM studies")
    assert committed % 500 == 0 and committed < len(files)

    done = run(["ingest", "--source", str(source), "--json"], env)
    assert done.returncode == 0, done.stderr
    assert '"added":' in done.stdout
    assert_consistent(data_dir, {p.stem for p in files})
    with RawStore(data_dir / "studies.sqlite") as store:
        (sample,) = iter_source(files[1234])
        assert store.get(files[1234].stem).raw == sample.study
        runs = store.sync_runs()
    assert [r.status for r in runs] == ["succeeded", "interrupted"]


def test_live_ingest_killed_mid_run_resumes_from_the_last_committed_page(tmp_path: Path):
    data_dir = tmp_path / "data"
    with FakeCtgov() as api:
        api.page_delay = 0.15
        env = environment(data_dir, api.url)
        process = subprocess.Popen([*TRIALMATCH, "ingest", "--all", "--page-size", "10"], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        kill_when(process, data_dir, "SELECT count(*) >= 30 FROM studies")
        api.page_delay = 0
        served = len(api.study_pages())
        done = run(["ingest", "--all", "--page-size", "10", "--json"], env)
        assert done.returncode == 0, done.stderr
        assert "pageToken" in api.study_pages()[served].params
        expected = {s["protocolSection"]["identificationModule"]["nctId"] for s in api.studies}
    assert_consistent(data_dir, expected)


def test_refresh_killed_mid_run_then_rerun_stores_every_change(tmp_path: Path):
    data_dir = tmp_path / "data"
    with FakeCtgov() as api:
        env = environment(data_dir, api.url)
        assert run(["ingest", "--all", "--page-size", "50"], env).returncode == 0
        with RawStore(data_dir / "studies.sqlite") as store:
            store.mark_processed([s.nct_id for s in store.iter_studies()])
        changed = [s["protocolSection"]["identificationModule"]["nctId"] for s in api.studies[::2]]
        for nct_id in changed:
            api.update_study(nct_id, lastUpdatePostDateStruct={"date": "2026-11-22", "type": "ACTUAL"})
        api.page_delay = 0.15
        process = subprocess.Popen([*TRIALMATCH, "refresh", "--page-size", "10", "--no-index"], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        kill_when(process, data_dir, "SELECT count(*) FROM sync_runs WHERE status = 'running' AND changed >= 20")
        api.page_delay = 0
        served = len(api.study_pages())
        done = run(["refresh", "--page-size", "10", "--json", "--no-index"], env)
        assert done.returncode == 0, done.stderr
        assert "pageToken" in api.study_pages()[served].params
        expected = {s["protocolSection"]["identificationModule"]["nctId"] for s in api.studies}
    assert_consistent(data_dir, expected)
    with RawStore(data_dir / "studies.sqlite") as store:
        assert {s.nct_id for s in store.iter_studies() if s.last_update == "2026-11-22"} == set(changed)
        assert {s.nct_id for s in store.iter_studies(pending_only=True)} == set(changed)
