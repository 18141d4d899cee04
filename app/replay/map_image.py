"""Click and scroll maps drawn over a frame the replay rendered (issue 21).

Why the replay's own frame: the map is drawn over the page as it was in a recorded session
(the DOM at a moment, with its styles), not a screenshot taken later or behind a login, and
the element boxes are asked of that same replayed document (``replayBoxes`` in the player),
so a box is where the element is in the frame shown.

Layers: ``elements`` (a box per element, coloured from cold blue to hot yellow by its share
of the hottest element's heat — clicks weighted by the trouble they met, or plain clicks,
:meth:`~app.maps.click_map.ElementClicks.heat` — its click count on it; error, rage and
dead clicks outline it in red, magenta and grey with their counts), ``raw`` (every click
where it was recorded, scaled from its own viewport to the frame's) and ``scroll`` (the
share of sessions reaching each depth, as a band from hot to cold down the page). A strip
along the bottom says what the colours mean.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QPainter, QPen

from app.maps import ClickMap, HeatMode, ScrollMap, click_map, ranked, scroll_map
from app.maps.click_map import TROUBLE_WEIGHT
from app.replay.frames import render_frames, start_qt
from app.store.filters import SessionFilter

if TYPE_CHECKING:
    from app.replay.scheme import WindowsProvider
    from app.state.tasks import TaskRunner
    from app.store.store import SessionStore

Layer = Literal["elements", "raw", "scroll"]
SIGNAL_COLOURS = {"error": "#e8112d", "rage": "#e0119d", "dead": "#8a8a8a"}
Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class MapFrame:
    """A rendered frame and where the map's elements are in it (image pixels)."""

    image: QImage
    boxes: dict[str, Box]
    viewport: Box
    """The replayed page's viewport within the image."""
    scale: float
    """Image pixels per page pixel."""
    scroll_y: float
    page_height: float


def render_map_frame(
    store: SessionStore,
    session_id: str,
    at_ms: int,
    selectors: list[str],
    size: tuple[int, int] = (1280, 800),
    tasks: TaskRunner | None = None,
    windows: WindowsProvider | None = None,
) -> MapFrame:
    """The replay of ``session_id`` at ``at_ms`` with the boxes of ``selectors`` (waits for
    it: for the command line and an export's job, never the window's GUI thread)."""
    with tempfile.TemporaryDirectory(prefix="ri-map-") as folder:
        frame = render_frames(
            store,
            session_id,
            [at_ms],
            Path(folder),
            size,
            windows=windows,
            tasks=tasks,
            selectors=selectors,
        )[0]
        image = QImage(str(frame.png))
    return map_frame_from(image, frame.layout)


def map_frame_from(image: QImage, found: dict[str, Any] | None) -> MapFrame:
    """The frame ``image`` with the player's ``replayBoxes`` answer ``found`` (page pixels)
    turned into image pixels."""
    layout: dict[str, Any] = found or {}
    ratio = image.width() / max(1.0, float(layout.get("viewWidth") or image.width()))
    boxes = {
        selector: (box[0] * ratio, box[1] * ratio, box[2] * ratio, box[3] * ratio)
        for selector, box in (layout.get("boxes") or {}).items()
        if box
    }
    left, top, width, height = layout.get("frame") or (0, 0, image.width(), image.height())
    return MapFrame(
        image,
        boxes,
        (left * ratio, top * ratio, width * ratio, height * ratio),
        float(layout.get("scale") or 1.0) * ratio,
        float(layout.get("scrollY") or 0.0),
        float(layout.get("pageHeight") or height),
    )


def heat_colour(share: float, alpha: int = 255) -> QColor:
    """Cold blue (few) through green to hot yellow (most); red is kept for error clicks."""
    share = min(1.0, max(0.0, share))
    hue = 0.62 - 0.47 * share  # 0.62 blue → 0.15 yellow-orange
    return QColor.fromHsvF(hue, 0.9, 1.0, alpha / 255)


def draw_map(
    frame: MapFrame,
    clicks: ClickMap | None,
    scrolls: ScrollMap | None,
    layer: Layer,
    heat: HeatMode = "trouble",
) -> QImage:
    """The frame with one layer of the map drawn over it and its legend (a new image)."""
    image = frame.image.convertToFormat(QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.fillRect(QRectF(*frame.viewport), QColor(0, 0, 0, 70))
    if layer == "scroll" and scrolls is not None:
        _draw_scroll(painter, frame, scrolls)
    elif layer == "raw" and clicks is not None:
        _draw_raw(painter, frame, clicks)
    elif clicks is not None:
        _draw_elements(painter, frame, clicks, heat)
    _draw_legend(painter, frame, legend_text(layer, heat))
    painter.end()
    return image


def legend_text(layer: Layer, heat: HeatMode = "trouble") -> str:
    """What the colours of ``layer`` mean, in one line (drawn on the map and shown beside
    it)."""
    if layer == "scroll":
        return "Colour: share of visiting sessions whose view reached this depth (yellow: all)"
    signals = "outlines: red error, magenta rage, grey dead clicks"
    if layer == "raw":
        return f"Dots: every click where it was recorded; {signals}"
    if heat == "trouble":
        return (
            f"Colour: clicks + {TROUBLE_WEIGHT}× clicks that went wrong (error, rage, dead), "
            f"yellow the hottest; badge: clicks; {signals}"
        )
    return f"Colour: clicks, yellow the most clicked; {signals}"


def _draw_legend(painter: QPainter, frame: MapFrame, text: str) -> None:
    """``text`` in a dark strip along the bottom of the replayed viewport."""
    left, top, width, height = frame.viewport
    font = QFont()
    font.setPixelSize(12)
    painter.setFont(font)
    strip = QRectF(left, top + height - 22, width, 22)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(0, 0, 0, 190))
    painter.drawRect(strip)
    painter.setPen(QColor("white"))
    painter.drawText(strip.adjusted(8, 0, -8, 0), Qt.AlignmentFlag.AlignVCenter, text)


