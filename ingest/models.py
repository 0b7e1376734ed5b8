"""Data models of the ingest stage: loaded records, stored studies, sync runs, run summaries.

    >>> Failure(source="a.json", reason="invalid JSON").model_dump()
    {'source': 'a.json', 'reason': 'invalid JSON'}
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

UpsertOutcome = Literal["added", "changed", "unchanged"]
RunStatus = Literal["running", "succeeded", "failed", "interrupted"]


class Loaded(BaseModel):
    """One record read from an offline source: a study (API v2 shape), or why it could not be read.

    `repaired`: its text held invalid UTF-8 or lone surrogates, replaced by U+FFFD (`core.encoding`)."""

    source: str
    study: dict[str, Any] | None = None
    reason: str | None = None
    repaired: bool = False


class StoredStudy(BaseModel):
    """One row of the raw store."""

    nct_id: str
    raw: dict[str, Any]
    last_update: str | None
    content_hash: str
    fetched_at: str
    pending: bool


class SyncRun(BaseModel):
    """One ingest or refresh run: what it pulled, what changed, and where to resume it."""

    id: int
    started: str
    finished: str | None
    source: str
    query: dict[str, Any] | None
    added: int
    changed: int
    unchanged: int
    failed: int
    data_timestamp: str | None
    status: RunStatus
    checkpoint: dict[str, Any] | None
    error: str | None = None


class Failure(BaseModel):
    """A record that was skipped, and why."""

    source: str
    reason: str


class RunSummary(BaseModel):
    """What one run did; `--json` prints exactly this object."""

    added: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    repaired: int = Field(default=0, description="records stored with invalid text replaced by U+FFFD")
    total: int = 0
    failures: list[Failure] = Field(default_factory=list)

    def count(self, outcome: UpsertOutcome) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def fail(self, source: str, reason: str) -> None:
        self.failed += 1
        self.failures.append(Failure(source=source, reason=reason))

    def line(self) -> str:
        """The one-line human summary."""
        repaired = f", {self.repaired} repaired (invalid text replaced by U+FFFD)" if self.repaired else ""
        return (
            f"{self.added} added, {self.changed} changed, {self.unchanged} unchanged, "
            f"{self.failed} failed{repaired}; {self.total} studies in the store"
        )
