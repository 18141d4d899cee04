"""Loading: staged batch files into the store's tables, inside the ingest's transaction.

Why a stage of its own: this is where DuckDB reads what staging wrote, and where the
ingest's one risk lives. Appends happen inside one transaction (see
:meth:`app.store.ingest.job.IngestJob._build`), so a statement DuckDB refuses outright
aborts everything: reads are lenient and count what they kept, and a refused statement
raises :class:`TransactionAborted` so that the job starts again one session per statement
and only the sessions DuckDB refuses are skipped.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb

from app.archive.events import MAX_TIMESTAMP_MS
from app.archive.model import SessionMeta
from app.archive.native import ArchiveReader
from app.store import schema
from app.store.ingest.staging import Batch
from app.store.sql_constants import EVENT_INCREMENTAL_SNAPSHOT

MAX_OBJECT_BYTES = 256 * 1024 * 1024  # rrweb full snapshots can exceed DuckDB's 16 MB default
MIN_OBJECT_BYTES = 1024 * 1024
# What one read needs beside its buffers (DuckDB's 16 MB JSON chunks, the sort of the ids).
READ_OVERHEAD_BYTES = 64 * 1024 * 1024

SESSION_FIELDS = (
    "session_id",
    "user_id",
    "started_at_ms",
    "ended_at_ms",
    "browser",
    "os",
    "device",
    "screen_width",
    "screen_height",
    "country",
    "city",
    "entry_url",
    "release",
    "user_agent",
)


class TransactionAborted(Exception):
    """A statement failed inside the ingest's one transaction, which DuckDB then aborts."""


def object_bytes(longest_line: int) -> int:
    """The ``maximum_object_size`` for a file whose lines are at most ``longest_line`` long.

    Why not always the largest: DuckDB reserves a read buffer of twice the maximum object
    size for every file it reads, whatever the file's size, and counts it against the
    memory limit. At 256 MB, two batches loading at once reserved 1 GB: under a memory
    limit one of them failed with an out-of-memory error, which was taken for a batch
    DuckDB refuses and cost its sessions their events or RUM records.
    """
    return min(MAX_OBJECT_BYTES, max(MIN_OBJECT_BYTES, longest_line + 1))


def read_bytes(longest_line: int) -> int:
    """What DuckDB reserves to read a file of such lines: its buffers and their company."""
    return 2 * object_bytes(longest_line) + READ_OVERHEAD_BYTES


