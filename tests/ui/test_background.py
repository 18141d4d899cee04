"""Background queries: run off the GUI thread, delivered on it, in the order submitted."""

from __future__ import annotations

import itertools
import threading
from pathlib import Path

from app.store.filters import SessionFilter
from app.store.ingest import ingest_file
from app.store.store import SessionStore
from app.ui.background import BackgroundQueries
from tests.builders import write_archive


def test_results_arrive_on_the_gui_thread_in_submission_order(qtbot) -> None:
    runner = BackgroundQueries()
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
    runner = BackgroundQueries()
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
    expected = [s.session_id for s in store.session_summaries()]
    runner = BackgroundQueries()
    seen: list[list[str]] = []
    for _ in range(30):
        runner.submit(lambda: [s.session_id for s in store.session_summaries()], seen.append)
    during = [store.overview(SessionFilter()).sessions for _ in range(30)]
    qtbot.waitUntil(lambda: len(seen) == 30)
    runner.wait()
    store.close()
    assert all(ids == expected for ids in seen)
    assert during == [6] * 30


def test_a_result_for_a_closed_widget_is_dropped(qtbot) -> None:
    from PySide6.QtWidgets import QLabel

    runner = BackgroundQueries()
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

    runner = BackgroundQueries()
    order: list[str] = []
    ticker = QTimer()
    ticker.setInterval(0)
    ticker.timeout.connect(lambda: order.append("tick") if order and order[-1] != "tick" else None)
    for n in range(4):
        runner.submit(lambda n=n: n, lambda n: order.append(f"result {n}"))
    runner.wait()  # all four results are ready before the first is handed over
    ticker.start()
    qtbot.waitUntil(lambda: order.count("tick") >= 4 and "result 3" in order)
    ticker.stop()
    results = [i for i, item in enumerate(order) if item.startswith("result")]
    assert all(b - a > 1 for a, b in itertools.pairwise(results))
