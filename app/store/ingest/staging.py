"""Staging: a recording's sessions written out as NDJSON batch files for DuckDB to load.

Why a stage of its own: per-event Python work is the bottleneck of any ingest, so the
native archive never parses an event in Python: its gzip members are inflated (bounded,
line-complete) straight into batch files, many sessions one after the other, while DuckDB
loads the previous batch on a worker thread. Single-file recordings need the DOM mirror to
derive their RUM records, so they are parsed here once and written out in the same shape.
What happens to a batch file once written is the ``load`` callable's business
(:mod:`app.store.ingest.loading`); nothing here knows DuckDB.
"""

from __future__ import annotations

import itertools
import json
import os
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from app.archive.model import SessionMeta
from app.archive.native import ArchiveReader, SessionEntry
from app.archive.recording import RecordedSession
from app.derive.rum import RumDeriver

BATCH_BYTES = 256 * 1024 * 1024
# A single-file recording is loaded in parts of about this many bytes of events: DuckDB's
# reads stay small whatever the file's size, and progress moves while a big file loads.
RECORDING_CHUNK_BYTES = 64 * 1024 * 1024
LOADERS = 2  # batches loading at once (DuckDB reads each on one thread, see loading.Loader)
_sequence = itertools.count()

Load = Callable[["Batch", Any], int]
"""Loads one closed batch for a source (which collects warnings); returns sessions loaded."""


@dataclass
class Batch:
    """Sessions staged for one load: an events file and a RUM file, sessions one after the
    other, and how many lines each session has in each."""

    events_path: Path
    rum_path: Path
    events_sink: IO[bytes]
    rum_sink: IO[bytes]
    sessions: list[SessionMeta] = field(default_factory=list)
    # (session id, lines) in file order: the files carry no session ids, DuckDB attaches
    # them by position (see app.store.ingest.loading.ndjson_statement).
    event_rows: list[tuple[str, int]] = field(default_factory=list)
    rum_rows: list[tuple[str, int]] = field(default_factory=list)
    size: int = 0
    # Upper bounds of the longest line in each file: DuckDB reserves a read buffer of twice
    # its maximum object size, so reads ask for what the batch needs, not the largest a
    # line may be (see app.store.ingest.loading.object_bytes).
    longest_event: int = 0
    longest_rum: int = 0
    slot: int = 0
    seq: int = field(default_factory=lambda: next(_sequence))  # staging order

    @classmethod
    def open(cls, folder: Path, slot: int) -> Batch:
        events, rum = folder / f"{slot}.events.ndjson", folder / f"{slot}.rum.ndjson"
        return cls(events, rum, _open_for_rewrite(events), _open_for_rewrite(rum), slot=slot)

    def close(self) -> None:
        for sink in (self.events_sink, self.rum_sink):
            if not sink.closed:
                sink.truncate(sink.tell())
                sink.close()


def _open_for_rewrite(path: Path) -> IO[bytes]:
    """Open a slot file for writing without truncating it (see :class:`Batch`).

    Why: truncating a file to zero frees all its blocks at once, which is slow on file
    systems mounted with online discard; overwriting in place and trimming the tail is not.
    """
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600), "wb")


def stage_archive(
    reader: ArchiveReader,
    tmp: Path,
    load: Load,
    *,
    batch_sessions: int,
    check_cancel: Callable[[], None],
    progress: Callable[[float, str], None],
    rename: Callable[[str], str] | None = None,
) -> int:
    """Inflate sessions batch by batch; ``load`` loads earlier batches while the next inflates.

    A batch is one events file and one RUM file holding many sessions one after the
    other. ``LOADERS`` batches load at once while one more is staged, in a fixed set of
    slot files that are rewritten rather than created anew (file creation and truncation
    are slow on some disks). Returns the sessions loaded. ``rename`` gives a session
    another id (archives in a folder must not share ids).
    """
    entries = reader.sessions
    total = max(len(entries), 1)
    loaded = 0
    pending: deque[tuple[Future[int], int]] = deque()
    free = list(range(LOADERS, -1, -1))
    batch = Batch.open(tmp, free.pop())
    try:
        with ThreadPoolExecutor(max_workers=LOADERS, thread_name_prefix="ingest-load") as pool:
            try:
                for index, entry in enumerate(entries):
                    check_cancel()
                    _stage_entry(reader, entry, batch, rename)
                    if batch.size >= BATCH_BYTES or len(batch.sessions) >= batch_sessions:
                        batch.close()
                        pending.append((pool.submit(load, batch, reader), batch.slot))
                        if not free:  # every slot staged: wait for the oldest batch
                            done, slot = pending.popleft()
                            loaded += done.result()
                            free.append(slot)
                        batch = Batch.open(tmp, free.pop())
                    progress(0.95 * (index + 1) / total, f"Reading session {index + 1} of {total}")
                batch.close()
                while pending:
                    loaded += pending.popleft()[0].result()
            finally:
                for future, _ in pending:  # a failure or cancel: let the others finish
                    future.cancel()
    finally:
        batch.close()
    return loaded + load(batch, reader)


