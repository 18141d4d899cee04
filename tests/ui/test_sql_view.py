"""The SQL tab: read-only queries over the store, a page at a time, cancellable, errors shown."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QElapsedTimer, Qt, QTimer

from app.state.tasks import TaskRunner
from app.store.open import open_store
from app.store.store import SessionStore
from app.ui.sql_view import EXAMPLES, PAGE_ROWS, SqlScreen
from tests.builders import write_archive
from tests.ui.conftest import big_archive

# ~40 s and no shortcut: DuckDB counts the rows of a bare product of ranges in about 1 s
SLOW_SQL = "SELECT sum((a.range * 31 + b.range) % 7) FROM range(100000) a, range(1000000) b"
TIMEOUT_MS = 10_000


@pytest.fixture
def tasks(qapp: Any) -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.shutdown()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SessionStore]:
    opened, _ = open_store(write_archive(tmp_path / "a.webreplay", sessions=3), tmp_path / "a.db")
    yield opened
    opened.close()


def make_screen(qtbot: Any, tasks: TaskRunner, store: SessionStore | None) -> SqlScreen:
    screen = SqlScreen(tasks)
    qtbot.addWidget(screen)
    screen.set_store(store)
    return screen


def run_sql(qtbot: Any, screen: SqlScreen, sql: str) -> None:
    """Run ``sql`` and wait until the screen says how it went (rows, or an error)."""
    screen.editor.setPlainText(sql)
    screen.run_button.click()
    qtbot.waitUntil(lambda: screen.status.text() != "Running…", timeout=TIMEOUT_MS)


def test_run_show_errors_and_save(qtbot: Any, tasks: TaskRunner, store: SessionStore) -> None:
    screen = make_screen(qtbot, tasks, store)
    run_sql(qtbot, screen, "SELECT session_id, user_id FROM sessions ORDER BY session_id")
    assert screen.model.rowCount() == 3 and screen.model.columnCount() == 2
    assert screen.model.data(screen.model.index(2, 1), 0) == "u2"
    assert screen.status.text().startswith("3 rows")

    run_sql(qtbot, screen, "DELETE FROM sessions")
    assert "read-only" in screen.status.text().lower()
    assert store.query("SELECT count(*) FROM sessions").rows[0][0] == 3

    screen.save_query("users", "SELECT DISTINCT user_id FROM sessions")
    names = [screen.saved.item(i).text() for i in range(screen.saved.count())]
    assert names[: len(EXAMPLES)] == list(EXAMPLES) and "users" in names
    again = SqlScreen(tasks)  # saved queries outlive the screen
    qtbot.addWidget(again)
    assert "users" in [again.saved.item(i).text() for i in range(again.saved.count())]
    for sql in EXAMPLES.values():  # every example runs on a real store
        run_sql(qtbot, screen, sql)
        assert "rows" in screen.status.text(), (sql, screen.status.text())


def test_errors_are_plain_text_so_a_less_than_sign_shows(
    qtbot: Any, tasks: TaskRunner, store: SessionStore
) -> None:
    screen = make_screen(qtbot, tasks, store)
    run_sql(qtbot, screen, "SELECT '<b>' AS x FROM sessions WHERE <")
    text = screen.status.text()
    assert "Parser Error" in text and "'<b>'" in text  # DuckDB echoes the query
    assert screen.status.textFormat() == Qt.TextFormat.PlainText  # shown as typed, not as HTML
    run_sql(qtbot, screen, 'SELECT "<b>" FROM sessions')
    assert '"<b>" not found' in screen.status.text()


def test_a_big_result_arrives_a_page_at_a_time_as_the_table_scrolls(
    qtbot: Any, tasks: TaskRunner, tmp_path: Path
) -> None:
    big, _ = open_store(big_archive(tmp_path / "big.webreplay", sessions=20, events=40))
    total = big.query("SELECT count(*) FROM events").rows[0][0]
    assert total > 3 * PAGE_ROWS
    screen = make_screen(qtbot, tasks, big)
    screen.resize(900, 700)
    screen.show()
    qtbot.waitExposed(screen)

    screen.editor.setPlainText("SELECT * FROM events")
    screen.run_button.click()
    qtbot.waitUntil(lambda: screen.model.rowCount() > 0, timeout=TIMEOUT_MS)
    assert screen.model.rowCount() == PAGE_ROWS  # one page, not every row
    qtbot.waitUntil(lambda: f"of {total:,} rows" in screen.status.text(), timeout=TIMEOUT_MS)
    assert screen.status.text().startswith(f"{PAGE_ROWS} of {total:,} rows")

    screen.table.scrollToBottom()  # the view asks for the next page
    qtbot.waitUntil(lambda: screen.model.rowCount() == 2 * PAGE_ROWS, timeout=TIMEOUT_MS)
    assert screen.status.text().startswith(f"{2 * PAGE_ROWS} of {total:,} rows")
    while screen.model.rowCount() < total:
        before = screen.model.rowCount()
        screen.table.scrollToBottom()
        qtbot.waitUntil(lambda b=before: screen.model.rowCount() > b, timeout=TIMEOUT_MS)
    assert screen.model.rows == big.query("SELECT * FROM events").rows
    assert screen.status.text().startswith(f"{total:,} rows")
    big.close()


def test_cancel_interrupts_a_slow_query_and_the_window_stays_responsive(
    qtbot: Any, tasks: TaskRunner, store: SessionStore
) -> None:
    screen = make_screen(qtbot, tasks, store)
    screen.show()
    screen.activateWindow()
    qtbot.waitActive(screen)  # shortcuts work in the active window
    screen.editor.setPlainText(SLOW_SQL)
    gaps: list[int] = []
    clock = QElapsedTimer()
    clock.start()
    timer = QTimer()
    timer.timeout.connect(lambda: gaps.append(clock.restart()))
    timer.start(10)
    screen.run_button.click()
    assert screen.cancel_button.isEnabled() and screen.status.text() == "Running…"
    qtbot.wait(1000)  # the query runs on its lane; the GUI thread keeps turning
    timer.stop()
    assert len(gaps) > 20 and max(gaps[1:]) < 200, gaps
    assert tasks.busy(), screen.status.text()

    qtbot.keyClick(screen.editor, Qt.Key.Key_Escape)  # Esc cancels, like the button
    assert screen.status.text() == "Query cancelled"
    assert not screen.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: not tasks.busy(), timeout=3000)  # interrupted, not run to its end
    run_sql(qtbot, screen, "SELECT 42")  # the lane is free again
    assert screen.model.rows == [(42,)]


def test_a_new_query_replaces_a_running_one(
    qtbot: Any, tasks: TaskRunner, store: SessionStore
) -> None:
    screen = make_screen(qtbot, tasks, store)
    screen.editor.setPlainText(SLOW_SQL)
    screen.run_button.click()
    qtbot.wait(300)
    run_sql(qtbot, screen, "SELECT user_id FROM sessions ORDER BY 1")  # waits on the same lane
    assert screen.model.rows == [("u0",), ("u1",), ("u2",)]


def test_set_store_none_clears_and_disables_run(
    qtbot: Any, tasks: TaskRunner, store: SessionStore
) -> None:
    screen = make_screen(qtbot, tasks, store)
    run_sql(qtbot, screen, "SELECT * FROM sessions")
    assert screen.model.rowCount() == 3
    screen.set_store(None)
    assert screen.model.rowCount() == 0 and not screen.run_button.isEnabled()
    screen.set_store(store)
    assert screen.run_button.isEnabled()
