"""The one current time of a replay, observed by the player, timeline, lists and panels.

Why one model: views never drive each other. A view that wants to move time calls
:meth:`TimeCursor.set_time` with its own ``source`` name; every observer hears
``time_changed(t, source)`` and ignores changes it caused itself. Times are integer epoch
milliseconds (wall clock, UTC), so equality is exact and a value written back by a widget
never drifts (signals carry them as ``qint64``: a plain ``int`` signal is 32-bit in Qt).
The equality guard means a repeated value emits nothing, which ends any loop.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

SPEEDS = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0)


class TimeCursor(QObject):
    """Current time, time range, play state and speed of the replay being watched."""

    time_changed = Signal("qint64", str)
    """(epoch ms, source) — the current time moved; ``source`` names who moved it."""
    range_changed = Signal("qint64", "qint64")
    """(start ms, end ms) — a new session (or window of it) is being watched."""
    playing_changed = Signal(bool)
    speed_changed = Signal(float)
    skip_inactive_changed = Signal(bool)
    marked_changed = Signal(object)
    """((start ms, end ms) or None) — the range marked on the timeline (for a clip) changed."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._start = self._end = self._time = 0
        self._marked: tuple[int, int] | None = None
        self._playing = False
        self._speed = 1.0
        self._skip_inactive = False

    # ---- range -----------------------------------------------------------------------------
    def set_range(self, start_ms: int, end_ms: int) -> None:
        start_ms, end_ms = int(start_ms), int(max(start_ms, end_ms))
        self.set_playing(False)
        self._start, self._end = start_ms, end_ms
        self._time = start_ms
        self.set_marked(None)  # a mark belongs to the session it was made in
        self.range_changed.emit(start_ms, end_ms)
        self.time_changed.emit(start_ms, "range")

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    # ---- time ------------------------------------------------------------------------------
    def time(self) -> int:
        return self._time

    def offset(self) -> int:
        """Milliseconds since the start of the range."""
        return self._time - self._start

    def set_time(self, t_ms: int, source: str) -> bool:
        """Move the cursor (clamped to the range); True when it moved."""
        t_ms = min(max(int(t_ms), self._start), self._end)
        if t_ms == self._time:
            return False
        self._time = t_ms
        self.time_changed.emit(t_ms, source)
        return True

    def step(self, delta_ms: int, source: str) -> bool:
        return self.set_time(self._time + delta_ms, source)

    # ---- playback --------------------------------------------------------------------------
    def is_playing(self) -> bool:
        return self._playing

    def set_playing(self, playing: bool) -> None:
        if playing and self._time >= self._end:
            self.set_time(self._start, "restart")
        if playing != self._playing:
            self._playing = playing
            self.playing_changed.emit(playing)

    def toggle_playing(self) -> None:
        self.set_playing(not self._playing)

    def speed(self) -> float:
        return self._speed

    def set_speed(self, speed: float) -> None:
        speed = min(max(float(speed), SPEEDS[0]), SPEEDS[-1])
        if speed != self._speed:
            self._speed = speed
            self.speed_changed.emit(speed)

    def skip_inactive(self) -> bool:
        return self._skip_inactive

    def set_skip_inactive(self, skip: bool) -> None:
        if skip != self._skip_inactive:
            self._skip_inactive = skip
            self.skip_inactive_changed.emit(skip)

    # ---- marked range ----------------------------------------------------------------------
    def marked(self) -> tuple[int, int] | None:
        """The range marked on the timeline (Shift+drag, or ``[`` and ``]``), if any.

        Why here: the timeline draws it, the keys set it and Export Clip offers it, and none of
        them knows the others — they share the replay's one time model.
        """
        return self._marked

    def set_marked(self, marked: tuple[int, int] | None) -> None:
        """Mark ``(start, end)`` (ordered and clamped to the range; empty is no mark)."""
        if marked is not None:
            a, b = sorted(min(max(int(t), self._start), self._end) for t in marked)
            marked = (a, b) if b > a else None
        if marked != self._marked:
            self._marked = marked
            self.marked_changed.emit(marked)

    def mark_edge(self, edge: str) -> None:
        """Set the mark's ``"start"`` or ``"end"`` at the current time. The other edge stays
        where it was when it is on the right side, else it is the session's end (or start)."""
        start, end = self._marked or (self._start, self._end)
        now = self._time
        if edge == "start":
            self.set_marked((now, end if end > now else self._end))
        else:
            self.set_marked((start if start < now else self._start, now))
