"""Settings: where data lives, which search backend, where Elasticsearch and ClinicalTrials.gov are, how often to ask.

Each setting comes from a command-line flag, else its environment variable (`ENVIRONMENT`), else its default:

    >>> s = Settings.load(data_dir="/tmp/tm")
    >>> s.backend, s.ctgov_rate, s.ctgov_retries
    ('embedded', 50.0, 5)
    >>> s.override(ctgov_rate=10.0, contact=None).ctgov_rate
    10.0

`trialmatch serve` hands the settings to the UI process with `as_environment()`.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import requests

BACKENDS = ("embedded", "elasticsearch")
DEFAULT_CTGOV_URL = "https://clinicaltrials.gov/api/v2"
DEFAULT_ES_URL = "http://127.0.0.1:9200"
DEFAULT_ES_INDEX = "trialmatch"
DEFAULT_CTGOV_RATE = 50.0
MIN_CTGOV_RATE = 0.1
DEFAULT_CTGOV_RETRIES = 5
MAX_CTGOV_RETRIES = 20

ENVIRONMENT: dict[str, str] = {
    "data_dir": "TRIALMATCH_DATA_DIR",
    "backend": "TRIALMATCH_BACKEND",
    "es_url": "TRIALMATCH_ES_URL",
    "es_api_key": "TRIALMATCH_ES_API_KEY",
    "es_index": "TRIALMATCH_ES_INDEX",
    "ctgov_url": "TRIALMATCH_CTGOV_URL",
    "ctgov_rate": "TRIALMATCH_CTGOV_RATE",
    "ctgov_retries": "TRIALMATCH_CTGOV_RETRIES",
    "contact": "TRIALMATCH_CONTACT",
}
"""The environment variable of every setting."""

FLAGS: dict[str, str] = {
    "data_dir": "--data-dir",
    "backend": "--backend",
    "ctgov_rate": "--rate",
    "ctgov_retries": "--retries",
    "contact": "--contact",
}
"""The command-line flag of the settings that have one."""


class SettingsError(ValueError):
    """A setting has a value trialmatch cannot use; the message says which and how to fix it."""


def _where(name: str) -> str:
    """How a setting is given: `--rate or TRIALMATCH_CTGOV_RATE`."""
    return " or ".join(([FLAGS[name]] if name in FLAGS else []) + [ENVIRONMENT[name]])


def _number(env: dict[str, str], name: str, parse: Callable[[str], Any], what: str, default: Any) -> Any:
    """The setting `name` parsed from its environment variable, or `default` when that is unset."""
    if name not in env:
        return default
    try:
        return parse(env[name])
    except ValueError:
        raise SettingsError(f"{ENVIRONMENT[name]} must be {what}, got {env[name]!r}") from None


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    backend: str = "embedded"
    es_url: str = DEFAULT_ES_URL
    es_api_key: str | None = field(default=None, repr=False)
    es_index: str = DEFAULT_ES_INDEX
    ctgov_url: str = DEFAULT_CTGOV_URL
    ctgov_rate: float = DEFAULT_CTGOV_RATE
    ctgov_retries: int = DEFAULT_CTGOV_RETRIES
    contact: str | None = None

    @classmethod
    def load(
        cls, data_dir: str | Path | None = None, backend: str | None = None, environ: Mapping[str, str] | None = None
    ) -> Settings:
        """Flags win over environment variables, which win over defaults; values are validated.

        An empty environment variable counts as unset.
        """
        given = os.environ if environ is None else environ
        env = {name: value for name, var in ENVIRONMENT.items() if (value := given.get(var))}
        settings = cls(
            data_dir=Path(data_dir or env.get("data_dir") or "data"),
            backend=backend or env.get("backend") or "embedded",
            es_url=env.get("es_url") or DEFAULT_ES_URL,
            es_api_key=env.get("es_api_key"),
            es_index=env.get("es_index") or DEFAULT_ES_INDEX,
            ctgov_url=env.get("ctgov_url") or DEFAULT_CTGOV_URL,
            ctgov_rate=_number(env, "ctgov_rate", float, "a number of requests per minute", DEFAULT_CTGOV_RATE),
            ctgov_retries=_number(env, "ctgov_retries", int, "a whole number of retries", DEFAULT_CTGOV_RETRIES),
            contact=env.get("contact"),
        )
        return settings._checked()

    def override(self, **flags: Any) -> Settings:
        """These settings with the flags that were given (not None) in place of theirs, validated."""
        return replace(self, **{name: value for name, value in flags.items() if value is not None})._checked()

    def _checked(self) -> Settings:
        """The same settings in canonical form (absolute data directory, lower-case backend, URLs without a
        trailing slash), validated."""
        settings = replace(
            self,
            data_dir=Path(self.data_dir).expanduser().resolve(),
            backend=self.backend.strip().lower(),
            es_url=self.es_url.rstrip("/"),
            ctgov_url=self.ctgov_url.rstrip("/"),
        )
        settings.validate()
        return settings

    def validate(self) -> None:
        if self.backend not in BACKENDS:
            raise SettingsError(
                f"unknown backend {self.backend!r}: use one of {', '.join(BACKENDS)} ({_where('backend')})"
            )
        for name in ("es_url", "ctgov_url"):
            url = getattr(self, name)
            parsed = urlparse(url)
            if parsed.scheme not in ("http", "https") or not parsed.netloc:
                raise SettingsError(f"{ENVIRONMENT[name]} must be an http(s) URL, got {url!r}")
        if not self.es_index.strip():
            raise SettingsError(f"{ENVIRONMENT['es_index']} must name an index alias, got {self.es_index!r}")
        if not (math.isfinite(self.ctgov_rate) and self.ctgov_rate >= MIN_CTGOV_RATE):
            raise SettingsError(
                f"the ClinicalTrials.gov rate must be at least {MIN_CTGOV_RATE} requests per minute, "
                f"got {self.ctgov_rate} ({_where('ctgov_rate')})"
            )
        if not 0 <= self.ctgov_retries <= MAX_CTGOV_RETRIES:
            raise SettingsError(
                f"the ClinicalTrials.gov retries must be between 0 and {MAX_CTGOV_RETRIES}, "
                f"got {self.ctgov_retries} ({_where('ctgov_retries')})"
            )
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
            return str(node["version"])
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
        """Every setting as text, secrets masked, plus the paths derived from the data directory."""
        shown = {k: "(not set)" if v is None else str(v) for k, v in asdict(self).items()}
        shown["es_api_key"] = "(set)" if self.es_api_key else "(not set)"
        shown["store_path"] = str(self.store_path)
        shown["index_dir"] = str(self.index_dir)
        return shown

    def as_environment(self) -> dict[str, str]:
        """The environment variables that give exactly these settings to another process (unset ones left out)."""
        return {ENVIRONMENT[k]: str(v) for k, v in asdict(self).items() if v is not None}