class Loader:
    """Loads batches into one database and remembers the sessions it loaded, in order.

    Why a connection per thread: DuckDB reads a batch on one thread (the session ids are
    attached by position, which needs the file's order), so two batches load at once on
    two threads, each through its own cursor and, when atomic, its own transaction
    (appends never conflict). :meth:`commit` ends those transactions once every batch is in.
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        *,
        atomic: bool,
        check_cancel: Callable[[], None],
        read_budget: int | None = None,
    ) -> None:
        self.con = con  # source maps and sessions; the batches go through per-thread cursors
        self.atomic = atomic  # inside one transaction: a refused statement aborts it
        self.check_cancel = check_cancel
        self._loaded: dict[int, list[SessionMeta]] = {}
        self._cursors: list[duckdb.DuckDBPyConnection] = []
        self._local = threading.local()
        self._lock = threading.Lock()
        # Reads at once may reserve this much together (None: no limit); one read alone
        # may take more, so that no batch waits forever.
        self._read_budget = read_budget
        self._reading = 0
        self._read_freed = threading.Condition(self._lock)

    @contextlib.contextmanager
    def _reserved(self, need: int) -> Iterator[None]:
        """Wait until a read of ``need`` bytes fits the budget beside the reads running."""
        with self._read_freed:
            budget = self._read_budget
            while budget is not None and self._reading and self._reading + need > budget:
                self._read_freed.wait(0.5)
                self.check_cancel()
            self._reading += need
        try:
            yield
        finally:
            with self._read_freed:
                self._reading -= need
                self._read_freed.notify_all()

    @property
    def sessions(self) -> list[SessionMeta]:
        """The sessions loaded so far, in the order they were staged."""
        return [meta for seq in sorted(self._loaded) for meta in self._loaded[seq]]

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        cursor = getattr(self._local, "cursor", None)
        if cursor is None:
            cursor = self.con.cursor()
            if self.atomic:
                cursor.execute("BEGIN TRANSACTION")
            with self._lock:
                self._cursors.append(cursor)
            self._local.cursor = cursor
        return cursor

    def commit(self) -> None:
        """End the batches' transactions (when atomic) once every batch is in."""
        with self._lock:
            cursors = list(self._cursors)
        if self.atomic:
            for cursor in cursors:
                try:
                    cursor.execute("COMMIT")
                except duckdb.InterruptException:
                    raise
                except duckdb.Error as exc:
                    raise TransactionAborted(str(exc)) from exc
        self.close()

    def close(self) -> None:
        """Close the batches' cursors (what they did not commit is rolled back)."""
        with self._lock:
            cursors, self._cursors = self._cursors, []
        for cursor in cursors:
            with contextlib.suppress(duckdb.Error):
                cursor.close()
        self._local = threading.local()

    def interrupt(self) -> None:
        """Interrupt the statements running on every cursor (cancel, from any thread)."""
        with self._lock:
            cursors = list(self._cursors)
        for cursor in (self.con, *cursors):
            with contextlib.suppress(duckdb.Error):
                cursor.interrupt()

    def load(self, batch: Batch, source: Any) -> int:
        """Load one batch's events and RUM records, one statement each; sessions loaded
        (none for a part of a session's events, see ``staging._RecordingStager``)."""
        if not batch.event_rows:
            return 0
        self.check_cancel()
        con = self._cursor()
        try:
            short = self._read_ndjson(
                con, "events", [batch.events_path], batch.event_rows, batch.longest_event
            )
        except (duckdb.InterruptException, duckdb.OutOfMemoryException):
            raise  # not the batch's fault: skipping its sessions would lose them silently
        except duckdb.Error as exc:  # one session per batch here (see IngestJob.run)
            for meta in batch.sessions:
                source.skipped_sessions.append(meta.session_id)
                source.warn(
                    f"session skipped: its events cannot be loaded ({exc})", meta.session_id
                )
            if not batch.sessions:  # a part of one session's events
                for sid, lines in batch.event_rows:
                    source.warn(f"{lines:,} of its events cannot be loaded ({exc})", sid)
            return 0
        for sid, missing in short.items():
            source.warn(f"{missing:,} malformed event line(s) were skipped", sid)
        if any(lines for _, lines in batch.rum_rows):
            try:
                short = self._read_ndjson(
                    con, "rum", [batch.rum_path], batch.rum_rows, batch.longest_rum
                )
            except (duckdb.InterruptException, duckdb.OutOfMemoryException):
                raise
            except duckdb.Error as exc:
                for sid, _ in batch.rum_rows:
                    source.warn(f"its RUM records cannot be loaded ({exc})", sid)
                short = {}
            for sid, missing in short.items():
                source.warn(f"{missing:,} malformed RUM record(s) were skipped", sid)
        with self._lock:
            self._loaded[batch.seq] = list(batch.sessions)
        return len(batch.sessions)

    def _read_ndjson(
        self,
        con: duckdb.DuckDBPyConnection,
        kind: str,
        paths: list[Path],
        rows: list[tuple[str, int]],
        longest_line: int = MAX_OBJECT_BYTES,
    ) -> dict[str, int]:
        """Load batch files leniently; returns, per session, how many lines were lost.

        Malformed lines come back from DuckDB as rows of NULLs (kept in position, then
        dropped), so the rows kept are counted and sessions are only counted one by one when
        the batch came up short. A statement DuckDB refuses outright aborts the ingest's one
        transaction, so the ingest starts again session by session (see ``IngestJob.run``).
        """
        try:
            with self._reserved(read_bytes(longest_line)):
                kept = ndjson_statement(
                    con, kind, paths, rows, object_size=object_bytes(longest_line)
                )
        except (duckdb.InterruptException, duckdb.OutOfMemoryException):
            raise  # reading again session by session would need the same memory
        except duckdb.Error as exc:
            if self.atomic:
                raise TransactionAborted(str(exc)) from exc
            raise
        expected: dict[str, int] = {}
        for sid, lines in rows:
            expected[sid] = expected.get(sid, 0) + lines
        if kept == sum(expected.values()):
            return {}
        table = "events" if kind == "events" else "rum_stage"
        counts = dict(
            con.execute(
                f"SELECT session_id, count(*) FROM {table} WHERE session_id IN "
                "(SELECT unnest($sids)) GROUP BY session_id",
                {"sids": list(expected)},
            ).fetchall()
        )
        return {
            sid: lines - counts.get(sid, 0)
            for sid, lines in expected.items()
            if lines > counts.get(sid, 0)
        }

    def load_source_maps(self, reader: ArchiveReader) -> None:
        for url, text in reader.source_maps():
            self.con.execute("INSERT INTO source_maps VALUES (?, ?)", [url, text])

    def load_sessions(self, tmp: Path) -> None:
        """Insert the rows of the sessions loaded so far (one statement)."""
        if not self.sessions:
            return
        sessions_path = tmp / "sessions.ndjson"
        longest = 0
        with sessions_path.open("w", encoding="utf-8") as sink:
            for meta in self.sessions:
                row = {name: getattr(meta, name) for name in SESSION_FIELDS}
                row["extra"] = json.dumps(meta.extra) if meta.extra else None
                line = json.dumps(row, ensure_ascii=False) + "\n"
                longest = max(longest, len(line.encode()))
                sink.write(line)
        self.con.execute(
            f"""INSERT INTO sessions SELECT session_id, user_id,
                   epoch_ms(started_at_ms), epoch_ms(ended_at_ms), NULL,
                   browser, os, device, screen_width, screen_height, country, city,
                   entry_url, release, user_agent, extra::JSON
               FROM read_ndjson(?, columns={schema.SESSION_COLUMNS},
                                maximum_object_size={object_bytes(longest)})""",
            [str(sessions_path)],
        )


