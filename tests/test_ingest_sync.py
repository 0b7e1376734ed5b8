"""Sync runs: offline ingest, live ingest, incremental refresh, resume from the checkpoint, the lock."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.client import ApiError, CtgovClient
from ingest.loaders import SourceError
from ingest.lock import LockBusy, sync_lock
from ingest.query import StudyQuery
from ingest.store import RawStore
from ingest.sync import NothingToRefresh, ingest_files, ingest_live, refresh
from tests import fake_ctgov
from tests.fake_ctgov import FakeCtgov

CTGOV = Path(__file__).resolve().parents[1].parent / "shared" / "ctgov"

api = fake_ctgov.api  # fixtures shared with the other ingest tests
client = fake_ctgov.client


@pytest.fixture
def store(tmp_path: Path):
    with RawStore(tmp_path / "studies.sqlite") as opened:
        yield opened


def test_offline_ingest_counts_added_then_unchanged(store: RawStore):
    first = ingest_files(store, [CTGOV / "ntrk"])
    again = ingest_files(store, [CTGOV / "ntrk"])
    assert (first.added, first.total) == (9, 9)
    assert (again.added, again.unchanged, again.total) == (0, 9, 9)


def test_offline_ingest_skips_bad_records_names_them_and_keeps_going(store: RawStore, tmp_path: Path):
    source = tmp_path / "mixed"
    source.mkdir()
    (source / "a-broken.json").write_text("{not json")
    (source / "b-nodata.json").write_text('{"hasResults": false}')
    (source / "c-good.json").write_text((CTGOV / "ntrk" / "NCT04879121.json").read_text())
    summary = ingest_files(store, [source])
    assert (summary.added, summary.failed) == (1, 2)
    assert [f.source for f in summary.failures] == [str(source / "a-broken.json"), str(source / "b-nodata.json")]
    assert summary.failures[1].reason == "missing protocolSection (not an API v2 study object)"


def test_a_bad_record_does_not_touch_what_is_already_stored(store: RawStore, tmp_path: Path):
    ingest_files(store, [CTGOV / "ntrk"])
    (tmp_path / "NCT04879121.json").write_text('{"protocolSection": ')
    ingest_files(store, [tmp_path / "NCT04879121.json"])
    assert store.get("NCT04879121").raw == json.loads((CTGOV / "ntrk" / "NCT04879121.json").read_text())


def test_offline_ingest_of_a_missing_source_fails_before_writing(store: RawStore, tmp_path: Path):
    with pytest.raises(SourceError):
        ingest_files(store, [CTGOV / "ntrk", tmp_path / "missing"])
    assert store.count() == 0 and store.sync_runs() == []


def test_offline_ingest_records_a_succeeded_run(store: RawStore):
    ingest_files(store, [CTGOV / "ntrk"])
    (run,) = store.sync_runs()
    assert (run.status, run.added, run.source) == ("succeeded", 9, str(CTGOV / "ntrk"))


def test_live_ingest_stores_every_study_of_the_scope(store: RawStore, client: CtgovClient):
    summary = ingest_live(store, client, StudyQuery(term="cancer"), page_size=25)
    assert summary.added == summary.total == store.count() > 50
    (run,) = store.sync_runs()
    assert run.data_timestamp == "2026-11-20T09:01:17"
    assert run.checkpoint["page_token"] is None


def test_refresh_asks_only_for_studies_updated_since_the_last_sync_minus_a_day(
    store: RawStore, client: CtgovClient, api: FakeCtgov
):
    ingest_live(store, client, StudyQuery(term="cancer"), page_size=25)
    refresh(store, client)
    params = api.study_pages()[-1].params
    assert params["query.term"] == "cancer"
    assert params["filter.advanced"] == "AREA[LastUpdatePostDate]RANGE[2026-11-19,MAX]"


def test_refresh_stores_a_changed_study_and_marks_only_it_pending(
    store: RawStore, client: CtgovClient, api: FakeCtgov
):
    ingest_live(store, client, StudyQuery(term="cancer"), page_size=25)
    store.mark_processed(s.nct_id for s in store.iter_studies())
    nct_id = next(store.iter_studies()).nct_id
    api.update_study(nct_id, lastUpdatePostDateStruct={"date": "2026-11-21", "type": "ACTUAL"})
    summary = refresh(store, client)
    assert (summary.changed, summary.added) == (1, 0)
    assert [s.nct_id for s in store.iter_studies(pending_only=True)] == [nct_id]


def test_refresh_without_an_earlier_live_ingest_says_what_to_do(store: RawStore, client: CtgovClient):
    with pytest.raises(NothingToRefresh, match="trialmatch ingest --term"):
        refresh(store, client)


def test_a_run_cut_off_by_the_network_resumes_from_its_last_committed_page(
    store: RawStore, client: CtgovClient, api: FakeCtgov
):
    api.inject("500", times=100, after=2)
    with pytest.raises(ApiError):
        ingest_live(store, client, StudyQuery(), page_size=20)
    assert store.count() == 40
    assert store.sync_runs()[0].status == "failed"
    api.clear_faults()
    served = len(api.study_pages())
    summary = ingest_live(store, client, StudyQuery(), page_size=20)
    resumed = api.study_pages()[served:]
    assert resumed[0].params["pageToken"]
    assert len(resumed) == 6
    assert (summary.added, store.count()) == (102, 142)


def test_a_resume_token_the_api_no_longer_accepts_restarts_from_the_first_page(
    store: RawStore, client: CtgovClient, api: FakeCtgov
):
    api.inject("500", times=100, after=1)
    with pytest.raises(ApiError):
        ingest_live(store, client, StudyQuery(), page_size=50)
    api.clear_faults()
    api.expire_tokens()
    served = len(api.study_pages())
    summary = ingest_live(store, client, StudyQuery(), page_size=50)
    rerun = api.study_pages()[served:]
    assert "pageToken" in rerun[0].params and "pageToken" not in rerun[1].params
    assert (summary.added, summary.unchanged, store.count()) == (92, 50, 142)


def test_a_second_writer_is_refused_while_the_lock_is_held(tmp_path: Path):
    with sync_lock(tmp_path):
        with pytest.raises(LockBusy, match="another ingest or refresh"):
            with sync_lock(tmp_path):
                pass
    with sync_lock(tmp_path):
        pass
