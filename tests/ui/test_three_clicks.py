"""From a cold launch on the demo to Ashley's replay at her error: three clicks at most, no
typing — the clicks a person makes, on the widgets they would click."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from app.demo.plan import ASHLEY_ID
from app.replay.engine import prepare_web_engine
from app.state.navigation import REPLAY_LEAD_MS
from app.ui.application import open_demo
from app.ui.main_window import MainWindow

prepare_web_engine()

pytestmark = pytest.mark.webengine


class Person:
    """Clicks like a person: on a visible widget, at its centre, counted."""

    def __init__(self, qtbot: Any) -> None:
        self.qtbot, self.clicks = qtbot, 0

    def click(self, widget: QWidget) -> None:
        assert widget.isVisible() and widget.isEnabled(), f"cannot click {widget!r}"
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
        self.clicks += 1


def test_ashleys_error_plays_three_clicks_after_a_cold_launch(
    qtbot: Any, window: MainWindow
) -> None:
    window.resize(1280, 800)
    with qtbot.waitSignal(window.store_opened, timeout=120_000):
        open_demo(window)  # what a launch without a file does
    person = Person(qtbot)
    assert window.tabs.currentWidget() is window.dashboard

    # 1. The "Open problems" card: the Problems screen on the top problem.
    qtbot.waitUntil(lambda: window.dashboard.top_problem is not None, timeout=30_000)
    person.click(window.dashboard.cards["problems"])
    problems = window.problems_screen
    assert window.tabs.currentWidget() is problems
    assert problems.current is not None and "reading 'groups'" in problems.current.title

    # 2. Its impacted sessions, most frustrated first: Ashley's is on top, one click away.
    impacted = problems.impacted
    qtbot.waitUntil(lambda: impacted.table.rowCount() > 0, timeout=30_000)
    assert impacted.table.item(0, 0).text() == ASHLEY_ID
    top = impacted.shown()[0]
    person.click(impacted.replay_button(0))

    screen = window.replay_screen
    assert screen is not None and window.tabs.currentWidget() is screen
    qtbot.waitUntil(lambda: screen.controller.first_ms is not None, timeout=30_000)
    assert screen.detail is not None and screen.detail.session_id == top.session_id
    assert abs(screen.cursor.time() - (top.at_ms - REPLAY_LEAD_MS)) < 1_000
    assert person.clicks <= 3
