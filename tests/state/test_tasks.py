"""The task runner: off the GUI thread, delivered on it in order, one per turn; owners,
retired stores (interrupted, closed without waiting), failures with their traceback."""

from __future__ import annotations

import itertools
import threading
import time
from pathlib import Path

from app.state.tasks import TaskRunner
from app.store.filters import SessionFilter
from app.store.ingest import ingest_file
from app.store.queries import overview as overview_queries
from app.store.queries import sessions as session_queries
from app.store.store import SessionStore
from tests.builders import write_archive

SLOW_QUERY = "SELECT sum(a.range * b.range) FROM range(200000) a, range(200000) b"
"""Minutes of work for DuckDB (a count over a range alone is answered at once)."""


def test_results_arrive_on_the_gui_thread_in_submission_order(qtbot) -> None:
    runner = TaskRunner()
    gui = threading.get_ident()
    ran_on: list[int] = []
    delivered: list[tuple[int, int]] = []

    def work(n: int) -> int:
        ran_on.append(threading.get_ident())
        return n * n

    for n in range(20):
        runner.submit(lambda n=n: work(n), lambda r, n=n: delivered.append((n, r)))
    qtbot.waitUntil(lambda: len(delivered) == 20)
    assert delivered == [(n, n * n) for n in range(20)]
    assert gui not in ran_on
    assert not runner.busy()


def test_a_failing_query_reaches_its_error_handler_and_the_queue_goes_on(qtbot) -> None:
    runner = TaskRunner()
    errors: list[BaseException] = []
    results: list[int] = []
    runner.submit(lambda: 1 / 0, results.append, errors.append)
    runner.submit(lambda: 7, results.append)
    qtbot.waitUntil(lambda: results == [7])
    assert len(errors) == 1 and isinstance(errors[0], ZeroDivisionError)


def test_the_store_answers_the_gui_and_a_worker_at_the_same_time(qtbot, tmp_path: Path) -> None:
    """Each thread queries through its own cursor: no mixed-up or failed statements."""
    archive = write_archive(tmp_path / "shop.webreplay", sessions=6)
    store = SessionStore(ingest_file(archive, tmp_path / "shop.db").db_path)
    expected = [s.session_id for s in session_queries.summaries(store.cursor())]
    runner = TaskRunner()
    seen: list[list[str]] = []
    for _ in range(30):
        runner.submit(
            lambda: [s.session_id for s in session_queries.summaries(store.cursor())], seen.append
        )
    during = [overview_queries.summary(store.cursor(), SessionFilter()).sessions for _ in range(30)]
    qtbot.waitUntil(lambda: len(seen) == 30)
    store.close()
    assert all(ids == expected for ids in seen)
    assert during == [6] * 30


def test_a_result_for_a_closed_widget_is_dropped(qtbot) -> None:
    from PySide6.QtWidgets import QLabel

    runner = TaskRunner()
    label = QLabel()
    delivered: list[str] = []
    runner.submit(lambda: "late", lambda text: (label.setText(text), delivered.append(text)),
                  owner=label)  # fmt: skip
    label.deleteLater()
    qtbot.waitUntil(lambda: not runner.busy())
    runner.submit(lambda: "next", delivered.append)
    qtbot.waitUntil(lambda: delivered == ["next"])


def test_results_that_arrive_together_are_handed_over_one_turn_apart(qtbot) -> None:
    """Timers (input, painting) get their turn between two handlers."""
    from PySide6.QtCore import QTimer

    runner = TaskRunner()
    order: list[str] = []
    ticker = QTimer()
    ticker.setInterval(0)
    ticker.timeout.connect(lambda: order.append("tick") if order and order[-1] != "tick" else None)
    tasks = [runner.submit(lambda n=n: n, lambda n: order.append(f"result {n}")) for n in range(4)]
    while not all(t.done for t in tasks):  # all four ready before the first is handed over
        time.sleep(0.01)  # (without running the event loop)
    ticker.start()
    qtbot.waitUntil(lambda: order.count("tick") >= 4 and "result 3" in order)
    ticker.stop()
    results = [i for i, item in enumerate(order) if item.startswith("result")]
    assert all(b - a > 1 for a, b in itertools.pairwise(results))


