"""The embedded index's versioned directories: which one a rebuild is filling, which ones are orphans.

    with building(link):                       # held from creating `index-<ns>/` until it is swapped in
        target = link.parent / f"{link.name}-{time.time_ns()}"
        ...
    discard_orphans(link)                      # -> the `index-<ns>/` directories removed

A rebuild writes a fresh `<name>-<ns>/` directory beside the `<name>` link and swaps the link to it. A rebuild
killed midway (kill -9, power loss) never reaches its own clean-up and leaves a half-built directory. Every
rebuild holds a shared `flock` on the directory holding the link (no file is added) while its directory is not
yet the link's target; `discard_orphans` takes the lock exclusively without waiting, so it finds no build in
progress, and removes every versioned directory the link does not point to. When a build holds the lock it
removes nothing: the next run will. The kernel drops a dead process's lock, so a kill never blocks clean-up.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def _locked(link: Path, mode: int) -> Iterator[bool]:
    """Hold the build lock of `link` in `mode`; yields whether it was had (a LOCK_NB request may not be)."""
    link.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(link.parent, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, mode)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


@contextmanager
def building(link: Path) -> Iterator[None]:
    """Mark a build of a new version of `link` in progress for the duration of the block."""
    with _locked(link, fcntl.LOCK_SH):
        yield


def versions(link: Path) -> list[Path]:
    """The versioned directories `<name>-<digits>` beside `link`, in name order."""
    pattern = re.compile(rf"{re.escape(link.name)}-\d+")
    if not link.parent.is_dir():
        return []
    return sorted(p for p in link.parent.iterdir() if pattern.fullmatch(p.name) and p.is_dir() and not p.is_symlink())


def discard_orphans(link: Path) -> list[Path]:
    """Remove the versioned directories `link` does not point to, unless a build is in progress."""
    if not link.parent.is_dir():
        return []
    with _locked(link, fcntl.LOCK_EX | fcntl.LOCK_NB) as had:
        if not had:
            return []
        live = link.resolve() if link.is_symlink() else None
        orphans = [p for p in versions(link) if p.resolve() != live]
        for orphan in orphans:
            shutil.rmtree(orphan, ignore_errors=True)
        return orphans
