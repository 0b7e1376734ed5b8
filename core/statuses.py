"""ClinicalTrials.gov overall statuses: the one list every stage derives its choices and checks from.

    >>> "RECRUITING" in STATUSES, OPEN_STATUSES[0]
    (True, 'RECRUITING')

`OverallStatus` is the API v2 `Status` enumeration in the API's order; `STATUSES` is the same as a tuple
(`typing.get_args`). `OPEN_STATUSES` are the ones a patient can still join, which matching prefers and
searches by default. The ingest query checks statuses against `STATUSES`, the legacy XML mapping maps onto
them, and the CLI and the UI offer them. People read them as `status_label` words ("Not yet recruiting"), as
the registry's web pages write them; phases likewise (`phase_label`: "PHASE1" → "Phase 1").
"""

from __future__ import annotations

from typing import Literal, get_args

OverallStatus = Literal[
    "ACTIVE_NOT_RECRUITING", "COMPLETED", "ENROLLING_BY_INVITATION", "NOT_YET_RECRUITING", "RECRUITING",
    "SUSPENDED", "TERMINATED", "WITHDRAWN", "AVAILABLE", "NO_LONGER_AVAILABLE", "TEMPORARILY_NOT_AVAILABLE",
    "APPROVED_FOR_MARKETING", "WITHHELD", "UNKNOWN",
]
STATUSES: tuple[OverallStatus, ...] = get_args(OverallStatus)
OPEN_STATUSES: tuple[OverallStatus, ...] = ("RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION")
STATUS_LABELS: dict[str, str] = {
    "ACTIVE_NOT_RECRUITING": "Active, not recruiting", "COMPLETED": "Completed",
    "ENROLLING_BY_INVITATION": "Enrolling by invitation", "NOT_YET_RECRUITING": "Not yet recruiting",
    "RECRUITING": "Recruiting", "SUSPENDED": "Suspended", "TERMINATED": "Terminated", "WITHDRAWN": "Withdrawn",
    "AVAILABLE": "Available", "NO_LONGER_AVAILABLE": "No longer available",
    "TEMPORARILY_NOT_AVAILABLE": "Temporarily not available", "APPROVED_FOR_MARKETING": "Approved for marketing",
    "WITHHELD": "Withheld", "UNKNOWN": "Unknown status",
}
PHASE_LABELS: dict[str, str] = {"EARLY_PHASE1": "Early phase 1", "NA": "Not applicable"}


def status_label(code: str | None) -> str:
    """A registry status as people read it: "NOT_YET_RECRUITING" → "Not yet recruiting"; None → "Status unknown"."""
    if not code:
        return "Status unknown"
    return STATUS_LABELS.get(code, code.replace("_", " ").capitalize())


def phase_label(code: str) -> str:
    """"PHASE1" → "Phase 1", "EARLY_PHASE1" → "Early phase 1", "NA" → "Not applicable"."""
    if code in PHASE_LABELS:
        return PHASE_LABELS[code]
    return code.replace("PHASE", "Phase ").replace("_", " ").strip() if code.startswith("PHASE") else code
