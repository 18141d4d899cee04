"""The replay's console and network panels on the demo's stuck checkout (Ashley's session):
whole messages, the stack resolved through the archive's source maps exactly as the Errors
screen resolves it, and whole URLs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QHeaderView

from app.analysis.sourcemaps import archive_source_maps, resolve_stack
from app.demo.plan import ASHLEY_ID, RELEASE_AFTER
from app.state.tasks import TaskRunner
from app.store.demo import demo_archive_path
from app.store.open import open_store
from app.ui.replay_screen import ReplayScreen
from app.ui.timed_lists import TimedListView
from tests.replay.conftest import LOAD_TIMEOUT_MS

pytestmark = pytest.mark.webengine

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def ashley(qtbot: Any) -> Iterator[ReplayScreen]:
    """The replay screen on Ashley's session after the release, as a user sees it."""
    tasks = TaskRunner()
    store, _ = open_store(demo_archive_path())
    session_id = store.query(
        f"SELECT session_id FROM sessions WHERE user_id = '{ASHLEY_ID}'"
        f" AND release = '{RELEASE_AFTER}'"
    ).rows[0][0]
    screen = ReplayScreen(tasks)
    screen.resize(1024, 700)
    screen.show()
    with qtbot.waitSignal(screen.view.session_loaded, timeout=LOAD_TIMEOUT_MS):
        assert screen.open_session(store, session_id)
    yield screen
    screen.shutdown()
    screen.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    tasks.shutdown()
    store.close()


def click_row(qtbot: Any, panel: TimedListView, row: int, column: int) -> None:
    rect = panel.table.visualRect(panel.model.index(row, column))
    qtbot.mouseClick(panel.table.viewport(), LEFT, pos=rect.center())


def test_the_console_shows_whole_messages_and_the_resolved_stack(ashley, qtbot) -> None:
    console = ashley.console
    ashley.tabs.setCurrentWidget(console)
    qtbot.waitUntil(console.table.isVisible, timeout=2_000)
    error = ashley.detail.errors[0]
    assert "(reading 'groups')" in error.message and "app.min.js:1:" in (error.stack or "")
    assert console.model.row_at(0).cells[2] == error.message  # whole, not cut at 300

    click_row(qtbot, console, 0, 2)
    assert console.table.selectionModel().isRowSelected(0)
    assert details_of(console).startswith("error · ")
    # The Errors screen's resolution: the same maps, the same frames.
    top = resolve_stack(error.stack or "", archive_source_maps(ashley.store))[0].original
    assert top is not None and top.source.endswith("/src/shop.js")
    resolved = f"{top.source}:{top.line}:{top.column}"
    qtbot.waitUntil(lambda: resolved in details_of(console), timeout=10_000)  # maps: a task
    text = details_of(console)
    assert error.message in text
    assert "parts.groups.outward" in text  # the original line of code under the frame
    assert "app.min.js:1:8013" not in text  # no minified frame left
    flags = console.details.textInteractionFlags()
    assert flags & Qt.TextInteractionFlag.TextSelectableByMouse  # to copy into a bug report


def details_of(panel: TimedListView) -> str:
    assert panel.details is not None and panel.details.isVisible()
    return panel.details.toPlainText()


def test_the_network_url_column_stretches_and_the_whole_url_is_shown(ashley, qtbot) -> None:
    network = ashley.network
    ashley.tabs.setCurrentWidget(network)
    qtbot.waitUntil(network.table.isVisible, timeout=2_000)
    url_column = 4
    header = network.table.horizontalHeader()
    assert header.sectionResizeMode(url_column) == QHeaderView.ResizeMode.Stretch
    widths = [network.table.columnWidth(c) for c in range(5)]
    assert widths[url_column] == max(widths), widths  # the URL takes the room

    model = network.model
    row = next(r for r in range(model.rowCount()) if "?" in model.row_at(r).record.url)
    full = model.row_at(row).record.url  # e.g. …/api/products?category=jackets
    assert full.startswith("https://www.performancewear.com/")
    shown = model.data(model.index(row, url_column))
    assert shown == full.removeprefix("https://www.performancewear.com")  # the shop's own
    assert model.data(model.index(row, url_column), Qt.ItemDataRole.ToolTipRole) == full
    click_row(qtbot, network, row, url_column)
    assert full in details_of(network)
