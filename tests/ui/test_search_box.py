"""The search box above the tabs (Ctrl+K) on the demo archive: results as you type, Enter
opens the replay a second before the hit, the hits become the Sessions tab's filter, a
query that cannot be read says why in the list; and the index is built in the background
after the dashboard, cancelled when another archive is opened."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.demo.plan import ASHLEY_ID
from app.replay.engine import prepare_web_engine
from app.store.demo import demo_archive_path
from app.store.search import Hit, index_path_for, search, sessions_matching
from app.ui.main_window import MainWindow
from app.ui.search_popup import SESSIONS_ROW

prepare_web_engine()


@pytest.fixture
def demo(qtbot: Any, window: MainWindow) -> MainWindow:
    window.resize(1400, 900)
    with qtbot.waitSignal(window.store_opened, timeout=120_000):
        window.open_file(demo_archive_path(), remember=False)
    qtbot.waitUntil(lambda: window.search.indexer.index is not None, timeout=120_000)
    return window


def type_query(qtbot: Any, window: MainWindow, text: str) -> None:
    """Ctrl+K, then the query typed key by key, as a user would."""
    window.activateWindow()
    qtbot.waitActive(window)  # shortcuts work in the active window …
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)  # … once it has focus
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    box = window.search.box
    qtbot.waitUntil(box.hasFocus, timeout=5_000)
    qtbot.keyClicks(box, text)
    qtbot.waitUntil(
        lambda: box.found is not None and box.found.query == text and box.popup.isVisible(),
        timeout=20_000,
    )


def popup_rows(window: MainWindow) -> list[Any]:
    popup = window.search.box.popup
    return [
        popup.model.item(r).data(Qt.ItemDataRole.UserRole + 21)
        for r in range(popup.model.rowCount())
    ]


def test_typing_lists_hits_and_enter_opens_the_replay_a_second_before_the_hit(
    qtbot: Any, demo: MainWindow
) -> None:
    box = demo.search.box
    assert box.placeholderText() == "Search what users saw, typed, logged… (Ctrl+K)"
    type_query(qtbot, demo, "NW1 6XE")
    hits = [row for row in popup_rows(demo) if isinstance(row, Hit)]
    assert hits, "typing lists the hits under the box"
    expected = search(demo.search.indexer.index, "NW1 6XE", order="relevance", limit=50)
    assert [(h.session_id, h.ts_ms) for h in hits] == [
        (h.session_id, h.ts_ms) for h in expected.hits
    ]
    ashley = {s.session_id for s in demo.archive.current.sessions if s.user_id == ASHLEY_ID}
    assert {h.session_id for h in hits} & ashley, "Ashley typed it"
    html = box.popup.model.item(0).data(Qt.ItemDataRole.UserRole + 20)
    assert "background-color:#ffd43b" in html and "NW1" in html  # the match is marked
    assert "typed" in box.popup.status.text() or "match" in box.popup.status.text()

    qtbot.keyClick(box, Qt.Key.Key_Down)  # the second row
    chosen = box.popup.current_row()
    assert chosen == hits[1]
    qtbot.keyClick(box, Qt.Key.Key_Return)
    screen = demo.replay_screen
    assert screen is not None and demo.tabs.currentWidget() is screen
    assert screen.detail is not None and screen.detail.session_id == chosen.session_id
    assert screen.cursor.time() == chosen.ts_ms - 1000
    assert not box.popup.isVisible()


def test_the_hits_become_the_session_lists_filter_until_the_chip_is_removed(
    qtbot: Any, demo: MainWindow
) -> None:
    query = '"Checking your address"'
    type_query(qtbot, demo, query)
    rows = popup_rows(demo)
    assert rows[-1] == SESSIONS_ROW
    expected = sessions_matching(demo.search.indexer.index, query)
    footer = demo.search.box.popup.model.item(len(rows) - 1).text()
    assert footer == f"Show the {len(expected)} sessions where {query} in the Sessions tab"
    qtbot.keyClick(demo.search.box, Qt.Key.Key_Up)  # from the first row up: the footer
    qtbot.keyClick(demo.search.box, Qt.Key.Key_Return)

    sessions = demo.sessions
    assert demo.tabs.currentWidget() is sessions
    assert sessions.where_chip.isVisible()
    assert sessions.where_chip.text() == f"Sessions where: {query}  ✕"
    qtbot.waitUntil(lambda: sessions.model.rowCount() == len(expected), timeout=20_000)
    listed = {sessions.model.summary(r).session_id for r in range(sessions.model.rowCount())}
    assert listed == set(expected)
    assert 0 < len(expected) < len(demo.archive.current.sessions)

    qtbot.mouseClick(sessions.where_chip, Qt.MouseButton.LeftButton)
    assert not sessions.where_chip.isVisible()
    assert sessions.model.rowCount() == len(demo.archive.current.sessions)


def test_a_query_that_cannot_be_read_says_why_in_the_list(qtbot: Any, demo: MainWindow) -> None:
    type_query(qtbot, demo, "checkout (postal")
    popup = demo.search.box.popup
    assert "not closed" in popup.status.text()
    assert popup.model.rowCount() == 0 and not popup.list.isVisible()
    assert demo.shown_errors == []  # no dialog
    qtbot.keyClick(demo.search.box, Qt.Key.Key_Escape)
    assert not popup.isVisible()


def test_the_index_is_built_after_the_dashboard_and_switching_archives_cancels_it(
    qtbot: Any, window: MainWindow, archives: Any
) -> None:
    indexer = window.search.indexer
    stops: list[str] = []
    indexer.stopped.connect(stops.append)
    small = archives.write("small.webreplay", [archives.Spec("s1", "someone")])
    with qtbot.waitSignal(window.store_opened, timeout=120_000):
        window.open_file(demo_archive_path(), remember=False)
    demo_store = window.store
    assert demo_store is not None
    # the dashboard has filled (store_opened): the build has just started, in the background
    assert indexer.building and indexer.index is None
    assert window.search.status.text() == "Indexing for search… 0%"
    assert window.search.status.isVisible()
    box = window.search.box
    box.setText("NW1")
    box.run()  # typed while indexing: the query waits, the list says why
    assert box.popup.isVisible() and box.popup.status.text().startswith("Indexing…")

    with qtbot.waitSignal(window.store_opened, timeout=60_000):
        window.open_file(small, remember=False)  # reading another file cancels the build
    assert stops == ["cancelled"]
    assert box.text() == "" and not box.popup.isVisible()
    qtbot.waitUntil(lambda: indexer.index is not None, timeout=60_000)
    assert window.store is not None and window.store is not demo_store
    assert index_path_for(window.store.db_path).exists()
    assert not index_path_for(demo_store.db_path).exists()  # nothing half-built was kept
    assert search(indexer.index, "someone").total == 1  # the new archive's index
