"""Where every player gets its windows of events: one :class:`SessionWindows` per store.

Why one place: the Replay tab, the two players of the Compare tab, the ``frame`` command,
report frames and clip export all load sessions window by window (issue 23: no replay
loads a session whole), from the same store query and the same cached checkpoints.

Every user of a store shares one :class:`SessionWindows` (:func:`acquire`, :func:`release`):
two of them would start two children computing the same session's checkpoints into the
same partial file, and each would read the checkpoints once more. A screen holds the
windows of the store it shows (:class:`StoreWindows`), a job holds them while it runs
(:func:`windows_of`); the children stop when the last holder lets go. An export wraps the
windows to mask what each carries (:func:`masked_windows`): a window starts at a
checkpoint — a full snapshot — so masking it alone masks what masking the whole session did.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from app.export.masking import mask_events
from app.replay.scheme import WindowsProvider
from app.replay.windows import SessionWindows
from app.store.store import SessionStore

_held: dict[int, tuple[SessionWindows, int]] = {}  # id(store) → (its windows, holders)
_held_lock = threading.Lock()


def acquire(store: SessionStore) -> SessionWindows:
    """The windows of ``store``, shared with its other holders; :func:`release` them."""
    with _held_lock:
        windows, holders = _held.get(id(store), (None, 0))
        if windows is None or windows.store is not store:
            windows, holders = SessionWindows(store), 0
        _held[id(store)] = (windows, holders + 1)
        return windows


def release(windows: SessionWindows) -> None:
    """Let go of windows from :func:`acquire`; the last holder's release stops their
    checkpoint children (their store is closing, or nobody replays it any more)."""
    with _held_lock:
        key = id(windows.store)
        held, holders = _held.get(key, (None, 0))
        if held is not windows:
            windows.stop()
            return
        if holders > 1:
            _held[key] = (windows, holders - 1)
            return
        del _held[key]
    windows.stop()


class StoreWindows:
    """The windows of the store a screen shows (None until one is shown)."""

    def __init__(self) -> None:
        self.current: SessionWindows | None = None

    def of(self, store: SessionStore) -> SessionWindows:
        """The windows of ``store``: those already held when it is the same store."""
        if self.current is None or self.current.store is not store:
            self.stop()
            self.current = acquire(store)
        return self.current

    def stop(self) -> None:
        """Let go of the store's windows (it is closing or replaced)."""
        if self.current is not None:
            release(self.current)
            self.current = None


@contextmanager
def windows_of(store: SessionStore) -> Iterator[SessionWindows]:
    """The windows of ``store`` held for one job (a frame, a clip, a report)."""
    windows = acquire(store)
    try:
        yield windows
    finally:
        release(windows)


def masked_windows(windows: WindowsProvider) -> WindowsProvider:
    """``windows`` with every window's events masked (:func:`app.export.masking.mask_events`).

    A window is minutes of events at most, so decoding it here (on the worker that reads
    it) costs what the window costs, not what the session does.
    """

    def window(
        session_id: str, window_id: str | None, t_ms: float | None, ahead_ms: float | None
    ) -> bytes:
        answer = json.loads(windows(session_id, window_id, t_ms, ahead_ms))
        answer["events"] = mask_events(answer.get("events") or [])
        return json.dumps(answer, separators=(",", ":"), ensure_ascii=False).encode()

    return window
