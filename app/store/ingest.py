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
from app.archive.events import MAX_TIMESTAMP_MS
from app.archive.model import SessionMeta
from app.archive.native import ArchiveReader, SessionEntry
from app.archive.problems import ReadWarning, UnreadableFile
from app.archive.recording import RecordedSession
from app.archive.safety import DEFAULT_LIMITS, Limits
from app.derive.rum import RumDeriver
from app.store import schema
from app.store.cache import (
    content_key,
    partial_store_path,
    seal_store,
    store_is_intact,
    store_path_for,
    sweep_leftovers,
    unseal_store,
    work_dir_prefix,
)
from app.store.frustration import derive_frustration_signals
from app.store.sql_constants import EVENT_INCREMENTAL_SNAPSHOT, USER_INTERACTION
from app.store.store import STORE_CONFIG

Progress = Callable[[float, str], None]
BATCH_BYTES = 256 * 1024 * 1024
BATCH_SESSIONS = 250
MAX_OBJECT_BYTES = 256 * 1024 * 1024  # rrweb full snapshots can exceed DuckDB's 16 MB default


class IngestCancelled(Exception):
    """The user cancelled the ingest; nothing was kept."""


class _TransactionAborted(Exception):
    """A statement failed inside the ingest's one transaction, which DuckDB then aborts."""


@dataclass
class IngestResult:
    db_path: Path
    format: str
    sessions: int
    warnings: list[ReadWarning] = field(default_factory=list)
    seconds: float = 0.0
    reused: bool = False
    # Wall-clock seconds per stage ("load", "commit", "frustration", "checkpoint", …): the
    # ingest benchmark prints them, so a slow stage shows without a profiler.
    phases: dict[str, float] = field(default_factory=dict)


