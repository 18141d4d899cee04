"""What the charts and cards of several screens share: colours, bucket widths, the span
shown, the headline card and the view box that selects a time range.

Why a module of its own: the dashboard and the Errors screen draw the same kind of chart;
neither screen may import the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QEnterEvent, QFont, QKeyEvent, QMouseEvent, QPalette
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout

from app.store.filters import SessionFilter
from app.ui.clock_axis import clock_label, clock_spacing
from app.ui.theme import style_plot

TYPE_NAMES = {"load": "Load", "xhr": "XHR", "custom": "Custom"}
TYPE_COLOURS = {"load": "#3b6fb6", "xhr": "#2a9d8f", "custom": "#9aa5b1"}
BAND_COLOURS = {
    "Excellent": "#1f9d55",
    "Good": "#5cb85c",
    "Fair": "#e0a800",
    "Poor": "#e8590c",
    "Unacceptable": "#c92a2a",
    "No data": "#868e96",
}
ERROR_COLOUR = "#c92a2a"
CONVERSION_COLOUR = "#6741d9"
RELEASE_COLOUR = "#e8590c"
NICE_BUCKETS_MS = [
    *(s * 1000 for s in (1, 2, 5, 10, 15, 30)),
    *(m * 60_000 for m in (1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440)),
]  # fmt: skip
TARGET_BUCKETS = 120
MINUTE_BUCKETS_FROM_MS = 10 * 60_000
"""Spans at least this long are bucketed by whole minutes (rates per minute read naturally);
shorter ones by seconds, so a 10-second recording still draws several bars, not one block."""
APDEX_SHADES = (
    (0.94, 1.05, "Excellent"), (0.85, 0.94, "Good"), (0.7, 0.85, "Fair"), (0.5, 0.7, "Poor"),
    (0.0, 0.5, "Unacceptable"),
)  # fmt: skip
CONVERSION_BUCKETS = 7


def bucket_width(span_ms: int, target: int = TARGET_BUCKETS) -> int:
    """A round bucket width giving about ``target`` buckets across ``span_ms`` (at least a
    minute for spans of :data:`MINUTE_BUCKETS_FROM_MS` or more, else at least a second)."""
    floor = 60_000 if span_ms >= MINUTE_BUCKETS_FROM_MS else 1_000
    wanted = max(floor, span_ms // max(1, target))
    return next((w for w in NICE_BUCKETS_MS if w >= wanted), NICE_BUCKETS_MS[-1])


def format_width(width_ms: int) -> str:
    if width_ms < 60_000:
        return f"{width_ms // 1000} s"
    minutes = width_ms // 60_000
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h"


def rate_scale(width_ms: int, what: str) -> tuple[float, str]:
    """How to turn a bucket's count into the rate a chart shows, and its (short) axis title.

    Buckets of a minute or more show a rate per minute (comparable across zoom levels);
    second buckets of a very short archive show their count ("3 / 5 s" reads better than
    "36 / min" for a 10-second recording). The bucket width goes under the time axis
    (:func:`time_label`): a longer rotated title is clipped on a short chart.
    """
    if width_ms < 60_000:
        return 1.0, f"{what} / {format_width(width_ms)}"
    return width_ms / 60_000, f"{what} / min"


def time_label(width_ms: int) -> str:
    return f"time (UTC), {format_width(width_ms)} buckets"


BAR_FILL = 0.8
"""The share of its bucket a bar covers: the rest is the gap that keeps neighbours apart."""


def bar_width(width_ms: int) -> float:
    """A bar's width in seconds (the charts' x unit) for buckets of ``width_ms``."""
    return width_ms / 1000 * BAR_FILL


def x_range(span: tuple[int, int], starts: Sequence[int], width: int) -> tuple[float, float]:
    """The x range (s) of a time chart: the span shown, widened to show the first and the
    last bucket's bar whole."""
    first = min(span[0], *starts[:1])
    last = max(span[1], *(start + width for start in starts[-1:]))
    return first / 1000, last / 1000


