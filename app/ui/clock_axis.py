"""The replay timeline's time axis: UTC wall-clock labels (``HH:MM:SS``) at every zoom.

Why not pyqtgraph's ``DateAxisItem``: below a minute it switches to bare seconds with
milliseconds ("46.000, 47.000"), so a short session's strip reads as numbers, not times.
Here the ticks step through clock-friendly intervals (1, 2, 5, 10, 15, 30 s, 1, 2, 5 … min,
hours) chosen so the labels fit, and every label is a clock time; only when zoomed in below
a second apart (less than two seconds in view) do they add tenths (``HH:MM:SS.s``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pyqtgraph as pg
from PySide6.QtGui import QFont, QFontMetrics

STEPS_S = (
    *(0.1, 0.2, 0.5),
    *(1, 2, 5, 10, 15, 30),
    *(60, 120, 300, 600, 900, 1800),
    *(3600, 7200, 10800, 21600, 43200, 86400),
)
"""Tick intervals in seconds, each a whole fraction of the next larger clock unit."""
LABEL_GAP_PX = 18  # room between two labels


def clock_label(value_s: float, spacing_s: float) -> str:
    """``HH:MM:SS`` of an epoch second in UTC (``HH:MM:SS.s`` for ticks under a second apart)."""
    tenths = round(value_s * 10)
    moment = datetime.fromtimestamp(tenths // 10, tz=UTC)
    text = moment.strftime("%H:%M:%S")
    return f"{text}.{tenths % 10}" if spacing_s < 1 else text


def clock_spacing(
    axis: pg.AxisItem, minVal: float, maxVal: float, size: float
) -> list[tuple[float, float]]:
    """Clock-friendly tick spacing for ``axis`` over ``minVal``…``maxVal`` seconds drawn in
    ``size`` pixels: one level, the smallest step of :data:`STEPS_S` whose labels fit side
    by side in the axis's tick font (also used by the dashboard's short time spans)."""
    span = maxVal - minVal
    if span <= 0 or size <= 0:
        return []
    font = axis.style.get("tickFont") or QFont()
    label_width = QFontMetrics(font).horizontalAdvance("00:00:00.0") + LABEL_GAP_PX
    fits = max(size / label_width, 1.0)
    # Whole seconds whenever two or more are in view; tenths only when zoomed closer.
    steps = STEPS_S if span < 2 else [s for s in STEPS_S if s >= 1]
    step = next((s for s in steps if span / s <= fits), steps[-1])
    return [(float(step), 0.0)]


class ClockAxis(pg.AxisItem):
    """A bottom axis over epoch seconds labelled with UTC clock times."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(orientation="bottom", **kwargs)

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, float]]:
        """One level of ticks, the smallest interval whose labels fit side by side."""
        return clock_spacing(self, minVal, maxVal, size)

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [clock_label(v * scale, spacing * scale) for v in values]
