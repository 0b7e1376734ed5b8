"""Shared pytest fixtures: where ../shared is, and a live Elasticsearch for the `elasticsearch` tests.

The `es_url` fixture uses TRIALMATCH_ES_URL when it is set, else provisions the official integ-test
distribution (tests/es_server.py) once per session. It never skips: when Elasticsearch cannot be had,
every test that needs it fails with the reason.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import requests

from tests.es_server import LocalElasticsearch, ProvisionError

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"the shared data directory {SHARED} is missing: it must sit beside the repository")
    return SHARED


@pytest.fixture(scope="session")
def es_url():
    """URL of a live Elasticsearch: TRIALMATCH_ES_URL, or a local one started for this session."""
    external = os.environ.get("TRIALMATCH_ES_URL")
    if external:
        try:
            requests.get(f"{external.rstrip('/')}/_cluster/health", timeout=10).raise_for_status()
        except requests.RequestException as exc:
            pytest.fail(f"TRIALMATCH_ES_URL={external} is not a reachable Elasticsearch: {exc}")
        yield external.rstrip("/")
        return
    server = LocalElasticsearch()
    try:
        server.start()
    except ProvisionError as exc:
        pytest.fail(f"could not provision Elasticsearch for the tests: {exc}")
    try:
        yield server.url
    finally:
        server.stop()
