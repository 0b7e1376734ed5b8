"""A local fake of the ClinicalTrials.gov API v2 serving the real recorded studies and pages.

    with FakeCtgov() as api:                     # http://127.0.0.1:<port>/api/v2
        api.inject("429", times=2, retry_after=1)
        client = CtgovClient(api.url, **FAST_CLIENT)

It serves `GET /version`, `GET /studies/{nctId}` and `GET /studies` over the 125 real study objects
and the studies of the 5 recorded search pages in `../shared/ctgov/api-v2/`. Pages are cut by
`pageSize` and linked by the real `nextPageToken` values harvested from the recorded pages (then by
tokens of the same shape); a token is only accepted with the very parameters it was issued for, as
the real API requires. `recorded=True` instead replays the recorded page files verbatim, chained by
their own tokens. Faults can be injected: HTTP 429 with Retry-After, 500, 503, a connection reset, a
body cut short ("truncate"), a complete response holding half the JSON ("bad_json"), slow pages, and
an empty last page. Run it by hand with `python tests/fake_ctgov.py --port 8765`.
"""

from __future__ import annotations

import argparse
import base64
import json
import re
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from ingest.client import CtgovClient

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
API_DIR = SHARED / "ctgov" / "api-v2"
RECORDED_CHAIN = (
    "xiaoyibao_condition_query_response.json",
    "ruhruh66_ild_studies.json",
    "kylevogeler_sampleResponse.json",
    "aact_NCT03281889_page.json",
)
KNOWN_PARAMS = {
    "query.cond", "query.term", "query.intr", "query.locn", "filter.overallStatus", "filter.advanced",
    "pageSize", "pageToken", "countTotal", "format",
}
FAST_CLIENT = {"rate_per_minute": 100_000, "backoff_factor": 0.01, "retries": 3}
_RANGE = re.compile(r"AREA\[LastUpdatePostDate\]RANGE\[([^,\]]+),\s*([^\]]+)\]")


def recorded_pages() -> dict[str, dict[str, Any]]:
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted((API_DIR / "pages").glob("*.json"))}


def real_tokens() -> list[str]:
    pages = recorded_pages()
    return [pages[name]["nextPageToken"] for name in RECORDED_CHAIN if pages[name].get("nextPageToken")]


def recorded_studies() -> list[dict[str, Any]]:
    """Every distinct real study (study files first, then the pages' studies), in NCT-id order."""
    by_id: dict[str, dict[str, Any]] = {}
    files = sorted((API_DIR / "studies").glob("NCT*.json"))
    page_studies = [s for page in recorded_pages().values() for s in page["studies"]]
    for study in [json.loads(p.read_text(encoding="utf-8")) for p in files] + page_studies:
        by_id.setdefault(study["protocolSection"]["identificationModule"]["nctId"], study)
    return [by_id[k] for k in sorted(by_id)]


@dataclass
class Fault:
    kind: str
    path: str
    remaining: int
    skip: int
    retry_after: str | None


@dataclass
class Seen:
    path: str
    params: dict[str, str]
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)


