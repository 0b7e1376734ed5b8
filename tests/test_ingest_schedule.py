"""Schedules (intervals and cron) and the periodic progress lines used when not on a terminal."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest

from ingest.progress import BarProgress, LogProgress, open_progress
from ingest.schedule import Schedule, ScheduleError, run_schedule

START = datetime(2026, 11, 23, 20, 7, tzinfo=UTC)


class FakeTime:
    def __init__(self) -> None:
        self.now = START

    def sleep(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def test_an_interval_counts_from_the_end_of_the_previous_run():
    assert Schedule.parse("6h").next_after(START) == START + timedelta(hours=6)


def test_a_cron_expression_fires_at_its_next_matching_time():
    assert Schedule.parse("0 */6 * * *").next_after(START) == datetime(2026, 11, 24, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize("spec", ["6x", "0h", "every day", "* * *"])
def test_a_malformed_schedule_is_refused_with_an_example(spec: str):
    with pytest.raises(ScheduleError, match="e.g."):
        Schedule.parse(spec)


def test_run_schedule_waits_for_each_due_time_before_running_the_job():
    clock = FakeTime()
    ran: list[datetime] = []
    runs = run_schedule(
        Schedule.parse("30m"), lambda: ran.append(clock.now), max_runs=3,
        announce=lambda _: None, now=lambda: clock.now, sleep=clock.sleep,
    )
    assert runs == 3
    assert ran == [START + timedelta(minutes=30 * n) for n in (1, 2, 3)]


def test_run_now_runs_the_first_job_immediately():
    clock = FakeTime()
    ran: list[datetime] = []
    run_schedule(
        Schedule.parse("1h"), lambda: ran.append(clock.now), run_now=True, max_runs=2,
        announce=lambda _: None, now=lambda: clock.now, sleep=clock.sleep,
    )
    assert ran == [START, START + timedelta(hours=1)]


def test_log_progress_writes_a_line_per_interval_with_rate_and_eta():
    stream, now = io.StringIO(), [0.0]
    progress = LogProgress("ingest", stream, interval=10, clock=lambda: now[0])
    progress.set_total(1000)
    for _ in range(4):
        now[0] += 5
        progress.advance(studies=100, pages=1)
    assert stream.getvalue().splitlines() == [
        "ingest: 2 pages, 200 studies, 20.0 studies/s, ETA 0:00:40",
        "ingest: 4 pages, 400 studies, 20.0 studies/s, ETA 0:00:30",
    ]


def test_a_terminal_gets_a_progress_bar_and_a_pipe_gets_log_lines():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    bar = open_progress("ingest", Terminal())
    bar.close()
    assert isinstance(bar, BarProgress)
    assert isinstance(open_progress("ingest", io.StringIO()), LogProgress)
