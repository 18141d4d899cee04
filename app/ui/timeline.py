"""The timeline strip under the player: where things happened, and where the replay is now.

It observes the :class:`~app.state.time_cursor.TimeCursor` like every other view and never
talks to them. The x axis is the wall clock in UTC (pyqtgraph x values are epoch *seconds*,
cursor values epoch *milliseconds*); the offset from the session start is shown on the cursor
line and in tooltips, because investigators quote both ("at 14:02:11, 1:23 into the
session").

Why the wiring is the way it is:

* Model → line: ``time_changed`` from anyone but this widget moves the line with
  ``setValue``. Nothing listens to the line's ``sigPositionChanged``, so a programmatic move
  can never come back as a seek (the feedback loop is impossible by construction, not merely
  stopped by the cursor's equality guard).
* Line → model: while the line is dragged the cursor is set with :attr:`DRAG_SOURCE` at most
  every :data:`DRAG_INTERVAL_MS` (first step at once, last step after the interval), so the
  player is not asked to rebuild the page for every mouse move; the release seeks exactly
  with :attr:`SOURCE`. Clicks (background, marker) are exact seeks with :attr:`SOURCE`.
* While playing the cursor moves many times a second, so that path only moves the line and
  re-renders its label (plus a cheap check that the line is still in view when zoomed).

The widget gets plain data (:class:`TimelineData`); it knows nothing about stores or SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from app.state.time_cursor import TimeCursor
from app.ui.clock_axis import ClockAxis
from app.ui.theme import is_dark
from app.ui.timed_lists import format_clock, format_offset
from app.ui.timeline_mark import TimelineMark
from app.ui.timeline_view_box import TimelineViewBox

DRAG_INTERVAL_MS = 80
"""Least time between two cursor updates while the line is dragged (leading + trailing)."""
DENSITY_BINS = 200
TIMELINE_HEIGHT = 132
"""Whole widget (legend row + plot + axis): a strip that leaves the player its height."""

# Vertical layout of the plot, in view units (the y range is fixed to 0..1).
DENSITY_TOP = 0.30
ROWS_BOTTOM, ROWS_TOP = 0.42, 0.90
MIN_VIEW_S = 0.5  # deepest zoom: half a second across the strip
LABEL_CHARS = 200  # tooltips show at most this much of a marker's label


@dataclass(frozen=True)
class TimelineMarker:
    """One thing that happened at a moment: a row and colour by ``kind``, a tooltip."""

    ts_ms: int  # epoch ms
    kind: str  # "divergence" | "action" | "load" | "error" | "frustration" | "finding" | "search"
    label: str  # tooltip text, e.g. "click on 'Place order'"


@dataclass(frozen=True)
class TimelineData:
    """Everything the strip draws for one session (built by the screen from the store)."""

    start_ms: int
    end_ms: int
    markers: list[TimelineMarker] = field(default_factory=list)
    activity_ms: list[int] = field(default_factory=list)
    """Timestamps of user-interaction events; the density band is a histogram of them."""
    idle: list[tuple[int, int]] = field(default_factory=list)
    """Inactive stretches (start ms, end ms), shaded."""
    gaps: list[tuple[int, int]] = field(default_factory=list)
    """Stretches with no recorded event at all (a lost batch, a pause): shaded darker."""


@dataclass(frozen=True)
class _KindStyle:
    title: str  # legend and tooltip name (plural for the legend is title + "s")
    colours: tuple[str, str]  # on a light background, on a dark one
    symbol: str
    size: int

    def colour(self, palette: QPalette) -> QColor:
        """Readable (≥ 3:1) on the timeline's background in ``palette``."""
        light, dark = self.colours
        return QColor(dark if is_dark(palette) else light)


