"""The Maps tab on the demo (issue 21): the checkout page's click map drawn over a replayed
frame; a click on the Place order button on the map lists the sessions that clicked it,
Ashley's among them, and a double-click on hers opens her replay at that click."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt

from app.replay.engine import prepare_web_engine
from app.state.navigation import ShowReplay
from app.ui.application import open_demo
from app.ui.main_window import MainWindow
from app.ui.maps_screen import MapsScreen

prepare_web_engine()
pytestmark = pytest.mark.webengine

ASHLEY = "s0191"
PLACE_ORDER = "#btn_sell-421198"


def test_checkout_click_map_leads_to_ashleys_replay(qtbot: Any, window: MainWindow) -> None:
    window.resize(1400, 900)
    with qtbot.waitSignal(window.store_opened, timeout=120_000):
        open_demo(window)
    screen = next(s for s in window.screens if isinstance(s, MapsScreen))
    window.tabs.setCurrentWidget(screen)
    qtbot.waitUntil(lambda: screen.page_box.count() > 0, timeout=30_000)
    pages = [screen.page_box.itemText(i) for i in range(screen.page_box.count())]
    assert "/checkout" in pages
    screen.page_box.setEditText("/checkout")
    qtbot.mouseClick(screen.draw_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.frame is not None, timeout=60_000)
    assert screen.frame is not None and PLACE_ORDER in screen.frame.boxes
    # the element table: Place order with its error clicks
    rows = {screen.elements.item(r, 0).text(): r for r in range(screen.elements.rowCount())}
    assert int(screen.elements.item(rows[PLACE_ORDER], 2).text()) > 0
    # a click on the button in the map selects it and lists its sessions
    left, top, width, height = screen.frame.boxes[PLACE_ORDER]
    scale = screen.shown_scale  # the map is shown scaled to the tab's width
    qtbot.mouseClick(
        screen.image,
        Qt.MouseButton.LeftButton,
        pos=QPoint(int((left + width / 2) * scale), int((top + height / 2) * scale)),
    )
    assert screen.elements.currentRow() == rows[PLACE_ORDER]
    listed = [screen.sessions_list.item(i) for i in range(screen.sessions_list.count())]
    ashley = next(item for item in listed if ASHLEY in item.text())
    asked: list[object] = []
    window.navigation.requested.connect(asked.append)
    screen.sessions_list.itemActivated.emit(ashley)
    assert asked and isinstance(asked[0], ShowReplay) and asked[0].session_id == ASHLEY