def _badge(painter: QPainter, x: float, y: float, text: str, colour: QColor) -> float:
    """A rounded label at (x, y); its width, to put the next one after it."""
    font = QFont()
    font.setPixelSize(12)
    font.setBold(True)
    painter.setFont(font)
    width = painter.fontMetrics().horizontalAdvance(text) + 10
    rect = QRectF(x, y, width, 18)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawRoundedRect(rect, 4, 4)
    painter.setPen(QColor("black") if colour.lightnessF() > 0.55 else QColor("white"))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    return width


def _draw_elements(painter: QPainter, frame: MapFrame, clicks: ClickMap, heat: HeatMode) -> None:
    elements = ranked(clicks, heat)
    top = max((e.heat(heat) for e in elements), default=1) or 1
    for element in reversed(elements):  # the hottest drawn last, on top
        box = frame.boxes.get(element.selector)
        if box is None:
            continue
        rect = QRectF(*box)
        share = element.heat(heat) / top
        colour = heat_colour(share)
        painter.setPen(QPen(colour, 2))
        painter.setBrush(QBrush(heat_colour(share, 120)))
        painter.drawRect(rect)
        signals = [
            (k, n)
            for k, n in (("error", element.error), ("rage", element.rage), ("dead", element.dead))
            if n
        ]
        for index, (kind, _count) in enumerate(signals):
            painter.setPen(QPen(QColor(SIGNAL_COLOURS[kind]), 3, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(
                rect.adjusted(-3 - 4 * index, -3 - 4 * index, 3 + 4 * index, 3 + 4 * index)
            )
        x = rect.right() - 4
        x += _badge(painter, x, rect.top() - 9, str(element.clicks), colour) + 3
        for kind, count in signals:
            x += _badge(painter, x, rect.top() - 9, f"{count} {kind}", QColor(SIGNAL_COLOURS[kind]))
            x += 3


def _draw_raw(painter: QPainter, frame: MapFrame, clicks: ClickMap) -> None:
    left, top, width, height = frame.viewport
    painter.setPen(Qt.PenStyle.NoPen)
    for click in clicks.raw:
        colour = QColor(SIGNAL_COLOURS[click.signal]) if click.signal else heat_colour(1.0)
        colour.setAlpha(150 if click.signal else 90)
        painter.setBrush(colour)
        painter.drawEllipse(QRectF(left + click.x * width - 5, top + click.y * height - 5, 10, 10))


def _draw_scroll(painter: QPainter, frame: MapFrame, scrolls: ScrollMap) -> None:
    left, top, width, height = frame.viewport
    step = 4
    for offset in range(0, int(height), step):
        depth = frame.scroll_y + offset / max(frame.scale, 1e-6)
        share = scrolls.share_reaching(depth)
        colour = heat_colour(share, 110)
        painter.fillRect(QRectF(left, top + offset, width, step), colour)
    font = QFont()
    font.setPixelSize(13)
    font.setBold(True)
    painter.setFont(font)
    for offset in range(0, int(height), max(40, int(height / 8))):
        depth = frame.scroll_y + offset / max(frame.scale, 1e-6)
        share = scrolls.share_reaching(depth)
        painter.setPen(QPen(QColor("white"), 1, Qt.PenStyle.DotLine))
        painter.drawLine(int(left), int(top + offset), int(left + width), int(top + offset))
        _badge(
            painter,
            left + 6,
            top + offset + 2,
            f"{share:.0%} reach {depth:.0f} px",
            heat_colour(share),
        )


def snapshot_map_png(
    store: SessionStore, snapshot: dict[str, Any], windows: WindowsProvider
) -> bytes | None:
    """A finding's map (:mod:`app.export.click_map_document`) drawn again from its page,
    filter, layer and heat, over a frame from ``windows`` (masked in a masked
    report); None when no click matches any more."""
    flt = SessionFilter(**snapshot.get("filter", {}))
    clicks = click_map(store, snapshot["page"], flt)
    if clicks.frame_session is None or clicks.frame_ms is None:
        return None
    layer: Layer = snapshot.get("layer") or "elements"
    scrolls = scroll_map(store, snapshot["page"], flt) if layer == "scroll" else None
    selectors = [e.selector for e in clicks.elements]
    frame = render_map_frame(
        store, clicks.frame_session, clicks.frame_ms, selectors, windows=windows
    )
    image = draw_map(frame, clicks, scrolls, layer, snapshot.get("heat") or "trouble")
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def write_map_png(
    store: SessionStore,
    clicks: ClickMap,
    scrolls: ScrollMap | None,
    out: Path,
    layer: Layer = "elements",
    heat: HeatMode = "trouble",
) -> dict[str, Box]:
    """Render the map's frame, draw ``layer`` on it and save it as ``out`` (PNG); the
    element boxes found in the frame, by selector (the command line's ``--json``)."""
    if clicks.frame_session is None or clicks.frame_ms is None:
        raise ValueError(f"no click on a page matching '{clicks.page}' under this filter")
    start_qt()
    frame = render_map_frame(
        store, clicks.frame_session, clicks.frame_ms, [e.selector for e in clicks.elements]
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    if not draw_map(frame, clicks, scrolls, layer, heat).save(str(out)):
        raise OSError(f"could not write {out}")
    return frame.boxes