def y_range(plot: pg.PlotWidget, highest: float, least: float = 0.0) -> None:
    """Counts start at 0 — never negative values, which pyqtgraph's auto-range showed for a
    chart of zeros (a chart of nothing shows 0 … 1) — and the tallest bar keeps some room
    above it; at least 0 … ``least`` is shown (a scale that does not jump with little data)."""
    top = highest * 1.1 if highest > 0 else 1.0  # NaN compares False: nothing to show
    plot.setYRange(0, max(top, least), padding=0)


def shown_span(archive: tuple[int, int] | None, f: SessionFilter) -> tuple[int, int] | None:
    """The time the charts cover: the selected range, else the archive's span."""
    if archive is None:
        return None
    first = f.start_ms if f.start_ms is not None else archive[0]
    last = f.end_ms if f.end_ms is not None else archive[1]
    return first, last


class Card(QFrame):
    """A headline number with a caption above and a detail line below; a click on it leads
    to the view that explains the number (``link`` says where, in its tooltip)."""

    clicked = Signal()

    def __init__(self, caption: str, link: str = "") -> None:
        super().__init__()
        self.setObjectName("card")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        # palette roles, not a style sheet: a sheet's palette(...) is read once and would
        # keep a light card in a dark window
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.setAutoFillBackground(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(2)
        self.caption = QLabel(caption)
        self.value = QLabel("—")
        font = QFont(self.value.font())
        font.setPointSizeF(font.pointSizeF() * 2.0)
        font.setBold(True)
        self.value.setFont(font)
        self.detail = QLabel("")
        self.detail.setWordWrap(True)
        for label in (self.caption, self.detail):
            label.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # muted, both themes
        layout.addWidget(self.caption)
        layout.addWidget(self.value)
        layout.addWidget(self.detail)
        self.link = link
        if link:
            self.setCursor(Qt.CursorShape.PointingHandCursor)
            self.setToolTip(f"Click: {link}")
            self.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # and Enter/Space from the keyboard

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if (
            self.link
            and event.button() == Qt.MouseButton.LeftButton
            and self.rect().contains(event.position().toPoint())
        ):
            self.clicked.emit()
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.link and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit()
            return
        super().keyPressEvent(event)

    def enterEvent(self, event: QEnterEvent) -> None:
        if self.link:  # lit up under the pointer: this is a link
            self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        super().enterEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self.setBackgroundRole(QPalette.ColorRole.Base)
        super().leaveEvent(event)

    def show_value(self, value: str, detail: str, colour: str | None = None) -> None:
        self.value.setText(value)
        self.value.setStyleSheet(f"color: {colour};" if colour else "")
        self.detail.setText(detail)


class RangeViewBox(pg.ViewBox):
    """A view box where a left-drag selects a time range instead of panning."""

    range_dragged = Signal(float, float, bool)
    """(start s, end s, finished)"""
    clicked = Signal(float)
    """(s) — a left click at this time"""

    def mouseDragEvent(self, ev: Any, axis: int | None = None) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            super().mouseDragEvent(ev, axis)
            return
        ev.accept()
        start = self.mapSceneToView(ev.buttonDownScenePos()).x()
        now = self.mapSceneToView(ev.scenePos()).x()
        self.range_dragged.emit(min(start, now), max(start, now), bool(ev.isFinish()))

    def mouseClickEvent(self, ev: Any) -> None:
        if ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()
            self.clicked.emit(self.mapSceneToView(ev.scenePos()).x())
        else:
            super().mouseClickEvent(ev)


def title_legend(colours: dict[str, str], names: dict[str, str]) -> str:
    """A legend to write after a chart's title (rich text): one inside the chart covered
    its bars."""
    return "".join(
        f'&nbsp;&nbsp; <span style="color: {colours[key]}">■</span>&nbsp;{name}'
        for key, name in names.items()
    )


def curve(xs: Any, ys: Any, colour: str, size: int) -> pg.PlotDataItem | None:
    """A line through the finite points (gaps where a bucket has none), or ``None`` when no
    point is finite: pyqtgraph would take the range of an all-NaN array (a RuntimeWarning)."""
    if not np.isfinite(ys).any():
        return None
    return pg.PlotDataItem(
        xs, ys, pen=pg.mkPen(colour, width=2), connect="finite",
        symbol="o", symbolSize=size, symbolBrush=colour, symbolPen=None,
    )  # fmt: skip


CLOCK_TICKS_UNDER_S = 600
"""Spans shorter than this (s) get clock-time ticks on the time axis (see TimeAxis)."""


def time_plot(unit: str, view_box: pg.ViewBox | None = None, *, releases: bool = False):
    """A chart over UTC time as every screen draws one: grid, plain numbers, palette colours,
    and no auto-range "A" button (the screens set their ranges; the button only appeared
    after a drag, and clicking it threw the chosen range away). ``releases`` adds a
    :class:`ReleaseAxis` on top."""
    axes: dict[str, pg.AxisItem] = {"bottom": TimeAxis()}
    if releases:
        axes["top"] = ReleaseAxis()
    plot = pg.PlotWidget(viewBox=view_box, axisItems=axes)
    plot.hideButtons()
    plot.showGrid(x=True, y=True, alpha=0.15)
    for axis in ("left", "bottom"):
        plot.getAxis(axis).enableAutoSIPrefix(False)
    plot.setLabel("left", unit)
    plot.setLabel("bottom", "time (UTC)")
    if releases:
        plot.showAxis("top")
    style_plot(plot)
    return plot


class TimeAxis(pg.DateAxisItem):
    """pyqtgraph's UTC date axis, with clock times where it would print bare seconds.

    Why: under a few minutes in view (a short recording, a narrow range) the date axis
    labelled ticks "21.000, 22.000" — seconds of no minute — or only one tick; there the
    replay timeline's clock ticks are used (``HH:MM:SS``, clock-friendly steps that fit), and
    over longer spans pyqtgraph's dates and hours.
    """

    def __init__(self) -> None:
        super().__init__(utcOffset=0)

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, float]]:
        if maxVal - minVal < CLOCK_TICKS_UNDER_S:
            return clock_spacing(self, minVal, maxVal, size)
        return super().tickSpacing(minVal, maxVal, size)

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[Any]:
        if maxVal - minVal < CLOCK_TICKS_UNDER_S:  # the plain axis: ticks from tickSpacing
            return pg.AxisItem.tickValues(self, minVal, maxVal, size)
        return super().tickValues(minVal, maxVal, size)

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        if spacing * scale < 60:
            return [clock_label(v * scale, spacing * scale) for v in values]
        return super().tickStrings(values, scale, spacing)


