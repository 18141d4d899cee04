"""One time cursor for two replays: the second follows the first through their alignment.

Why a map and not two clocks: two sessions of the same checkout take different times for
the same steps (one user types slowly, one page loads slowly). Played side by side at one
speed they drift apart after the first step. The aligned steps give pairs of moments that
mean the same thing (``a`` in the left session, ``b`` in the right); between two such
anchors the right session's time is a straight line through them (a piecewise-linear map),
so both reach every aligned step together and each plays at its own pace in between.
Before the first anchor and after the last, the right session runs at the left's speed.

:class:`PairedCursors` keeps a second :class:`~app.state.time_cursor.TimeCursor` on the
map: the left cursor is the pair's one cursor (every control drives it), the right one is
moved by this object only — except when the user seeks on the right session's own timeline,
which moves the left cursor through the inverse map.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from PySide6.QtCore import QObject, Signal

from app.state.time_cursor import TimeCursor

SOURCE = "paired"
"""The source name of moves this object makes on either cursor."""
PLAYER_SOURCE = "player"  # the replay controller's ticks while playing
DRAG_SOURCE = "timeline-drag"  # a dragged timeline line: seeks are throttled downstream
DRIFT_MS = 400
"""While playing, the right replay is sought again when it is this far off the map (its
player cannot play at every pace: the page clamps nothing, but a long stall drifts)."""


class TimeMap:
    """A monotone piecewise-linear map between two sessions' epoch-ms times."""

    def __init__(self, anchors: Iterable[tuple[int, int]]) -> None:
        """``anchors``: (left ms, right ms) of aligned steps. Pairs that would make the map
        go backwards (an alignment never does, rounding may) are left out."""
        kept: list[tuple[int, int]] = []
        for a, b in sorted((int(a), int(b)) for a, b in anchors):
            if not kept or (a > kept[-1][0] and b > kept[-1][1]):
                kept.append((a, b))
        self.anchors = kept
        self._a = [a for a, _ in kept]
        self._b = [b for _, b in kept]

    @staticmethod
    def _through(xs: list[int], ys: list[int], x: int) -> int:
        if not xs:
            return x
        i = bisect.bisect_right(xs, x)
        if i == 0:
            return ys[0] - (xs[0] - x)
        if i == len(xs):
            return ys[-1] + (x - xs[-1])
        x0, x1, y0, y1 = xs[i - 1], xs[i], ys[i - 1], ys[i]
        return round(y0 + (y1 - y0) * (x - x0) / (x1 - x0))

    def to_b(self, a_ms: int) -> int:
        """The right session's moment that corresponds to ``a_ms`` of the left one."""
        return self._through(self._a, self._b, a_ms)

    def to_a(self, b_ms: int) -> int:
        """The inverse: the left session's moment for ``b_ms`` of the right one."""
        return self._through(self._b, self._a, b_ms)

    def segment(self, a_ms: int) -> int:
        """Which stretch between anchors ``a_ms`` is in (0: before the first anchor)."""
        return bisect.bisect_right(self._a, a_ms)

    def pace(self, a_ms: int) -> float:
        """How fast the right session runs while the left one runs at 1× around ``a_ms``."""
        i = self.segment(a_ms)
        if i == 0 or i == len(self._a):
            return 1.0
        return (self._b[i] - self._b[i - 1]) / (self._a[i] - self._a[i - 1])


class PairedCursors(QObject):
    """Keeps ``right`` on ``left`` through a :class:`TimeMap` (seeks, play, pause, speed)."""

    pace_changed = Signal(float)
    """(speed) — the right player should play at this speed now (its stretch's pace × the
    pair's speed); the screen hands it to the right player's bridge."""

    def __init__(self, left: TimeCursor, right: TimeCursor, parent: QObject | None = None):
        super().__init__(parent)
        self.left, self.right = left, right
        self.map = TimeMap([])
        self._segment = -1
        self.resyncs = 0
        left.time_changed.connect(self._left_moved)
        left.playing_changed.connect(self._left_playing)
        left.speed_changed.connect(lambda _speed: self._update_pace(force=True))
        right.time_changed.connect(self._right_moved)
        right.playing_changed.connect(self._right_playing)

    def set_map(self, time_map: TimeMap) -> None:
        self.map = time_map
        self._segment = -1

    def seek_pair(self, a_ms: int, b_ms: int, source: str) -> None:
        """Both to a pair of moments that belong together (an aligned step's)."""
        self.left.set_time(a_ms, source)
        self.right.set_time(b_ms, SOURCE)

    # ---- left → right ---------------------------------------------------------------------
    def _left_moved(self, t_ms: int, source: str) -> None:
        if source == SOURCE:
            return  # moved from the right side: the right is already where it should be
        target = self.map.to_b(t_ms)
        if source == PLAYER_SOURCE and self.left.is_playing():
            # playing: the right player runs on its own at the stretch's pace; seek it only
            # when it drifted (a new stretch starts at an anchor, where both must agree)
            changed = self._update_pace()
            drifted = changed or abs(self.right.time() - target) > DRIFT_MS
            if drifted and self.right.set_time(target, SOURCE):
                self.resyncs += 1
            return
        self.right.set_time(target, DRAG_SOURCE if source == DRAG_SOURCE else SOURCE)

    def _left_playing(self, playing: bool) -> None:
        if playing:
            self.right.set_time(self.map.to_b(self.left.time()), SOURCE)
        self.right.set_playing(playing)
        if playing:
            self._update_pace(force=True)

    def _update_pace(self, force: bool = False) -> bool:
        """Tell the right player its speed when the left entered another stretch; True then."""
        segment = self.map.segment(self.left.time())
        if segment == self._segment and not force:
            return False
        self._segment = segment
        self.pace_changed.emit(self.left.speed() * self.map.pace(self.left.time()))
        return True

    # ---- right → left ---------------------------------------------------------------------
    def _right_moved(self, t_ms: int, source: str) -> None:
        if source in (SOURCE, PLAYER_SOURCE, "range", "restart"):
            return  # our own move, the right player's ticks, a new range or a replay again
        self.left.set_time(self.map.to_a(t_ms), SOURCE)  # the user sought on the right

    def _right_playing(self, playing: bool) -> None:
        """The right session ending first stops only it: the left plays on to its end."""
        if playing:
            self.left.set_playing(True)
