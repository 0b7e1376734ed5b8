"""Settings: where data lives, which search backend, where Elasticsearch and ClinicalTrials.gov are.

Each setting comes from a command-line flag, else an environment variable, else its default:

    >>> s = Settings.load(data_dir="/tmp/tm")
    >>> s.backend
    'embedded'
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import requests

BACKENDS = ("embedded", "elasticsearch")
DEFAULT_CTGOV_URL = "https://clinicaltrials.gov/api/v2"
DEFAULT_ES_URL = "http://127.0.0.1:9200"


class SettingsError(ValueError):
    """A setting has a value trialmatch cannot use; the message says which and how to fix it."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    backend: str = "embedded"
    es_url: str = DEFAULT_ES_URL
    es_api_key: str | None = field(default=None, repr=False)
    ctgov_url: str = DEFAULT_CTGOV_URL

    @classmethod
    def load(cls, data_dir: str | Path | None = None, backend: str | None = None) -> Settings:
        """Flags win over environment variables, which win over defaults; values are validated."""
        env = os.environ
        settings = cls(
            data_dir=Path(data_dir or env.get("TRIALMATCH_DATA_DIR") or "data").expanduser().resolve(),
            backend=(backend or env.get("TRIALMATCH_BACKEND") or "embedded").strip().lower(),
            es_url=(env.get("TRIALMATCH_ES_URL") or DEFAULT_ES_URL).rstrip("/"),
            es_api_key=env.get("TRIALMATCH_ES_API_KEY") or None,
            ctgov_url=(env.get("TRIALMATCH_CTGOV_URL") or DEFAULT_CTGOV_URL).rstrip("/"),
        )
        settings.validate()
        return settings

    def validate(self) -> None:
        if self.backend not in BACKENDS:
            raise SettingsError(
                f"unknown backend {self.backend!r}: use one of {', '.join(BACKENDS)} "
                "(--backend or TRIALMATCH_BACKEND)"
            )
        for name, url in (("TRIALMATCH_ES_URL", self.es_url), ("TRIALMATCH_CTGOV_URL", self.ctgov_url)):
            parsed = urlparse(url)
            if parsed.scheme not in ("http", "https") or not parsed.netloc:
                raise SettingsError(f"{name} must be an http(s) URL, got {url!r}")
        if self.data_dir.exists() and not self.data_dir.is_dir():
            raise SettingsError(f"data directory {self.data_dir} exists and is not a directory")

    def check_elasticsearch(self, timeout: float = 5.0) -> str:
        """Return the server version of the configured cluster, or raise SettingsError saying why not."""
        headers = {"Authorization": f"ApiKey {self.es_api_key}"} if self.es_api_key else {}
        try:
            response = requests.get(
                f"{self.es_url}/_nodes/_local", params={"filter_path": "nodes.*.version"},
                headers=headers, timeout=timeout,
            )
        except requests.RequestException as exc:
            raise SettingsError(
                f"Elasticsearch at {self.es_url} is unreachable ({type(exc).__name__}); "
                "start it or set TRIALMATCH_ES_URL"
            ) from exc
        if response.status_code in (401, 403):
            raise SettingsError(f"Elasticsearch at {self.es_url} refused the credentials: set TRIALMATCH_ES_API_KEY")
        if not response.ok:
            raise SettingsError(f"Elasticsearch at {self.es_url} answered HTTP {response.status_code}")
        try:
            (node,) = response.json()["nodes"].values()
            return node["version"]
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise SettingsError(f"{self.es_url} does not look like Elasticsearch") from exc

    @property
    def store_path(self) -> Path:
        """The SQLite raw store of ingested studies."""
        return self.data_dir / "studies.sqlite"

    @property
    def index_dir(self) -> Path:
        """Where the embedded backend keeps its index."""
        return self.data_dir / "index"

    def as_display(self) -> dict[str, str]:
        shown = {k: str(v) for k, v in asdict(self).items()}
        shown["es_api_key"] = "(set)" if self.es_api_key else "(not set)"
        shown["store_path"] = str(self.store_path)
        shown["index_dir"] = str(self.index_dir)
        return shown