def ndjson_statement(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    paths: list[Path],
    rows: list[tuple[str, int]],
    *,
    object_size: int = MAX_OBJECT_BYTES,
) -> int:
    """Insert the lines of ``paths`` into ``events`` or ``rum_stage``; rows inserted.

    Session ids are attached by position: a POSITIONAL JOIN with a column holding each
    session's id once per line, in file order (the staged lines are never blank, see
    :func:`app.archive.safety.gunzip_lines`, so lines and rows correspond). Rewriting
    every line with its session id in Python cost more than inflating it. Needs a
    single-threaded scan, which keeps the files' order.
    """
    options = (
        f"format='newline_delimited', records='true', "
        f"maximum_object_size={object_size}, ignore_errors=true"
    )
    params = {
        "paths": [str(p) for p in paths],
        "sids": [sid for sid, _ in rows],
        "lines": [lines for _, lines in rows],
    }
    tags = """(SELECT sid FROM (SELECT unnest($sids) AS sid, unnest($lines) AS n,
                                      generate_subscripts($sids, 1) AS i), range(n)
               ORDER BY i) t"""
    if kind == "events":
        statement = f"""INSERT INTO events
            SELECT t.sid, epoch_ms(round(e.timestamp)::BIGINT), e.type,
                   CASE WHEN e.type != {EVENT_INCREMENTAL_SNAPSHOT} THEN NULL
                        -- rrweb writes "source" first: read it without parsing
                        WHEN starts_with(e.data, '{{"source":')
                        THEN TRY_CAST(rtrim(substr(e.data, 11, 2), ',') AS TINYINT)
                        ELSE TRY_CAST(json_extract_string(e.data, '$.source') AS TINYINT)
                   END,
                   e.windowId, e.data
            FROM read_ndjson($paths, columns={schema.EVENT_COLUMNS}, {options}) e
            POSITIONAL JOIN {tags}
            WHERE t.sid IS NOT NULL AND e.type IS NOT NULL
              -- NaN, infinite or absurd times would fail the conversion: drop the line
              AND e.timestamp BETWEEN 0 AND {MAX_TIMESTAMP_MS}"""
    else:
        statement = f"""INSERT INTO rum_stage
            SELECT t.sid, e.* FROM read_ndjson($paths, columns={schema.RUM_COLUMNS},
                                               {options}) e
            POSITIONAL JOIN {tags}
            WHERE t.sid IS NOT NULL AND e.kind IS NOT NULL"""
    row = con.execute(statement, params).fetchone()
    return int(row[0]) if row else 0
