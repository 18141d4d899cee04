"""The replay's transport glyphs (⏮ ⏪ ▶ ⏸ ⏩ ⏭), drawn in the palette's colours.

Why not the style's standard media icons: they are fixed dark-grey pixmaps, which vanish on a
dark palette. These are vector shapes filled with the palette's button text colour (and its
disabled colour for the disabled state), made again whenever the palette changes.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPalette, QPixmap, QPolygonF

SIZE = 16  # the glyphs are drawn on a 16 × 16 grid
_SCALES = (1, 2)  # pixmaps for normal and high-density screens


def _triangle(path: QPainterPath, tip_x: float, base_x: float, top: float, bottom: float) -> None:
    middle = (top + bottom) / 2
    points = [QPointF(base_x, top), QPointF(tip_x, middle), QPointF(base_x, bottom)]
    path.addPolygon(QPolygonF(points))
    path.closeSubpath()


def glyph_path(name: str) -> QPainterPath:
    """The outline of a glyph on the 16 × 16 grid: play, pause, back, forward, previous, next."""
    path = QPainterPath()
    if name == "play":
        _triangle(path, 13.5, 3.5, 2, 14)
    elif name == "pause":
        path.addRect(QRectF(3.5, 2.5, 3.5, 11))
        path.addRect(QRectF(9, 2.5, 3.5, 11))
    elif name == "back":
        _triangle(path, 0.5, 8, 3, 13)
        _triangle(path, 7.5, 15, 3, 13)
    elif name == "forward":
        _triangle(path, 15.5, 8, 3, 13)
        _triangle(path, 8.5, 1, 3, 13)
    elif name == "previous":
        path.addRect(QRectF(2, 3, 2.5, 10))
        _triangle(path, 4.5, 14, 3, 13)
    elif name == "next":
        path.addRect(QRectF(11.5, 3, 2.5, 10))
        _triangle(path, 11.5, 2, 3, 13)
    else:
        raise ValueError(f"no glyph named {name!r}")
    return path.simplified()


def _pixmap(path: QPainterPath, colour: QColor, scale: int) -> QPixmap:
    pixmap = QPixmap(SIZE * scale, SIZE * scale)
    pixmap.setDevicePixelRatio(scale)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.fillPath(path, colour)
    painter.end()
    return pixmap


def glyph_icon(name: str, palette: QPalette) -> QIcon:
    """An icon of glyph ``name`` in ``palette``'s button text colour (disabled: its disabled
    button text colour)."""
    path = glyph_path(name)
    icon = QIcon()
    role = QPalette.ColorRole.ButtonText
    for group, mode in (
        (QPalette.ColorGroup.Active, QIcon.Mode.Normal),
        (QPalette.ColorGroup.Active, QIcon.Mode.Active),
        (QPalette.ColorGroup.Disabled, QIcon.Mode.Disabled),
    ):
        for scale in _SCALES:
            icon.addPixmap(_pixmap(path, palette.color(group, role), scale), mode)
    return icon
