"""What a clip paints over the replayed page: the cursor, click ripples and a caption.

Why painted rather than the replay's own cursor: a clip is rendered by seeking to each
frame, and rrweb moves its cursor (and plays its click animation) only while it plays; a
seek leaves it where the last batch of moves ended, half-way through a CSS transition.
Painted here from :mod:`app.export.clip_plan`, the cursor is where the user's pointer was
at the frame's time, and a click shows as a ring that grows and fades.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPainterPath, QPen

from app.export.clip_plan import PlannedFrame

RIPPLE_COLOUR = QColor(73, 80, 246)  # rrweb's click blue, on a white halo: seen on any page
CURSOR_HEIGHT = 22.0
CAPTION_POINT_PX = 17


@dataclass(frozen=True)
class PageBox:
    """Where the recorded page sits in the grabbed image: its top-left corner and scale."""

    left: float
    top: float
    scale: float

    def place(self, x: float, y: float) -> QPointF:
        return QPointF(self.left + x * self.scale, self.top + y * self.scale)


def _arrow(tip: QPointF, height: float) -> QPainterPath:
    """A classic pointer arrow with its tip at ``tip``."""
    unit = height / 22
    points = [(0, 0), (0, 17), (4.2, 13.2), (7, 20), (10, 18.8), (7.3, 12.2), (12.6, 12.2)]
    path = QPainterPath(tip)
    for x, y in points[1:]:
        path.lineTo(tip.x() + x * unit, tip.y() + y * unit)
    path.closeSubpath()
    return path


def paint_overlay(image: QImage, frame: PlannedFrame, box: PageBox) -> None:
    """Draw ``frame``'s ripples, cursor and caption onto ``image`` (in place)."""
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    for ripple in frame.ripples:
        centre = box.place(ripple.x, ripple.y)
        radius = 10 + 30 * ripple.age
        fade = 1 - ripple.age
        halo, ring, fill = QColor(255, 255, 255), QColor(RIPPLE_COLOUR), QColor(RIPPLE_COLOUR)
        halo.setAlphaF(0.9 * fade)
        ring.setAlphaF(0.95 * fade)
        fill.setAlphaF(0.3 * fade)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(halo, 7))
        painter.drawEllipse(centre, radius, radius)
        painter.setPen(QPen(ring, 3))
        painter.setBrush(fill)
        painter.drawEllipse(centre, radius, radius)
    if frame.cursor is not None:
        path = _arrow(box.place(*frame.cursor), CURSOR_HEIGHT)
        painter.setPen(QPen(QColor(0, 0, 0), 1.5))
        painter.setBrush(QColor(255, 255, 255))
        painter.drawPath(path)
    if frame.caption:
        _caption(painter, image, frame.caption)
    painter.end()


def _caption(painter: QPainter, image: QImage, text: str) -> None:
    """The caption on a dark band along the bottom edge, elided to the image's width."""
    font = QFont()
    font.setPixelSize(CAPTION_POINT_PX)
    font.setWeight(QFont.Weight.DemiBold)
    painter.setFont(font)
    metrics = painter.fontMetrics()
    pad = 8
    height = metrics.height() + 2 * pad
    band = QRectF(0, image.height() - height, image.width(), height)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(0, 0, 0, 190))
    painter.drawRect(band)
    painter.setPen(QColor(255, 255, 255))
    shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(image.width() - 2 * pad))
    painter.drawText(band.adjusted(pad, 0, -pad, 0), Qt.AlignmentFlag.AlignVCenter, shown)
