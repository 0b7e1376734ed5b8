"""ClinicalTrials.gov API v2 client: one requests Session, retries with backoff, a client-side rate limit.

    client = CtgovClient("https://clinicaltrials.gov/api/v2")   # or CtgovClient.from_settings(settings)
    client.version().data_timestamp                      # '2026-11-20T09:01:17'
    for page in client.iter_pages(StudyQuery(term="NTRK"), page_size=500):
        print(len(page.studies), page.next_page_token)

Transport faults are retried by urllib3 (`Retry` on 429/500/502/503/504 honouring `Retry-After`,
connection errors and read timeouts, exponential backoff with jitter); a body cut short or not valid
JSON is retried here with the same backoff. Every request waits for the rate limiter first (default
50 requests per minute) and carries connect/read timeouts and a User-Agent naming trialmatch and a
contact. What still fails surfaces as `ApiError`, whose message says what happened and what to do.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from typing import Any

import requests
from pydantic import BaseModel
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from core import __version__
from core.settings import Settings
from ingest.query import StudyQuery, api_facts
from ingest.ratelimit import RateLimiter

RETRY_STATUSES = (429, 500, 502, 503, 504)
DEFAULT_CONTACT = "no contact configured; set TRIALMATCH_CONTACT"


class ApiError(RuntimeError):
    """The API could not answer usefully even after retries; `status` is the last HTTP status, if any."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class ApiVersion(BaseModel):
    api_version: str
    data_timestamp: str | None


class Page(BaseModel):
    """One `/studies` page; `page_token` is the token it was fetched with (None for the first page)."""

    studies: list[Any]
    next_page_token: str | None
    total_count: int | None
    page_token: str | None


def user_agent(contact: str | None = None) -> str:
    return f"trialmatch/{__version__} (+{contact or DEFAULT_CONTACT})"


class CtgovClient:
    def __init__(
        self,
        base_url: str,
        *,
        rate_per_minute: float = 50.0,
        timeout: tuple[float, float] = (10.0, 60.0),
        retries: int = 5,
        backoff_factor: float = 1.0,
        backoff_max: float = 60.0,
        contact: str | None = None,
        limiter: RateLimiter | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.backoff_factor = backoff_factor
        self.backoff_max = backoff_max
        self._limiter = limiter or RateLimiter(rate_per_minute)
        retry = Retry(
            total=retries,
            connect=retries,
            read=retries,
            status=retries,
            other=0,
            backoff_factor=backoff_factor,
            backoff_max=backoff_max,
            backoff_jitter=backoff_factor,
            status_forcelist=RETRY_STATUSES,
            allowed_methods=frozenset({"GET"}),
            respect_retry_after_header=True,
            raise_on_status=False,
        )
        self.session = requests.Session()
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)
        self.session.headers.update({"User-Agent": user_agent(contact), "Accept": "application/json"})

    @classmethod
    def from_settings(cls, settings: Settings) -> CtgovClient:
        """A client of `settings.ctgov_url` with the configured rate, retries and contact."""
        return cls(
            settings.ctgov_url,
            rate_per_minute=settings.ctgov_rate,
            retries=settings.ctgov_retries,
            contact=settings.contact,
        )

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> CtgovClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def version(self) -> ApiVersion:
        """`GET /version`: the API version and the `dataTimestamp` of the data release."""
        body = self.get_json("/version")
        if not isinstance(body, dict) or "apiVersion" not in body:
            raise ApiError(f"{self.base_url}/version did not return API version information: is the URL right?")
        return ApiVersion(api_version=str(body["apiVersion"]), data_timestamp=body.get("dataTimestamp"))

    def study(self, nct_id: str) -> dict[str, Any]:
        """`GET /studies/{nctId}`: one study object."""
        return self.get_json(f"/studies/{nct_id.strip().upper()}")

    def iter_pages(
        self,
        query: StudyQuery,
        page_size: int = 500,
        page_token: str | None = None,
        count_total: bool = False,
    ) -> Iterator[Page]:
        """`GET /studies` page after page, following `nextPageToken` with the same parameters until absent."""
        max_size = api_facts()["max_page_size"]
        if not 1 <= page_size <= max_size:
            raise ValueError(f"page size must be between 1 and {max_size}, got {page_size}")
        params: dict[str, str] = {**query.params(), "pageSize": str(page_size)}
        if count_total:
            params["countTotal"] = "true"
        token = page_token
        while True:
            body = self.get_json("/studies", {**params, "pageToken": token} if token else params)
            if not isinstance(body, dict) or not isinstance(body.get("studies", []), list):
                raise ApiError(f"{self.base_url}/studies returned something other than a search page")
            next_token = body.get("nextPageToken") or None
            yield Page(
                studies=body.get("studies", []),
                next_page_token=next_token,
                total_count=body.get("totalCount"),
                page_token=token,
            )
            if next_token is None:
                return
            if next_token == token:
                raise ApiError(f"{self.base_url}/studies returned the same nextPageToken twice; stopping")
            token = next_token

    def get_json(self, path: str, params: dict[str, str] | None = None) -> Any:
        """GET `path` and decode JSON, retrying bodies cut short or not valid JSON."""
        url = f"{self.base_url}{path}"
        for attempt in range(self.retries + 1):
            self._limiter.wait()
            try:
                response = self.session.get(url, params=params, timeout=self.timeout)
            except requests.exceptions.ChunkedEncodingError:
                problem = "the response body was cut short (connection broken mid-body)"
            except requests.RequestException as exc:
                raise ApiError(
                    f"cannot reach ClinicalTrials.gov at {self.base_url} after {self.retries} retries "
                    f"({type(exc).__name__}); check the network connection or TRIALMATCH_CTGOV_URL"
                ) from exc
            else:
                self._raise_for_status(response)
                try:
                    return response.json()
                except requests.JSONDecodeError as exc:
                    problem = f"the response was not valid JSON ({exc.msg} at character {exc.pos})"
            if attempt < self.retries:
                time.sleep(self._backoff(attempt))
        raise ApiError(f"{url}: {problem} on {self.retries + 1} attempts; rerun later")

    def _backoff(self, attempt: int) -> float:
        delay = self.backoff_factor * (2**attempt) + random.uniform(0, self.backoff_factor)
        return min(self.backoff_max, delay)

    def _raise_for_status(self, response: requests.Response) -> None:
        status = response.status_code
        if status < 400:
            return
        detail = response.text.strip().replace("\n", " ")[:300]
        if status == 429:
            raise ApiError(
                f"ClinicalTrials.gov still answered HTTP 429 (too many requests) after {self.retries} retries; "
                "lower --rate and rerun later (refresh resumes from its last committed page)",
                status,
            )
        if status >= 500:
            raise ApiError(
                f"ClinicalTrials.gov answered HTTP {status} after {self.retries} retries ({detail}); "
                "the service may be down: rerun later (refresh resumes from its last committed page)",
                status,
            )
        if status == 404:
            raise ApiError(f"{response.url} not found (HTTP 404): check the NCT id or TRIALMATCH_CTGOV_URL", 404)
        raise ApiError(f"ClinicalTrials.gov rejected {response.url} (HTTP {status}: {detail})", status)
