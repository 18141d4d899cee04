"""The Errors screen's layout: the Top 10 is read whole at the default window size."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QRect

from app.ui.main_window import MainWindow
from tests.builders import write_error_groups_archive


def test_all_ten_errors_are_seen_at_1280_by_800(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    archive = write_error_groups_archive(tmp_path / "errors.webreplay", groups=12)
    window.resize(1280, 800)
    with qtbot.waitSignal(window.store_opened, timeout=60_000):
        window.open_file(archive)
    screen = window.errors_screen
    window.tabs.setCurrentWidget(screen)
    table = screen.top
    qtbot.waitUntil(lambda: table.rowCount() == 10)  # the Top 10 of 12 groups
    qtbot.waitUntil(lambda: table.height() > 10 * table.rowHeight(0))  # laid out again

    tenth = table.visualRect(table.model().index(9, 0))
    assert table.viewport().rect().contains(tenth)  # inside the table, no scrolling it
    # … and inside the part of the screen that is on view, without scrolling the page
    page = screen.page.viewport()
    on_page = QRect(table.viewport().mapTo(page, tenth.topLeft()), tenth.size())
    assert page.rect().contains(on_page)
    assert table.verticalScrollBar().maximum() == 0
