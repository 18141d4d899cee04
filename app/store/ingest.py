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
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import duckdb

from app import __version__
from app.archive.detect import Source, open_recording
from app.archive.model import SessionMeta
from app.archive.native import ArchiveReader, SessionEntry
from app.archive.problems import ReadWarning, UnreadableFile
from app.archive.recording import RecordedSession
from app.archive.safety import DEFAULT_LIMITS, Limits
from app.derive.rum import RumDeriver
from app.store import schema
from app.store.cache import content_key, store_path_for
from app.store.frustration import derive_frustration_signals
from app.store.store import STORE_CONFIG

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
class _Batch:
    """Sessions staged for one load: a tagged events file and a tagged RUM file."""

    events_path: Path
    rum_path: Path
    events_sink: IO[bytes]
    rum_sink: IO[bytes]
    sessions: list[SessionMeta] = field(default_factory=list)
    event_lines: dict[str, int] = field(default_factory=dict)
    rum_lines: dict[str, int] = field(default_factory=dict)
    size: int = 0

    @classmethod
    def open(cls, folder: Path, slot: int, number: int) -> _Batch:
        # Event files alternate between two slots; RUM files are small and all read at once
        # at the end, so each batch keeps its own.
        events, rum = folder / f"{slot}.events.ndjson", folder / f"rum-{number}.ndjson"
        return cls(events, rum, _open_for_rewrite(events), _open_for_rewrite(rum))

    def close(self) -> None:
        for sink in (self.events_sink, self.rum_sink):
            if not sink.closed:
                sink.truncate(sink.tell())
                sink.close()


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
        self._rum_batches: list[_Batch] = []
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
                    # Auto-commit per statement: a failed strict read must not abort the
                    # rest. All-or-nothing comes from building under a temporary name.
                    # One checkpoint at the end instead of one whenever the WAL fills up.
                    con.execute("SET checkpoint_threshold = '64GB'")
                    con.execute("SET threads = 1")
                    con.execute(schema.DDL)
                    con.execute(schema.RUM_STAGE_DDL)
                    count = self._load(con, source, Path(tmp))
                    con.execute("RESET threads")
                    self._load_rum(con, source)
                    self._check_cancel()
                    self.progress(0.97, "Finishing")
                    warnings = list(source.warnings)
                    self._finish(con, source, warnings)
                    con.execute("CHECKPOINT")
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
        """Inflate sessions batch by batch; DuckDB loads one batch while the next inflates.

        A batch is one events file and one RUM file holding many sessions, each line tagged
        with its session id. Two sets of files alternate, so they are rewritten rather than
        created anew (file creation and truncation are slow on some disks).
        """
        entries = reader.sessions
        total = max(len(entries), 1)
        loaded = parity = opened = 0
        pending: Future[int] | None = None
        batch = _Batch.open(tmp, parity, opened)
        try:
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-load") as loader:
                for index, entry in enumerate(entries):
                    self._check_cancel()
                    self._stage_entry(reader, entry, batch)
                    if batch.size >= BATCH_BYTES or len(batch.sessions) >= BATCH_SESSIONS:
                        batch.close()
                        loaded += pending.result() if pending else 0
                        pending = loader.submit(self._flush, con, batch, reader)
                        parity = 1 - parity
                        # Numbered by opening order: the loader thread may not have filed
                        # the previous batch yet, and each RUM file must outlive its batch.
                        opened += 1
                        batch = _Batch.open(tmp, parity, opened)
                    self.progress(
                        0.95 * (index + 1) / total, f"Reading session {index + 1} of {total}"
                    )
                batch.close()
                loaded += pending.result() if pending else 0
        finally:
            batch.close()
        loaded += self._flush(con, batch, reader)
        for url, text in reader.source_maps():
            con.execute("INSERT INTO source_maps VALUES (?, ?)", [url, text])
        return loaded

    def _stage_entry(self, reader: ArchiveReader, entry: SessionEntry, batch: _Batch) -> None:
        """Inflate one session's members into the batch files, or skip it with a reason."""
        meta = reader.read_meta(entry)
        if meta is None:
            return
        sid = meta.session_id
        result = reader.extract(entry.events, batch.events_sink, tag=sid)
        if result.problem:
            if result.lines == 0:
                reader.skip(sid, f"events.ndjson.gz {result.problem}")
                return
            reader.warn(
                f"events.ndjson.gz {result.problem}; the first {result.lines:,} events were kept",
                sid,
            )
        if entry.rum is not None:
            rum = reader.extract(entry.rum, batch.rum_sink, tag=sid)
            batch.rum_lines[sid] = rum.lines
            if rum.problem:
                reader.warn(f"rum.ndjson.gz {rum.problem}; {rum.lines:,} records were kept", sid)
        batch.sessions.append(meta)
        batch.event_lines[sid] = result.lines
        batch.size += result.bytes_written

    def _load_recording(self, con: duckdb.DuckDBPyConnection, source: Any, tmp: Path) -> int:
        loaded = 0
        size = max(self.path.stat().st_size, 1)
        for index, session in enumerate(source.sessions()):
            batch = _Batch.open(tmp, index, index)
            try:
                staged = self._stage_recorded(session, source, batch, size)
            finally:
                batch.close()
            if staged:
                loaded += self._flush(con, batch, source)
        return loaded

    def _stage_recorded(
        self, session: RecordedSession, source: Any, batch: _Batch, size: int
    ) -> bool:
        """Write one streamed session as tagged NDJSON while deriving its RUM records."""
        deriver = RumDeriver()
        meta = session.meta
        opener = '{"__sid":"' + meta.session_id + '",'
        first = last = None
        written = 0
        events_sink, rum_sink = batch.events_sink, batch.rum_sink
        for event in session.events:
            try:
                line = json.dumps(event, separators=(",", ":"), ensure_ascii=False)
            except (RecursionError, ValueError):
                source.warn("an event nested too deeply was skipped", meta.session_id)
                continue
            deriver.feed(event)
            events_sink.write((opener + line[1:] + "\n").encode())
            ts = event["timestamp"]
            first = ts if first is None or ts < first else first
            last = ts if last is None or ts > last else last
            written += 1
            if written % 5000 == 0:
                self._check_cancel()
                self.progress(min(0.9, 0.9 * events_sink.tell() / size), f"Read {written:,} events")
        if written == 0:
            source.skipped_sessions.append(meta.session_id)
            source.warn("contains no rrweb events", meta.session_id)
            return False
        records = deriver.finish()
        for record in records:
            line = json.dumps(record, separators=(",", ":"), ensure_ascii=False)
            rum_sink.write((opener + line[1:] + "\n").encode())
        meta.started_at_ms = meta.started_at_ms or first
        meta.ended_at_ms = meta.ended_at_ms or last
        batch.sessions.append(meta)
        batch.event_lines[meta.session_id] = written
        batch.rum_lines[meta.session_id] = len(records)
        return True

    def _flush(self, con: duckdb.DuckDBPyConnection, batch: _Batch, source: Any) -> int:
        """Load one batch: events, RUM records and session rows, one statement each."""
        if not batch.sessions:
            return 0
        self._check_cancel()
        short = self._read_ndjson(con, "events", [batch.events_path], batch.event_lines)
        for sid, missing in short.items():
            source.warn(f"{missing:,} malformed event line(s) were skipped", sid)
        self._rum_batches.append(batch)
        return len(batch.sessions)

    def _read_ndjson(
        self,
        con: duckdb.DuckDBPyConnection,
        kind: str,
        paths: list[Path],
        expected: dict[str, int],
    ) -> dict[str, int]:
        """Load a batch file strictly; on malformed lines load what parses and report,
        per session, how many lines were lost."""
        try:
            self._ndjson_statement(con, kind, paths, ignore_errors=False)
            return {}
        except duckdb.InterruptException:
            raise
        except duckdb.Error:
            pass
        self._ndjson_statement(con, kind, paths, ignore_errors=True)
        table = "events" if kind == "events" else "rum_stage"
        sids = list(expected)
        counts = dict(
            con.execute(
                f"SELECT session_id, count(*) FROM {table} WHERE session_id IN "
                "(SELECT unnest($sids)) GROUP BY session_id",
                {"sids": sids},
            ).fetchall()
        )
        return {
            sid: lines - counts.get(sid, 0)
            for sid, lines in expected.items()
            if lines > counts.get(sid, 0)
        }

    def _ndjson_statement(
        self, con: duckdb.DuckDBPyConnection, kind: str, paths: list[Path], ignore_errors: bool
    ) -> None:
        options = (
            f"format='newline_delimited', maximum_object_size={MAX_OBJECT_BYTES}, "
            f"ignore_errors={'true' if ignore_errors else 'false'}"
        )
        if kind == "events":
            con.execute(
                f"""INSERT INTO events
                    SELECT __sid, epoch_ms(round(timestamp)::BIGINT), type,
                           CASE WHEN type != 3 THEN NULL
                                -- rrweb writes "source" first: read it without parsing
                                WHEN starts_with(data, '{{"source":')
                                THEN TRY_CAST(rtrim(substr(data, 11, 2), ',') AS TINYINT)
                                ELSE TRY_CAST(json_extract_string(data, '$.source') AS TINYINT)
                           END,
                           windowId, data
                    FROM read_ndjson(?, columns={schema.EVENT_COLUMNS}, {options})
                    WHERE __sid IS NOT NULL AND type IS NOT NULL AND timestamp IS NOT NULL""",
                [[str(p) for p in paths]],
            )
        else:
            con.execute(
                f"""INSERT INTO rum_stage
                    SELECT * FROM read_ndjson(?, columns={schema.RUM_COLUMNS}, {options})
                    WHERE __sid IS NOT NULL""",
                [[str(p) for p in paths]],
            )

    def _load_rum(self, con: duckdb.DuckDBPyConnection, source: Any) -> None:
        """Read the RUM and session files of all batches in one statement each."""
        batches = [b for b in self._rum_batches if b.sessions]
        sessions_path = (
            self._rum_batches[0].rum_path.with_name("sessions.ndjson") if batches else None
        )
        if sessions_path is not None:
            with sessions_path.open("w", encoding="utf-8") as sink:
                for meta in (m for b in batches for m in b.sessions):
                    row = {name: getattr(meta, name) for name in SESSION_FIELDS}
                    row["extra"] = json.dumps(meta.extra) if meta.extra else None
                    sink.write(json.dumps(row, ensure_ascii=False) + "\n")
            con.execute(
                f"""INSERT INTO sessions SELECT session_id, user_id,
                       epoch_ms(started_at_ms), epoch_ms(ended_at_ms), NULL,
                       browser, os, device, screen_width, screen_height, country, city,
                       entry_url, release, user_agent, extra::JSON
                   FROM read_ndjson(?, columns={schema.SESSION_COLUMNS},
                                    maximum_object_size={MAX_OBJECT_BYTES})""",
                [str(sessions_path)],
            )
        if batches:
            expected = {sid: n for b in batches for sid, n in b.rum_lines.items()}
            short = self._read_ndjson(con, "rum", [b.rum_path for b in batches], expected)
            for sid, missing in short.items():
                source.warn(f"{missing:,} malformed RUM record(s) were skipped", sid)
        self._insert_rum(con)

    def _insert_rum(self, con: duckdb.DuckDBPyConnection) -> None:
        """Split the staged RUM records of all sessions into their tables (once, at the end)."""
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
        derive_frustration_signals(con)
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


def _open_for_rewrite(path: Path) -> IO[bytes]:
    """Open a slot file for writing without truncating it (see :class:`_Batch`).

    Why: truncating a file to zero frees all its blocks at once, which is slow on file
    systems mounted with online discard; overwriting in place and trimming the tail is not.
    """
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600), "wb")


def is_current_store(path: Path) -> bool:
    """True when ``path`` is a complete store written with the current schema version."""
    if not path.exists():
        return False
    try:
        # Same configuration as SessionStore: DuckDB refuses a second connection to an
        # open file with different settings, which would look like a stale store.
        with duckdb.connect(str(path), read_only=True, config=STORE_CONFIG) as con:
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
