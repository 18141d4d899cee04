"""The dashboard on the demo archive: the error spike and conversion drop after the release,
and one selection (a dragged range, the filter bar) narrowing every card, chart and list."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QPainter

from app.demo.plan import RELEASE_AFTER, RELEASE_AT_MS
from app.replay.engine import prepare_web_engine
from app.state.open_archive import OpenArchive
from app.state.selection import Selection
from app.state.tasks import TaskRunner
from app.store.demo import demo_archive_path
from app.store.queries import goals as goal_queries
from app.store.queries import overview as overview_queries
from app.store.queries import sessions as session_queries
from app.store.store import SessionStore
from app.ui.archive_screen import ScreenModels
from app.ui.charts import bucket_width
from app.ui.dashboard import Dashboard
from app.ui.filter_bar import FilterBar
from app.ui.session_table import COLUMN_INDEX
from tests.builders import bare_session_events, write_error_groups_archive, write_recording

prepare_web_engine()  # before the QApplication: one test replays a session


@pytest.fixture
def dashboard(qtbot) -> Iterator[Dashboard]:
    """The dashboard alone, on the open-archive model with the demo archive opened."""
    archive = OpenArchive(TaskRunner())
    widget = Dashboard(ScreenModels(archive, archive.tasks, Selection()))
    qtbot.addWidget(widget)
    widget.resize(1400, 900)
    widget.show()
    with qtbot.waitSignal(widget.refreshed, timeout=60_000):  # problems come last
        archive.open(demo_archive_path())
    yield widget
    archive.shutdown()


@pytest.fixture
def demo(dashboard: Dashboard) -> SessionStore:
    assert dashboard.store is not None
    return dashboard.store


@pytest.fixture
def filter_bar(qtbot, dashboard: Dashboard, demo: SessionStore) -> FilterBar:
    """The window's filter bar, on the dashboard's selection."""
    bar = FilterBar(dashboard.selection)
    qtbot.addWidget(bar)
    bar.set_values(session_queries.attribute_values(demo.cursor()))
    return bar


def rate(text: str) -> float:
    return float(text.rstrip("%"))


def test_cards_and_charts_show_the_spike_and_the_drop(dashboard: Dashboard) -> None:
    assert dashboard.cards["sessions"].value.text() == "300"
    assert dashboard.cards["sessions"].detail.text() == "150 users"
    overall = rate(dashboard.cards["conversion"].value.text())
    assert 20 <= overall <= 30
    buckets = dashboard.last_buckets
    before = [b for b in buckets if b.start_ms < RELEASE_AT_MS]
    after = [b for b in buckets if b.start_ms >= RELEASE_AT_MS]
    errors_per_hour_before = sum(b.errors for b in before) / len(before)
    errors_per_hour_after = sum(b.errors for b in after) / len(after)
    assert errors_per_hour_after > 3 * errors_per_hour_before
    assert "Excellent" in dashboard.cards["apdex"].value.text() or "Good" in (
        dashboard.cards["apdex"].value.text()
    )
    releases = [version for _at, version in dashboard.releases]
    assert releases[-1] == RELEASE_AFTER
    assert dashboard.cards["problems"].value.text() == "1"
    assert "reading 'groups'" in dashboard.cards["problems"].detail.text()


def test_dragging_a_range_on_a_chart_narrows_every_card(
    dashboard: Dashboard, filter_bar: FilterBar, qtbot
) -> None:
    box = dashboard.charts["errors"].box
    end = overview_queries.summary(dashboard.store.cursor(), dashboard.selection.filter).last_ms  # type: ignore[union-attr]
    with qtbot.waitSignal(dashboard.refreshed):
        box.range_dragged.emit(RELEASE_AT_MS / 1000, end / 1000 + 1, True)
    f = dashboard.selection.filter
    assert f.start_ms == RELEASE_AT_MS
    sessions_after = int(dashboard.cards["sessions"].value.text())
    assert 100 <= sessions_after < 300
    assert rate(dashboard.cards["conversion"].value.text()) < 20
    assert filter_bar.range_label.text().startswith("20 Nov 09:00")
    assert dashboard.charts["apdex"].region.isVisible()
    with qtbot.waitSignal(dashboard.refreshed):
        box.clicked.emit(0.0)  # a click where nothing is drawn clears the range
    assert dashboard.cards["sessions"].value.text() == "300"
    assert not dashboard.charts["apdex"].region.isVisible()


def test_the_filter_bar_selects_a_release(
    dashboard: Dashboard, filter_bar: FilterBar, qtbot
) -> None:
    combo = filter_bar.combos["release"]
    with qtbot.waitSignal(dashboard.refreshed):
        combo.setCurrentIndex(combo.findData("2.4.3"))
    before = rate(dashboard.cards["conversion"].value.text())
    with qtbot.waitSignal(dashboard.refreshed):
        combo.setCurrentIndex(combo.findData(RELEASE_AFTER))
    after = rate(dashboard.cards["conversion"].value.text())
    assert before > 27 and after < 20
    assert dashboard.selection.filter.release == RELEASE_AFTER
    with qtbot.waitSignal(dashboard.refreshed):
        filter_bar.reset.click()
    assert combo.currentIndex() == 0


def test_bucket_widths_are_round() -> None:
    assert bucket_width(7 * 86_400_000) == 2 * 3_600_000
    assert bucket_width(30 * 60_000) == 60_000
    assert bucket_width(5 * 60_000) == 5_000  # a short archive: second buckets
    assert bucket_width(10_000) == 1_000


def test_a_selected_range_filters_the_session_list_too(qtbot, window) -> None:
    with qtbot.waitSignal(window.store_opened, timeout=60_000):
        window.open_file(demo_archive_path())
    assert window.tabs.currentWidget() is window.dashboard
    assert window.sessions.model.rowCount() == 300
    with qtbot.waitSignal(window.dashboard.refreshed):  # its figures are queried off-thread
        window.dashboard.charts["apdex"].box.range_dragged.emit(
            RELEASE_AT_MS / 1000, (RELEASE_AT_MS + 86_400_000) / 1000, True
        )
    shown = window.sessions.model.rowCount()
    assert 0 < shown < 300
    assert shown == int(window.dashboard.cards["sessions"].value.text())
    with qtbot.waitSignal(window.sessions.listed):  # the list is queried off-thread too
        window.selection.clear("test")
    assert window.sessions.model.rowCount() == 300


def test_apdex_thresholds_changed_in_the_app_rate_every_view_and_are_remembered(
    qtbot, window
) -> None:
    from app.ui.apdex_dialog import ApdexDialog

    with qtbot.waitSignal(window.store_opened, timeout=60_000):
        window.open_file(demo_archive_path())
    before = window.dashboard.cards["apdex"].value.text()
    strict = window.thresholds.with_type("xhr", 100, 400).with_type("load", 100, 400)
    with qtbot.waitSignal(window.dashboard.refreshed):
        window.archive.set_thresholds(strict)
    after = window.dashboard.cards["apdex"].value.text()
    assert float(after.split()[0]) < float(before.split()[0])
    frustrating = [s for s in window.sessions.model.sessions() if s.experience == "frustrating"]
    assert len(frustrating) > 12  # slower-than-0.4 s loads now frustrate many sessions

    window.close()
    with qtbot.waitSignal(window.store_opened, timeout=60_000):
        window.open_file(demo_archive_path())  # reopening brings the archive's choice back
    assert window.thresholds.by_type["xhr"] == (100, 400)

    dialog = ApdexDialog(window.thresholds, window.archive.current.manifest_thresholds)
    qtbot.addWidget(dialog)
    tolerated, frustrating_spin = dialog.spins["custom"]
    tolerated.setValue(20.0)
    frustrating_spin.setValue(5.0)
    dialog._accept()  # an inconsistent pair is refused with a message
    assert dialog.result() == 0 and "frustrating" in dialog.error.text().lower()


def test_goals_defined_in_the_app_are_counted_and_remembered(qtbot, window) -> None:
    from app.state.settings import saved_goals
    from app.ui.goals_dialog import GoalsDialog

    with qtbot.waitSignal(window.store_opened, timeout=60_000):
        window.open_file(demo_archive_path())
    dialog = GoalsDialog(window.archive.current.manifest_goals, [])
    qtbot.addWidget(dialog)
    dialog.name.setText("Reached checkout")
    dialog.kind.setCurrentIndex(dialog.kind.findData("destination"))
    dialog.value.setText("/checkout")
    dialog.add_button.click()
    dialog.name.setText("Long visit")
    dialog.kind.setCurrentIndex(dialog.kind.findData("visit_duration"))
    dialog.number.setValue(120)
    dialog.add_button.click()
    assert [g["id"] for g in dialog.goals()] == ["purchase", "reached-checkout", "long-visit"]
    key = str(window.store.info()["content_key"])
    with qtbot.waitSignal(window.dashboard.refreshed):
        window.archive.set_own_goals(dialog.own_goals)
    detail = window.dashboard.cards["conversion"].detail.text()
    assert "Reached checkout" in detail and "Long visit" in detail
    completions = goal_queries.completions(
        window.store.cursor(), window.selection.filter, dialog.goals()
    )
    assert completions["reached-checkout"] > completions["purchase"] > 0
    assert [g["id"] for g in saved_goals(key)] == ["reached-checkout", "long-visit"]


# ---------------------------------------------------------------- rough edges (issue 16)


def open_alone(qtbot, path: Path, size: tuple[int, int] = (1400, 900)) -> Dashboard:
    """A dashboard alone on ``path`` (a recording built by the test), once filled."""
    archive = OpenArchive(TaskRunner())
    widget = Dashboard(ScreenModels(archive, archive.tasks, Selection()))
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    with qtbot.waitSignal(widget.refreshed, timeout=60_000):  # problems come last
        archive.open(path)
    widget.destroyed.connect(archive.shutdown)
    return widget


def bars_of(chart: Any) -> list[pg.BarGraphItem]:
    return [item for item in chart.items if isinstance(item, pg.BarGraphItem)]


def test_a_ten_second_recording_draws_separate_bars(qtbot, tmp_path: Path) -> None:
    recording = write_recording(tmp_path / "short.json", bare_session_events())
    dashboard = open_alone(qtbot, recording)
    for name in ("errors", "actions"):
        chart = dashboard.charts[name]
        for bars in bars_of(chart):
            xs = np.asarray(bars.opts["x"])
            assert len(xs) >= 5  # buckets of a second or so, not one minute-wide block
            assert bars.opts["width"] < np.diff(xs).min()  # a gap between neighbours
        (left, right), _ = chart.box.viewRange()
        assert bars_of(chart)[0].opts["width"] < (right - left) / 5
        assert chart.plot.getAxis("bottom").labelText == "time (UTC), 1 s buckets"
    assert dashboard.charts["actions"].plot.getAxis("left").labelText == "actions / 1 s"


def test_a_recording_without_errors_or_goals_shows_nothing_negative_or_alarming(
    qtbot, tmp_path: Path
) -> None:
    recording = write_recording(tmp_path / "calm.json", bare_session_events())
    dashboard = open_alone(qtbot, recording)
    for chart in dashboard.charts.values():
        (_, _), (bottom, top) = chart.box.viewRange()
        assert bottom >= 0 and top > 0
    errors = dashboard.cards["errors"]
    assert errors.value.text() == "0" and "color" not in errors.value.styleSheet()
    conversion = dashboard.cards["conversion"]
    assert conversion.value.text() == "—"  # not "0.0%": nobody failed to reach a goal
    assert "no goal defined" in conversion.detail.text()
    with qtbot.waitSignal(dashboard.define_goals_requested):  # the window opens its dialog
        conversion.detail.linkActivated.emit("goals")


def test_one_session_without_rated_actions_warns_of_nothing(qtbot, tmp_path: Path) -> None:
    archive = write_error_groups_archive(tmp_path / "one.webreplay", groups=0)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        dashboard = open_alone(qtbot, archive)
        qtbot.wait(50)  # the charts' last turns
    assert dashboard.cards["apdex"].value.text() == "— No data"
    assert [w for w in seen if issubclass(w.category, RuntimeWarning)] == []


def test_axis_titles_fit_a_small_window(qtbot, dashboard: Dashboard) -> None:
    dashboard.resize(1004, 600)  # the dashboard's share of a 1,024 × 700 window
    qtbot.waitUntil(lambda: dashboard.charts["apdex"].plot.height() < 260)
    for name, chart in dashboard.charts.items():
        axis = chart.plot.getAxis("left")
        text = axis.label.boundingRect().width()  # the title is turned: its length is upright
        assert text <= axis.geometry().height(), name


def test_legend_and_release_names_cover_no_bar_or_point(dashboard: Dashboard) -> None:
    actions = dashboard.charts["actions"]
    legend = actions.plot.plotItem.titleLabel
    assert all(name in legend.text for name in ("Load", "XHR", "Custom"))
    for bars in bars_of(actions):
        assert not legend.sceneBoundingRect().intersects(bars.sceneBoundingRect())
    for name, chart in dashboard.charts.items():
        axis = chart.plot.getAxis("top")
        assert axis.isVisible(), name
        image = QImage(8, 8, QImage.Format.Format_ARGB32)
        painter = QPainter(image)  # what the axis measures its labels with
        try:
            _line, _ticks, texts = axis.generateDrawSpecs(painter)
        finally:
            painter.end()
        names = {text for _rect, _flags, text in texts}
        assert names == {f"release {version}" for _at, version in dashboard.releases}
        inside = axis.mapRectFromParent(axis.geometry())
        view = axis.mapRectFromScene(chart.box.sceneBoundingRect())
        for rect, _flags, text in texts:
            assert inside.contains(rect) and not rect.intersects(view), (name, text)


def axis_texts(axis: pg.AxisItem) -> list[str]:
    """The labels an axis draws now (measured the way it paints them)."""
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        return [text for _rect, _flags, text in axis.generateDrawSpecs(painter)[2]]
    finally:
        painter.end()


def test_a_perfect_apdex_is_drawn_whole(qtbot, dashboard: Dashboard) -> None:
    dashboard.resize(1004, 600)
    box = dashboard.charts["apdex"].box
    qtbot.waitUntil(lambda: box.height() < 200)
    (_, _), (_, top) = box.viewRange()
    room = box.mapViewToDevice(QPointF(0, 1.0)).y() - box.mapViewToDevice(QPointF(0, top)).y()
    assert room >= 5  # pixels above a 1.0 point: its marker (5 px) and line are not cut
    assert 1.0 in [float(t) for t in axis_texts(dashboard.charts["apdex"].plot.getAxis("left"))]


def test_no_auto_range_button_after_a_drag(qtbot, dashboard: Dashboard) -> None:
    for chart in dashboard.charts.values():
        view = chart.plot.viewport()
        middle = view.rect().center()
        qtbot.mousePress(view, Qt.MouseButton.RightButton, pos=middle)
        for step in range(1, 6):  # a right drag zooms: the view leaves auto-range
            qtbot.mouseMove(view, middle + QPoint(20 * step, 0))
        qtbot.mouseRelease(view, Qt.MouseButton.RightButton, pos=middle + QPoint(100, 0))
        qtbot.mouseMove(view, middle + QPoint(-40, 10))  # hovering shows the button, if any
        assert not chart.plot.plotItem.autoBtn.isVisible()


@pytest.mark.webengine
def test_a_bare_recording_counts_the_same_user_actions_everywhere(
    qtbot, window, tmp_path: Path
) -> None:
    """Two loads, two clicks, two field edits (one field typed into twice); the scroll is no
    action. Dashboard, Sessions table and replay count the same six."""
    recording = write_recording(tmp_path / "bare.json", bare_session_events())
    with qtbot.waitSignal(window.dashboard.refreshed, timeout=60_000):
        window.open_file(recording)
    card = window.dashboard.cards["actions"]
    assert card.value.text() == "6"
    assert card.detail.text() == "Load 2 · XHR 0 · Custom 4"
    model = window.sessions.model
    qtbot.waitUntil(lambda: model.rowCount() == 1)
    cell = model.data(model.index(0, COLUMN_INDEX["Actions"]), Qt.ItemDataRole.DisplayRole)
    assert cell == "6"

    assert window.replay_session(model.summary(0).session_id)
    screen = window.replay_screen
    with qtbot.waitSignal(screen.view.session_loaded, timeout=60_000):
        pass
    rows = [screen.actions.model.row_at(r) for r in range(screen.actions.model.total_rows())]
    listed = [row for row in rows if row.kind != "error"]
    assert len(listed) == 6
    assert [row.cells[2] for row in listed].count("change on 'Postal code'") == 1


def test_a_short_recordings_time_axis_reads_clock_times(qtbot, tmp_path: Path) -> None:
    """pyqtgraph's date axis labelled ticks under a minute apart "21.000, 22.000"."""
    import re

    from PySide6.QtGui import QImage, QPainter

    recording = write_recording(tmp_path / "short.json", bare_session_events())
    dashboard = open_alone(qtbot, recording)
    axis = dashboard.charts["errors"].plot.getAxis("bottom")
    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        specs = axis.generateDrawSpecs(painter)  # the labels it draws at its current size
    finally:
        painter.end()
    labels = [text for _rect, _flags, text in specs[2]]
    assert len(labels) >= 2, labels
    assert all(re.fullmatch(r"\d{2}:\d{2}:\d{2}(\.\d)?", label) for label in labels), labels
