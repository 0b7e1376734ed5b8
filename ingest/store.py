"""The raw store: one SQLite row per study (raw API v2 JSON, update date, content hash, pending flag).

    with RawStore(settings.store_path) as store:
        store.upsert(study, source="NCT04879121.json")   # "added" | "changed" | "unchanged"
        for stored in store.iter_studies(pending_only=True):
            ...
        store.mark_processed([stored.nct_id])

The database runs in WAL mode. Writes made inside `with store.transaction():` commit together or not
at all, which is how ingest commits one page or batch of studies with its run counters and resume
checkpoint: a process killed at any moment leaves every committed study intact and no half-written one.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ingest.models import RunSummary, StoredStudy, SyncRun, UpsertOutcome
from ingest.studies import last_update_of, nct_id_of, serialize, study_problem
from ingest.versions import compare_versions

_SCHEMA = """
CREATE TABLE IF NOT EXISTS studies (
    nct_id       TEXT PRIMARY KEY,
    raw          TEXT NOT NULL,
    last_update  TEXT,
    content_hash TEXT NOT NULL,
    fetched_at   TEXT NOT NULL,
    source       TEXT NOT NULL,
    pending      INTEGER NOT NULL DEFAULT 1
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS studies_pending ON studies (nct_id) WHERE pending = 1;
CREATE TABLE IF NOT EXISTS sync_runs (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    started        TEXT NOT NULL,
    finished       TEXT,
    source         TEXT NOT NULL,
    query          TEXT,
    added          INTEGER NOT NULL DEFAULT 0,
    changed        INTEGER NOT NULL DEFAULT 0,
    unchanged      INTEGER NOT NULL DEFAULT 0,
    failed         INTEGER NOT NULL DEFAULT 0,
    data_timestamp TEXT,
    status         TEXT NOT NULL,
    checkpoint     TEXT,
    error          TEXT
);
"""
_STREAM_CHUNK = 500


class StoreError(RuntimeError):
    """The raw store cannot be opened or written; the message says which file and what to do."""


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class RawStore:
    """SQLite store of raw studies and sync runs at `path` (created with its directory on first use)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(
                f"cannot open the raw store {self.path} ({exc}); check that the data directory is writable "
                "and the file is a trialmatch store"
            ) from exc
        self._depth = 0

    def __enter__(self) -> RawStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes: all of them commit at the end of the block, none if it raises."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._db.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        else:
            self._db.execute("COMMIT")
        finally:
            self._depth = 0

    def upsert(self, study: dict[str, Any], source: str, replace_equal: bool = True) -> UpsertOutcome:
        """Store `study`; a new or changed one is flagged pending, an unchanged one keeps its flag.

        A version that `ingest.versions.compare_versions` ranks below the stored one (older, converted from
        legacy, poorer) never replaces it, nor (with `replace_equal=False`) one it ranks equal: "unchanged".
        """
        problem = study_problem(study)
        if problem:
            raise ValueError(f"{source}: {problem}")
        nct_id = nct_id_of(study)
        raw, digest = serialize(study)
        now = utc_now()
        with self.transaction():
            row = self._db.execute("SELECT content_hash FROM studies WHERE nct_id = ?", (nct_id,)).fetchone()
            if row is not None and (row[0] == digest or not self._supersedes(nct_id, study, replace_equal)):
                self._db.execute("UPDATE studies SET fetched_at = ? WHERE nct_id = ?", (now, nct_id))
                return "unchanged"
            self._db.execute(
                "INSERT INTO studies (nct_id, raw, last_update, content_hash, fetched_at, source, pending) "
                "VALUES (?, ?, ?, ?, ?, ?, 1) ON CONFLICT (nct_id) DO UPDATE SET raw = excluded.raw, "
                "last_update = excluded.last_update, content_hash = excluded.content_hash, "
                "fetched_at = excluded.fetched_at, source = excluded.source, pending = 1",
                (nct_id, raw, last_update_of(study), digest, now, source),
            )
        return "added" if row is None else "changed"

    def _supersedes(self, nct_id: str, study: dict[str, Any], replace_equal: bool) -> bool:
        """Whether `study` may replace the stored, different version of `nct_id`."""
        (stored,) = self._db.execute("SELECT raw FROM studies WHERE nct_id = ?", (nct_id,)).fetchone()
        order = compare_versions(study, json.loads(stored))
        return order > 0 or (order == 0 and replace_equal)

    def get(self, nct_id: str) -> StoredStudy | None:
        row = self._db.execute(
            f"SELECT {_STUDY_COLUMNS} FROM studies WHERE nct_id = ?", (nct_id.strip().upper(),)
        ).fetchone()
        return _stored(row) if row else None

    def iter_studies(self, pending_only: bool = False) -> Iterator[StoredStudy]:
        """Stream stored studies in NCT-id order, a chunk at a time; safe to interleave with writes."""
        where = "AND pending = 1" if pending_only else ""
        after = ""
        while True:
            rows = self._db.execute(
                f"SELECT {_STUDY_COLUMNS} FROM studies WHERE nct_id > ? {where} ORDER BY nct_id LIMIT ?",
                (after, _STREAM_CHUNK),
            ).fetchall()
            if not rows:
                return
            for row in rows:
                yield _stored(row)
            after = rows[-1][0]

    def mark_processed(self, nct_ids: Iterable[str]) -> None:
        """Clear the pending flag of studies that have been extracted and indexed."""
        with self.transaction():
            self._db.executemany(
                "UPDATE studies SET pending = 0 WHERE nct_id = ?", ((n.strip().upper(),) for n in nct_ids)
            )

    def count(self) -> int:
        return self._db.execute("SELECT count(*) FROM studies").fetchone()[0]

    def pending_count(self) -> int:
        return self._db.execute("SELECT count(*) FROM studies WHERE pending = 1").fetchone()[0]

    def integrity_ok(self) -> bool:
        return self._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    # -- sync runs ---------------------------------------------------------------------------------

    def start_run(
        self,
        source: str,
        query: dict[str, Any] | None = None,
        data_timestamp: str | None = None,
        checkpoint: dict[str, Any] | None = None,
    ) -> int:
        """Record a new running sync run (resuming from `checkpoint`, if given) and return its id."""
        with self.transaction():
            (run_id,) = self._db.execute(
                "INSERT INTO sync_runs (started, source, query, data_timestamp, status, checkpoint) "
                "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                (utc_now(), source, _dump(query), data_timestamp, "running", _dump(checkpoint)),
            ).fetchone()
        return int(run_id)

    def save_progress(self, run_id: int, summary: RunSummary, checkpoint: dict[str, Any] | None) -> None:
        """Store the run's counters and resume checkpoint (inside the page's transaction)."""
        self._db.execute(
            "UPDATE sync_runs SET added = ?, changed = ?, unchanged = ?, failed = ?, checkpoint = ? WHERE id = ?",
            (summary.added, summary.changed, summary.unchanged, summary.failed, _dump(checkpoint), run_id),
        )

    def finish_run(self, run_id: int, status: str, error: str | None = None) -> None:
        with self.transaction():
            self._db.execute(
                "UPDATE sync_runs SET finished = ?, status = ?, error = ? WHERE id = ?",
                (utc_now(), status, error, run_id),
            )

    def mark_abandoned_runs(self) -> int:
        """Mark runs left 'running' by a killed process as 'interrupted'; call while holding the sync lock."""
        with self.transaction():
            cursor = self._db.execute(
                "UPDATE sync_runs SET status = 'interrupted', finished = ? WHERE status = 'running'",
                (utc_now(),),
            )
        return cursor.rowcount

    def sync_runs(self, limit: int = 20) -> list[SyncRun]:
        """The most recent runs, newest first."""
        rows = self._db.execute(f"SELECT {_RUN_COLUMNS} FROM sync_runs ORDER BY id DESC LIMIT ?", (limit,))
        return [_run(row) for row in rows.fetchall()]

    def last_successful_sync(self, source: str | None = None) -> SyncRun | None:
        """The newest succeeded run, of `source` (e.g. an API base URL) when given."""
        sql = f"SELECT {_RUN_COLUMNS} FROM sync_runs WHERE status = 'succeeded'"
        args: tuple[str, ...] = ()
        if source is not None:
            sql += " AND source = ?"
            args = (source,)
        row = self._db.execute(sql + " ORDER BY id DESC LIMIT 1", args).fetchone()
        return _run(row) if row else None

    def successful_runs(self, source: str) -> list[SyncRun]:
        """Every succeeded run of `source`, newest first."""
        rows = self._db.execute(
            f"SELECT {_RUN_COLUMNS} FROM sync_runs WHERE status = 'succeeded' AND source = ? ORDER BY id DESC",
            (source,),
        )
        return [_run(row) for row in rows.fetchall()]

    def resumable_run(self, source: str, query: dict[str, Any]) -> SyncRun | None:
        """The newest run of this exact source and query if it stopped early with a checkpoint."""
        row = self._db.execute(
            f"SELECT {_RUN_COLUMNS} FROM sync_runs WHERE source = ? AND query = ? ORDER BY id DESC LIMIT 1",
            (source, _dump(query)),
        ).fetchone()
        if row is None:
            return None
        run = _run(row)
        if run.status in ("failed", "interrupted") and run.checkpoint and run.checkpoint.get("page_token"):
            return run
        return None


_STUDY_COLUMNS = "nct_id, raw, last_update, content_hash, fetched_at, pending"
_RUN_COLUMNS = (
    "id, started, finished, source, query, added, changed, unchanged, failed, data_timestamp, status, "
    "checkpoint, error"
)


def _dump(value: dict[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True)


def _stored(row: tuple) -> StoredStudy:
    nct_id, raw, last_update, digest, fetched_at, pending = row
    return StoredStudy(
        nct_id=nct_id, raw=json.loads(raw), last_update=last_update, content_hash=digest,
        fetched_at=fetched_at, pending=bool(pending),
    )


def _run(row: tuple) -> SyncRun:
    names = [n.strip() for n in _RUN_COLUMNS.split(",")]
    values = dict(zip(names, row, strict=True))
    for key in ("query", "checkpoint"):
        values[key] = json.loads(values[key]) if values[key] else None
    return SyncRun(**values)