class ReleaseAxis(pg.AxisItem):
    """An axis above a chart naming the releases at their times.

    Why an axis: labels drawn inside the chart covered its points and bars; here they have a
    row of their own. A label is moved sideways to stay within the axis instead of being
    dropped when its release lies near an edge (the first release often starts the archive).
    """

    def __init__(self) -> None:
        super().__init__("top", textPen=RELEASE_COLOUR)  # its line: style_plot's axis colour
        # keep every label (moved inside below), never hide one for crossing an edge
        self.setStyle(hideOverlappingLabels=200)
        self.set_releases([])

    def setGrid(self, grid: Any) -> None:
        """No grid lines of its own (the releases have their dashed lines): with a grid, an
        axis's bounds are the chart's, and a label crossing them is dropped, not moved."""
        super().setGrid(False)

    def set_releases(self, releases: list[tuple[int, str]]) -> None:
        """(epoch ms, version) of each release."""
        self.setTicks([[(at / 1000, f"release {version}") for at, version in releases], []])

    def generateDrawSpecs(self, p: Any) -> Any:
        specs = super().generateDrawSpecs(p)
        if specs is None:
            return None
        axis, ticks, texts = specs
        inside = self.mapRectFromParent(self.geometry())
        moved = []
        for rect, flags, text in texts:
            shift = max(0.0, inside.left() - rect.left()) - max(0.0, rect.right() - inside.right())
            moved.append((rect.translated(shift, 0), flags, text))
        return axis, ticks, moved
