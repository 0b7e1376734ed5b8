"""One study read from several sources: the same version is chosen every run, so re-ingesting is a no-op.

The later `lastUpdatePostDate` wins; on a tie (or a missing date) the API v2 record wins over a converted
legacy one, then the version with more non-empty modules; an older or poorer version never overwrites the
stored one, and a study read twice in one run is counted once.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from ingest.legacy_xml import study_from_xml
from ingest.store import RawStore
from ingest.sync import ingest_files
from ingest.versions import compare_versions

CTGOV = Path(__file__).resolve().parents[1].parent / "shared" / "ctgov"
ALL_SOURCES = [CTGOV / "legacy-xml", CTGOV / "api-v2" / "studies", CTGOV / "api-v2" / "pages", CTGOV / "ntrk"]


def api_record(nct_id: str = "NCT00001579") -> dict:
    return json.loads((CTGOV / "api-v2" / "studies" / f"{nct_id}.json").read_text())


def legacy_record(nct_id: str = "NCT00001579") -> dict:
    return study_from_xml((CTGOV / "legacy-xml" / f"{nct_id}.xml").read_bytes())


def dated(study: dict, date: str | None) -> dict:
    study = copy.deepcopy(study)
    status = study["protocolSection"]["statusModule"]
    if date is None:
        status.pop("lastUpdatePostDateStruct", None)
    else:
        status["lastUpdatePostDateStruct"] = {"date": date}
    return study


@pytest.fixture
def store(tmp_path: Path):
    with RawStore(tmp_path / "studies.sqlite") as opened:
        yield opened


def test_the_later_update_date_wins_whatever_the_source():
    assert compare_versions(dated(legacy_record(), "2024-01-02"), dated(api_record(), "2024-01-01")) > 0
    assert compare_versions(dated(api_record(), "2024-01-01"), dated(legacy_record(), "2024-01-02")) < 0


def test_on_the_same_date_the_api_record_wins_over_the_converted_legacy_one():
    assert compare_versions(dated(api_record(), "2024-01-01"), dated(legacy_record(), "2024-01-01")) > 0
    assert compare_versions(dated(legacy_record(), None), dated(api_record(), "2024-01-01")) < 0


def test_then_the_version_with_more_non_empty_modules_wins():
    poorer = api_record()
    poorer["protocolSection"]["descriptionModule"] = {}
    assert compare_versions(api_record(), poorer) > 0
    assert compare_versions(api_record(), api_record()) == 0


def test_an_older_version_never_overwrites_the_stored_one(store: RawStore):
    store.upsert(dated(api_record(), "2024-01-02"), "new.json")
    older = dated(api_record(), "2024-01-01")
    older["protocolSection"]["statusModule"]["overallStatus"] = "WITHDRAWN"
    assert store.upsert(older, "old.json") == "unchanged"
    assert store.get("NCT00001579").last_update == "2024-01-02"


def test_a_study_in_two_sources_is_counted_once_and_the_better_version_kept(tmp_path: Path, store: RawStore):
    legacy = CTGOV / "legacy-xml" / "NCT00001579.xml"
    api = CTGOV / "api-v2" / "studies" / "NCT00001579.json"
    first = ingest_files(store, [api, legacy])
    assert (first.added, first.changed, first.unchanged) == (1, 0, 0)
    assert "versionHolder" in store.get("NCT00001579").raw["derivedSection"]["miscInfoModule"]
    again = ingest_files(store, [legacy, api])
    assert (again.added, again.changed, again.unchanged) == (0, 0, 1)


def test_a_study_in_a_search_page_and_in_a_study_file_is_stable_across_runs(store: RawStore):
    sources = [CTGOV / "api-v2" / "pages", CTGOV / "api-v2" / "studies" / "NCT06008288.json"]
    ingest_files(store, sources)
    kept = store.get("NCT06008288").content_hash
    again = ingest_files(store, sources)
    assert (again.added, again.changed) == (0, 0)
    assert store.get("NCT06008288").content_hash == kept


def test_reingesting_every_shared_source_adds_and_changes_nothing(store: RawStore):
    first = ingest_files(store, ALL_SOURCES)
    assert first.added == store.count() and first.changed == 0
    second = ingest_files(store, ALL_SOURCES)
    assert (second.added, second.changed, second.unchanged) == (0, 0, store.count())
