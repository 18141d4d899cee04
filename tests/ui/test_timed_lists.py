"""The replay's time-synced lists: a click never scrolls them sideways, and the details
pane follows the replay once it moves on."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from app.state.time_cursor import TimeCursor
from app.ui.timed_lists import TimedListView, TimedRow

T0 = 1_700_000_000_000


def make_list(qtbot: Any) -> tuple[TimeCursor, TimedListView]:
    cursor = TimeCursor()
    cursor.set_range(T0, T0 + 60_000)
    panel = TimedListView(
        cursor, "console", ["Time", "Level", "Message", "Where"],
        details=lambda row: "\n".join(row.cells),
    )  # fmt: skip
    rows = [
        TimedRow(T0 + i * 5_000, (f"0:{i * 5:02d}", "error", f"message {i} " + "x" * 80, "a.js"))
        for i in range(10)
    ]
    panel.set_rows(rows, T0, widths=[60, 60, 600, 300])
    panel.resize(360, 400)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    return cursor, panel


def test_a_click_on_a_wide_cell_does_not_scroll_the_list_sideways(qtbot: Any) -> None:
    _cursor, panel = make_list(qtbot)
    table = panel.table
    assert table.horizontalScrollBar().maximum() > 0  # the columns are wider than the panel
    cell = table.visualRect(panel.model.index(2, 2))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell.center())
    assert table.horizontalScrollBar().value() == 0
    assert table.columnViewportPosition(0) == 0  # the Time column is still in view


def test_the_details_follow_the_replay_after_a_chosen_row(qtbot: Any) -> None:
    cursor, panel = make_list(qtbot)
    assert panel.details is not None
    cell = panel.table.visualRect(panel.model.index(1, 0))
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=cell.center())
    assert "message 1 " in panel.details.toPlainText()
    cursor.set_time(T0 + 31_000, "player")  # playback moves on: row 6 is now current
    assert "message 6 " in panel.details.toPlainText()
    cursor.set_time(T0 + 32_000, "player")  # the same row: nothing changes
    assert "message 6 " in panel.details.toPlainText()
