"""The scope of a live pull, in the API's own parameter names."""

from __future__ import annotations

import pytest

from ingest.query import StudyQuery


def test_query_options_map_to_the_api_v2_parameter_names():
    query = StudyQuery(cond="lung cancer", term="NTRK", intr="larotrectinib", locn="Houston",
                       statuses=["RECRUITING", "NOT_YET_RECRUITING"], fields=["NCTId", "EligibilityModule"])
    assert query.params() == {
        "query.cond": "lung cancer", "query.term": "NTRK", "query.intr": "larotrectinib", "query.locn": "Houston",
        "filter.overallStatus": "RECRUITING|NOT_YET_RECRUITING", "fields": "NCTId|EligibilityModule",
    }


def test_statuses_are_accepted_in_the_registry_spelling():
    assert StudyQuery(statuses=["Active, not recruiting", "recruiting"]).statuses == [
        "ACTIVE_NOT_RECRUITING", "RECRUITING"
    ]


def test_an_unknown_status_is_refused_with_the_valid_ones():
    with pytest.raises(ValueError, match="unknown status OPEN: use one of ACTIVE_NOT_RECRUITING"):
        StudyQuery(statuses=["OPEN"])


def test_since_adds_the_last_update_window_to_the_same_scope():
    query = StudyQuery(term="NTRK").since("2026-01-01")
    assert query.params() == {
        "query.term": "NTRK", "filter.advanced": "AREA[LastUpdatePostDate]RANGE[2026-01-01,MAX]"
    }


def test_since_keeps_an_existing_advanced_filter():
    query = StudyQuery(advanced="AREA[Phase]PHASE2").since("2026-01-01")
    assert query.advanced == "(AREA[Phase]PHASE2) AND AREA[LastUpdatePostDate]RANGE[2026-01-01,MAX]"


def test_an_empty_query_is_recognised():
    assert StudyQuery().is_empty()
    assert not StudyQuery(statuses=["RECRUITING"]).is_empty()
