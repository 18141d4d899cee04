"""Ctrl+F in the Replay tab, on Ashley's session of the demo: typing a query lists the
session's hits and marks them on the timeline; Enter moves the time cursor to the next hit
and outlines its element in the replayed page (the postal code she typed, then the text
that appeared after a mutation saying where she ships to); Shift+Enter goes back; Escape
takes list, markers and outline away."""

from __future__ import annotations

import json
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.demo.plan import ASHLEY_ID
from app.replay.engine import prepare_web_engine
from app.store.demo import demo_archive_path
from app.store.search import search
from app.ui.main_window import MainWindow
from app.ui.replay_screen import ReplayScreen

prepare_web_engine()

pytestmark = pytest.mark.webengine
QUERY = "NW1 6XE"


def outline(qtbot: Any, screen: ReplayScreen) -> dict[str, Any] | None:
    """The search outline drawn on the player page and the element under it."""
    with qtbot.waitCallback(timeout=10_000) as callback:
        screen.view.page().runJavaScript("JSON.stringify(window.searchOutline())", 0, callback)
    return json.loads(callback.args[0]) if callback.args[0] else None


def covers(found: dict[str, Any] | None, node_id: int) -> bool:
    """The outline is drawn around the element of ``node_id`` (the box 3 px outside it)."""
    if not found or found["id"] != node_id or not found["element"]:
        return False
    box, element = found["box"], found["element"]
    return (
        abs(box["left"] - (element["left"] - 3)) <= 1
        and abs(box["top"] - (element["top"] - 3)) <= 1
        and abs(box["width"] - (element["width"] + 6)) <= 1
        and abs(box["height"] - (element["height"] + 6)) <= 1
        and element["width"] > 0
    )


def test_ctrl_f_lists_the_hits_and_enter_moves_the_cursor_and_outlines_the_element(
    qtbot: Any, window: MainWindow
) -> None:
    window.resize(1400, 900)
    with qtbot.waitSignal(window.store_opened, timeout=120_000):
        window.open_file(demo_archive_path(), remember=False)
    qtbot.waitUntil(lambda: window.search.indexer.index is not None, timeout=120_000)
    index = window.search.indexer.index
    expected = [
        h
        for h in search(index, QUERY, order="time").hits
        if any(s.session_id == h.session_id and s.user_id == ASHLEY_ID
               for s in window.archive.current.sessions)
    ]  # fmt: skip
    session = expected[0].session_id
    expected = [h for h in expected if h.session_id == session]
    assert [h.kind for h in expected] == ["typed", "text"]  # typed, then shown on the page
    assert window.replay_session(session)
    screen = window.replay_screen
    assert screen is not None
    qtbot.waitUntil(lambda: screen.controller.first_ms is not None, timeout=60_000)

    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    bar = screen.find_bar
    assert bar.isVisible()
    qtbot.waitUntil(bar.field.hasFocus)
    qtbot.keyClicks(bar.field, QUERY)
    qtbot.waitUntil(lambda: len(bar.hits) == len(expected), timeout=20_000)
    assert [(h.ts_ms, h.node_id) for h in bar.hits] == [(h.ts_ms, h.node_id) for h in expected]
    assert screen.tabs.currentWidget() is screen.find_list
    assert screen.find_list.model.rowCount() == 2
    assert screen.find_list.model.row_at(0).cells[1:] == ("typed", QUERY)
    assert len(screen.timeline.marker_items["search"].data) == 2  # markers of their own
    assert bar.count.text() == "0 of 2"

    qtbot.keyClick(bar.field, Qt.Key.Key_Return)  # the next hit after the session start
    typed = expected[0]
    assert screen.cursor.time() == typed.ts_ms + 1
    assert bar.count.text() == "1 of 2"
    qtbot.waitUntil(lambda: covers(outline(qtbot, screen), typed.node_id), timeout=10_000)
    assert outline(qtbot, screen)["text"] == QUERY  # the field she typed it into

    qtbot.keyClick(bar.field, Qt.Key.Key_Return)
    shown = expected[1]
    assert screen.cursor.time() == shown.ts_ms + 1
    assert bar.count.text() == "2 of 2"
    qtbot.waitUntil(lambda: covers(outline(qtbot, screen), shown.node_id), timeout=10_000)
    assert QUERY in outline(qtbot, screen)["text"]  # text that appeared after a mutation

    qtbot.keyClick(bar.field, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert screen.cursor.time() == typed.ts_ms + 1 and bar.count.text() == "1 of 2"

    screen.cursor.set_time(shown.ts_ms - 5_000, "test")  # the list seeks too
    screen.find_list.table.clicked.emit(screen.find_list.model.index(1, 0))
    assert screen.cursor.time() == shown.ts_ms + 1
    qtbot.waitUntil(lambda: covers(outline(qtbot, screen), shown.node_id), timeout=10_000)

    qtbot.keyClick(bar.field, Qt.Key.Key_Escape)
    assert not bar.isVisible()
    assert "search" not in screen.timeline.marker_items
    assert screen.tabs.indexOf(screen.find_list) < 0
    qtbot.waitUntil(lambda: outline(qtbot, screen) is None, timeout=10_000)
