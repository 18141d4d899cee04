"""The range marked on the replay timeline: a shaded band with draggable edges.

Why a module of its own: the mark is the timeline's only editable range (a clip's span, for
Replay › Export Clip…), it lives in the replay's one :class:`~app.state.time_cursor.TimeCursor`
so the keys (``[`` and ``]``) and the clip dialog share it, and the band follows it. Made by
Shift+drag on the timeline (the drag itself pans, as in pyqtgraph); its edges are dragged to
adjust it; ``\\`` clears it.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QObject

from app.state.time_cursor import TimeCursor

MARK_BRUSH = (59, 130, 246, 45)
MARK_EDGE = (59, 130, 246, 200)


class TimelineMark(QObject):
    """Draws the cursor's marked range on ``plot`` (x in epoch seconds, as the timeline)."""

    def __init__(self, plot: pg.PlotWidget, cursor: TimeCursor) -> None:
        super().__init__(plot)
        self.cursor = cursor
        self._drag_from_s: float | None = None
        self.region = pg.LinearRegionItem(
            values=(0, 0),
            orientation="vertical",
            brush=pg.mkBrush(MARK_BRUSH),
            pen=pg.mkPen(MARK_EDGE, width=2),
            movable=True,
        )
        self.region.setZValue(10)  # over the activity and idle bands, under the cursor line
        self.region.setToolTip(
            "The marked range (Export Clip offers it): drag its edges to adjust; "
            "Shift+drag the timeline to mark another, [ and ] mark at the cursor, \\ clears"
        )
        self.region.hide()
        plot.addItem(self.region, ignoreBounds=True)
        self.region.sigRegionChangeFinished.connect(self._region_moved)
        cursor.marked_changed.connect(self._show)

    @staticmethod
    def _ms(x_s: float) -> int:
        return round(x_s * 1000)

    def drag(self, from_s: float, to_s: float, finished: bool) -> None:
        """A Shift+drag on the timeline from ``from_s`` to ``to_s`` (seconds)."""
        self._draw((min(from_s, to_s), max(from_s, to_s)))
        if finished:
            self.cursor.set_marked((self._ms(from_s), self._ms(to_s)))
            self._show(self.cursor.marked())

    def _region_moved(self) -> None:
        if self.region.isVisible():
            low, high = self.region.getRegion()
            self.cursor.set_marked((self._ms(low), self._ms(high)))

    def _show(self, marked: tuple[int, int] | None) -> None:
        if marked is None:
            self.region.hide()
            return
        self._draw((marked[0] / 1000, marked[1] / 1000))

    def _draw(self, values: tuple[float, float]) -> None:
        self.region.blockSignals(True)  # drawing a value is not the user moving an edge
        self.region.setRegion(values)
        self.region.blockSignals(False)
        self.region.show()
