"""What a store is (its cursors) and the whole-table queries the CLI asks it for."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.store.open import open_store
from app.store.queries import tables as table_queries
from app.store.store import SessionStore
from tests.builders import write_archive


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SessionStore]:
    opened, _ = open_store(write_archive(tmp_path / "shop.webreplay", sessions=2), tmp_path / "db")
    yield opened
    opened.close()


def test_a_cursor_belongs_to_the_thread_that_asked_for_it(store: SessionStore) -> None:
    mine = store.cursor()
    assert store.cursor() is mine
    theirs: list[object] = []

    def worker() -> None:
        theirs.extend([store.cursor(), store.cursor()])
        theirs.append(store.cursor().execute("SELECT count(*) FROM sessions").fetchone())

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert theirs[0] is theirs[1] and theirs[0] is not mine
    assert theirs[2] == (2,)


def test_every_exported_table_has_columns_and_rows(store: SessionStore) -> None:
    counts = table_queries.row_counts(store.cursor())
    assert counts["sessions"] == 2 and counts["events"] > 0
    for name in table_queries.NAMES:
        result = table_queries.rows(store.cursor(), name)
        assert result.columns, name
    sessions = table_queries.rows(store.cursor(), "sessions")
    assert len(sessions.rows) == 2 and "extra" not in sessions.columns
    users = table_queries.rows(store.cursor(), "users")
    assert users.columns[:2] == ["user_id", "sessions"]
    assert sum(row[1] for row in users.rows) == 2
