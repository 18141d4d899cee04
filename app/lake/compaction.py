"""``replay-investigator compact LAKE``: closed hourly files into Parquet by UTC day.

A run (one at a time per lake: a lock file):

1. reads the closed hourly files and the pending batches of earlier runs, whole lines only
   (a line a crash cut short was never acknowledged);
2. groups batches by session and keeps one copy of each ``seq`` (retries, two collectors);
   batches of a session already in the tables are late: counted, and set aside in
   ``late/`` rather than making a second copy of the session;
3. a session is over when its ``final`` batch came, or nothing came for 30 minutes (the
   recorder's idle timeout) — a session spanning hours or days is therefore merged from
   every file it is in before it is derived, once; the others wait in ``pending/``;
4. the sessions that are over become one ``.webreplay`` archive, ingested into a store by
   the ordinary ingest (the same derivation as every other file), whose tables are written
   as Parquet by day (:func:`app.store.lake.write_lake_parts`) in ``.staging/<run>/``;
5. a journal names the parts, the sessions and the files consumed; the parts are renamed
   into ``tables/`` (a rename is atomic: a reader sees a part whole or not at all;
   ``sessions`` last, so a session's row never precedes its events), the ids recorded, the
   inputs removed, the journal deleted. A run killed at any step is finished by the next
   one from its journal (roll forward), or, without a journal, simply redone.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.archive.writer import ArchiveWriter
from app.lake.layout import (
    COMPACTED,
    PENDING,
    STAGING,
    TABLES,
    closed_hour_files,
    ensure_lake,
)
from app.lake.sessions import session_from_batches
from app.store.ingest import ingest_file
from app.store.lake import write_lake_parts

SESSION_IDLE_END_MS = 30 * 60 * 1000  # the recorder starts a new session after 30 idle min
JOURNAL = "journal.json"


@dataclass
class CompactionReport:
    """What one run did."""

    sessions: int = 0
    batches: int = 0
    duplicates: int = 0
    late: int = 0
    pending_sessions: int = 0
    torn_lines: int = 0
    files_consumed: int = 0
    parts: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def describe(self) -> str:
        return (
            f"{self.sessions} sessions from {self.batches} batches ({self.duplicates} "
            f"duplicates, {self.late} late, {self.torn_lines} torn lines), "
            f"{self.pending_sessions} sessions pending, {len(self.parts)} parts written"
        )


@contextlib.contextmanager
def _lake_lock(root: Path) -> Iterator[None]:
    with (root / COMPACTED / ".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def compacted_ids(root: Path) -> set[str]:
    path = root / COMPACTED / "sessions.txt"
    if not path.exists():
        return set()
    return {line for line in path.read_text(encoding="utf-8").splitlines() if line}


def read_lines(path: Path, report: CompactionReport) -> Iterator[dict[str, Any]]:
    """The records of a spool or pending file; a line cut short by a crash is skipped."""
    with path.open("rb") as handle:
        for line in handle:
            if not line.endswith(b"\n"):
                report.torn_lines += 1
                continue
            try:
                yield json.loads(line)
            except ValueError:
                report.torn_lines += 1


def compact_lake(
    root: Path, *, now_ms: int | None = None, finish_all: bool = False
) -> CompactionReport:
    """One compaction run (see the module). ``finish_all``: take the current hour's files
    too and end every session — for a lake no collector writes to any more."""
    root = ensure_lake(Path(root))
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    with _lake_lock(root):
        for journal in sorted((root / STAGING).glob(f"*/{JOURNAL}")):
            _roll_forward(root, journal)
        shutil.rmtree(root / STAGING, ignore_errors=True)  # runs that died before a journal
        return _run(root, now_ms, finish_all)


def _run(root: Path, now_ms: int, finish_all: bool) -> CompactionReport:
    report = CompactionReport()
    inputs = [
        *sorted((root / PENDING).glob("*.ndjson")),
        *closed_hour_files(root, now_ms / 1000, include_open=finish_all),
    ]
    if not inputs:
        return report
    done = compacted_ids(root)
    by_session: dict[str, dict[int, dict[str, Any]]] = {}
    last_seen: dict[str, int] = {}
    late: list[dict[str, Any]] = []
    for path in inputs:
        for record in read_lines(path, report):
            batch = record["batch"]
            sid = batch["session"]["id"]
            if sid in done:
                report.late += 1
                late.append(record)
                continue
            seqs = by_session.setdefault(sid, {})
            if batch["seq"] in seqs:
                report.duplicates += 1
                continue
            seqs[batch["seq"]] = record
            last_seen[sid] = max(last_seen.get(sid, 0), int(record["received_at"]))
    report.batches = sum(len(s) for s in by_session.values())
    over, waiting = [], []
    for sid, records in by_session.items():
        final = any(r["batch"].get("final") for r in records.values())
        idle = now_ms - last_seen[sid] >= SESSION_IDLE_END_MS
        (over if final or idle or finish_all else waiting).append(sid)
    run_id = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + "-" + uuid.uuid4().hex[:8]
    stage = root / STAGING / run_id
    stage.mkdir(parents=True)
    parts: list[str] = []
    if over:
        parts = _stage_parts(stage, run_id, [list(by_session[s].values()) for s in over], report)
    pending_name = f"{run_id}.ndjson"
    _write_lines(stage / pending_name, [r for s in waiting for r in by_session[s].values()])
    if late:
        _write_lines(stage / f"late-{run_id}.ndjson", late)
    journal = {
        "parts": parts,
        "sessions": over,
        "pending": pending_name,
        "late": bool(late),
        "inputs": [str(p.relative_to(root)) for p in inputs],
    }
    _write_durably(stage / JOURNAL, json.dumps(journal).encode())
    _roll_forward(root, stage / JOURNAL)
    report.sessions = len(over)
    report.pending_sessions = len(waiting)
    report.files_consumed = len(inputs)
    report.parts = parts
    return report


def _stage_parts(
    stage: Path, run_id: str, sessions: list[list[dict[str, Any]]], report: CompactionReport
) -> list[str]:
    """Derive the sessions through the ordinary ingest and write their Parquet parts."""
    archive = stage / "sessions.webreplay"
    with ArchiveWriter(archive, producer={"name": "replay-investigator compact"}) as writer:
        for records in sessions:
            meta, events, rum, warnings = session_from_batches([r["batch"] for r in records])
            origins = sorted({r["origin"] for r in records if r.get("origin")})
            meta.extra.setdefault("collector", {"origins": origins, "batches": len(records)})
            report.warnings.extend(f"{meta.session_id}: {w}" for w in warnings)
            writer.add_session(meta, events, rum)
    result = ingest_file(archive, stage / "sessions.duckdb", force=True)
    parts_dir = stage / "parts"
    written = write_lake_parts(result.db_path, parts_dir, run_id)
    archive.unlink()
    # sessions last: a reader that sees a session's row finds its events already in place
    written.sort(key=lambda p: p.parts[0] == "sessions")
    return [str(p) for p in written]


def _roll_forward(root: Path, journal_path: Path) -> None:
    """Finish a run from its journal: every step may already have been done."""
    stage = journal_path.parent
    journal = json.loads(journal_path.read_text(encoding="utf-8"))
    for part in journal["parts"]:
        source, target = stage / "parts" / part, root / TABLES / part
        if source.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
    done = compacted_ids(root)
    new = [sid for sid in journal["sessions"] if sid not in done]
    if new:
        with (root / COMPACTED / "sessions.txt").open("a", encoding="utf-8") as handle:
            handle.write("".join(f"{sid}\n" for sid in new))
            handle.flush()
            os.fsync(handle.fileno())
    pending = stage / journal["pending"]
    if pending.exists() and pending.stat().st_size:
        os.replace(pending, root / PENDING / journal["pending"])
    late = stage / f"late-{stage.name}.ndjson"
    if late.exists():
        (root / "late").mkdir(exist_ok=True)
        os.replace(late, root / "late" / late.name)
    for name in journal["inputs"]:
        if not (name.startswith(PENDING) and name.endswith(journal["pending"])):
            (root / name).unlink(missing_ok=True)
    for hour in (root / "incoming").glob("*/*"):
        with contextlib.suppress(OSError):
            hour.rmdir()  # empty hours go; a collector still writing keeps its own
    shutil.rmtree(stage, ignore_errors=True)


def _write_lines(path: Path, records: list[dict[str, Any]]) -> None:
    data = b"".join(
        json.dumps(r, separators=(",", ":"), ensure_ascii=False).encode() + b"\n" for r in records
    )
    _write_durably(path, data)


def _write_durably(path: Path, data: bytes) -> None:
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
