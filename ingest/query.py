"""The scope of a live pull: which ClinicalTrials.gov API v2 `/studies` parameters to send.

    >>> StudyQuery(term="NTRK", statuses=["recruiting"]).params()
    {'query.term': 'NTRK', 'filter.overallStatus': 'RECRUITING'}

Statuses are checked against the API's `Status` enumeration (`core.statuses.STATUSES`), so a typo is
reported before any request is made. `fields` narrows the returned study objects (API field, piece or
area names); the commands leave it empty because the raw store keeps whole studies. `since(date)` adds
the incremental-refresh filter `AREA[LastUpdatePostDate]RANGE[<date>,MAX]`.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from pydantic import BaseModel, field_validator

from core.statuses import STATUSES

_API_PATH = Path(__file__).with_name("api_v2.json")


@cache
def api_facts() -> dict:
    return json.loads(_API_PATH.read_text(encoding="utf-8"))


class StudyQuery(BaseModel):
    cond: str | None = None
    term: str | None = None
    intr: str | None = None
    locn: str | None = None
    statuses: list[str] = []
    advanced: str | None = None
    fields: list[str] = []

    @field_validator("statuses")
    @classmethod
    def _known_statuses(cls, values: list[str]) -> list[str]:
        known = STATUSES
        normalized = [v.strip().upper().replace(",", "").replace(" ", "_") for v in values]
        unknown = [v for v, n in zip(values, normalized, strict=True) if n not in known]
        if unknown:
            raise ValueError(f"unknown status {', '.join(unknown)}: use one of {', '.join(known)}")
        return normalized

    def is_empty(self) -> bool:
        return not self.params()

    def params(self) -> dict[str, str]:
        """The `/studies` query parameters, in the API's own names."""
        params = {
            "query.cond": self.cond,
            "query.term": self.term,
            "query.intr": self.intr,
            "query.locn": self.locn,
            "filter.overallStatus": "|".join(self.statuses) or None,
            "filter.advanced": self.advanced,
            "fields": "|".join(self.fields) or None,
        }
        return {k: v for k, v in params.items() if v}

    def since(self, date: str) -> StudyQuery:
        """The same scope restricted to studies whose last update was posted on or after `date`."""
        window = f"AREA[LastUpdatePostDate]RANGE[{date},MAX]"
        advanced = f"({self.advanced}) AND {window}" if self.advanced else window
        return self.model_copy(update={"advanced": advanced})
