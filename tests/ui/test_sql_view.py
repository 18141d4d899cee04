"""The SQL tab: read-only queries over the store, errors shown, queries saved."""

from __future__ import annotations

from pathlib import Path

from app.store.open import open_store
from app.ui.sql_view import EXAMPLES, SqlScreen
from tests.builders import write_archive


def test_run_show_errors_and_save(qtbot, tmp_path: Path) -> None:
    store, _ = open_store(write_archive(tmp_path / "a.webreplay", sessions=3), tmp_path / "a.db")
    screen = SqlScreen()
    qtbot.addWidget(screen)
    screen.set_store(store)

    screen.editor.setPlainText("SELECT session_id, user_id FROM sessions ORDER BY session_id")
    screen.run_button.click()
    assert screen.model.rowCount() == 3 and screen.model.columnCount() == 2
    assert screen.model.data(screen.model.index(2, 1), 0) == "u2"
    assert screen.status.text().startswith("3 rows")

    screen.editor.setPlainText("DELETE FROM sessions")
    screen.run_button.click()
    assert "read-only" in screen.status.text().lower() or "error" in screen.status.text().lower()
    assert store.query("SELECT count(*) FROM sessions").rows[0][0] == 3

    screen.save_query("users", "SELECT DISTINCT user_id FROM sessions")
    names = [screen.saved.item(i).text() for i in range(screen.saved.count())]
    assert names[: len(EXAMPLES)] == list(EXAMPLES) and "users" in names
    again = SqlScreen()  # saved queries outlive the screen
    qtbot.addWidget(again)
    assert "users" in [again.saved.item(i).text() for i in range(again.saved.count())]
    for sql in EXAMPLES.values():  # every example runs on a real store
        screen.editor.setPlainText(sql)
        screen.run_button.click()
        assert "rows" in screen.status.text(), (sql, screen.status.text())
    store.close()