# Top-to-bottom row order; only kinds present in a session get a row, so the common
# "actions, loads, errors" session uses the height for three legible rows.
KIND_STYLES: dict[str, _KindStyle] = {
    "divergence": _KindStyle("First divergence", ("#d6336c", "#f783ac"), "star", 16),
    "load": _KindStyle("Load", ("#1c5fb8", "#74c0fc"), "|", 15),
    "navigation": _KindStyle("Navigation", ("#1c5fb8", "#74c0fc"), "|", 15),
    "action": _KindStyle("Action", ("#495057", "#ced4da"), "|", 11),
    "frustration": _KindStyle("Frustration", ("#e8590c", "#ff922b"), "t", 9),
    "error": _KindStyle("Error", ("#c92a2a", "#ff8787"), "d", 9),
    "finding": _KindStyle("Finding", ("#7048e8", "#b197fc"), "s", 8),
    "search": _KindStyle("Search hit", ("#0c8599", "#66d9e8"), "o", 8),
}
_OTHER_STYLE = _KindStyle("Other", ("#868e96", "#adb5bd"), "|", 11)
CURSOR_COLOUR = "#f08c00"
IDLE_COLOUR = (134, 142, 150, 55)
GAP_COLOUR = (73, 80, 87, 110)
DENSITY_COLOUR = (76, 110, 150)


def kind_style(kind: str) -> _KindStyle:
    """Style of a marker kind; unknown kinds (added later) still show, in grey."""
    return KIND_STYLES.get(kind, _OTHER_STYLE)


def signed_offset(ms: int) -> str:
    """``+m:ss.s`` (the sign says it is an offset, not a clock time)."""
    text = format_offset(ms)
    return text if text.startswith("-") else "+" + text


class _CursorLabel(pg.InfLineLabel):
    """The cursor line's label, rendered by a function of the line's value (seconds).

    ``InfLineLabel`` only knows ``str.format`` templates; the wall clock with milliseconds
    and the offset need a function."""

    def __init__(self, line: pg.InfiniteLine, render: Callable[[float], str], **kwds: Any):
        self._render = render
        super().__init__(line, **kwds)

    def valueChanged(self) -> None:
        if not self.isVisible():
            return
        self.setText(self._render(self.line.value()))
        self.updatePosition()


