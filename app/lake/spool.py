"""Append accepted batches to this process's hourly file, durably, before acknowledging.

Why fsync per batch: the recorder forgets a batch once the collector answered 2xx, so the
answer must come only after the bytes reached the disk — a ``kill -9`` or a power cut then
loses nothing acknowledged. A line that a crash cut short (written, not yet fsynced, never
acknowledged) is skipped by compaction, which reads whole lines only. Appends run under one
lock per process, and concurrent requests share one fsync (group commit, see
:meth:`HourlySpool.append`).
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import IO, Any

from app.lake.layout import ensure_lake, hour_dir, writer_name


class HourlySpool:
    """This process's append-only files in ``LAKE/incoming/<day>/<hour>/``."""

    def __init__(self, root: Path) -> None:
        self.root = ensure_lake(root)
        self._lock = threading.Lock()
        self._hour: Path | None = None
        self._file: IO[bytes] | None = None
        self._name = writer_name()
        self._session_bytes: dict[str, tuple[int, float]] = {}  # id -> (bytes, last seen)
        self._sync_lock = threading.Lock()  # one fsync at a time
        self._written = 0  # lines written (flushed to the OS) …
        self._synced = 0  # … and how many of them an fsync has covered

    def session_bytes(self, session_id: str) -> int:
        """Bytes this process kept of a session so far (the per-session limit)."""
        with self._lock:
            return self._session_bytes.get(session_id, (0, 0.0))[0]

    def append(self, batch: dict[str, Any], received_s: float, origin: str | None) -> int:
        """Write one batch as a line and return once it is fsynced; returns bytes written.

        Group commit: the line is written under the lock, then one ``fsync`` covers every
        line written before it — requests that arrive while a sync runs share the next one
        instead of queueing one sync each.
        """
        record = {"received_at": int(received_s * 1000), "origin": origin, "batch": batch}
        line = json.dumps(record, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"
        sid = batch["session"]["id"]
        with self._lock:
            handle = self._file_for(received_s)
            handle.write(line)
            handle.flush()
            self._written += 1
            mine = self._written
            used, _ = self._session_bytes.get(sid, (0, 0.0))
            self._session_bytes[sid] = (used + len(line), received_s)
            if len(self._session_bytes) > 100_000:
                self._forget_idle(received_s)
        with self._sync_lock:
            if self._synced < mine:
                with self._lock:  # what is written by now is covered by this sync
                    covered = self._written
                    # a duplicate: the hour may turn (and close the file) while it syncs
                    fd = os.dup(self._file.fileno()) if self._file else None
                if fd is not None:
                    try:
                        os.fsync(fd)
                    finally:
                        os.close(fd)
                self._synced = covered
        return len(line)

    def _file_for(self, moment_s: float) -> IO[bytes]:
        hour = hour_dir(self.root, moment_s)
        if self._file is None or hour != self._hour:
            if self._file is not None:  # lines not yet synced are synced before it closes
                self._file.flush()
                os.fsync(self._file.fileno())
                self._file.close()
            new_dir = not hour.exists()
            hour.mkdir(parents=True, exist_ok=True)
            if new_dir:  # the directory entry itself must survive a crash too
                _fsync_dir(hour.parent)
                _fsync_dir(hour)
            self._file = (hour / self._name).open("ab")
            _fsync_dir(hour)
            self._hour = hour
        return self._file

    def _forget_idle(self, now_s: float) -> None:
        # the recorder ends a session after 30 idle minutes: older counts are no longer needed
        cutoff = now_s - 3600
        self._session_bytes = {k: v for k, v in self._session_bytes.items() if v[1] >= cutoff}

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def now_s() -> float:
    return time.time()
