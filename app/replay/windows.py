"""Windowed loading: the player holds only the events around the cursor (issue 23).

Why: a six-hour recording is hundreds of megabytes of events; handed to the page whole, the
page holds every event (and rrweb's replayer with them) and opening costs seconds of
decoding. Here each request of the page names a time ``t`` and gets a *window*: the last
checkpoint at or before ``t`` and the events from there to :data:`AHEAD_MS` after ``t``,
read from the store by a ``ts BETWEEN`` query. The checkpoints come from
:mod:`app.replay.checkpoint_cache` (the recording's own checkouts, and synthetic ones
computed once by a child process and cached beside the store), so nothing here decodes
the session: opening and seeking cost one window, whatever the session's length.

A window answers ``{"first", "last", "start", "end", "pointer", "events"}``: the stream's
first and last event times, the window's start (its checkpoint) and end (the page may seek
anywhere in ``[start, end]`` without asking again), the node under the pointer at its start
(for rrweb's emulated hover) and the events.
"""

from __future__ import annotations

import math
import os
import subprocess
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.replay.checkpoint_cache import (
    CheckpointIndex,
    cache_path,
    start_child,
    wait_for,
)
from app.store.queries import replay_window

if TYPE_CHECKING:
    from app.store.store import SessionStore

AHEAD_MS = 30 * 1000
"""How far past the asked time a window reaches. Short, because a seek far away waits for
its window (read, sent, parsed: ~1.5 MB a minute in the heavy session); playback asks for
the next one :data:`PREFETCH_MS` of the page ahead."""
WAIT_S = 300.0
"""The longest a window waits for the child to reach its time before it starts further back."""
KEEP_STREAMS = 4
SMALL_STREAM_EVENTS = 1_000
"""A stream of at most this many events gets no checkpoints: its windows start at its first
event. Catching up on a thousand events costs the page a few milliseconds, where a child
process (an interpreter and a DuckDB connection, ~0.3 s of a core) would be started for
each session opened, and a seek would wait for it. The bundled demo's sessions hold 40 to
300 events; the inline checkpointer (:mod:`app.rrweb.checkpoints`) too takes one only
every 1,000 events."""


@dataclass
class _Stream:
    """One stream's span, checkpoint index and the child computing it (if any)."""

    first: int
    last: int
    index: CheckpointIndex
    child: subprocess.Popen[bytes] | None = None

    def child_running(self) -> bool:
        return self.child is not None and self.child.poll() is None


