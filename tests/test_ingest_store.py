"""The raw store: idempotent upserts, pending flags, streaming, transactions and sync runs."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from ingest.models import RunSummary
from ingest.store import RawStore

STUDIES = Path(__file__).resolve().parents[1].parent / "shared" / "ctgov" / "api-v2" / "studies"


def real(nct_id: str = "NCT00001579") -> dict:
    return json.loads((STUDIES / f"{nct_id}.json").read_text())


@pytest.fixture
def store(tmp_path: Path):
    with RawStore(tmp_path / "studies.sqlite") as opened:
        yield opened


def test_a_new_study_is_added_and_pending(store: RawStore):
    assert store.upsert(real(), "NCT00001579.json") == "added"
    stored = store.get("NCT00001579")
    assert stored.pending and stored.raw == real()
    assert stored.last_update == "2006-07-17"


def test_the_same_study_again_is_unchanged_and_not_duplicated(store: RawStore):
    store.upsert(real(), "a")
    assert store.upsert(real(), "a") == "unchanged"
    assert store.count() == 1


def test_an_unchanged_study_keeps_its_processed_state(store: RawStore):
    store.upsert(real(), "a")
    store.mark_processed(["NCT00001579"])
    store.upsert(real(), "a")
    assert store.pending_count() == 0


def test_a_changed_study_is_replaced_and_marked_pending_again(store: RawStore):
    store.upsert(real(), "a")
    store.mark_processed(["NCT00001579"])
    updated = real()
    updated["protocolSection"]["statusModule"]["overallStatus"] = "TERMINATED"
    assert store.upsert(updated, "b") == "changed"
    stored = store.get("NCT00001579")
    assert stored.pending
    assert stored.raw["protocolSection"]["statusModule"]["overallStatus"] == "TERMINATED"


def test_a_new_data_release_stamp_alone_is_not_a_change(store: RawStore):
    store.upsert(real(), "a")
    restamped = copy.deepcopy(real())
    restamped["derivedSection"]["miscInfoModule"]["versionHolder"] = "2030-01-01"
    assert store.upsert(restamped, "a") == "unchanged"


def test_nct_ids_are_matched_case_insensitively(store: RawStore):
    store.upsert(real(), "a")
    assert store.get("nct00001579").nct_id == "NCT00001579"


def test_a_study_without_an_nct_id_is_refused(store: RawStore):
    with pytest.raises(ValueError, match="nctId"):
        store.upsert({"protocolSection": {"identificationModule": {}}}, "bad.json")


def test_iter_studies_streams_every_study_in_nct_order(store: RawStore):
    paths = sorted(STUDIES.glob("*.json"))
    for path in reversed(paths):
        store.upsert(json.loads(path.read_text()), path.name)
    assert [s.nct_id for s in store.iter_studies()] == [p.stem for p in paths]


def test_pending_studies_can_be_marked_processed_while_streaming(store: RawStore):
    for path in sorted(STUDIES.glob("*.json")):
        store.upsert(json.loads(path.read_text()), path.name)
    seen = []
    for stored in store.iter_studies(pending_only=True):
        seen.append(stored.nct_id)
        store.mark_processed([stored.nct_id])
    assert len(seen) == 125
    assert store.pending_count() == 0


def test_a_transaction_that_fails_stores_nothing(store: RawStore):
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.upsert(real(), "a")
            raise RuntimeError("killed half way")
    assert store.count() == 0


def test_the_store_uses_write_ahead_logging(tmp_path: Path):
    import sqlite3

    RawStore(tmp_path / "s.sqlite").close()
    assert sqlite3.connect(tmp_path / "s.sqlite").execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_sync_run_records_counts_checkpoint_and_status(store: RawStore):
    run_id = store.start_run("https://api", {"scope": {"term": "NTRK"}}, "2026-11-20T09:01:17")
    with store.transaction():
        store.save_progress(run_id, RunSummary(added=3, failed=1), {"page_token": "abc", "pages": 1})
    store.finish_run(run_id, "succeeded")
    (run,) = store.sync_runs()
    assert (run.added, run.failed, run.status, run.checkpoint) == (3, 1, "succeeded", {"page_token": "abc", "pages": 1})
    assert run.data_timestamp == "2026-11-20T09:01:17"
    assert store.last_successful_sync("https://api").id == run_id


def test_a_run_left_running_by_a_dead_process_becomes_interrupted_and_resumable(store: RawStore):
    query = {"scope": {"term": "NTRK"}}
    run_id = store.start_run("https://api", query)
    with store.transaction():
        store.save_progress(run_id, RunSummary(added=10), {"page_token": "tok", "pages": 1})
    assert store.mark_abandoned_runs() == 1
    assert store.resumable_run("https://api", query).checkpoint["page_token"] == "tok"
    assert store.last_successful_sync() is None
