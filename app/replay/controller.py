"""Keeps the player page and the :class:`~app.state.time_cursor.TimeCursor` in step.

Paused, the cursor is the master: any view's seek becomes a player seek. Playing, the
player is the clock: its ticks move the cursor with source ``"player"``, which this
controller ignores, so nothing echoes. Each seek carries a sequence number; ticks that
were produced before the latest seek are dropped, so a stale tick never drags the cursor
back. Seeks from a dragged timeline are throttled; the exact one follows on release.
"""

from __future__ import annotations

import bisect

from PySide6.QtCore import QObject, QTimer

from app.replay.bridge import PlayerBridge
from app.state.time_cursor import TimeCursor

SOURCE = "player"
DRAG_SOURCE = "timeline-drag"
DRAG_SEEK_INTERVAL_MS = 120
HIGHLIGHT_MS = 900  # how long a clicked element stays outlined after the click


class ReplayController(QObject):
    """Bridges one :class:`PlayerBridge` and one :class:`TimeCursor`."""

    def __init__(self, cursor: TimeCursor, bridge: PlayerBridge, parent: QObject | None = None):
        super().__init__(parent)
        self.cursor = cursor
        self.bridge = bridge
        self.first_ms: int | None = None
        self.last_ms = 0
        self.seq = 0
        self.seeks = 0
        self._clicks: list[tuple[int, int]] = []
        self._click_times: list[int] = []
        self._highlight = -1
        self._drag_timer = QTimer(self)
        self._drag_timer.setSingleShot(True)
        self._drag_timer.setInterval(DRAG_SEEK_INTERVAL_MS)
        self._drag_timer.timeout.connect(self._seek_to_cursor)
        cursor.time_changed.connect(self._on_time_changed)
        cursor.playing_changed.connect(self._on_playing_changed)
        cursor.speed_changed.connect(bridge.speed_requested)
        cursor.skip_inactive_changed.connect(bridge.skip_inactive_requested)
        bridge.loaded.connect(self._on_loaded)
        bridge.ticked.connect(self._on_tick)
        bridge.finished.connect(lambda: cursor.set_playing(False))

    def set_clicks(self, clicks: list[tuple[int, int]]) -> None:
        """(epoch ms, node id) of the session's clicks, for outlining the clicked element."""
        self._clicks = sorted(clicks)
        self._click_times = [t for t, _ in self._clicks]

    def unload(self) -> None:
        """Forget the loaded stream (a new session is coming)."""
        self.first_ms = None
        self._set_highlight(-1)

    # ---- page → cursor ---------------------------------------------------------------------
    def _on_loaded(self, first_ms: float, last_ms: float) -> None:
        self.first_ms, self.last_ms = int(first_ms), int(last_ms)
        self.bridge.speed_requested.emit(self.cursor.speed())
        self.bridge.skip_inactive_requested.emit(self.cursor.skip_inactive())
        self._seek_to_cursor()

    def _on_tick(self, offset_ms: float, seq: int) -> None:
        if seq != self.seq or self.first_ms is None:
            return  # produced before the latest seek
        t = self.first_ms + round(offset_ms)
        self.cursor.set_time(t, SOURCE)
        self._update_highlight(t)

    # ---- cursor → page ---------------------------------------------------------------------
    def _on_time_changed(self, t_ms: int, source: str) -> None:
        if source == SOURCE:
            return
        if source == DRAG_SOURCE:
            if not self._drag_timer.isActive():
                self._drag_timer.start()
            return
        self._drag_timer.stop()
        self._seek_to_cursor()

    def _on_playing_changed(self, playing: bool) -> None:
        if playing:
            self._seek_to_cursor()
        else:
            self.seq += 1
            self.bridge.pause_requested.emit()

    def _seek_to_cursor(self) -> None:
        if self.first_ms is None:
            return
        t = self.cursor.time()
        self.seq += 1
        self.seeks += 1
        offset = max(0, t - self.first_ms)
        self.bridge.seek_requested.emit(float(offset), self.seq, self.cursor.is_playing())
        self._update_highlight(t)

    def _update_highlight(self, t_ms: int) -> None:
        index = bisect.bisect_right(self._click_times, t_ms) - 1
        node = -1
        if index >= 0 and t_ms - self._clicks[index][0] <= HIGHLIGHT_MS:
            node = self._clicks[index][1]
        self._set_highlight(node)

    def _set_highlight(self, node: int) -> None:
        if node != self._highlight:
            self._highlight = node
            self.bridge.highlight_requested.emit(node)