class SessionWindows:
    """Answers the page's window requests for the sessions of one store (thread-safe)."""

    def __init__(
        self,
        store: SessionStore,
        ahead_ms: int = AHEAD_MS,
        small_stream_events: int = SMALL_STREAM_EVENTS,
    ) -> None:
        self.store = store
        self.ahead_ms = ahead_ms
        self.small_stream_events = small_stream_events
        self._digest: str | None = None
        self._streams: dict[tuple[str, str | None], _Stream] = {}
        self._lock = threading.Lock()
        self.read_ms: deque[float] = deque(maxlen=1000)
        """How long each of the last windows took to read (bench_long --breakdown: the
        store's share of a seek)."""

    def window(
        self,
        session_id: str,
        window_id: str | None,
        t_ms: float | None,
        ahead_ms: float | None = None,
    ) -> bytes:
        """The window of events for time ``t_ms`` (None: the stream's start), as JSON,
        reaching ``ahead_ms`` past it (at most, and by default, :attr:`ahead_ms`)."""
        started = time.perf_counter()
        stream = self._stream(session_id, window_id)
        if stream is None:
            return b'{"first":0,"last":0,"start":0,"end":0,"events":[]}'
        t = stream.first if t_ms is None else min(max(float(t_ms), stream.first), stream.last)
        stream.index.refresh()
        if not stream.index.covers(t) and t > stream.first:
            wait_for(stream.index, t, stream.child_running, WAIT_S)
        checkpoint = stream.index.before(t)
        ahead = self.ahead_ms if ahead_ms is None else min(max(0, int(ahead_ms)), self.ahead_ms)
        end = min(int(t) + ahead, stream.last)
        cursor = self.store.cursor()  # this worker thread's
        # The events from the checkpoint to `end`, with the synthetic checkpoints inside
        # spliced in where they belong (a seek inside the window then rebuilds from the
        # nearest one, not from the window's start). A synthetic checkpoint lies strictly
        # between two integer milliseconds: the store's events before it end at its floor.
        pieces: list[bytes] = []
        lower = math.floor(checkpoint.ts)
        if checkpoint.offset is not None:
            pieces.append(stream.index.synthetic_events(checkpoint))
            lower = math.ceil(checkpoint.ts)
        for inner in stream.index.synthetic_between(checkpoint.ts, end):
            pieces.append(
                replay_window.events_between_json(
                    cursor, session_id, window_id, lower, math.floor(inner.ts)
                )[1:-1]
            )
            pieces.append(stream.index.synthetic_events(inner))
            lower = math.ceil(inner.ts)
        pieces.append(
            replay_window.events_between_json(cursor, session_id, window_id, lower, end)[1:-1]
        )
        body = b",".join(piece for piece in pieces if piece)
        pointer = replay_window.last_pointer_node(cursor, session_id, window_id, checkpoint.ts)
        header = (
            f'{{"first":{stream.first},"last":{stream.last},"start":{checkpoint.ts!r},'
            f'"end":{end},"pointer":{"null" if pointer is None else pointer},"events":['
        ).encode()
        self.read_ms.append((time.perf_counter() - started) * 1000)
        return header + body + b"]}"

    def stop(self) -> None:
        """Stop the children computing checkpoints (the window or the archive is closing)."""
        with self._lock:
            for stream in self._streams.values():
                if stream.child_running():
                    assert stream.child is not None
                    stream.child.kill()
                    stream.child.wait()
                    # half a file is no cache: the next opening computes it again anyway
                    if stream.index.path.suffix == ".partial":
                        stream.index.path.unlink(missing_ok=True)

    def _stream(self, session_id: str, window_id: str | None) -> _Stream | None:
        key = (session_id, window_id)
        with self._lock:
            stream = self._streams.get(key)
            if stream is not None:
                return stream
        cursor = self.store.cursor()
        span = replay_window.session_span(cursor, session_id, window_id)
        if span is None:
            return None
        small = not replay_window.has_more_events_than(
            cursor, session_id, window_id, self.small_stream_events
        )
        with self._lock:
            if key in self._streams:
                return self._streams[key]
            if self._digest is None:  # the store's own: a lake's parts, a file's sampled seal
                self._digest = self.store.digest()
            folder = self.store.sidecar_path(".checkpoints")
            path = cache_path(folder, self._digest, session_id, window_id)
            stream = _Stream(span[0], span[1], CheckpointIndex(path, span[0], done=small))
            stream.index.refresh()
            if not stream.index.done:
                stream.index = CheckpointIndex(path, span[0])  # a stale partial file: redo
                partial = path.with_suffix(".partial")
                stream.child = start_child(Path(self.store.db_path), session_id, window_id, partial)
                stream.index.path = partial
                threading.Thread(target=_publish, args=(stream, partial, path), daemon=True).start()
            self._streams[key] = stream
            while len(self._streams) > KEEP_STREAMS:
                old = next(iter(self._streams))
                if self._streams[old].child_running():
                    break
                del self._streams[old]
            return stream


def _publish(stream: _Stream, partial: Path, final: Path) -> None:
    """Once the child is done, rename its file into place for the next opening."""
    assert stream.child is not None
    if stream.child.wait() == 0 and partial.exists():
        stream.index.refresh()
        if stream.index.done:  # a second name first: readers of the partial path go on
            os.link(partial, final)
            stream.index.path = final
            partial.unlink()