@dataclass
class _Batch:
    """Sessions staged for one load: an events file and a RUM file, sessions one after the
    other, and how many lines each session has in each."""

    events_path: Path
    rum_path: Path
    events_sink: IO[bytes]
    rum_sink: IO[bytes]
    sessions: list[SessionMeta] = field(default_factory=list)
    # (session id, lines) in file order: the files carry no session ids, DuckDB attaches
    # them by position (see _ndjson_statement).
    event_rows: list[tuple[str, int]] = field(default_factory=list)
    rum_rows: list[tuple[str, int]] = field(default_factory=list)
    size: int = 0

    @classmethod
    def open(cls, folder: Path, slot: int) -> _Batch:
        events, rum = folder / f"{slot}.events.ndjson", folder / f"{slot}.rum.ndjson"
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
        self._sessions: list[SessionMeta] = []  # loaded so far, in order
        self._batch_sessions = BATCH_SESSIONS
        self._con: duckdb.DuckDBPyConnection | None = None
        self._atomic = True
        self._phases: dict[str, float] = {}
        self._phase_started = time.perf_counter()

    def _phase_done(self, name: str) -> None:
        now = time.perf_counter()
        self._phases[name] = now - self._phase_started
        self._phase_started = now

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
        sweep_leftovers(target.parent)
        partial = partial_store_path(target, os.getpid(), threading.get_ident())
        try:
            try:
                count, warnings = self._build(partial, source, in_one_transaction=True)
            except _TransactionAborted:
                # Rare: input that even a lenient read refuses. Build again one session per
                # statement, so that only the sessions DuckDB refuses are skipped.
                if isinstance(source, ArchiveReader):
                    source.close()
                source = open_recording(self.path, self.limits)
                self._sessions.clear()
                self._batch_sessions = 1
                count, warnings = self._build(partial, source, in_one_transaction=False)
            self._check_cancel()
            unseal_store(target)
            os.replace(partial, target)
            seal_store(target)
            self._phase_done("cleanup")
        except duckdb.InterruptException:
            raise IngestCancelled(f"ingest of {self.path.name} was cancelled") from None
        finally:
            _remove_database(partial)
            if isinstance(source, ArchiveReader):
                source.close()
        self.progress(1.0, "Done")
        return IngestResult(
            target,
            source.format,
            count,
            warnings,
            time.perf_counter() - started,
            False,
            self._phases,
        )

    def _build(
        self, partial: Path, source: Source, *, in_one_transaction: bool
    ) -> tuple[int, list[ReadWarning]]:
        """Fill a new database at ``partial``; returns the sessions loaded and the warnings.

        Why one transaction: appends committed one batch at a time leave a part-filled row
        group behind each batch, which the final checkpoint has to rewrite (half a second
        per million events); appends inside one transaction are written out as whole row
        groups as they fill. The price is that a statement that fails aborts everything, so
        reads are lenient and count what they kept (see :meth:`_read_ndjson`).
        All-or-nothing for the user comes from building under a temporary name.
        """
        self._atomic = in_one_transaction
        _remove_database(partial)
        with tempfile.TemporaryDirectory(prefix=work_dir_prefix(), dir=partial.parent) as tmp:
            con = duckdb.connect(str(partial))
            self._con = con
            try:
                # One checkpoint at the end instead of one whenever the WAL fills up.
                con.execute("SET checkpoint_threshold = '64GB'")
                con.execute("SET threads = 1")
                con.execute(schema.DDL)
                con.execute(schema.RUM_STAGE_DDL)
                if in_one_transaction:
                    con.execute("BEGIN TRANSACTION")
                self._phase_done("open")
                count = self._load(con, source, Path(tmp))
                con.execute("RESET threads")
                self._phase_done("load")
                if in_one_transaction:
                    con.execute("COMMIT; BEGIN TRANSACTION")
                self._phase_done("commit")
                self._load_sessions(con, Path(tmp))
                self._phase_done("rum split")
                self._check_cancel()
                self.progress(0.97, "Finishing")
                warnings = list(source.warnings)
                self._finish(con, source, warnings)
                if in_one_transaction:
                    con.execute("COMMIT")
                self._phase_done("finish")
                con.execute("CHECKPOINT")
                self._phase_done("checkpoint")
            finally:
                self._con = None
                con.close()
        return count, warnings

    # ---- loading -------------------------------------------------------------------------
    def _load(self, con: duckdb.DuckDBPyConnection, source: Source, tmp: Path) -> int:
        if isinstance(source, ArchiveReader):
            return self._load_archive(con, source, tmp)
        return self._load_recording(con, source, tmp)

    def _load_archive(
        self, con: duckdb.DuckDBPyConnection, reader: ArchiveReader, tmp: Path
    ) -> int:
        """Inflate sessions batch by batch; DuckDB loads one batch while the next inflates.

        A batch is one events file and one RUM file holding many sessions one after the
        other. Two sets of files alternate, so they are rewritten rather than created anew
        (file creation and truncation are slow on some disks).
        """
        entries = reader.sessions
        total = max(len(entries), 1)
        loaded = parity = 0
        pending: Future[int] | None = None
        batch = _Batch.open(tmp, parity)
        try:
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-load") as loader:
                for index, entry in enumerate(entries):
                    self._check_cancel()
                    self._stage_entry(reader, entry, batch)
                    if batch.size >= BATCH_BYTES or len(batch.sessions) >= self._batch_sessions:
                        batch.close()
                        loaded += pending.result() if pending else 0
                        pending = loader.submit(self._flush, con, batch, reader)
                        parity = 1 - parity
                        batch = _Batch.open(tmp, parity)
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
        result = reader.extract(entry.events, batch.events_sink)
        if result.problem:
            if result.lines == 0:
                reader.skip(sid, f"events.ndjson.gz {result.problem}")
                return
            reader.warn(
                f"events.ndjson.gz {result.problem}; the first {result.lines:,} events were kept",
                sid,
            )
        if entry.rum is not None:
            rum = reader.extract(entry.rum, batch.rum_sink)
            batch.rum_rows.append((sid, rum.lines))
            if rum.problem:
                reader.warn(f"rum.ndjson.gz {rum.problem}; {rum.lines:,} records were kept", sid)
        batch.sessions.append(meta)
        batch.event_rows.append((sid, result.lines))
        batch.size += result.bytes_written

    def _load_recording(self, con: duckdb.DuckDBPyConnection, source: Any, tmp: Path) -> int:
        loaded = 0
        size = max(self.path.stat().st_size, 1)
        for session in source.sessions():
            batch = _Batch.open(tmp, 0)
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
        """Write one streamed session as NDJSON while deriving its RUM records."""
        deriver = RumDeriver()
        meta = session.meta
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
            events_sink.write((line + "\n").encode())
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
            rum_sink.write((line + "\n").encode())
        meta.started_at_ms = meta.started_at_ms or first
        meta.ended_at_ms = meta.ended_at_ms or last
        batch.sessions.append(meta)
        batch.event_rows.append((meta.session_id, written))
        batch.rum_rows.append((meta.session_id, len(records)))
        return True

    def _flush(self, con: duckdb.DuckDBPyConnection, batch: _Batch, source: Any) -> int:
        """Load one batch's events and RUM records, one statement each."""
        if not batch.sessions:
            return 0
        self._check_cancel()
        try:
            short = self._read_ndjson(con, "events", [batch.events_path], batch.event_rows)
        except duckdb.InterruptException:
            raise
        except duckdb.Error as exc:  # one session per batch here (see run)
            for meta in batch.sessions:
                source.skipped_sessions.append(meta.session_id)
                source.warn(
                    f"session skipped: its events cannot be loaded ({exc})", meta.session_id
                )
            return 0
        for sid, missing in short.items():
            source.warn(f"{missing:,} malformed event line(s) were skipped", sid)
        if any(lines for _, lines in batch.rum_rows):
            try:
                short = self._read_ndjson(con, "rum", [batch.rum_path], batch.rum_rows)
            except duckdb.InterruptException:
                raise
            except duckdb.Error as exc:
                for sid, _ in batch.rum_rows:
                    source.warn(f"its RUM records cannot be loaded ({exc})", sid)
                short = {}
            for sid, missing in short.items():
                source.warn(f"{missing:,} malformed RUM record(s) were skipped", sid)
        self._sessions.extend(batch.sessions)
        return len(batch.sessions)

    def _read_ndjson(
        self,
        con: duckdb.DuckDBPyConnection,
        kind: str,
        paths: list[Path],
        rows: list[tuple[str, int]],
    ) -> dict[str, int]:
        """Load batch files leniently; returns, per session, how many lines were lost.

        Malformed lines come back from DuckDB as rows of NULLs (kept in position, then
        dropped), so the rows kept are counted and sessions are only counted one by one when
        the batch came up short. A statement DuckDB refuses outright aborts the ingest's one
        transaction, so the ingest starts again session by session (see :meth:`run`).
        """
        try:
            kept = self._ndjson_statement(con, kind, paths, rows)
        except duckdb.InterruptException:
            raise
        except duckdb.Error as exc:
            if self._atomic:
                raise _TransactionAborted(str(exc)) from exc
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

    def _ndjson_statement(
        self,
        con: duckdb.DuckDBPyConnection,
        kind: str,
        paths: list[Path],
        rows: list[tuple[str, int]],
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
            f"maximum_object_size={MAX_OBJECT_BYTES}, ignore_errors=true"
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

    def _load_sessions(self, con: duckdb.DuckDBPyConnection, tmp: Path) -> None:
        """Insert the session rows (one statement), then split the staged RUM records."""
        if self._sessions:
            sessions_path = tmp / "sessions.ndjson"
            with sessions_path.open("w", encoding="utf-8") as sink:
                for meta in self._sessions:
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
        self._phase_done("sessions")
        self._insert_rum(con)

    def _insert_rum(self, con: duckdb.DuckDBPyConnection) -> None:
        """Split the staged RUM records of all sessions into their tables (once, at the end)."""
        con.execute(
            # Archives are untrusted: a time that is no time (NaN, year 10000 and later) or an
            # absurd duration would fail the conversions below and with them the ingest.
            f"""UPDATE rum_stage SET ts = NULL WHERE NOT ts BETWEEN 0 AND {MAX_TIMESTAMP_MS};
               UPDATE rum_stage SET duration_ms = NULL
               WHERE NOT abs(duration_ms) < {MAX_TIMESTAMP_MS};
               INSERT INTO actions SELECT session_id, epoch_ms(round(ts)::BIGINT), lower(type),
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
                    SELECT session_id, ts FROM events
                    WHERE type = {EVENT_INCREMENTAL_SNAPSHOT} AND {USER_INTERACTION}
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
        self._phase_done("idle")
        derive_frustration_signals(con)
        self._phase_done("frustration")
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


def _remove_database(path: Path) -> None:
    path.unlink(missing_ok=True)
    Path(str(path) + ".wal").unlink(missing_ok=True)


def _open_for_rewrite(path: Path) -> IO[bytes]:
    """Open a slot file for writing without truncating it (see :class:`_Batch`).

    Why: truncating a file to zero frees all its blocks at once, which is slow on file
    systems mounted with online discard; overwriting in place and trimming the tail is not.
    """
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600), "wb")


def is_current_store(path: Path) -> bool:
    """True when ``path`` is a complete, undamaged store of the current schema version."""
    if not path.exists() or not store_is_intact(path):
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