class TimelineWidget(QWidget):
    """Wall-clock timeline of one session with a draggable cursor bound to a TimeCursor."""

    SOURCE = "timeline"  # exact seeks (click, release of a drag)
    DRAG_SOURCE = "timeline-drag"  # live scrubbing while the cursor line is dragged (throttled)

    def __init__(self, cursor: TimeCursor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cursor = cursor
        self.data = TimelineData(0, 0)
        self._activity_s = np.empty(0)
        self._pending_drag_ms: int | None = None
        self.marker_items: dict[str, pg.ScatterPlotItem] = {}
        self._counts: dict[str, int] = {}
        self.idle_items: list[pg.LinearRegionItem] = []

        palette = self.palette()
        background = palette.color(QPalette.ColorRole.Base)
        foreground = palette.color(QPalette.ColorRole.Text)
        small = QFont(self.font())
        small.setPointSizeF(max(self.font().pointSizeF() * 0.85, 7.0))

        self.view_box = TimelineViewBox(self._click_at)
        self.axis = ClockAxis()
        self.plot = pg.PlotWidget(viewBox=self.view_box, axisItems={"bottom": self.axis})
        self.plot.setBackground(background)
        self.plot.viewport().installEventFilter(self)
        item = self.plot.getPlotItem()
        item.hideAxis("left")
        item.hideButtons()
        item.setMenuEnabled(False)
        item.layout.setContentsMargins(2, 2, 8, 0)
        item.showGrid(x=True, alpha=0.12)
        self.axis.setPen(pg.mkPen(foreground))
        self.axis.setTextPen(pg.mkPen(foreground))
        self.axis.setStyle(tickFont=small, tickTextOffset=2, tickLength=4)
        self.axis.setHeight(20)
        self.view_box.setMouseEnabled(x=True, y=False)
        self.view_box.disableAutoRange()
        self.view_box.setYRange(0, 1, padding=0)
        self.view_box.setLimits(yMin=0, yMax=1)
        self.view_box.sigXRangeChanged.connect(lambda *_: self._update_density())

        self.density_item = pg.PlotDataItem(
            [0.0, 1.0],
            [0.0],
            stepMode="center",
            fillLevel=0,
            pen=pg.mkPen((*DENSITY_COLOUR, 150), width=1),
            brush=pg.mkBrush((*DENSITY_COLOUR, 70)),
        )
        self.density_item.setZValue(-5)
        self.plot.addItem(self.density_item)

        label_fill = QColor(background)
        label_fill.setAlpha(215)
        self.line = pg.InfiniteLine(
            angle=90,
            movable=True,
            pen=pg.mkPen(CURSOR_COLOUR, width=2),
            hoverPen=pg.mkPen(CURSOR_COLOUR, width=3),
            markers=[("v", 1.0, 11)],
        )
        self.line.setZValue(20)
        self.line.setCursor(Qt.CursorShape.SizeHorCursor)
        self.time_label = _CursorLabel(
            self.line,
            self._label_text,
            position=0.0,
            anchors=[(0, 1), (1, 1)],
            color=foreground,
            fill=label_fill,
        )
        self.time_label.setFont(small)
        self.line.label = self.time_label
        self.plot.addItem(self.line, ignoreBounds=True)
        self.mark = TimelineMark(self.plot, cursor)
        self.view_box.on_shift_drag = self.mark.drag
        self.line.sigDragged.connect(self._on_line_dragged)
        self.line.sigPositionChangeFinished.connect(self._on_line_released)

        self._drag_timer = QTimer(self)
        self._drag_timer.setSingleShot(True)
        self._drag_timer.setInterval(DRAG_INTERVAL_MS)
        self._drag_timer.timeout.connect(self._flush_drag)

        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setFont(small)
        self.fit_button = QToolButton(text="Fit all")
        self.fit_button.setFont(small)
        self.fit_button.setAutoRaise(True)
        self.fit_button.setToolTip(
            "Show the whole session (or double-click the timeline). "
            "Wheel zooms, dragging the background pans, clicking seeks."
        )
        self.fit_button.clicked.connect(self.fit)
        header = QHBoxLayout()
        header.setContentsMargins(6, 0, 2, 0)
        header.setSpacing(4)
        header.addWidget(self.legend, 1)
        header.addWidget(self.fit_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(header)
        layout.addWidget(self.plot, 1)
        self.setFixedHeight(TIMELINE_HEIGHT)

        cursor.range_changed.connect(self._on_range_changed)
        cursor.time_changed.connect(self._on_time_changed)
        self._on_range_changed(cursor.start(), cursor.end())
        self.set_data(self.data)

    def changeEvent(self, event: QEvent) -> None:
        """Follow a light/dark palette change (the timeline was drawn in the old colours)."""
        if event.type() == QEvent.Type.PaletteChange:
            palette = self.palette()
            background = palette.color(QPalette.ColorRole.Base)
            foreground = palette.color(QPalette.ColorRole.Text)
            self.plot.setBackground(background)
            self.axis.setPen(pg.mkPen(foreground))
            self.axis.setTextPen(pg.mkPen(foreground))
            fill = QColor(background)
            fill.setAlpha(215)
            self.time_label.setColor(foreground)
            self.time_label.fill = pg.mkBrush(fill)
            self.time_label.update()
            for kind, item in self.marker_items.items():
                tint = kind_style(kind).colour(palette)
                item.setPen(pg.mkPen(tint, width=2))
                item.setBrush(pg.mkBrush(tint))
            self.legend.setText(self._legend_html(self._counts))
        super().changeEvent(event)

    # ---- data ------------------------------------------------------------------------------
    def set_data(self, data: TimelineData) -> None:
        """Show a session: markers by kind, activity density, idle shading; fit the view."""
        self.data = data
        for old in [*self.marker_items.values(), *self.idle_items]:
            self.plot.removeItem(old)
        self.marker_items, self.idle_items = {}, []

        by_kind: dict[str, list[TimelineMarker]] = {}
        for marker in sorted(data.markers, key=lambda m: m.ts_ms):
            by_kind.setdefault(marker.kind, []).append(marker)
        order = list(KIND_STYLES)
        kinds = sorted(by_kind, key=lambda k: (order.index(k) if k in order else len(order), k))
        for kind, row_y in zip(kinds, self._row_positions(len(kinds)), strict=True):
            self.marker_items[kind] = self._marker_item(kind, by_kind[kind], row_y)

        # No tooltip per stretch: item tooltips win over the markers' (pyqtgraph puts those on
        # the ViewBox), so an error in an idle stretch would read "inactive". The legend has it.
        shaded = [(*s, IDLE_COLOUR) for s in data.idle] + [(*s, GAP_COLOUR) for s in data.gaps]
        for start_ms, end_ms, colour in shaded:
            region = pg.LinearRegionItem(
                values=(start_ms / 1000, end_ms / 1000),
                movable=False,
                brush=pg.mkBrush(colour),
                pen=pg.mkPen(None),
            )
            region.setZValue(-10)
            self.plot.addItem(region, ignoreBounds=True)
            self.idle_items.append(region)

        self._activity_s = np.sort(np.asarray(data.activity_ms, dtype=np.float64)) / 1000
        self._counts = {kind: len(by_kind[kind]) for kind in kinds}
        self.legend.setText(self._legend_html(self._counts))
        first, last = self._x_extent()
        self.view_box.setLimits(
            xMin=first,
            xMax=last,
            minXRange=min(MIN_VIEW_S, last - first),
            maxXRange=last - first,
        )
        self.fit()
        self.line.setValue(self.cursor.time() / 1000)
        self.time_label.valueChanged()  # the offset's base may have changed

    def fit(self) -> None:
        """Zoom out to the whole session."""
        first, last = self._x_extent()
        self.view_box.setXRange(first, last, padding=0)
        self._update_density()

    def _x_extent(self) -> tuple[float, float]:
        """The session in seconds with a little margin, so edge markers are not cut in half."""
        start, end = self.data.start_ms / 1000, self.data.end_ms / 1000
        pad = max((end - start) * 0.01, 0.25) if end > start else 1.0
        return start - pad, end + pad

    @staticmethod
    def _row_positions(count: int) -> list[float]:
        if count <= 1:
            return [(ROWS_BOTTOM + ROWS_TOP) / 2] * count
        step = (ROWS_TOP - ROWS_BOTTOM) / (count - 1)
        return [ROWS_TOP - i * step for i in range(count)]

    def _marker_item(
        self, kind: str, markers: list[TimelineMarker], y: float
    ) -> pg.ScatterPlotItem:
        """One scatter item per kind, with one pen and brush for all its points (fast)."""
        style = kind_style(kind)
        colour = style.colour(self.palette())
        data = np.empty(len(markers), dtype=object)
        data[:] = markers
        item = pg.ScatterPlotItem(
            x=np.fromiter((m.ts_ms for m in markers), np.float64, len(markers)) / 1000,
            y=np.full(len(markers), y),
            data=data,
            symbol=style.symbol,
            size=style.size,
            pen=pg.mkPen(colour, width=2),
            brush=pg.mkBrush(colour),
            hoverable=True,
            hoverSize=style.size + 4,
            tip=self._marker_tip,
            name=kind,
        )
        item.setZValue(5)
        item.sigClicked.connect(self._on_marker_clicked)
        self.plot.addItem(item)
        return item

    def _legend_html(self, counts: dict[str, int]) -> str:
        """Colour key with counts, in row order (the rows themselves carry no names)."""
        parts = []
        for kind, count in counts.items():
            style = kind_style(kind)
            name = style.title + ("s" if count != 1 else "")
            tint = style.colour(self.palette()).name()
            parts.append(f'<span style="color:{tint}">■</span> {count:,} {name}')
        if self.data.idle:
            idle_ms = sum(b - a for a, b in self.data.idle)
            parts.append(f'<span style="color:#adb5bd">■</span> inactive {format_offset(idle_ms)}')
        if gap_ms := sum(b - a for a, b in self.data.gaps):
            parts.append(
                f'<span style="color:#495057">■</span> not recorded {format_offset(gap_ms)}'
            )
        if self.data.activity_ms:
            parts.append('<span style="color:#7d95b0">▁▃▅</span> activity')
        return "&nbsp;&nbsp;&nbsp;".join(parts) if parts else "No events in this session"

    def _update_density(self) -> None:
        """Histogram of the activity in the visible range, scaled to the lower band.

        Re-binned on zoom so a zoomed-in view shows detail, not one wide block."""
        (lo, hi), _ = self.view_box.viewRange()
        start, end = self.data.start_ms / 1000, self.data.end_ms / 1000
        lo, hi = max(lo, start), min(hi, end)
        if self._activity_s.size == 0 or hi <= lo:
            self.density_item.setData([0.0, 1.0], [0.0], stepMode="center")
            self.density_item.setVisible(False)
            return
        counts, edges = np.histogram(self._activity_s, bins=DENSITY_BINS, range=(lo, hi))
        peak = counts.max()
        heights = counts * (DENSITY_TOP / peak) if peak else counts.astype(np.float64)
        self.density_item.setData(edges, heights, stepMode="center")
        self.density_item.setVisible(True)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """A double click anywhere on the plot fits the session (its first click seeks).

        Done on Qt's double-click event, not pyqtgraph's ``MouseClickEvent.double()``:
        pyqtgraph only delivers that at a release following the double-click event, which
        does not always come (QTest sends none), and a pending one would later be set off
        by an ordinary click. Consuming the event keeps pyqtgraph out of it."""
        if (
            watched is self.plot.viewport()
            and event.type() == QEvent.Type.MouseButtonDblClick
            and isinstance(event, QMouseEvent)
            and event.button() == Qt.MouseButton.LeftButton
        ):
            self.fit()
            return True
        return super().eventFilter(watched, event)

    # ---- model → view ----------------------------------------------------------------------
    def _on_range_changed(self, start_ms: int, end_ms: int) -> None:
        self.line.setBounds([start_ms / 1000, end_ms / 1000])
        self.time_label.valueChanged()  # offsets count from the new start

    def _on_time_changed(self, t_ms: int, source: str) -> None:
        """Follow other views; own seeks and a line held by the user are left alone."""
        if source in (self.SOURCE, self.DRAG_SOURCE) or self.line.moving:
            return
        x = t_ms / 1000
        self.line.setValue(x)
        (lo, hi), _ = self.view_box.viewRange()
        if not lo <= x <= hi:
            # Zoomed in and the replay ran out of view: turn the page, keeping the zoom.
            width = hi - lo
            self.view_box.setXRange(x - width * 0.1, x + width * 0.9, padding=0)

    def _label_text(self, x_s: float) -> str:
        t_ms = round(x_s * 1000)
        return f"{format_clock(t_ms)}  {signed_offset(t_ms - self.cursor.start())}"

    # ---- view → model ----------------------------------------------------------------------
    def _seek(self, t_ms: int, source: str) -> None:
        """Exact seek; the line then shows where the cursor really is (it clamps)."""
        self._drag_timer.stop()
        self._pending_drag_ms = None
        self.cursor.set_time(t_ms, source)
        self.line.setValue(self.cursor.time() / 1000)

    def _click_at(self, x_s: float) -> None:
        self._seek(round(x_s * 1000), self.SOURCE)

    def _on_marker_clicked(self, _item: Any, points: Sequence[Any], ev: Any) -> None:
        if len(points) == 0:
            return
        x = ev.pos().x()
        nearest = min(points, key=lambda p: abs(p.pos().x() - x))
        self._seek(nearest.data().ts_ms, self.SOURCE)

    def _on_line_dragged(self, _line: Any) -> None:
        """Throttle: the first step seeks at once, later ones at most every interval."""
        self._pending_drag_ms = round(self.line.value() * 1000)
        if not self._drag_timer.isActive():
            self._flush_drag()

    def _flush_drag(self) -> None:
        if self._pending_drag_ms is None:
            return
        t_ms, self._pending_drag_ms = self._pending_drag_ms, None
        self.cursor.set_time(t_ms, self.DRAG_SOURCE)
        self._drag_timer.start()

    def _on_line_released(self, _line: Any) -> None:
        self._seek(round(self.line.value() * 1000), self.SOURCE)

    # ---- tooltips --------------------------------------------------------------------------
    def _marker_tip(self, x: float, y: float, data: Any) -> str:
        marker: TimelineMarker = data
        label = marker.label
        if len(label) > LABEL_CHARS:
            label = label[: LABEL_CHARS - 1] + "…"
        when = (
            f"{format_clock(marker.ts_ms)} UTC  {signed_offset(marker.ts_ms - self.cursor.start())}"
        )
        return f"{kind_style(marker.kind).title} · {when}\n{label}"
