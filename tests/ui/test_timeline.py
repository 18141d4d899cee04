"""The timeline strip: follows the TimeCursor, seeks on click, scrubs on drag (throttled,
exact on release), draws markers by kind and idle stretches, survives an empty session.

Mouse input is real (QTest events on the plot's viewport), so hit-testing of the line and
the markers is part of what is tested."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QImage, QMouseEvent, QPainter, QWheelEvent
from PySide6.QtWidgets import QApplication

from app.replay import controller
from app.state.time_cursor import TimeCursor
from app.ui.theme import Appearance, apply_appearance
from app.ui.timeline import (
    DENSITY_TOP,
    DRAG_INTERVAL_MS,
    ROWS_BOTTOM,
    TimelineData,
    TimelineMarker,
    TimelineWidget,
)
from tests.contrast import contrast_ratio, ink

T0 = 1_700_000_000_000  # 2023-11-14 22:13:20 UTC
END = T0 + 240_000
IDLE = (T0 + 120_000, T0 + 160_000)
LOADS = (T0 + 5, T0 + 62_000, T0 + 175_000)
ERRORS = (T0 + 30_500, T0 + 31_200, T0 + 180_000, T0 + 236_000)
ACTIONS = tuple(T0 + 2_000 + i * 1_900 for i in range(60) if not 60 <= i <= 84)
LEFT = Qt.MouseButton.LeftButton
EMPTY_Y = (DENSITY_TOP + ROWS_BOTTOM) / 2  # between the density band and the marker rows


def session() -> TimelineData:
    markers = [TimelineMarker(t, "load", f"loading of page /{i}") for i, t in enumerate(LOADS)]
    markers += [TimelineMarker(t, "action", f"click on 'B{i}'") for i, t in enumerate(ACTIONS)]
    markers += [TimelineMarker(t, "error", "TypeError: x is undefined") for t in ERRORS]
    activity = [T0 + i * 100 for i in range(2_400) if not IDLE[0] <= T0 + i * 100 < IDLE[1]]
    return TimelineData(T0, END, markers, activity, [IDLE])


@pytest.fixture
def cursor(qapp: QApplication) -> TimeCursor:
    model = TimeCursor()
    model.set_range(T0, END)
    return model


@pytest.fixture
def timeline(qtbot: Any, cursor: TimeCursor) -> Iterator[TimelineWidget]:
    previous = pg.getConfigOption("mouseRateLimit")
    pg.setConfigOption("mouseRateLimit", -1)  # every synthetic mouse move reaches the scene
    widget = TimelineWidget(cursor)
    qtbot.addWidget(widget)
    widget.resize(1000, widget.height())
    widget.set_data(session())
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    pg.setConfigOption("mouseRateLimit", previous)


@pytest.fixture
def emitted(cursor: TimeCursor) -> list[tuple[int, str]]:
    """Every ``time_changed`` of the cursor, in order."""
    seen: list[tuple[int, str]] = []
    cursor.time_changed.connect(lambda t, source: seen.append((t, source)))
    return seen


def at(widget: TimelineWidget, x_s: float, y: float = EMPTY_Y) -> QPoint:
    """Viewport pixel of a point in view coordinates (x in epoch seconds, y in 0..1)."""
    scene = widget.view_box.mapViewToScene(QPointF(x_s, y))
    return widget.plot.mapFromScene(scene)


def drag_line(qtbot: Any, widget: TimelineWidget, steps: list[int], release: bool = True) -> None:
    """Press on the cursor line, move by ``steps`` pixels (cumulative), release."""
    viewport = widget.plot.viewport()
    start = at(widget, widget.line.value())
    qtbot.mousePress(viewport, LEFT, pos=start)
    for dx in steps:
        qtbot.mouseMove(viewport, start + QPoint(dx, 0))
    if release:
        qtbot.mouseRelease(viewport, LEFT, pos=start + QPoint(steps[-1], 0))


def x_range(widget: TimelineWidget) -> tuple[float, float]:
    (lo, hi), _ = widget.view_box.viewRange()
    return lo, hi


# ---- model → view ----------------------------------------------------------------------------
def test_another_views_time_moves_the_line_and_the_text_without_echo(
    qtbot: Any, timeline: TimelineWidget, cursor: TimeCursor, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[int, str]] = []
    real_set_time = cursor.set_time

    def spy(t_ms: int, source: str) -> bool:
        calls.append((t_ms, source))
        return real_set_time(t_ms, source)

    monkeypatch.setattr(cursor, "set_time", spy)
    cursor.set_time(T0 + 65_432, "player")
    assert timeline.line.value() == pytest.approx((T0 + 65_432) / 1000, abs=1e-6)
    assert timeline.time_label.toPlainText() == "22:14:25.432  +1:05.4"
    # The widget must not answer a move with a seek of its own, now or later (a timer).
    with qtbot.assertNotEmitted(cursor.time_changed, wait=200):
        qtbot.wait(10)
    assert calls == [(T0 + 65_432, "player")]
    # A notification the cursor did not make itself: any echo would now change the time.
    cursor.time_changed.emit(T0 + 70_000, "player")
    assert timeline.line.value() == pytest.approx((T0 + 70_000) / 1000, abs=1e-6)
    with qtbot.assertNotEmitted(cursor.time_changed, wait=200):
        qtbot.wait(10)
    assert calls == [(T0 + 65_432, "player")]
    assert cursor.time() == T0 + 65_432


def test_its_own_seeks_coming_back_do_not_move_the_line(
    timeline: TimelineWidget, cursor: TimeCursor
) -> None:
    timeline.line.setValue((T0 + 10_000) / 1000)
    cursor.set_time(T0 + 50_000, TimelineWidget.DRAG_SOURCE)
    cursor.set_time(T0 + 60_000, TimelineWidget.SOURCE)
    assert timeline.line.value() == pytest.approx((T0 + 10_000) / 1000, abs=1e-6)


def test_a_new_range_bounds_the_line_and_rebases_the_offset(
    timeline: TimelineWidget, cursor: TimeCursor
) -> None:
    cursor.set_range(T0 + 60_000, END)
    assert timeline.line.bounds() == [(T0 + 60_000) / 1000, END / 1000]
    assert timeline.line.value() == (T0 + 60_000) / 1000
    assert timeline.time_label.toPlainText().endswith("+0:00.0")


def test_a_zoomed_view_turns_the_page_when_the_replay_leaves_it(
    timeline: TimelineWidget, cursor: TimeCursor
) -> None:
    timeline.view_box.setXRange((T0 + 20_000) / 1000, (T0 + 50_000) / 1000, padding=0)
    cursor.set_time(T0 + 100_000, "player")
    lo, hi = x_range(timeline)
    assert lo < (T0 + 100_000) / 1000 < hi
    assert hi - lo == pytest.approx(30, abs=0.01)


# ---- view → model ----------------------------------------------------------------------------
def test_the_drag_source_is_the_one_the_controller_throttles() -> None:
    assert TimelineWidget.DRAG_SOURCE == controller.DRAG_SOURCE


def test_dragging_the_line_scrubs_throttled_and_release_seeks_exactly(
    qtbot: Any, timeline: TimelineWidget, cursor: TimeCursor, emitted: list[tuple[int, str]]
) -> None:
    cursor.set_time(T0 + 60_000, "player")
    emitted.clear()
    steps = list(range(6, 126, 6))  # 20 mouse moves, 120 px to the right
    began = time.perf_counter()
    drag_line(qtbot, timeline, steps)
    elapsed_ms = (time.perf_counter() - began) * 1000

    drags = [t for t, source in emitted if source == TimelineWidget.DRAG_SOURCE]
    assert drags, "scrubbing must move the replay while the line is dragged"
    assert len(drags) <= 2 + elapsed_ms // DRAG_INTERVAL_MS < len(steps)
    assert drags[0] > T0 + 60_000  # the first step is sent at once
    released = round(timeline.line.value() * 1000)
    assert emitted[-1] == (released, TimelineWidget.SOURCE)
    assert cursor.time() == released
    assert released - (T0 + 60_000) == pytest.approx(120 * 240_000 / 1000, rel=0.15)
    with qtbot.assertNotEmitted(cursor.time_changed, wait=2 * DRAG_INTERVAL_MS):
        pass  # nothing of the drag is left over after the release


def test_a_pause_while_dragging_sends_the_latest_position(
    qtbot: Any, timeline: TimelineWidget, cursor: TimeCursor, emitted: list[tuple[int, str]]
) -> None:
    cursor.set_time(T0 + 60_000, "player")
    emitted.clear()
    drag_line(qtbot, timeline, [5, 10, 15, 20], release=False)
    held = round(timeline.line.value() * 1000)
    qtbot.waitUntil(lambda: emitted[-1] == (held, TimelineWidget.DRAG_SOURCE), timeout=1000)
    assert [source for _, source in emitted] == [TimelineWidget.DRAG_SOURCE] * 2

    # A player tick while the user holds the line must not snatch it away.
    cursor.set_time(T0 + 10_000, "player")
    assert round(timeline.line.value() * 1000) == held

    viewport = timeline.plot.viewport()
    end = at(timeline, timeline.line.value()) + QPoint(10, 0)
    qtbot.mouseMove(viewport, end)
    qtbot.mouseRelease(viewport, LEFT, pos=end)
    released = round(timeline.line.value() * 1000)
    assert released > held
    assert emitted[-1] == (released, TimelineWidget.SOURCE)


def test_clicking_a_marker_seeks_to_its_time(
    qtbot: Any, timeline: TimelineWidget, cursor: TimeCursor, emitted: list[tuple[int, str]]
) -> None:
    loads = timeline.marker_items["load"]
    spot = next(p for p in loads.points() if p.data().ts_ms == LOADS[1])
    qtbot.mouseClick(
        timeline.plot.viewport(), LEFT, pos=at(timeline, spot.pos().x(), spot.pos().y())
    )
    assert emitted[-1] == (LOADS[1], TimelineWidget.SOURCE)
    assert timeline.line.value() == LOADS[1] / 1000


def test_hovering_a_marker_tells_what_and_when(qtbot: Any, timeline: TimelineWidget) -> None:
    errors = timeline.marker_items["error"]
    spot = next(p for p in errors.points() if p.data().ts_ms == ERRORS[2])
    qtbot.mouseMove(timeline.plot.viewport(), at(timeline, spot.pos().x(), spot.pos().y()))
    # the scene delivers hover events on its own turn of the event loop: wait for it
    qtbot.waitUntil(lambda: bool(timeline.view_box.toolTip()), timeout=2_000)
    tip = timeline.view_box.toolTip()
    assert "Error · 22:16:20.000 UTC  +3:00.0" in tip
    assert "TypeError: x is undefined" in tip


def test_clicking_the_background_seeks_there(
    qtbot: Any, timeline: TimelineWidget, cursor: TimeCursor, emitted: list[tuple[int, str]]
) -> None:
    target = T0 + 100_000
    qtbot.mouseClick(timeline.plot.viewport(), LEFT, pos=at(timeline, target / 1000))
    t, source = emitted[-1]
    assert source == TimelineWidget.SOURCE
    assert abs(t - target) < 500  # a pixel is about a quarter of a second here
    assert timeline.line.value() == cursor.time() / 1000


def test_the_wheel_zooms_x_only_within_the_session_and_fit_restores_it(
    qtbot: Any, timeline: TimelineWidget, cursor: TimeCursor
) -> None:
    viewport = timeline.plot.viewport()
    whole = x_range(timeline)

    def wheel(steps: int) -> None:
        pos = QPointF(at(timeline, (T0 + 100_000) / 1000))
        event = QWheelEvent(
            pos,
            QPointF(viewport.mapToGlobal(pos.toPoint())),
            QPoint(0, 0),
            QPoint(0, 120 * steps),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(viewport, event)

    wheel(3)
    lo, hi = x_range(timeline)
    assert hi - lo < (whole[1] - whole[0]) / 2
    assert timeline.view_box.viewRange()[1] == [0, 1]
    wheel(-30)
    assert x_range(timeline) == pytest.approx(whole, abs=1e-3)  # limited to the session

    wheel(3)
    qtbot.mouseClick(timeline.fit_button, LEFT)
    assert x_range(timeline) == pytest.approx(whole, abs=1e-3)
    wheel(3)
    qtbot.mouseDClick(timeline.plot.viewport(), LEFT, pos=at(timeline, (T0 + 90_000) / 1000))
    assert x_range(timeline) == pytest.approx(whole, abs=1e-3)


def test_dragging_the_background_pans_without_seeking(
    qtbot: Any, timeline: TimelineWidget, cursor: TimeCursor, emitted: list[tuple[int, str]]
) -> None:
    timeline.view_box.setXRange((T0 + 100_000) / 1000, (T0 + 130_000) / 1000, padding=0)
    viewport = timeline.plot.viewport()
    start = at(timeline, (T0 + 115_000) / 1000)
    qtbot.mousePress(viewport, LEFT, pos=start)
    for dx in range(10, 110, 10):
        qtbot.mouseMove(viewport, start + QPoint(dx, 0))
    qtbot.mouseRelease(viewport, LEFT, pos=start + QPoint(100, 0))
    lo, hi = x_range(timeline)
    assert lo < (T0 + 100_000) / 1000 - 1  # content moved right: earlier times came in
    assert hi - lo == pytest.approx(30, abs=0.01)
    assert emitted == []


# ---- data ------------------------------------------------------------------------------------
def test_set_data_draws_markers_by_kind_idle_and_density_over_the_session(
    timeline: TimelineWidget,
) -> None:
    counts = {kind: len(item.points()) for kind, item in timeline.marker_items.items()}
    assert counts == {"load": 3, "action": len(ACTIONS), "error": 4}
    rows = {kind: float(item.points()[0].pos().y()) for kind, item in timeline.marker_items.items()}
    assert len(set(rows.values())) == 3  # one row per kind
    colours = {item.opts["pen"].color().name() for item in timeline.marker_items.values()}
    assert len(colours) == 3

    assert [region.getRegion() for region in timeline.idle_items] == [
        (IDLE[0] / 1000, IDLE[1] / 1000)
    ]
    lo, hi = x_range(timeline)
    assert lo <= T0 / 1000 and hi >= END / 1000
    assert hi - lo < 1.05 * 240

    xs, heights = timeline.density_item.getData()
    assert timeline.density_item.isVisible()
    assert 0 < heights.max() <= DENSITY_TOP
    inside_idle = (xs[:-1] >= IDLE[0] / 1000 + 1) & (xs[1:] <= IDLE[1] / 1000 - 1)
    assert inside_idle.any() and heights[inside_idle].max() == 0
    assert "3 Loads" in timeline.legend.text() and "4 Errors" in timeline.legend.text()


def test_new_data_replaces_the_old(timeline: TimelineWidget) -> None:
    timeline.set_data(
        TimelineData(T0, END, [TimelineMarker(T0 + 1, "frustration", "rage click")], [], [])
    )
    scatters = [i for i in timeline.plot.getPlotItem().items if isinstance(i, pg.ScatterPlotItem)]
    assert [len(s.points()) for s in scatters] == [1]
    assert list(timeline.marker_items) == ["frustration"]
    assert timeline.idle_items == []
    regions = [i for i in timeline.plot.getPlotItem().items if isinstance(i, pg.LinearRegionItem)]
    assert regions == [timeline.mark.region] and not timeline.mark.region.isVisible()  # no idle
    assert not timeline.density_item.isVisible()


def test_an_empty_session_is_shown_without_errors(
    qtbot: Any, cursor: TimeCursor, emitted: list[tuple[int, str]]
) -> None:
    widget = TimelineWidget(cursor)
    qtbot.addWidget(widget)
    cursor.set_range(T0, T0)
    widget.set_data(TimelineData(T0, T0, [], [], []))
    widget.show()
    qtbot.waitExposed(widget)
    assert widget.marker_items == {} and widget.idle_items == []
    lo, hi = x_range(widget)
    assert lo < T0 / 1000 < hi
    qtbot.mouseClick(widget.plot.viewport(), LEFT, pos=at(widget, T0 / 1000 + 0.5))
    qtbot.mouseClick(widget.fit_button, LEFT)
    cursor.set_time(T0 + 5, "player")
    assert cursor.time() == T0 and widget.line.value() == T0 / 1000
    assert "No events" in widget.legend.text()
    assert widget.time_label.toPlainText() == "22:13:20.000  +0:00.0"


def test_a_widget_made_before_any_session_is_harmless(qtbot: Any, qapp: QApplication) -> None:
    widget = TimelineWidget(TimeCursor())
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    assert widget.height() <= 140


def axis_labels(widget: TimelineWidget) -> list[str]:
    """The tick labels the axis draws now (its own draw specs, at its current size)."""
    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        specs = widget.axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    assert specs is not None
    return [text for _rect, _flags, text in specs[2]]


CLOCK = re.compile(r"^\d{2}:\d{2}:\d{2}$")


@pytest.mark.parametrize("seconds", [3, 10, 47, 240, 3 * 3600])
def test_axis_labels_are_clock_times_at_any_session_length(
    qtbot: Any, cursor: TimeCursor, seconds: int
) -> None:
    """A 10-second session read "46.000, 47.000" (pyqtgraph's date axis under a minute)."""
    start = T0 + 46_000
    cursor.set_range(start, start + seconds * 1000)
    widget = TimelineWidget(cursor)
    qtbot.addWidget(widget)
    widget.resize(700, widget.height())
    end = start + seconds * 1000
    widget.set_data(TimelineData(start, end, [TimelineMarker(start, "load", "/")]))
    widget.show()
    qtbot.waitExposed(widget)
    labels = axis_labels(widget)
    assert len(labels) >= 2, labels
    assert all(CLOCK.match(label) for label in labels), labels
    assert len(set(labels)) == len(labels)  # (the 3-hour one runs past midnight UTC)
    first = datetime.fromtimestamp(start / 1000, tz=UTC).strftime("%H:%M:%S")
    assert labels[0][:2] == first[:2]  # the session's own hour, in UTC


def test_zoomed_below_a_second_the_labels_are_still_clock_times(
    timeline: TimelineWidget,
) -> None:
    middle = (T0 + 30_000) / 1000
    timeline.view_box.setXRange(middle, middle + 1.5, padding=0)
    labels = axis_labels(timeline)
    assert len(labels) >= 2
    assert all(re.match(r"^\d{2}:\d{2}:\d{2}(\.\d)?$", label) for label in labels), labels
    assert "22:13:50" in labels[0]


def marker_contrasts(widget: TimelineWidget) -> dict[str, float]:
    """For each marker kind: contrast of its first marker's pixels against the background."""
    image = widget.plot.grab().toImage()
    background = widget.plot.backgroundBrush().color()
    found = {}
    for kind, item in widget.marker_items.items():
        point = item.points()[0].pos()
        centre = at(widget, point.x(), point.y())
        box = QRect(centre.x() - 3, centre.y() - 3, 7, 7)
        found[kind] = contrast_ratio(ink(image, background, box), background)
    return found


def test_markers_are_readable_in_dark_appearance(
    qtbot: Any, timeline: TimelineWidget, dark_appearance: None
) -> None:
    """Action markers were dark grey (#495057) on the dark strip: 2:1."""
    markers = [
        *timeline.data.markers,
        TimelineMarker(T0 + 90_000, "frustration", "rage click"),
        TimelineMarker(T0 + 100_000, "finding", "major: stuck"),
    ]
    timeline.set_data(TimelineData(T0, END, markers))
    qtbot.waitUntil(lambda: timeline.plot.backgroundBrush().color().lightness() < 80, timeout=5_000)
    contrasts = marker_contrasts(timeline)
    assert set(contrasts) == {"load", "action", "frustration", "error", "finding"}
    assert min(contrasts.values()) >= 3.0, contrasts
    # and the legend's colour key uses the same readable colours
    assert "#495057" not in timeline.legend.text()


def test_markers_drawn_before_a_switch_to_dark_are_recoloured(
    qtbot: Any, timeline: TimelineWidget
) -> None:
    assert min(marker_contrasts(timeline).values()) >= 3.0  # light
    apply_appearance(Appearance.DARK, remember=False)
    try:
        qtbot.waitUntil(
            lambda: timeline.plot.backgroundBrush().color().lightness() < 80, timeout=5_000
        )
        assert min(marker_contrasts(timeline).values()) >= 3.0
    finally:
        apply_appearance(Appearance.SYSTEM, remember=False)


# ---- the marked range (a clip's span) --------------------------------------------------------
SHIFT = Qt.KeyboardModifier.ShiftModifier


def drag(widget: TimelineWidget, from_s: float, to_s: float, modifiers: Any) -> None:
    """Press at ``from_s``, move in steps with the button held, release at ``to_s``."""
    viewport = widget.plot.viewport()
    start, end = at(widget, from_s), at(widget, to_s)

    def send(kind: Any, pos: QPoint, buttons: Any) -> None:
        event = QMouseEvent(
            kind, QPointF(pos), QPointF(viewport.mapToGlobal(pos)), LEFT, buttons, modifiers
        )
        QApplication.sendEvent(viewport, event)

    send(QMouseEvent.Type.MouseButtonPress, start, LEFT)
    for i in range(1, 11):
        send(QMouseEvent.Type.MouseMove, start + (end - start) * i / 10, LEFT)
    send(QMouseEvent.Type.MouseButtonRelease, end, Qt.MouseButton.NoButton)


def test_shift_drag_marks_a_range_and_a_plain_drag_pans(
    qtbot: Any, timeline: TimelineWidget, cursor: TimeCursor
) -> None:
    marks: list[Any] = []
    cursor.marked_changed.connect(marks.append)
    drag(timeline, (T0 + 60_000) / 1000, (T0 + 90_000) / 1000, SHIFT)
    assert len(marks) == 1 and cursor.marked() is not None
    start, end = cursor.marked()
    assert abs(start - (T0 + 60_000)) < 1_000 and abs(end - (T0 + 90_000)) < 1_000
    assert timeline.mark.region.isVisible()
    low, high = timeline.mark.region.getRegion()
    assert (round(low * 1000), round(high * 1000)) == (start, end)  # the band is the model's

    timeline.view_box.setXRange((T0 + 100_000) / 1000, (T0 + 200_000) / 1000, padding=0)
    before = x_range(timeline)
    drag(timeline, (T0 + 150_000) / 1000, (T0 + 180_000) / 1000, Qt.KeyboardModifier.NoModifier)
    assert cursor.marked() == (start, end) and len(marks) == 1  # a plain drag marks nothing,
    assert x_range(timeline)[0] < before[0]  # it pans


def test_a_dragged_edge_changes_the_mark(
    qtbot: Any, timeline: TimelineWidget, cursor: TimeCursor
) -> None:
    cursor.set_marked((T0 + 60_000, T0 + 90_000))
    edge = timeline.mark.region.lines[1]
    edge.setValue((T0 + 100_000) / 1000)
    edge.sigPositionChangeFinished.emit(edge)
    assert cursor.marked() == (T0 + 60_000, T0 + 100_000)


def test_brackets_mark_at_the_cursor_and_a_new_session_forgets_the_mark(qapp: Any) -> None:
    model = TimeCursor()
    model.set_range(T0, END)
    model.set_time(T0 + 50_000, "test")
    model.mark_edge("end")  # nothing marked: from the session's start
    assert model.marked() == (T0, T0 + 50_000)
    model.set_time(T0 + 20_000, "test")
    model.mark_edge("start")
    assert model.marked() == (T0 + 20_000, T0 + 50_000)
    model.set_time(T0 + 70_000, "test")
    model.mark_edge("start")  # past the end: the end moves to the session's end
    assert model.marked() == (T0 + 70_000, END)
    model.set_marked((T0 + 5, T0 + 5))
    assert model.marked() is None  # an empty range is no mark
    model.set_marked((END + 9_000, T0 + 230_000))
    assert model.marked() == (T0 + 230_000, END)  # ordered and clamped
    model.set_range(T0 + 1_000_000, T0 + 2_000_000)
    assert model.marked() is None
