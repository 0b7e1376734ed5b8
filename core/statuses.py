"""ClinicalTrials.gov overall statuses: the one list every stage derives its choices and checks from.

    >>> "RECRUITING" in STATUSES, OPEN_STATUSES[0]
    (True, 'RECRUITING')

`OverallStatus` is the API v2 `Status` enumeration in the API's order; `STATUSES` is the same as a tuple
(`typing.get_args`). `OPEN_STATUSES` are the ones a patient can still join, which matching prefers and
searches by default. The ingest query checks statuses against `STATUSES`, the legacy XML mapping maps onto
them, and the CLI and the UI offer them.
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
