"""A session's checkpoints, computed once in a child process and cached beside the store.

Why: windowed loading (:mod:`app.replay.windows`) starts each window of events at the
checkpoint before it — a Meta + FullSnapshot rrweb can rebuild from. A recording's own
checkouts are in the store; synthetic ones (:mod:`app.rrweb.checkpoints`) need the DOM
mirror to have followed every event before them, which takes seconds per recorded hour.
That work runs once per session, in a child process (the GUI thread never shares an
interpreter lock with it; see :func:`app.replay.events.parts_in_child`), reading the store a
few minutes at a time, and writes what it finds to a file where the store keeps what is
derived from it (as the search index does): ``<store>.checkpoints/<digest>.ndjson`` beside a
store file, the cache folder for a lake. The app reads the file while the child
writes it, so a window near the start is served at once and one further on waits only
until the child has passed it; the next opening of the session reads the finished file.

The file is NDJSON, one object a line: a header ``{"version", "store", "first", "last"}``,
then ``{"ts", "recorded": true}`` for a recorded checkout (a Meta followed by a
FullSnapshot: the window reads it from the store), ``{"ts", "events": [...]}`` for a
synthetic one, ``{"progress": ts}`` after each stretch read, and ``{"done": true}``.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from app.replay.events import array_elements, decode_in_steps
from app.resources import app_command
from app.rrweb.checkpoints import Checkpointer
from app.rrweb.protocol import EventType
from app.store.queries import replay_window

CHECKPOINTS_WORKER = "player-checkpoints"
"""The internal command of the child that computes a session's checkpoints."""
CACHE_VERSION = 4  # 2: denser; 3: denser still (10 s, 100 events); 4: rule inserts folded
EVERY_MS = 10_000
MIN_EVENTS = 100
"""Denser than the inline default (:mod:`app.rrweb.checkpoints`: 60 s and 1,000 events):
a seek far away costs its window's read, transfer and parse plus the catch-up from the
checkpoint to the target, all proportional to the distance to the checkpoint before it
(bench_long --breakdown: at 20 s and 300 events — every 30 s in the heavy session — the
catch-up was the largest part of a seek, then the snapshot's rebuild and the read); cached
on disk, a checkpoint costs only its file space (~0.08 MB for the heavy session's page: 163 MB
beside the 6-hour, 559 MB session)."""
STRETCH_MS = 5 * 60 * 1000
"""Events read from the store at a time by the child: memory follows this, not the session."""
_CHECKPOINT = re.compile(rb'\{"ts":([-+0-9.eE]+),"(events|recorded)"')


def cache_path(folder: Path, store_digest: str, session_id: str, window_id: str | None) -> Path:
    """Where one stream's checkpoints are cached, in the store's ``folder`` for them
    (``store.sidecar_path(".checkpoints")``), keyed by the store's content
    (``store.digest()``)."""
    key = json.dumps([store_digest, session_id, window_id, CACHE_VERSION]).encode()
    return folder / (hashlib.blake2b(key, digest_size=12).hexdigest() + ".ndjson")


@dataclass
class Checkpoint:
    """Where a window may start: ``ts``, and the synthetic events there (None: recorded)."""

    ts: float
    offset: int | None = None  # of its line in the cache file, when synthetic


