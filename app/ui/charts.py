"""What the charts and cards of several screens share: colours, bucket widths, the span
shown, the headline card and the view box that selects a time range.

Why a module of its own: the dashboard and the Errors screen draw the same kind of chart;
neither screen may import the other.
"""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QEnterEvent, QFont, QKeyEvent, QMouseEvent, QPalette
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout

from app.store.filters import SessionFilter

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
    m * 60_000 for m in (1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440)
]  # fmt: skip
TARGET_BUCKETS = 120
APDEX_SHADES = (
    (0.94, 1.02, "Excellent"), (0.85, 0.94, "Good"), (0.7, 0.85, "Fair"), (0.5, 0.7, "Poor"),
    (0.0, 0.5, "Unacceptable"),
)  # fmt: skip
CONVERSION_BUCKETS = 7


def bucket_width(span_ms: int, target: int = TARGET_BUCKETS) -> int:
    """A round bucket width giving about ``target`` buckets across ``span_ms``."""
    wanted = max(1, span_ms // max(1, target))
    return next((w for w in NICE_BUCKETS_MS if w >= wanted), NICE_BUCKETS_MS[-1])


def per_minute_label(width_ms: int) -> str:
    minutes = width_ms // 60_000
    return "per minute" if minutes <= 1 else f"per minute (averaged over {format_width(width_ms)})"


def format_width(width_ms: int) -> str:
    minutes = width_ms // 60_000
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h"


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
