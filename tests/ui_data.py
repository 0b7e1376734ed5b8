"""Test support for the UI tests: a data directory built once per test process, and AppTest helpers.

    data_dir = built_data_dir(tmp_path_factory)     # ../shared NTRK trials + API v2 studies, ingested and indexed
    at = app_test(); at.run()                        # the router ui/app.py, caches cleared

The directory is built through the real ingest (`ingest.sync.ingest_files`) and indexing
(`workflows.indexing.index_pending`) code, exactly as `trialmatch ingest` and `trialmatch index` would.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.settings import Settings
from ingest.store import RawStore
from ingest.sync import ingest_files
from workflows.indexing import index_pending

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
NTRK_DIR = SHARED / "ctgov" / "ntrk"
STUDIES_DIR = SHARED / "ctgov" / "api-v2" / "studies"
APP = REPO / "ui" / "app.py"
NTRK_TRIALS = frozenset(p.stem for p in NTRK_DIR.glob("NCT*.json"))
MODEL_TRIAL = "NCT04879121"

_built: dict[str, Path] = {}


def built_data_dir(factory: pytest.TempPathFactory) -> Path:
    """The UI test data directory (NTRK trials + API v2 studies), ingested and indexed once per process."""
    if "dir" not in _built:
        data_dir = factory.mktemp("ui-data")
        settings = Settings.load(data_dir=data_dir, backend="embedded")
        with RawStore(settings.store_path) as store:
            summary = ingest_files(store, [NTRK_DIR, STUDIES_DIR])
        assert summary.failed == 0, summary.failures
        report = index_pending(settings)
        assert report.failed == 0, report.failures
        _built["dir"] = data_dir
    return _built["dir"]


def use_built_data_dir(factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Build (once) the UI test data directory and point the app at it."""
    data_dir = built_data_dir(factory)
    use_data_dir(monkeypatch, data_dir)
    return data_dir


def use_data_dir(monkeypatch: pytest.MonkeyPatch, data_dir: Path, backend: str = "embedded") -> None:
    """Point the app's settings at `data_dir` and forget every cached backend and vocabulary."""
    monkeypatch.setenv("TRIALMATCH_DATA_DIR", str(data_dir))
    monkeypatch.setenv("TRIALMATCH_BACKEND", backend)
    st.cache_resource.clear()


def app_test(page: str | None = None, state: dict | None = None, **query: str) -> AppTest:
    """The router, run once (with session `state` seeded), switched to `page` (e.g. "views/trial.py")
    with `query` parameters, and run."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    if page:
        at.query_params.update(query)
        at.switch_page(page)
        at.run()
    return at


def texts(elements) -> list[str]:
    return [str(e.value) for e in elements]
