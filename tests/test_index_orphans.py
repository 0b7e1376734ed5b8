"""A `--rebuild` killed midway leaves its half-built `index-<ns>/` directory; the next index run removes it,
and never the live index or a rebuild still in progress."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from search.embedded import EmbeddedBackend
from search.index_versions import building, discard_orphans, versions
from tests.backend_suite import STUDIES_DIR, documents

TRIALMATCH = [sys.executable, "-m", "trialmatch"]


def run(data_dir: Path, *args: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRIALMATCH_")}
    env["TRIALMATCH_DATA_DIR"] = str(data_dir)
    return subprocess.Popen([*TRIALMATCH, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finished(process: subprocess.Popen) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=600)
    return process.returncode, out, err


def test_the_next_index_run_removes_the_directory_of_a_rebuild_killed_midway(tmp_path: Path):
    data = tmp_path / "data"
    assert finished(run(data, "ingest", "--source", str(STUDIES_DIR)))[0] == 0
    assert finished(run(data, "index"))[0] == 0
    link = data / "index"
    live = link.resolve()
    rebuild = run(data, "index", "--rebuild")
    deadline = time.monotonic() + 300
    while len(versions(link)) < 2 and rebuild.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    rebuild.send_signal(signal.SIGKILL)
    rebuild.communicate()
    orphans = [p for p in versions(link) if p != live]
    assert len(orphans) == 1 and link.resolve() == live, "the rebuild must be killed after creating its directory"
    code, out, err = finished(run(data, "index"))
    assert code == 0, err
    assert versions(link) == [live] and not orphans[0].exists()
    assert f"removed 1 index versions left by killed rebuilds ({orphans[0].name})" in err
    assert "125 in the index" in out


def test_a_rebuild_in_progress_keeps_its_directory(tmp_path: Path):
    backend = EmbeddedBackend(tmp_path / "index")
    backend.upsert(documents())
    in_progress = tmp_path / f"index-{time.time_ns()}"
    with building(backend.path):
        in_progress.mkdir()
        assert discard_orphans(backend.path) == []
    assert in_progress.is_dir()
    assert backend.discard_orphans() == [in_progress.name]
    assert backend.count() == len(documents())


def test_a_rebuild_removes_what_a_killed_one_left_and_the_version_it_replaced(tmp_path: Path):
    backend = EmbeddedBackend(tmp_path / "index")
    backend.upsert(documents())
    left = tmp_path / f"index-{time.time_ns()}"
    left.mkdir()
    backend.rebuild(documents())
    assert versions(backend.path) == [backend.path.resolve()]
