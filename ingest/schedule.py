"""When to run the next refresh: a fixed interval ("6h", "30m", "1d") or a cron expression.

    schedule = Schedule.parse("6h")                  # or Schedule.parse("0 */6 * * *")
    run_schedule(schedule, job=do_one_refresh)       # runs in the foreground until interrupted

An interval counts from the end of the previous run, so slow runs never pile up; a cron expression
fires at its next matching minute (UTC) after the previous run ends.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from croniter import croniter

_INTERVAL = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


class ScheduleError(ValueError):
    """The interval or cron expression cannot be used; the message shows a valid example."""


class Schedule:
    def __init__(self, interval: timedelta | None = None, cron: str | None = None) -> None:
        self.interval = interval
        self.cron = cron

    @classmethod
    def parse(cls, spec: str) -> Schedule:
        """An interval like '6h', '30m', '1d', '90s', or a five-field cron expression like '0 */6 * * *'."""
        if match := _INTERVAL.match(spec):
            if int(match[1]) == 0:
                raise ScheduleError(f"invalid interval {spec!r}: it must be longer than zero, e.g. 6h")
            return cls(interval=timedelta(**{_UNITS[match[2]]: int(match[1])}))
        if len(spec.split()) == 5 and croniter.is_valid(spec):
            return cls(cron=spec.strip())
        raise ScheduleError(
            f"invalid schedule {spec!r}: give an interval (a number and s, m, h or d, e.g. 6h) "
            "or a five-field cron expression (e.g. '0 */6 * * *')"
        )

    def next_after(self, moment: datetime) -> datetime:
        if self.interval is not None:
            return moment + self.interval
        return croniter(self.cron, moment).get_next(datetime)

    def describe(self) -> str:
        return f"every {self.interval}" if self.interval is not None else f"cron '{self.cron}' (UTC)"


def run_schedule(
    schedule: Schedule,
    job: Callable[[], None],
    *,
    run_now: bool = False,
    max_runs: int | None = None,
    announce: Callable[[str], None] = print,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Run `job` on `schedule` until `max_runs` runs are done (forever when None); returns the runs made."""
    runs = 0
    due = now() if run_now else schedule.next_after(now())
    while max_runs is None or runs < max_runs:
        announce(f"next refresh at {due.isoformat(timespec='seconds')}")
        while (remaining := (due - now()).total_seconds()) > 0:
            sleep(min(remaining, 60.0))
        job()
        runs += 1
        due = schedule.next_after(now())
    return runs
