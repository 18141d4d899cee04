"""User SQL read a page at a time: nothing more is fetched than asked, and it can be stopped."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from app.store.open import open_store
from app.store.store import QUERY_CANCELLED, QueryError, SessionStore
from tests.builders import write_archive

# ~40 s and no shortcut: DuckDB counts the rows of a bare product of ranges in about 1 s
SLOW_SQL = "SELECT sum((a.range * 31 + b.range) % 7) FROM range(100000) a, range(1000000) b"


@pytest.fixture
def store(tmp_path: Path) -> SessionStore:
    opened, _ = open_store(write_archive(tmp_path / "a.webreplay", sessions=3), tmp_path / "a.db")
    yield opened
    opened.close()


def test_pages_of_a_huge_result_come_at_once_and_the_count_apart(store: SessionStore) -> None:
    started = time.perf_counter()
    query = store.open_query("SELECT range AS n FROM range(5000000000)")  # 5·10^9 rows
    page = query.fetch_page(1000, 3)
    assert time.perf_counter() - started < 2  # all of them would take minutes
    assert query.columns == ["n"] and page == [(1000,), (1001,), (1002,)]

    events = store.open_query("SELECT * FROM events ORDER BY ts")
    total = events.count()
    assert total == store.query("SELECT count(*) FROM events").rows[0][0] > 5
    pages = [events.fetch_page(offset, 4) for offset in range(0, total + 4, 4)]
    assert [row for p in pages for row in p] == store.query("SELECT * FROM events ORDER BY ts").rows
    assert pages[-1] == []


def test_statements_without_rows_and_errors(store: SessionStore) -> None:
    assert store.open_query("SET threads = 2").count() == 0
    explain = store.open_query("EXPLAIN SELECT * FROM sessions")
    assert explain.count() == 1 and "physical_plan" in explain.fetch_page(0, 5)[0]
    assert store.open_query("SELECT 1 WHERE false").count() == 0
    with pytest.raises(QueryError, match="read-only"):
        store.open_query("DELETE FROM sessions")
    with pytest.raises(QueryError, match='"<b>"'):
        store.open_query('SELECT "<b>" FROM sessions')
    assert store.query("SELECT count(*) FROM sessions").rows == [(3,)]


def test_interrupt_stops_a_running_count(store: SessionStore) -> None:
    query = store.open_query(SLOW_SQL)
    outcome: list[BaseException | int] = []
    worker = threading.Thread(target=lambda: _record(outcome, query.count))
    worker.start()
    time.sleep(0.5)  # running by now
    assert worker.ident is not None and not outcome
    stopped = time.perf_counter()
    store.interrupt(worker.ident)
    worker.join(5)
    assert not worker.is_alive() and time.perf_counter() - stopped < 3
    assert isinstance(outcome[0], QueryError) and str(outcome[0]) == QUERY_CANCELLED
    assert store._user_cursors == {}  # nothing left registered
    assert store.open_query("SELECT 42").fetch_page(0, 1) == [(42,)]  # the store still works


def test_a_closed_store_raises_query_error(tmp_path: Path) -> None:
    store, _ = open_store(write_archive(tmp_path / "a.webreplay", sessions=1), tmp_path / "a.db")
    query = store.open_query("SELECT * FROM sessions")
    store.close()
    with pytest.raises(QueryError):
        query.fetch_page(0, 10)


def _record(outcome: list[BaseException | int], work: object) -> None:
    try:
        outcome.append(work())  # type: ignore[operator]
    except Exception as exc:
        outcome.append(exc)
