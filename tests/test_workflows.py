"""The workflows above the stages, on a fake ClinicalTrials.gov API v2: refresh then index, and the store's status."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import Settings
from ingest.client import CtgovClient
from ingest.query import StudyQuery
from ingest.store import RawStore
from ingest.sync import ingest_live
from search.backends import open_backend
from tests.fake_ctgov import FakeCtgov
from workflows.refresh import IndexingFailed, NothingToRefresh, RunProgress, refresh_and_index
from workflows.status import store_status


@pytest.fixture
def api():
    with FakeCtgov() as fake:
        yield fake


def live_settings(data_dir: Path, api: FakeCtgov, **flags) -> Settings:
    """Settings of `data_dir` whose ClinicalTrials.gov is the fake API, after a live ingest of term KRAS."""
    settings = Settings.load(data_dir=data_dir, backend="embedded").override(ctgov_url=api.url, ctgov_rate=100_000)
    with RawStore(settings.store_path) as store, CtgovClient.from_settings(settings) as client:
        ingest_live(store, client, StudyQuery(term="KRAS"), page_size=50)
    return settings.override(**flags)


def test_the_refresh_is_reported_before_indexing_starts_and_everything_pending_is_indexed(tmp_path, api):
    settings = live_settings(tmp_path, api)
    stored = store_status(settings).stored
    events: list[str] = []

    class Recorded(RunProgress):
        def __init__(self, label: str) -> None:
            super().__init__(label)
            events.append(f"open {label}")

    outcome = refresh_and_index(settings, open_progress=Recorded, refreshed=lambda s: events.append(s.line()))
    assert events[0] == "open refresh" and events[2] == "open index"
    assert events[1].startswith("0 added, 0 changed")
    assert (outcome.index.indexed, outcome.index.total) == (stored, stored)
    assert store_status(settings).pending == 0
    backend = open_backend(settings)
    try:
        assert backend.count() == stored
    finally:
        backend.close()


def test_a_backend_failure_after_the_refresh_keeps_the_refresh_and_says_how_to_retry(tmp_path, api):
    settings = live_settings(tmp_path, api, backend="elasticsearch", es_url="http://127.0.0.1:9")
    runs_before = len(store_status(settings).runs)
    with pytest.raises(IndexingFailed, match=r"the refresh was stored but re-indexing failed: .*trialmatch index"):
        refresh_and_index(settings)
    status = store_status(settings)
    assert len(status.runs) == runs_before + 1 and status.runs[0].status == "succeeded"
    assert status.pending == status.stored > 0


def test_a_refresh_without_a_live_ingest_stops_before_indexing(tmp_path):
    settings = Settings.load(data_dir=tmp_path, backend="embedded")
    with RawStore(settings.store_path):
        pass
    with pytest.raises(NothingToRefresh):
        refresh_and_index(settings, refreshed=lambda summary: pytest.fail("nothing was refreshed"))


def test_the_status_of_a_data_directory_without_a_store_is_empty_and_creates_nothing(tmp_path):
    status = store_status(Settings.load(data_dir=tmp_path))
    assert (status.exists, status.stored, status.pending, status.last_sync, status.runs) == (False, 0, 0, None, [])
    assert not (tmp_path / "studies.sqlite").exists()
