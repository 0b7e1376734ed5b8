"""The API v2 client against the local fake API: pagination, retries, faults, headers and rate limit."""

from __future__ import annotations

import time

import pytest

from core import __version__
from ingest.client import ApiError, CtgovClient
from ingest.query import StudyQuery
from ingest.ratelimit import RateLimiter
from tests import fake_ctgov
from tests.fake_ctgov import FAST_CLIENT as FAST
from tests.fake_ctgov import FakeCtgov, real_tokens, recorded_studies

api = fake_ctgov.api  # fixtures shared with the other ingest tests
client = fake_ctgov.client


def test_pages_are_followed_until_no_next_page_token(client: CtgovClient):
    pages = list(client.iter_pages(StudyQuery(), page_size=50))
    assert [len(p.studies) for p in pages] == [50, 50, 42]
    assert pages[-1].next_page_token is None


def test_pagination_uses_the_real_recorded_tokens(client: CtgovClient):
    pages = list(client.iter_pages(StudyQuery(), page_size=50))
    assert [p.next_page_token for p in pages[:2]] == real_tokens()[:2]


def test_every_page_repeats_the_same_query_parameters(client: CtgovClient, api: FakeCtgov):
    list(client.iter_pages(StudyQuery(term="cancer", statuses=["COMPLETED"]), page_size=10))
    seen = api.study_pages()
    assert len(seen) > 2
    first = seen[0].params
    assert all({k: v for k, v in r.params.items() if k != "pageToken"} == first for r in seen[1:])
    assert first["query.term"] == "cancer" and first["filter.overallStatus"] == "COMPLETED"


def test_all_studies_of_the_scope_are_returned_once(client: CtgovClient):
    pages = client.iter_pages(StudyQuery(), page_size=17)
    got = [s["protocolSection"]["identificationModule"]["nctId"] for p in pages for s in p.studies]
    assert got == [s["protocolSection"]["identificationModule"]["nctId"] for s in recorded_studies()]


def test_an_empty_last_page_ends_the_pagination(client: CtgovClient, api: FakeCtgov):
    api.empty_last_page = True
    pages = list(client.iter_pages(StudyQuery(), page_size=100))
    assert [len(p.studies) for p in pages] == [100, 42, 0]


def test_the_total_count_is_asked_for_on_the_first_page_only(client: CtgovClient, api: FakeCtgov):
    pages = list(client.iter_pages(StudyQuery(), page_size=100, count_total=True))
    assert pages[0].total_count == 142
    assert "countTotal" in api.study_pages()[0].params


def test_the_recorded_pages_are_replayed_verbatim_along_their_own_tokens():
    with FakeCtgov(recorded=True) as api, CtgovClient(api.url, **FAST) as client:
        pages = list(client.iter_pages(StudyQuery(cond="cancer"), page_size=10))
    assert [len(p.studies) for p in pages] == [10, 5, 1, 1]
    assert [p.page_token for p in pages[1:]] == real_tokens()


def test_version_reports_the_data_timestamp(client: CtgovClient):
    assert client.version().data_timestamp == "2026-11-20T09:01:17"


def test_a_single_study_is_fetched_by_nct_id(client: CtgovClient):
    assert client.study("nct00001579")["protocolSection"]["identificationModule"]["nctId"] == "NCT00001579"


def test_an_unknown_study_is_a_404_api_error(client: CtgovClient):
    with pytest.raises(ApiError, match="404") as caught:
        client.study("NCT99999999")
    assert caught.value.status == 404


def test_requests_carry_a_descriptive_user_agent(api: FakeCtgov):
    with CtgovClient(api.url, contact="ops@example.org", **FAST) as client:
        client.version()
    assert api.requests[-1].headers["User-Agent"] == f"trialmatch/{__version__} (+ops@example.org)"


def test_a_429_is_retried_after_the_retry_after_delay(client: CtgovClient, api: FakeCtgov):
    api.inject("429", times=1, retry_after=1)
    started = time.monotonic()
    page = next(client.iter_pages(StudyQuery(), page_size=5))
    assert len(page.studies) == 5
    assert time.monotonic() - started >= 1.0
    assert len(api.study_pages()) == 2


@pytest.mark.parametrize("fault", ["500", "503", "reset", "truncate", "bad_json"])
def test_a_transient_fault_is_retried_and_the_page_still_arrives(client: CtgovClient, api: FakeCtgov, fault: str):
    api.inject(fault, times=2)
    page = next(client.iter_pages(StudyQuery(), page_size=5))
    assert len(page.studies) == 5
    assert len(api.study_pages()) == 3


def test_persistent_429_ends_in_a_clear_error(client: CtgovClient, api: FakeCtgov):
    api.inject("429", times=10, retry_after=0)
    with pytest.raises(ApiError, match="429 .*lower --rate") as caught:
        list(client.iter_pages(StudyQuery(), page_size=5))
    assert caught.value.status == 429
    assert len(api.study_pages()) == 4


def test_persistent_server_errors_end_in_a_clear_error(client: CtgovClient, api: FakeCtgov):
    api.inject("500", times=10)
    with pytest.raises(ApiError, match="HTTP 500 after 3 retries"):
        list(client.iter_pages(StudyQuery(), page_size=5))


def test_persistent_truncated_bodies_end_in_a_clear_error(client: CtgovClient, api: FakeCtgov):
    api.inject("truncate", times=10)
    with pytest.raises(ApiError, match="cut short .*on 4 attempts"):
        list(client.iter_pages(StudyQuery(), page_size=5))


def test_an_unreachable_server_is_a_clear_error():
    with CtgovClient("http://127.0.0.1:9/api/v2", **FAST) as client, pytest.raises(ApiError, match="cannot reach"):
        client.version()


def test_a_rejected_request_is_not_retried(client: CtgovClient, api: FakeCtgov):
    with pytest.raises(ApiError, match="HTTP 400") as caught:
        list(client.iter_pages(StudyQuery(), page_size=5, page_token="not-a-token"))
    assert caught.value.status == 400
    assert len(api.study_pages()) == 1


def test_the_client_waits_for_the_rate_limiter_before_each_request(api: FakeCtgov):
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(3, clock=lambda: now[0], sleep=sleep)
    with CtgovClient(api.url, limiter=limiter, backoff_factor=0.01) as client:
        for _ in range(4):
            client.version()
    assert slept == [60.0]


def test_the_rate_limiter_allows_at_most_n_calls_in_any_minute():
    now = [0.0]
    limiter = RateLimiter(50, clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s))
    starts = []
    for _ in range(120):
        limiter.wait()
        starts.append(now[0])
    assert max(sum(1 for t in starts if s <= t < s + 60) for s in starts) == 50


def test_backoff_grows_exponentially_with_jitter_and_a_cap():
    client = CtgovClient("http://127.0.0.1:9", backoff_factor=1.0, backoff_max=10.0)
    delays = [client._backoff(attempt) for attempt in range(6)]
    assert 1.0 <= delays[0] <= 2.0 and 4.0 <= delays[2] <= 5.0
    assert delays[5] == 10.0
    assert len({client._backoff(1) for _ in range(10)}) > 1
