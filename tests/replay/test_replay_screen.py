"""The assembled replay screen under a real web engine: list, timeline, controls and page
move together through the one time cursor."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QPoint, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QTableView

from app.state.tasks import TaskRunner
from app.store.open import open_store
from app.store.queries import sessions as session_queries
from app.ui.replay_screen import ReplayScreen
from app.ui.timed_lists import PLAYED_ROLE
from tests.contrast import contrast_ratio, ink
from tests.replay.conftest import LOAD_TIMEOUT_MS, RECORDING

pytestmark = pytest.mark.webengine


def _replay_time(qtbot: Any, screen: ReplayScreen) -> float:
    with qtbot.waitCallback(timeout=10_000) as callback:
        screen.view.page().runJavaScript("window.replayTime()", 0, callback)
    return callback.args[0]


def _replayed_text(qtbot: Any, screen: ReplayScreen, selector: str) -> str | None:
    code = (
        f"(() => {{ const d = window.replayDocument(); const e = d && "
        f"d.querySelector({selector!r}); return e ? e.textContent.trim() : null; }})()"
    )
    with qtbot.waitCallback(timeout=10_000) as callback:
        screen.view.page().runJavaScript(code, 0, callback)
    return callback.args[0]


@pytest.fixture
def tasks(qapp: Any) -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.shutdown()


@pytest.fixture
def screen(qtbot: Any, tasks: TaskRunner) -> Iterator[ReplayScreen]:
    store, _ = open_store(RECORDING)
    widget = ReplayScreen(tasks)
    widget.resize(1300, 800)
    widget.show()
    with qtbot.waitSignal(widget.view.session_loaded, timeout=LOAD_TIMEOUT_MS):
        assert widget.open_session(store, session_queries.summaries(store.cursor())[0].session_id)
    yield widget
    widget.shutdown()
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    store.close()


def _row_named(screen: ReplayScreen, name: str) -> int:
    model = screen.actions.model
    return next(r for r in range(model.rowCount()) if model.row_at(r).cells[2] == name)


def test_selecting_an_action_seeks_the_page_to_just_before_it(screen, qtbot) -> None:
    row = _row_named(screen, "loading of page /checkout/thank-you")
    target = screen.actions.model.row_at(row).ts_ms - 500
    screen.actions.table.clicked.emit(screen.actions.model.index(row, 2))
    assert screen.cursor.time() == target
    first = screen.controller.first_ms
    qtbot.waitUntil(lambda: abs(_replay_time(qtbot, screen) - (target - first)) < 2, timeout=5000)
    # Half a second before the navigation the checkout page is still shown.
    assert _replayed_text(qtbot, screen, "button.btn.primary") == "Place order"


def test_playing_moves_the_current_action_highlight(screen, qtbot) -> None:
    screen.cursor.set_time(screen.cursor.start(), "test")
    start_row = screen.actions.model.current_row
    screen.cursor.set_speed(4)
    screen.cursor.set_playing(True)
    qtbot.waitUntil(lambda: screen.actions.model.current_row > start_row + 3, timeout=10_000)
    assert screen.cursor.time() > screen.cursor.start()


def test_scrubbing_the_timeline_seeks_the_page(screen, qtbot) -> None:
    end = screen.cursor.end()
    line = screen.timeline.line
    line.setValue((end - 100) / 1000)  # the user lets go of the cursor line here
    line.sigPositionChangeFinished.emit(line)
    assert screen.cursor.time() == end - 100
    first = screen.controller.first_ms
    qtbot.waitUntil(lambda: _replay_time(qtbot, screen) >= end - 100 - first - 2, timeout=5000)
    assert _replayed_text(qtbot, screen, "h1") == "Thank you for your order"


def test_space_plays_and_arrows_step(screen, qtbot) -> None:
    screen.activateWindow()
    qtbot.waitUntil(screen.isActiveWindow, timeout=5000)
    screen.actions.table.setFocus()
    qtbot.waitUntil(lambda: screen.actions.table.hasFocus(), timeout=5000)
    before = screen.cursor.time()
    QTest.keyClick(screen.actions.table, Qt.Key.Key_Right)
    assert screen.cursor.time() == min(before + 5_000, screen.cursor.end())
    QTest.keyClick(screen.actions.table, Qt.Key.Key_Space)
    assert screen.cursor.is_playing()
    QTest.keyClick(screen.actions.table, Qt.Key.Key_Space)
    assert not screen.cursor.is_playing()


def test_console_up_to_now_hides_what_has_not_happened_yet(screen) -> None:
    console = screen.console
    assert console.model.total_rows() == 2
    console.up_to_now.setChecked(True)
    screen.cursor.set_time(screen.cursor.start(), "test")
    assert console.model.rowCount() == 0
    screen.cursor.set_time(screen.cursor.end(), "test")
    assert console.model.rowCount() == 2
    console.table.clicked.emit(console.model.index(1, 2))
    assert screen.cursor.time() == console.model.row_at(1).ts_ms


def test_next_error_jumps_to_the_error(screen) -> None:
    screen.cursor.set_time(screen.cursor.start(), "test")
    screen.controls.next_error.click()
    assert screen.cursor.time() == screen.detail.errors[0].ts_ms


def test_loading_site_assets_is_remembered_per_archive(screen, qtbot) -> None:
    assert not screen.view.site_assets_allowed()
    screen.controls.assets.setChecked(True)
    assert screen.view.site_assets_allowed()
    with qtbot.waitSignal(screen.view.session_loaded, timeout=LOAD_TIMEOUT_MS):
        pass  # the player reloads with the relaxed policy and shows the session again
    other = ReplayScreen(screen.view.scheme_handler.tasks)
    try:
        other.open_session(screen.store, screen.detail.session_id)
        assert other.controls.assets.isChecked() and other.view.site_assets_allowed()
    finally:
        other.shutdown()
        other.deleteLater()


def test_a_finding_marks_the_moment_and_brings_it_back(screen, qtbot, monkeypatch) -> None:
    """B opens the finding dialog at the cursor; the finding is listed, marked on the timeline,
    survives the screen (it is in the user's findings database) and seeks back on a double
    click."""
    from app.ui.findings_panel import FindingDialog

    detail = screen.detail
    assert detail is not None
    moment = detail.start_ms + 3_000
    screen.cursor.set_time(moment, "test")

    def fill_and_accept(dialog: FindingDialog) -> int:
        dialog.note.setPlainText("the button does nothing")
        dialog.severity.setCurrentText("critical")
        dialog.tags.setText("checkout, button")
        return 1

    monkeypatch.setattr(FindingDialog, "exec", fill_and_accept)
    screen.activateWindow()
    qtbot.waitUntil(screen.isActiveWindow, timeout=5000)
    screen.actions.table.setFocus()
    qtbot.waitUntil(lambda: screen.actions.table.hasFocus(), timeout=5000)
    QTest.keyClick(screen.actions.table, Qt.Key.Key_B)
    panel = screen.findings
    assert len(panel.findings) == 1
    finding = panel.findings[0]
    assert finding.ts_ms == moment and finding.severity == "critical"
    assert finding.title  # suggested from the action or error before the moment
    assert finding.tags == ("checkout", "button")
    markers = [m for m in screen.timeline.data.markers if m.kind == "finding"]
    assert [m.ts_ms for m in markers] == [moment]

    screen.cursor.set_time(detail.start_ms, "test")
    panel.go_to(0)
    assert screen.cursor.time() == moment
    again = type(panel.store)().for_archive(finding.archive_key, finding.session_id)
    assert [f.id for f in again] == [finding.id]
    panel.table.selectRow(0)
    panel.delete_selected()
    assert panel.findings == [] and not [
        m for m in screen.timeline.data.markers if m.kind == "finding"
    ]


def test_a_damaged_findings_database_leaves_the_replay_working(
    qtbot, tmp_path, monkeypatch, tasks
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "findings.duckdb").write_bytes(b"garbage" * 500)
    monkeypatch.setenv("REPLAY_INVESTIGATOR_DATA", str(data))
    store, _ = open_store(RECORDING)
    widget = ReplayScreen(tasks)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.view.session_loaded, timeout=LOAD_TIMEOUT_MS):
        assert widget.open_session(store, session_queries.summaries(store.cursor())[0].session_id)
    assert not widget.findings.add_button.isEnabled()
    assert "findings.duckdb" in widget.findings.add_button.toolTip()
    widget.shutdown()
    store.close()


def _painted_played(table: QTableView) -> list[bool]:
    """Which rows the screen shows as played, read from the screen itself (not re-rendered):
    a played row's text is full contrast, a row not yet played is greyed or faint."""
    viewport = table.viewport()
    origin = viewport.mapToGlobal(QPoint(0, 0))
    size = viewport.size()
    image = viewport.screen().grabWindow(0, origin.x(), origin.y(), size.width(), size.height())
    image = image.toImage()
    scale = image.width() / viewport.width()
    played = []
    for row in range(table.model().rowCount()):
        cell = table.visualRect(table.model().index(row, 1))  # "Type": text in every row
        area = QRect(
            round(cell.left() * scale) + 1,
            round(cell.top() * scale) + 1,
            round(cell.width() * scale) - 2,
            round(cell.height() * scale) - 2,
        )
        background = image.pixelColor(area.topLeft())
        played.append(contrast_ratio(ink(image, background, area), background) >= 4.5)
    return played


def _played_by_model(screen: ReplayScreen) -> list[bool]:
    model = screen.actions.model
    return [model.data(model.index(row, 1), PLAYED_ROLE) for row in range(model.rowCount())]


def test_played_shading_follows_the_cursor_through_seeks_both_ways(screen, qtbot) -> None:
    """Rows between two seek targets used to keep their old shade (only the old and new
    current rows were repainted): greyed rows behind the replay, black ones ahead of it."""
    table = screen.actions.table
    rows = screen.actions.model.rowCount()
    assert table.viewport().height() > rows * table.rowHeight(0)  # all rows on screen
    times = [screen.actions.model.row_at(r).ts_ms for r in range(rows)]
    start, end = screen.cursor.start(), screen.cursor.end()
    for target in (start, end, times[rows // 2], start, times[3], times[rows - 3], times[1]):
        screen.cursor.set_time(target, "test")
        expected = [t <= screen.cursor.time() for t in times]
        assert _played_by_model(screen) == expected
        qtbot.waitUntil(lambda e=expected: _painted_played(table) == e, timeout=5_000)
    # at the end everything is played, at the start only what precedes the first moment
    assert any(expected) and not all(expected)


def test_empty_panels_keep_their_bar_on_top_and_say_so(screen, qtbot) -> None:
    """Network is empty in this recording: "Up to now" stays where it is on a list with rows
    (at the top) instead of floating mid-panel, and a message says nothing was recorded."""
    network, console = screen.network, screen.console
    assert network.model.total_rows() == 0 and console.model.total_rows() == 2
    tops = {}
    for panel in (console, network):  # ends on the empty one
        screen.tabs.setCurrentWidget(panel)
        qtbot.waitUntil(panel.up_to_now.isVisible, timeout=2_000)
        tops[panel.source] = panel.up_to_now.mapTo(panel, QPoint(0, 0)).y()
    assert tops["network"] == tops["console"] <= 4
    assert network.empty_label.isVisible() and not network.table.isVisible()
    assert "No network requests" in network.empty_label.text()
    below = network.empty_label.mapTo(network, QPoint(0, 0)).y()
    assert below > tops["network"]
    assert not network.up_to_now.isEnabled()  # nothing to narrow down
