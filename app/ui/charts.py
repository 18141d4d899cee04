"""What the time charts of several screens share: colours, bucket widths, the span shown.

Why a module of its own: the dashboard and the Errors screen draw the same kind of chart;
neither screen may import the other.
"""

from __future__ import annotations

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
