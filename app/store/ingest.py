"""Stream a recording file into a new DuckDB store.

Why this shape: per-event Python work is the bottleneck of any ingest, so the native archive
never parses an event in Python. Its gzip members are inflated (bounded, line-complete) to
temporary NDJSON files and DuckDB's own ``read_ndjson`` loads a batch of sessions per
statement. Single-file recordings need the DOM mirror to derive actions, so they are parsed
in Python once, written out in the same NDJSON shape, and loaded by the same statements.

The database is built under a temporary name and renamed into place only when complete,
so a cancelled or failed ingest never leaves a half-filled store behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from app import __version__
from app.archive.detect import Source, open_recording
from app.archive.model import SessionMeta
from app.archive.native import ArchiveReader
from app.archive.problems import ReadWarning, UnreadableFile
from app.archive.recording import RecordedSession
from app.archive.safety import DEFAULT_LIMITS, Limits
from app.derive.rum import RumDeriver
from app.store import schema
from app.store.cache import content_key, store_path_for

Progress = Callable[[float, str], None]
BATCH_BYTES = 256 * 1024 * 1024
BATCH_SESSIONS = 250
MAX_OBJECT_BYTES = 256 * 1024 * 1024  # rrweb full snapshots can exceed DuckDB's 16 MB default


class IngestCancelled(Exception):
    """The user cancelled the ingest; nothing was kept."""


@dataclass
class IngestResult:
    db_path: Path
    format: str
    sessions: int
    warnings: list[ReadWarning] = field(default_factory=list)
    seconds: float = 0.0
    reused: bool = False


@dataclass
class _Staged:
    meta: SessionMeta
    events: Path
    rum: Path | None
    derived: bool = False


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


class IngestJob:
    """One ingest, runnable on a worker thread and cancellable from another thread."""

    def __init__(
        self,
        path: str | Path,
        db_path: str | Path | None = None,
        *,
        progress: Progress | None = None,
        limits: Limits = DEFAULT_LIMITS,
        force: bool = False,
    ) -> None:
        self.path = Path(path)
        self.db_path = Path(db_path) if db_path else None
        self.progress = progress or (lambda fraction, message: None)
        self.limits = limits
        self.force = force
        self._cancel = threading.Event()
        self._con: duckdb.DuckDBPyConnection | None = None

    def cancel(self) -> None:
        """Ask the ingest to stop; safe to call from any thread."""
        self._cancel.set()
        con = self._con
        if con is not None:
            with contextlib.suppress(duckdb.Error):
                con.interrupt()

    def _check_cancel(self) -> None:
        if self._cancel.is_set():
            raise IngestCancelled(f"ingest of {self.path.name} was cancelled")

    # ---- entry ---------------------------------------------------------------------------
    def run(self) -> IngestResult:
        started = time.perf_counter()
        source = open_recording(self.path, self.limits)
        target = self.db_path or store_path_for(self.path)
        if not self.force and is_current_store(target):
            if isinstance(source, ArchiveReader):
                source.close()
            return IngestResult(target, source.format, 0, [], 0.0, reused=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.part")
        partial.unlink(missing_ok=True)
        try:
            with tempfile.TemporaryDirectory(prefix="ri-ingest-", dir=target.parent) as tmp:
                con = duckdb.connect(str(partial))
                self._con = con
                try:
                    con.execute(schema.DDL)
                    con.execute("SET preserve_insertion_order = true")
                    count = self._load(con, source, Path(tmp))
                    self._check_cancel()
                    self.progress(0.97, "Finishing")
                    warnings = list(source.warnings)
                    self._finish(con, source, warnings)
                finally:
                    self._con = None
                    con.close()
            self._check_cancel()
            os.replace(partial, target)
        except duckdb.InterruptException:
            raise IngestCancelled(f"ingest of {self.path.name} was cancelled") from None
        finally:
            partial.unlink(missing_ok=True)
            Path(str(partial) + ".wal").unlink(missing_ok=True)
            if isinstance(source, ArchiveReader):
                source.close()
        self.progress(1.0, "Done")
        return IngestResult(target, source.format, count, warnings, time.perf_counter() - started)

    # ---- loading -------------------------------------------------------------------------
    def _load(self, con: duckdb.DuckDBPyConnection, source: Source, tmp: Path) -> int:
        if isinstance(source, ArchiveReader):
            return self._load_archive(con, source, tmp)
        return self._load_recording(con, source, tmp)

    def _load_archive(
        self, con: duckdb.DuckDBPyConnection, reader: ArchiveReader, tmp: Path
    ) -> int:
        entries = reader.sessions
        total = max(len(entries), 1)
        batch: list[_Staged] = []
        batch_bytes = loaded = 0
        for index, entry in enumerate(entries):
            self._check_cancel()
            meta = reader.read_meta(entry)
            if meta is None:
                continue
            events_path = tmp / f"{index}.events.ndjson"
            with events_path.open("wb") as sink:
                result = reader.extract(entry.events, sink)
            if result.problem:
                if result.lines == 0:
                    reader.skip(entry.session_id, f"events.ndjson.gz {result.problem}")
                    events_path.unlink(missing_ok=True)
                    continue
                reader.warn(
                    f"events.ndjson.gz {result.problem}; "
                    f"the first {result.lines:,} events were kept",
                    entry.session_id,
                )
            rum_path: Path | None = None
            if entry.rum is not None:
                rum_path = tmp / f"{index}.rum.ndjson"
                with rum_path.open("wb") as sink:
                    rum_result = reader.extract(entry.rum, sink)
                if rum_result.problem:
                    reader.warn(
                        f"rum.ndjson.gz {rum_result.problem}; "
                        f"{rum_result.lines:,} records were kept",
                        entry.session_id,
                    )
            batch.append(_Staged(meta, events_path, rum_path))
            batch_bytes += result.bytes_written
            if batch_bytes >= BATCH_BYTES or len(batch) >= BATCH_SESSIONS:
                loaded += self._flush(con, batch, reader)
                batch, batch_bytes = [], 0
            self.progress(0.95 * (index + 1) / total, f"Reading session {index + 1} of {total}")
        loaded += self._flush(con, batch, reader)
        for url, text in reader.source_maps():
            con.execute("INSERT INTO source_maps VALUES (?, ?)", [url, text])
        return loaded

    def _load_recording(self, con: duckdb.DuckDBPyConnection, source: Any, tmp: Path) -> int:
        loaded = 0
        size = max(self.path.stat().st_size, 1)
        for index, session in enumerate(source.sessions()):
            staged = self._stage_recorded(session, source, tmp, index, size)
            if staged is not None:
                loaded += self._flush(con, [staged], source)
        return loaded

    def _stage_recorded(
        self, session: RecordedSession, source: Any, tmp: Path, index: int, size: int
    ) -> _Staged | None:
        """Write one streamed session as NDJSON while deriving its RUM records."""
        deriver = RumDeriver()
        events_path, rum_path = tmp / f"{index}.events.ndjson", tmp / f"{index}.rum.ndjson"
        first = last = None
        written = 0
        with events_path.open("w", encoding="utf-8") as sink:
            for event in session.events:
                try:
                    line = json.dumps(event, separators=(",", ":"), ensure_ascii=False)
                except (RecursionError, ValueError):
                    source.warn("an event nested too deeply was skipped", session.meta.session_id)
                    continue
                deriver.feed(event)
                sink.write(line)
                sink.write("\n")
                ts = event["timestamp"]
                first = ts if first is None or ts < first else first
                last = ts if last is None or ts > last else last
                written += 1
                if written % 5000 == 0:
                    self._check_cancel()
                    self.progress(min(0.9, 0.9 * sink.tell() / size), f"Read {written:,} events")
        if written == 0:
            source.skipped_sessions.append(session.meta.session_id)
            source.warn("contains no rrweb events", session.meta.session_id)
            return None
        with rum_path.open("w", encoding="utf-8") as sink:
            for record in deriver.finish():
                sink.write(json.dumps(record, separators=(",", ":"), ensure_ascii=False) + "\n")
        meta = session.meta
        meta.started_at_ms = meta.started_at_ms or first
        meta.ended_at_ms = meta.ended_at_ms or last
        return _Staged(meta, events_path, rum_path, derived=True)

    def _flush(self, con: duckdb.DuckDBPyConnection, batch: list[_Staged], source: Any) -> int:
        """Load a batch of staged sessions with one statement per table."""
        if not batch:
            return 0
        self._check_cancel()
        con.execute("CREATE OR REPLACE TEMP TABLE file_map (path VARCHAR, session_id VARCHAR)")
        rows = [(str(s.events), s.meta.session_id) for s in batch]
        rows += [(str(s.rum), s.meta.session_id) for s in batch if s.rum is not None]
        con.executemany("INSERT INTO file_map VALUES (?, ?)", rows)
        event_files = [str(s.events) for s in batch]
        rum_files = [str(s.rum) for s in batch if s.rum is not None]
        for bad in self._read_ndjson(con, "events", event_files, source):
            source.warn("events file has malformed lines; they were skipped", bad)
        if rum_files:
            con.execute(schema.RUM_STAGE_DDL)
            for bad in self._read_ndjson(con, "rum", rum_files, source):
                source.warn("RUM stream has malformed records; they were skipped", bad)
            self._insert_rum(con)
        sessions = pa.table(
            {name: [getattr(s.meta, name) for s in batch] for name in SESSION_FIELDS}
            | {"extra": [json.dumps(s.meta.extra) if s.meta.extra else None for s in batch]}
        )
        con.register("staged_sessions", sessions)
        con.execute(
            """INSERT INTO sessions SELECT session_id, user_id,
                   epoch_ms(started_at_ms::BIGINT), epoch_ms(ended_at_ms::BIGINT), NULL,
                   browser, os, device, screen_width, screen_height, country, city,
                   entry_url, release, user_agent, extra::JSON
               FROM staged_sessions"""
        )
        con.unregister("staged_sessions")
        for staged in batch:
            staged.events.unlink(missing_ok=True)
            if staged.rum is not None:
                staged.rum.unlink(missing_ok=True)
        return len(batch)

    def _read_ndjson(
        self, con: duckdb.DuckDBPyConnection, kind: str, files: list[str], source: Any
    ) -> list[str]:
        """Load NDJSON files into ``events`` or the RUM stage; return sessions with bad lines."""
        try:
            self._ndjson_statement(con, kind, files, ignore_errors=False)
            return []
        except duckdb.InterruptException:
            raise
        except duckdb.Error:
            pass
        bad: list[str] = []
        for path in files:  # find the damaged files; load the good ones strictly
            try:
                self._ndjson_statement(con, kind, [path], ignore_errors=False)
            except duckdb.InterruptException:
                raise
            except duckdb.Error:
                self._ndjson_statement(con, kind, [path], ignore_errors=True)
                sid = con.execute(
                    "SELECT session_id FROM file_map WHERE path = ?", [path]
                ).fetchone()
                bad.append(sid[0] if sid else path)
        return bad

    def _ndjson_statement(
        self, con: duckdb.DuckDBPyConnection, kind: str, files: list[str], ignore_errors: bool
    ) -> None:
        options = (
            f"format='newline_delimited', filename=true, maximum_object_size={MAX_OBJECT_BYTES}, "
            f"ignore_errors={'true' if ignore_errors else 'false'}"
        )
        if kind == "events":
            con.execute(
                f"""INSERT INTO events
                    SELECT m.session_id, epoch_ms(round(e.timestamp)::BIGINT), e.type,
                           CASE WHEN e.type = 3
                                THEN TRY_CAST(json_extract_string(e.data, '$.source') AS TINYINT)
                           END,
                           e.windowId, e.data
                    FROM read_ndjson($files, columns={schema.EVENT_COLUMNS}, {options}) e
                    JOIN file_map m ON m.path = e.filename
                    WHERE e.type IS NOT NULL AND e.timestamp IS NOT NULL""",
                {"files": files},
            )
        else:
            con.execute(
                f"""INSERT INTO rum_stage
                    SELECT m.session_id, r.* EXCLUDE (filename)
                    FROM read_ndjson($files, columns={schema.RUM_COLUMNS}, {options}) r
                    JOIN file_map m ON m.path = r.filename""",
                {"files": files},
            )

    def _insert_rum(self, con: duckdb.DuckDBPyConnection) -> None:
        con.execute(
            """INSERT INTO actions SELECT session_id, epoch_ms(round(ts)::BIGINT), lower(type),
                   trigger, name, target, url, round(duration_ms)::BIGINT, id
               FROM rum_stage WHERE kind = 'action' AND ts IS NOT NULL;
               INSERT INTO errors SELECT session_id, epoch_ms(round(ts)::BIGINT), message, stack,
                   source, line, col, url, action_id
               FROM rum_stage WHERE kind = 'error' AND ts IS NOT NULL;
               INSERT INTO requests SELECT session_id, epoch_ms(round(ts)::BIGINT),
                   upper(method), url, status, round(duration_ms)::BIGINT, action_id
               FROM rum_stage WHERE kind = 'request' AND ts IS NOT NULL;
               INSERT INTO vitals SELECT session_id, epoch_ms(round(ts)::BIGINT), name, value, url
               FROM rum_stage WHERE kind = 'vital' AND ts IS NOT NULL;
               INSERT INTO goals SELECT session_id, epoch_ms(round(ts)::BIGINT), goal, url
               FROM rum_stage WHERE kind = 'goal' AND ts IS NOT NULL;
               DROP TABLE rum_stage;"""
        )

    # ---- finishing -----------------------------------------------------------------------
    def _finish(
        self, con: duckdb.DuckDBPyConnection, source: Any, warnings: list[ReadWarning]
    ) -> None:
        con.execute(
            """UPDATE sessions s SET
                   started_at = coalesce(s.started_at, b.first_ts),
                   ended_at = coalesce(s.ended_at, b.last_ts)
               FROM (SELECT session_id, min(ts) AS first_ts, max(ts) AS last_ts
                     FROM events GROUP BY session_id) b
               WHERE b.session_id = s.session_id;
               UPDATE sessions SET duration_ms = date_diff('millisecond', started_at, ended_at);
               UPDATE sessions s SET entry_url = a.url
               FROM (SELECT session_id, arg_min(url, ts) AS url FROM actions
                     WHERE type = 'load' GROUP BY session_id) a
               WHERE s.entry_url IS NULL AND a.session_id = s.session_id;"""
        )
        con.execute(
            f"""INSERT INTO idle_periods
                WITH activity AS (
                    SELECT session_id, ts FROM events WHERE type = 3 AND source BETWEEN 1 AND 5
                    UNION ALL SELECT session_id, started_at FROM sessions
                    UNION ALL SELECT session_id, ended_at FROM sessions
                ), gaps AS (
                    SELECT session_id, ts,
                           lead(ts) OVER (PARTITION BY session_id ORDER BY ts) AS next_ts
                    FROM activity
                )
                SELECT session_id, ts, next_ts, date_diff('millisecond', ts, next_ts)
                FROM gaps
                WHERE date_diff('millisecond', ts, next_ts) > {schema.IDLE_GAP_MS}
                ORDER BY session_id, ts"""
        )
        info = {
            "schema_version": str(schema.SCHEMA_VERSION),
            "content_key": content_key(self.path),
            "format": source.format,
            "source_name": self.path.name,
            "source_size": str(self.path.stat().st_size),
            "ingested_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "app_version": __version__,
            "manifest": json.dumps(source.manifest or {}),
            "skipped_sessions": json.dumps(source.skipped_sessions),
        }
        con.executemany("INSERT INTO archive_info VALUES (?, ?)", list(info.items()))
        if warnings:
            con.executemany(
                "INSERT INTO ingest_warnings VALUES (?, ?)",
                [(w.session_id, w.message) for w in warnings],
            )
        con.execute("CHECKPOINT")


def is_current_store(path: Path) -> bool:
    """True when ``path`` is a complete store written with the current schema version."""
    if not path.exists():
        return False
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            row = con.execute(
                "SELECT value FROM archive_info WHERE key = 'schema_version'"
            ).fetchone()
    except duckdb.Error:
        return False
    return bool(row) and row[0] == str(schema.SCHEMA_VERSION)


def ingest_file(
    path: str | Path,
    db_path: str | Path | None = None,
    *,
    progress: Progress | None = None,
    force: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> IngestResult:
    """Ingest ``path`` into its store (reusing a current one unless ``force``)."""
    return IngestJob(path, db_path, progress=progress, force=force, limits=limits).run()


__all__ = ["IngestCancelled", "IngestJob", "IngestResult", "UnreadableFile", "ingest_file"]
