"""WCAG contrast of what was painted: relative luminance, contrast ratio, and the "ink" of a
region (its pixel that stands out most from the background), for readability tests."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage


def relative_luminance(colour: QColor) -> float:
    """WCAG 2.x relative luminance of an sRGB colour (0 black … 1 white)."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * linear(colour.redF())
        + 0.7152 * linear(colour.greenF())
        + 0.0722 * linear(colour.blueF())
    )


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio, 1 (none) … 21 (black on white)."""
    light, dark = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def pixels(image: QImage, rect: QRect | None = None) -> list[QColor]:
    area = (rect or image.rect()).intersected(image.rect())
    return [
        image.pixelColor(x, y)
        for y in range(area.top(), area.bottom() + 1)
        for x in range(area.left(), area.right() + 1)
    ]


def ink(image: QImage, background: QColor, rect: QRect | None = None) -> QColor:
    """The pixel of ``rect`` that contrasts most with ``background`` (a glyph's core)."""
    return max(pixels(image, rect), key=lambda c: contrast_ratio(c, background))


def main_ink(image: QImage, background: QColor) -> QColor:
    """The most common colour that is not the background: the fill of a solid glyph."""
    counts = Counter(c.rgb() for c in pixels(image) if contrast_ratio(c, background) > 1.05)
    assert counts, "nothing is painted on the background"
    return QColor.fromRgb(counts.most_common(1)[0][0])