@dataclass
class CheckpointIndex:
    """What is known of one stream's checkpoints, read from its cache file as it grows."""

    path: Path
    first: int
    checkpoints: list[Checkpoint] = field(default_factory=list)
    progress: float = float("-inf")
    done: bool = False
    _read: int = 0  # bytes of the file read so far
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def refresh(self) -> None:
        """Read the lines the child has written since the last call (whole lines only)."""
        with self._lock:
            if self.done:
                return
            try:
                opened = self._open()
            except FileNotFoundError:
                return  # the child has not written it yet
            with opened as stream:
                stream.seek(self._read)
                while (line := stream.readline()).endswith(b"\n"):
                    self._line(line, self._read)
                    self._read += len(line)

    def _open(self) -> IO[bytes]:
        """The file under its current name. Once the child is done, the partial file is
        linked under its final name, :attr:`path` switched to it, and only then the partial
        name removed (``windows._publish``): a reader that took the old name just before
        finds the same file under the new one (a window read failed on this race, and its
        seek was never applied)."""
        try:
            return self.path.open("rb")
        except FileNotFoundError:
            return self.path.open("rb")

    def _line(self, line: bytes, offset: int) -> None:
        head = line[:80]
        if stamp := _CHECKPOINT.match(head):  # not decoded whole: a snapshot is big
            synthetic = offset if stamp.group(2) == b"events" else None
            self.checkpoints.append(Checkpoint(float(stamp.group(1)), synthetic))
        elif head.startswith(b'{"progress"'):
            self.progress = float(json.loads(line)["progress"])
        elif head.startswith(b'{"done"'):
            self.done = True

    def before(self, t: float) -> Checkpoint:
        """The last known checkpoint at or before ``t`` (the stream's start at least)."""
        with self._lock:
            stamps = [c.ts for c in self.checkpoints]
            index = bisect.bisect_right(stamps, t) - 1
            return self.checkpoints[index] if index >= 0 else Checkpoint(float(self.first))

    def covers(self, t: float) -> bool:
        """Whether every checkpoint up to ``t`` is known."""
        return self.done or self.progress >= t

    def synthetic_events(self, checkpoint: Checkpoint) -> bytes:
        """The JSON of a synthetic checkpoint's events, without the brackets: cut out of its
        line (``{"ts":…,"events":[…]}``), not decoded — a snapshot is megabytes."""
        assert checkpoint.offset is not None
        with self._open() as stream:
            stream.seek(checkpoint.offset)
            line = stream.readline().rstrip(b"\n")
        start = line.index(b',"events":[') + len(b',"events":[')
        if not line.endswith(b"]}"):
            raise ValueError(f"a damaged checkpoint line in {self.path}")
        return line[start:-2]

    def synthetic_between(self, after: float, until: float) -> list[Checkpoint]:
        """The synthetic checkpoints with ``after < ts <= until``, in time order."""
        with self._lock:
            return [c for c in self.checkpoints if after < c.ts <= until and c.offset is not None]


def start_child(
    db_path: Path, session_id: str, window_id: str | None, out: Path
) -> subprocess.Popen[bytes]:
    """Start computing a stream's checkpoints into ``out`` (replaced when complete)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    window = [] if window_id is None else [window_id]
    command = app_command(CHECKPOINTS_WORKER, str(db_path), str(out), session_id, *window)
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def checkpoints_worker_main(args: list[str]) -> int:
    """The child of :func:`start_child`: ``DB OUT SESSION [WINDOW]``."""
    from app.store.lake import open_session_store  # only the child reads the store itself

    db_path, out = Path(args[0]), Path(args[1])
    session_id, window_id = args[2], (args[3] if len(args) > 3 else None)
    with open_session_store(db_path) as store, out.open("wb") as stream:
        write_checkpoints(store.cursor(), session_id, window_id, stream)
    return 0


def write_checkpoints(cur: Any, session_id: str, window_id: str | None, stream: IO[bytes]) -> None:
    """Follow the stream's events a stretch at a time and write its checkpoints."""
    span = replay_window.session_span(cur, session_id, window_id)
    first, last = span if span else (0, -1)
    _write(stream, {"version": CACHE_VERSION, "first": first, "last": last})
    checkpointer = Checkpointer(EVERY_MS, MIN_EVENTS)
    meta_ts: float | None = None
    start = first
    while start <= last:
        end = min(start + STRETCH_MS, last + 1)  # [start, end): integer ms
        raw = replay_window.events_between_json(cur, session_id, window_id, start, end - 1)
        for event, _start, _end in array_elements(decode_in_steps(raw)):
            if not isinstance(event, dict):
                continue
            synthetic = checkpointer.feed(event)
            if synthetic:
                _write(stream, {"ts": synthetic[0]["timestamp"], "events": synthetic})
            kind = event.get("type")
            if kind == EventType.META:
                meta_ts = event.get("timestamp")
            elif kind == EventType.FULL_SNAPSHOT and meta_ts is not None and meta_ts > first:
                _write(stream, {"ts": meta_ts, "recorded": True})
                meta_ts = None
            else:
                meta_ts = None
        _write(stream, {"progress": end - 1})
        start = end
    _write(stream, {"done": True})


def _write(stream: IO[bytes], record: dict[str, Any]) -> None:
    stream.write(json.dumps(record, separators=(",", ":"), ensure_ascii=False).encode() + b"\n")
    stream.flush()


def wait_for(index: CheckpointIndex, t: float, child_running: Any, limit_s: float) -> bool:
    """Wait until ``index`` knows every checkpoint up to ``t``; False if it never will."""
    deadline = time.monotonic() + limit_s
    while True:
        index.refresh()
        if index.covers(t):
            return True
        if not child_running() or time.monotonic() > deadline:
            index.refresh()
            return index.covers(t)
        time.sleep(0.05)
