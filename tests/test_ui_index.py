"""Index page: backend, counts, last sync, recent runs, and Refresh now against a fake API v2 (AppTest)."""

from __future__ import annotations

import pytest
import streamlit as st

from core.settings import Settings
from ingest.client import CtgovClient
from ingest.lock import sync_lock
from ingest.query import StudyQuery
from ingest.store import RawStore
from ingest.sync import ingest_live
from tests.fake_ctgov import FakeCtgov
from tests.ui_data import app_test, texts, use_built_data_dir, use_data_dir
from workflows.indexing import index_pending

INDEX = "views/index.py"


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def click(at, label: str):
    next(b for b in at.button if b.label == label).click()
    return at.run()


@pytest.fixture
def live_data_dir(tmp_path, monkeypatch):
    """A data directory filled by a live ingest (term "cancer") from the fake API, then indexed."""
    with FakeCtgov() as api:
        monkeypatch.setenv("TRIALMATCH_CTGOV_URL", api.url)
        settings = Settings.load(data_dir=tmp_path, backend="embedded")
        with RawStore(settings.store_path) as store, CtgovClient(api.url, rate_per_minute=100_000) as client:
            ingest_live(store, client, StudyQuery(term="cancer"), page_size=50)
        index_pending(settings)
        use_data_dir(monkeypatch, tmp_path)
        yield api


def test_counts_backend_and_last_sync_are_shown(tmp_path_factory, monkeypatch):
    use_built_data_dir(tmp_path_factory, monkeypatch)
    at = app_test(INDEX)
    assert not at.exception
    assert metrics(at) == {"Trials indexed": "134", "Studies stored": "134", "Waiting to be indexed": "0"}
    markdown = texts(at.markdown)
    assert any(m.startswith("**Backend:** embedded (tantivy)") for m in markdown)
    assert any(m.startswith("**Last successful sync:**") and "134 added" in m for m in markdown)
    runs = at.dataframe[0].value
    assert list(runs["status"]) == ["succeeded"]


def test_an_empty_data_directory_says_how_to_load_trials(tmp_path, monkeypatch):
    use_data_dir(monkeypatch, tmp_path)
    at = app_test(INDEX)
    assert not at.exception
    assert metrics(at)["Studies stored"] == "0"
    assert any("No raw store yet" in i for i in texts(at.info))
    assert not (tmp_path / "studies.sqlite").exists()


def test_refresh_now_pulls_changes_and_reindexes(live_data_dir):
    live_data_dir.update_study("NCT00139620", lastUpdatePostDateStruct={"date": "2026-11-21", "type": "ACTUAL"})
    at = app_test(INDEX)
    before = len(at.dataframe[0].value)
    at = click(at, "Refresh now")
    assert not at.exception
    assert any(s.startswith("Refresh:") and "1 changed" in s and "Index: 1 indexed" in s for s in texts(at.success))
    assert len(at.dataframe[0].value) == before + 1
    assert metrics(at)["Waiting to be indexed"] == "0"


def test_refresh_now_uses_the_configured_contact_and_retries(live_data_dir, monkeypatch):
    monkeypatch.setenv("TRIALMATCH_CONTACT", "ops@example.org")
    monkeypatch.setenv("TRIALMATCH_CTGOV_RETRIES", "0")
    st.cache_resource.clear()
    live_data_dir.inject("503")
    at = click(app_test(INDEX), "Refresh now")
    assert not at.exception
    assert any(e.startswith("Refresh failed:") and "HTTP 503" in e for e in texts(at.error))
    assert live_data_dir.requests[-1].headers["User-Agent"].endswith("(+ops@example.org)")


def test_refresh_now_without_a_live_ingest_is_disabled_and_says_what_to_do_first(tmp_path_factory, monkeypatch):
    use_built_data_dir(tmp_path_factory, monkeypatch)
    at = app_test(INDEX)
    assert not at.exception
    assert next(b for b in at.button if b.label == "Refresh now").disabled
    assert any("Ingest a live scope first" in c for c in texts(at.caption))


def test_refresh_now_after_a_live_ingest_is_enabled(live_data_dir):
    assert not next(b for b in app_test(INDEX).button if b.label == "Refresh now").disabled


def test_the_sync_runs_table_shows_status_and_counts_first(tmp_path_factory, monkeypatch):
    use_built_data_dir(tmp_path_factory, monkeypatch)
    runs = app_test(INDEX).dataframe[0].value
    assert list(runs.columns[:5]) == ["status", "added", "changed", "unchanged", "failed"]


def test_refresh_now_while_another_refresh_runs_is_one_clear_error(live_data_dir):
    at = app_test(INDEX)
    with sync_lock(Settings.load().data_dir):
        at = click(at, "Refresh now")
    assert not at.exception
    assert any(e.startswith("Refresh failed: another ingest or refresh") for e in texts(at.error))


def test_an_unreachable_elasticsearch_still_shows_the_store_and_names_the_cluster(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("TRIALMATCH_ES_URL", "http://127.0.0.1:9")
    monkeypatch.delenv("TRIALMATCH_ES_INDEX", raising=False)
    use_built_data_dir(tmp_path_factory, monkeypatch)
    monkeypatch.setenv("TRIALMATCH_BACKEND", "elasticsearch")
    at = app_test(INDEX)
    assert not at.exception
    assert metrics(at)["Trials indexed"] == "unavailable" and metrics(at)["Studies stored"] == "134"
    assert any("Elasticsearch at `http://127.0.0.1:9`, index alias `trialmatch`" in m for m in texts(at.markdown))
    assert any("The trial index cannot be used" in e for e in texts(at.error))
