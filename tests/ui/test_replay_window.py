"""The Replay tab inside the real main window: it must not force the window wider than
1,024 px (it used to make ~1,180 px the window's minimum)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QWidget

from app.replay.engine import prepare_web_engine
from app.ui.main_window import MainWindow

prepare_web_engine()

pytestmark = pytest.mark.webengine

LONG_USER = "customer-with-a-rather-long-identifier-0123456789@subsidiary.example.co.uk"


def inside(widget: QWidget, window: MainWindow) -> bool:
    """The whole widget lies within the window (nothing of it cut off at the right)."""
    left = widget.mapTo(window, QPoint(0, 0)).x()
    return widget.isVisible() and left >= 0 and left + widget.width() <= window.width()


def test_a_1024_by_700_window_shows_the_whole_replay(
    qtbot: Any, window: MainWindow, archives: Any
) -> None:
    path = archives.write("narrow.webreplay", [archives.Spec("s1", LONG_USER, errors=1)])
    with qtbot.waitSignal(window.store_opened, timeout=30_000):
        window.open_file(path)
    assert window.replay_session("s1")
    screen = window.replay_screen
    assert screen is not None and window.tabs.currentWidget() is screen
    qtbot.waitUntil(lambda: screen.controller.first_ms is not None, timeout=30_000)

    assert window.minimumSizeHint().width() <= 1024
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == (1024, 700), timeout=5_000)
    assert window.minimumSize().width() <= 1024
    controls = screen.controls
    qtbot.waitUntil(lambda: inside(controls.speed, window), timeout=5_000)
    for widget in (
        *controls.transport_buttons,
        controls.next_error,
        controls.time_label,
        controls.skip,
        controls.assets,
        screen.timeline.fit_button,
        screen.tabs,
    ):
        assert inside(widget, window), widget
    assert screen.tabs.width() >= 250 and screen.view.width() >= 500
    assert LONG_USER in screen.title.text()  # wrapped, not widening the window
