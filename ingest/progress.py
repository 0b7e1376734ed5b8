"""Progress of an ingest run: a rich progress bar on a terminal, plain periodic lines otherwise.

    with open_progress("ingest", sys.stderr) as progress:
        progress.set_total(1200)
        progress.advance(studies=500, pages=1)

The bar shows pages, studies (of the total when known), rate and ETA. Without a terminal (cron, systemd,
CI) a line like `ingest: 3 pages, 1,500 studies, 120.5 studies/s, ETA 0:00:40` is written every
`interval` seconds and once at the end.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text


class RunProgress:
    """Counts pages and studies; subclasses decide how to show them."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.pages = 0
        self.studies = 0
        self.total: int | None = None

    def set_total(self, total: int | None) -> None:
        self.total = total

    def advance(self, studies: int, pages: int = 0) -> None:
        self.pages += pages
        self.studies += studies

    def close(self) -> None:
        return

    def __enter__(self) -> RunProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class LogProgress(RunProgress):
    def __init__(
        self, label: str, stream: TextIO, interval: float = 10.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__(label)
        self._stream = stream
        self._interval = interval
        self._clock = clock
        self._started = clock()
        self._last = self._started

    def advance(self, studies: int, pages: int = 0) -> None:
        super().advance(studies, pages)
        now = self._clock()
        if now - self._last >= self._interval:
            self._last = now
            self._write(now)

    def close(self) -> None:
        if self.studies or self.pages:
            self._write(self._clock())

    def _write(self, now: float) -> None:
        elapsed = max(now - self._started, 1e-9)
        rate = self.studies / elapsed
        pages = f"{self.pages:,} pages, " if self.pages else ""
        line = f"{self.label}: {pages}{self.studies:,} studies, {rate:,.1f} studies/s"
        if self.total and rate > 0 and self.studies < self.total:
            line += f", ETA {timedelta(seconds=round((self.total - self.studies) / rate))}"
        self._stream.write(line + "\n")
        self._stream.flush()


class _PagesColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        pages = task.fields.get("pages", 0)
        return Text(f"{pages:,} pages" if pages else "")


class _RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        return Text(f"{task.speed or 0:,.0f} studies/s")


class BarProgress(RunProgress):
    def __init__(self, label: str, stream: TextIO) -> None:
        super().__init__(label)
        self._bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("studies"),
            _PagesColumn(),
            _RateColumn(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=Console(file=stream),
            transient=False,
        )
        self._task = self._bar.add_task(label, total=None, pages=0)
        self._bar.start()

    def set_total(self, total: int | None) -> None:
        super().set_total(total)
        self._bar.update(self._task, total=total)

    def advance(self, studies: int, pages: int = 0) -> None:
        super().advance(studies, pages)
        self._bar.update(self._task, advance=studies, pages=self.pages)

    def close(self) -> None:
        self._bar.stop()


def open_progress(label: str, stream: TextIO, interval: float = 10.0) -> RunProgress:
    """A progress bar when `stream` is a terminal, periodic log lines when it is not."""
    if stream.isatty():
        return BarProgress(label, stream)
    return LogProgress(label, stream, interval=interval)