def _stage_entry(
    reader: ArchiveReader,
    entry: SessionEntry,
    batch: Batch,
    rename: Callable[[str], str] | None = None,
) -> None:
    """Inflate one session's members into the batch files, or skip it with a reason."""
    meta = reader.read_meta(entry)
    if meta is None:
        return
    if rename is not None:
        meta.session_id = rename(meta.session_id)
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
        batch.longest_rum = max(batch.longest_rum, rum.bytes_written)
        if rum.problem:
            reader.warn(f"rum.ndjson.gz {rum.problem}; {rum.lines:,} records were kept", sid)
    batch.sessions.append(meta)
    batch.event_rows.append((sid, result.lines))
    batch.size += result.bytes_written
    # a member's lines are no longer than the member: a bound found without reading them
    batch.longest_event = max(batch.longest_event, result.bytes_written)


def stage_recording(
    source: Any,
    tmp: Path,
    load: Load,
    *,
    size: int,
    check_cancel: Callable[[], None],
    progress: Callable[[float, str], None],
) -> int:
    """Stage and load a single-file recording one session at a time, each in parts of
    about :data:`RECORDING_CHUNK_BYTES` of events; sessions loaded."""
    loaded = 0
    for session in source.sessions():
        loaded += _RecordingStager(source, tmp, load, size, check_cancel, progress).run(session)
    return loaded


class _RecordingStager:
    """Writes one streamed session as NDJSON while deriving its RUM records, handing each
    full part of its events to ``load`` as it goes.

    Why parts: a 1 GB recording staged whole was one read of 1 GB by DuckDB — its memory
    grew with the file, and progress stood still while it ran. The parts carry only event
    lines; the last batch carries the rest of the events, the RUM records (derived from
    every event) and the session, so a session is counted once, when it is complete.
    """

    def __init__(
        self,
        source: Any,
        tmp: Path,
        load: Load,
        size: int,
        check_cancel: Callable[[], None],
        progress: Callable[[float, str], None],
    ) -> None:
        self.source, self.tmp, self.load, self.size = source, tmp, load, max(size, 1)
        self.check_cancel, self.progress = check_cancel, progress
        self.read = 0  # bytes of events staged so far, parts already loaded included

    def run(self, session: RecordedSession) -> int:
        self.batch = Batch.open(self.tmp, 0)
        try:
            staged = self._stage(session)
        finally:
            self.batch.close()
        return self.load(self.batch, self.source) if staged else 0

    def _load_part(self, sid: str, lines: int) -> Batch:
        """Load the events staged so far and start a new batch in the same slot file."""
        self.batch.event_rows.append((sid, lines))
        self.batch.close()
        self.load(self.batch, self.source)
        self.progress(
            min(0.9, 0.9 * self.read / self.size), f"Stored {self.read / 2**20:,.0f} MB of events"
        )
        self.batch = Batch.open(self.tmp, 0)
        return self.batch

    def _stage(self, session: RecordedSession) -> bool:
        source, meta, batch = self.source, session.meta, self.batch
        deriver = RumDeriver()
        first = last = None
        written = in_part = 0
        for event in session.events:
            try:
                line = json.dumps(event, separators=(",", ":"), ensure_ascii=False)
            except (RecursionError, ValueError):
                source.warn("an event nested too deeply was skipped", meta.session_id)
                continue
            deriver.feed(event)
            data = (line + "\n").encode()
            batch.events_sink.write(data)
            batch.size += len(data)
            batch.longest_event = max(batch.longest_event, len(data))
            self.read += len(data)
            ts = event["timestamp"]
            first = ts if first is None or ts < first else first
            last = ts if last is None or ts > last else last
            written += 1
            in_part += 1
            if written % 1000 == 0:  # heavy DOM events parse at ~1,000 a second
                self.check_cancel()
                self.progress(min(0.9, 0.9 * self.read / self.size), f"Read {written:,} events")
            if batch.size >= RECORDING_CHUNK_BYTES:
                batch = self._load_part(meta.session_id, in_part)
                in_part = 0
        if written == 0:
            source.skipped_sessions.append(meta.session_id)
            source.warn("contains no rrweb events", meta.session_id)
            return False
        if session.side_records is not None:
            for record in session.side_records(first):
                deriver.add(record)
        records = deriver.finish()
        for record in records:
            line = json.dumps(record, separators=(",", ":"), ensure_ascii=False)
            data = (line + "\n").encode()
            batch.rum_sink.write(data)
            batch.longest_rum = max(batch.longest_rum, len(data))
        meta.started_at_ms = meta.started_at_ms or first
        meta.ended_at_ms = meta.ended_at_ms or last
        batch.sessions.append(meta)
        batch.event_rows.append((meta.session_id, in_part))
        batch.rum_rows.append((meta.session_id, len(records)))
        return True