def test_a_failure_is_logged_with_its_traceback_and_announced(qtbot, caplog) -> None:
    runner = TaskRunner()

    def broken() -> None:
        raise KeyError("no such session")

    with qtbot.waitSignal(runner.failure) as failure:
        runner.submit(broken, name="broken query")
    assert failure.args[0] == "broken query"
    assert isinstance(failure.args[1], KeyError)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Traceback" in logged and "in broken" in logged


def test_retiring_a_store_interrupts_its_query_and_closes_it_without_waiting(
    qtbot, tmp_path: Path
) -> None:
    """Switching archives: the old store's long query stops, queued ones never run, the
    GUI thread does not wait, and the store is closed once its worker is free."""
    archive = write_archive(tmp_path / "shop.webreplay", sessions=3)
    store = SessionStore(ingest_file(archive, tmp_path / "shop.db").db_path)
    runner = TaskRunner()
    started = threading.Event()
    results: list[object] = []

    def slow() -> object:
        started.set()
        return store.query(SLOW_QUERY).rows

    runner.submit(slow, results.append, results.append, store=store)
    queued_ran: list[bool] = []
    runner.submit(lambda: queued_ran.append(True), store=store)
    assert started.wait(10)
    time.sleep(0.2)  # the query is running
    before = time.monotonic()
    runner.retire(store)
    assert time.monotonic() - before < 0.05  # retire never waits
    qtbot.waitUntil(lambda: store.closed, timeout=10_000)
    qtbot.waitUntil(lambda: not runner.busy())
    assert results == []  # the interrupted query's result (an error) is dropped
    assert queued_ran == []


def test_cancelling_a_task_interrupts_only_its_own_query(qtbot, tmp_path: Path) -> None:
    archive = write_archive(tmp_path / "shop.webreplay", sessions=3)
    store = SessionStore(ingest_file(archive, tmp_path / "shop.db").db_path)
    runner = TaskRunner()
    started = threading.Event()
    slow_results: list[object] = []
    after: list[int] = []

    def slow() -> object:
        started.set()
        return store.query(SLOW_QUERY).rows

    task = runner.submit(slow, slow_results.append, slow_results.append, store=store)
    runner.submit(lambda: len(session_queries.summaries(store.cursor())), after.append, store=store)
    assert started.wait(10)
    task.cancel()
    qtbot.waitUntil(lambda: after == [3], timeout=10_000)
    assert slow_results == []
    store.close()


def test_steps_in_turns_run_in_order_and_stop_when_their_owner_goes(qtbot) -> None:
    from PySide6.QtWidgets import QLabel

    runner = TaskRunner()
    done: list[int] = []
    runner.in_turns([lambda n=n: done.append(n) for n in range(5)])
    qtbot.waitUntil(lambda: done == [0, 1, 2, 3, 4])
    owner = QLabel()
    stopped: list[int] = []

    def first() -> None:
        stopped.append(1)
        owner.deleteLater()

    runner.in_turns([first, lambda: stopped.append(2)], owner=owner)
    qtbot.waitUntil(lambda: not runner.busy())
    assert stopped == [1]


def test_a_dropped_task_says_so_instead_of_going_silent(qtbot, tmp_path: Path) -> None:
    """Work someone waits on (a web request) must learn that its store was retired."""
    archive = write_archive(tmp_path / "shop.webreplay", sessions=3)
    store = SessionStore(ingest_file(archive, tmp_path / "shop.db").db_path)
    runner = TaskRunner()
    started = threading.Event()
    heard: list[str] = []

    def slow() -> object:
        started.set()
        return store.query(SLOW_QUERY).rows

    runner.submit(
        slow, heard.append, lambda e: heard.append("failed"), store=store,
        dropped=lambda: heard.append("dropped"),
    )  # fmt: skip
    assert started.wait(10)
    time.sleep(0.2)
    runner.retire(store)
    qtbot.waitUntil(lambda: heard == ["dropped"], timeout=10_000)
    cancelled: list[str] = []
    task = runner.submit(lambda: 1, cancelled.append, dropped=lambda: cancelled.append("dropped"))
    task.cancel()
    qtbot.waitUntil(lambda: not runner.busy())
    assert cancelled == ["dropped"]  # a cancelled task never delivers, even if it ran