class FakeCtgov:
    def __init__(
        self,
        studies: list[dict[str, Any]] | None = None,
        data_timestamp: str = "2026-11-20T09:01:17",
        recorded: bool = False,
        port: int = 0,
    ) -> None:
        self.studies = studies if studies is not None else recorded_studies()
        self.data_timestamp = data_timestamp
        self.recorded = recorded
        self.empty_last_page = False
        self.page_delay = 0.0
        self.requests: list[Seen] = []
        self._faults: list[Fault] = []
        self._tokens: dict[str, tuple[str, int]] = {}
        self._real_tokens = real_tokens()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/v2"

    def __enter__(self) -> FakeCtgov:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def inject(
        self, kind: str, times: int = 1, path: str = "/studies", after: int = 0, retry_after: int | None = None
    ) -> None:
        """Fail the next `times` requests under `path` (after letting `after` through) with `kind`."""
        if kind not in ("429", "500", "503", "reset", "truncate", "bad_json"):
            raise ValueError(f"unknown fault {kind!r}")
        with self._lock:
            self._faults.append(Fault(kind, path, times, after, None if retry_after is None else str(retry_after)))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def expire_tokens(self) -> None:
        """Forget every page token issued so far, as the real API does after a while."""
        with self._lock:
            self._tokens = {token: ("expired", 0) for token in self._tokens}

    def study_pages(self) -> list[Seen]:
        return [r for r in self.requests if r.path.endswith("/studies")]

    def update_study(self, nct_id: str, **status_changes: Any) -> None:
        """Change a study's statusModule (e.g. a new lastUpdatePostDateStruct), as a registry update would."""
        for study in self.studies:
            if study["protocolSection"]["identificationModule"]["nctId"] == nct_id:
                study["protocolSection"]["statusModule"].update(status_changes)
                return
        raise KeyError(nct_id)

    # -- request handling ----------------------------------------------------------------------------

    def _take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.remaining > 0 and path.endswith(fault.path):
                    if fault.skip > 0:
                        fault.skip -= 1
                        return None
                    fault.remaining -= 1
                    return fault
        return None

    def respond(self, path: str, params: dict[str, str]) -> tuple[int, Any]:
        if path.endswith("/version"):
            return 200, {"apiVersion": "2.0.5", "dataTimestamp": self.data_timestamp}
        if match := re.search(r"/studies/(NCT\d{8})$", path, re.IGNORECASE):
            for study in self.studies:
                if study["protocolSection"]["identificationModule"]["nctId"] == match[1].upper():
                    return 200, study
            return 404, f"Study {match[1]} not found"
        if path.endswith("/studies"):
            if self.page_delay:
                time.sleep(self.page_delay)
            return self._page(params)
        return 404, f"no such endpoint {path}"

    def _page(self, params: dict[str, str]) -> tuple[int, Any]:
        unknown = sorted(set(params) - KNOWN_PARAMS)
        if unknown:
            return 400, f"unknown parameter(s): {', '.join(unknown)}"
        token = params.get("pageToken")
        scope = json.dumps({k: v for k, v in sorted(params.items()) if k != "pageToken"})
        if self.recorded:
            return self._recorded_page(token, scope)
        offset = 0
        if token:
            if token not in self._tokens:
                return 400, "invalid pageToken"
            issued_scope, offset = self._tokens[token]
            if issued_scope != scope:
                return 400, "pageToken was issued for different query parameters"
        try:
            size = int(params.get("pageSize", "10")) or 10
        except ValueError:
            return 400, "pageSize must be an integer"
        size = min(size, 1000)
        status, matching = self._matching(params)
        if status != 200:
            return status, matching
        body: dict[str, Any] = {"studies": matching[offset : offset + size]}
        if offset + size < len(matching):
            body["nextPageToken"] = self._issue(scope, offset + size)
        elif self.empty_last_page and offset < len(matching):
            body["nextPageToken"] = self._issue(scope, len(matching))
        if not token and params.get("countTotal") == "true":
            body["totalCount"] = len(matching)
        return 200, body

    def _issue(self, scope: str, offset: int) -> str:
        with self._lock:
            index = len(self._tokens)
            if index < len(self._real_tokens):
                token = self._real_tokens[index]
            else:
                token = "ZV" + base64.urlsafe_b64encode(f"{index}:{offset}".encode()).decode().rstrip("=")
            self._tokens[token] = (scope, offset)
        return token

    def _recorded_page(self, token: str | None, scope: str) -> tuple[int, Any]:
        pages = recorded_pages()
        chain = [pages[name] for name in RECORDED_CHAIN]
        if token is None:
            self._tokens = {"first": (scope, 0)}
            return 200, chain[0]
        if self._tokens.get("first", ("", 0))[0] != scope:
            return 400, "pageToken was issued for different query parameters"
        for index, page in enumerate(chain[:-1]):
            if page.get("nextPageToken") == token:
                return 200, chain[index + 1]
        return 400, "invalid pageToken"

    def _matching(self, params: dict[str, str]) -> tuple[int, Any]:
        found = self.studies
        for name, area in (("query.term", _all_text), ("query.cond", _conditions),
                           ("query.intr", _interventions), ("query.locn", _locations)):
            if params.get(name):
                needle = params[name].lower()
                found = [s for s in found if needle in area(s).lower()]
        if params.get("filter.overallStatus"):
            wanted = set(re.split(r"[|,]", params["filter.overallStatus"]))
            found = [s for s in found if s["protocolSection"]["statusModule"].get("overallStatus") in wanted]
        if params.get("filter.advanced"):
            window = _RANGE.search(params["filter.advanced"])
            if window is None:
                return 400, "the fake understands only AREA[LastUpdatePostDate]RANGE[from,MAX] in filter.advanced"
            low, high = window[1], window[2]
            found = [s for s in found if low <= _updated(s) and (high == "MAX" or _updated(s) <= high)]
        return 200, found


def _updated(study: dict[str, Any]) -> str:
    return study["protocolSection"]["statusModule"].get("lastUpdatePostDateStruct", {}).get("date", "")


def _all_text(study: dict[str, Any]) -> str:
    return json.dumps(study, ensure_ascii=False)


def _conditions(study: dict[str, Any]) -> str:
    module = study["protocolSection"].get("conditionsModule", {})
    return " | ".join(module.get("conditions", []) + module.get("keywords", []))


def _interventions(study: dict[str, Any]) -> str:
    module = study["protocolSection"].get("armsInterventionsModule", {})
    return " | ".join(
        " | ".join([i.get("name", ""), *i.get("otherNames", [])]) for i in module.get("interventions", [])
    )


def _locations(study: dict[str, Any]) -> str:
    module = study["protocolSection"].get("contactsLocationsModule", {})
    return json.dumps(module.get("locations", []), ensure_ascii=False)


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _handler(api: FakeCtgov) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            params = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
            api.requests.append(Seen(parts.path, params, dict(self.headers.items())))
            fault = api._take_fault(parts.path)
            if fault and fault.kind == "reset":
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.close_connection = True
                return
            if fault and fault.kind in ("429", "500", "503"):
                headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                self._send(int(fault.kind), f"injected HTTP {fault.kind}", headers)
                return
            status, body = api.respond(parts.path, params)
            payload = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
            payload = _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", payload)  # escaped, as the API does
            if fault and fault.kind == "bad_json":
                payload = payload[: len(payload) // 2]
            if fault and fault.kind == "truncate":
                data = payload.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data[: len(data) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            self._send(status, payload)

        def _send(self, status: int, payload: str, headers: dict[str, str] | None = None) -> None:
            data = payload.encode("utf-8")
            self.send_response(status)
            is_json = payload.startswith(("{", "[")) and status == 200
            self.send_header("Content-Type", "application/json" if is_json else "text/plain")
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

    return Handler


@pytest.fixture
def api():
    """A running fake API (import this fixture into a test module)."""
    with FakeCtgov() as fake:
        yield fake


@pytest.fixture
def client(api: FakeCtgov):
    """A client of the fake `api` with no rate limit to speak of and quick retries."""
    with CtgovClient(api.url, **FAST_CLIENT) as opened:
        yield opened


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the fake ClinicalTrials.gov API v2 until interrupted.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--recorded", action="store_true", help="replay the recorded page files verbatim")
    args = parser.parse_args()
    with FakeCtgov(port=args.port, recorded=args.recorded) as api:
        print(f"fake ClinicalTrials.gov API v2 at {api.url}", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
