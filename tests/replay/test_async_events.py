"""The replay's events are prepared off the GUI thread; a failure shows, never hangs.

Why: preparing a 60-minute session (query, checkpoints, split into parts) takes seconds;
on the GUI thread the window froze meanwhile, and an error (the archive switched under a
shown session) escaped the scheme handler and left the player on "Loading…".
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QElapsedTimer, QTimer

from app.replay import events as player_events
from app.replay.events import store_events
from app.replay.scheme import split_into_parts
from app.store.open import open_store
from app.store.queries import sessions as session_queries
from tests.replay.conftest import LOAD_TIMEOUT_MS, RECORDING

pytestmark = pytest.mark.webengine

RAW = RECORDING.read_bytes()
FAILED_TEXT = "The session's events could not be loaded."


def slow(seconds: float, then: Callable[[str, str | None], bytes] = lambda s, w: RAW) -> Any:
    """A provider that takes ``seconds`` (on whatever thread calls it), then answers."""

    def provide(session_id: str, window_id: str | None) -> bytes:
        provide.threads.append(threading.current_thread())
        provide.started.set()
        time.sleep(seconds)
        try:
            return then(session_id, window_id)
        finally:
            provide.ended.set()

    provide.threads = []
    provide.started = threading.Event()
    provide.ended = threading.Event()
    return provide


def player_message(replay: Any) -> str:
    """What the player page says instead of a replay ("" once a session shows)."""
    return replay.js("document.getElementById('message').hidden ? '' : message.textContent")


def test_the_window_keeps_turning_while_events_are_prepared_then_the_session_plays(
    replay: Any, qtbot: Any
) -> None:
    provider = slow(2.0)
    replay.view.set_events_provider(provider)
    gaps: list[int] = []
    clock = QElapsedTimer()
    clock.start()

    def tick() -> None:
        elapsed = clock.restart()
        if provider.started.is_set() and not provider.ended.is_set():
            gaps.append(elapsed)

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(10)
    with qtbot.waitSignal(replay.view.session_loaded, timeout=LOAD_TIMEOUT_MS) as loaded:
        replay.view.show_session("s")
    timer.stop()
    assert provider.threads and provider.threads[0] is not threading.main_thread()
    assert len(gaps) > 50 and max(gaps[1:]) < 100, gaps  # ~2 s of 10 ms ticks, none stuck
    first, last = loaded.args
    assert (first, last) == (
        min(e["timestamp"] for e in json.loads(RAW)),
        max(e["timestamp"] for e in json.loads(RAW)),
    )
    assert player_message(replay) == "" and replay.bridge.errors == []


def test_a_closed_store_fails_the_request_and_the_player_says_so(replay: Any, qtbot: Any) -> None:
    store, _ = open_store(RECORDING)
    session_id = session_queries.summaries(store.cursor())[0].session_id
    replay.view.set_events_provider(store_events(store), store)
    store.close()  # the archive was switched under the shown session
    replay.view.show_session(session_id)
    qtbot.waitUntil(lambda: bool(replay.bridge.errors), timeout=LOAD_TIMEOUT_MS)
    assert "cannot load events" in replay.bridge.errors[0]
    assert player_message(replay) == FAILED_TEXT
    assert replay.view.scheme_handler.pending() == 0


def test_unreadable_events_fail_the_request(
    replay: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(player_events, "SPLIT_ABOVE_BYTES", 0)  # parsed (and failing) on the worker
    replay.view.set_events_provider(lambda s, w: b"[" + b"1," * 10 + b"oops]")
    replay.view.show_session("s")
    qtbot.waitUntil(lambda: bool(replay.bridge.errors), timeout=LOAD_TIMEOUT_MS)
    assert player_message(replay) == FAILED_TEXT


def test_dropping_the_provider_fails_the_waiting_request_and_cancels_its_task(
    replay: Any, qtbot: Any
) -> None:
    replay.view.set_events_provider(slow(1.5))
    replay.view.show_session("s")
    handler = replay.view.scheme_handler
    qtbot.waitUntil(lambda: handler.pending() == 1, timeout=LOAD_TIMEOUT_MS)
    (preparation,) = handler._preparing.values()
    replay.view.set_events_provider(None)
    assert handler.pending() == 0 and preparation.task.cancelled
    qtbot.waitUntil(lambda: player_message(replay) == FAILED_TEXT, timeout=LOAD_TIMEOUT_MS)


def test_a_retired_store_fails_the_waiting_request(replay: Any, qtbot: Any) -> None:
    store, _ = open_store(RECORDING)
    session_id = session_queries.summaries(store.cursor())[0].session_id
    replay.view.set_events_provider(slow(1.5, store_events(store)), store)
    replay.view.show_session(session_id)
    qtbot.waitUntil(lambda: replay.view.scheme_handler.pending() == 1, timeout=LOAD_TIMEOUT_MS)
    replay.tasks.retire(store)  # what the window does when another archive is opened
    # the runner drops the retired store's results; the handler notices, the page says so
    qtbot.waitUntil(lambda: player_message(replay) == FAILED_TEXT, timeout=LOAD_TIMEOUT_MS)
    assert replay.view.scheme_handler.pending() == 0


def test_another_session_supersedes_one_still_being_prepared(replay: Any, qtbot: Any) -> None:
    def provide(session_id: str, window_id: str | None) -> bytes:
        if session_id == "first":
            time.sleep(1.5)
        return RAW

    replay.view.set_events_provider(provide)
    handler = replay.view.scheme_handler
    replay.view.show_session("first")
    qtbot.waitUntil(lambda: handler.pending() == 1, timeout=LOAD_TIMEOUT_MS)
    (first,) = handler._preparing.values()
    with qtbot.waitSignal(replay.view.session_loaded, timeout=LOAD_TIMEOUT_MS):
        replay.view.show_session("second")
    assert first.task.cancelled
    assert player_message(replay) == "" and replay.bridge.errors == []  # no stale failure


def test_split_into_parts_cuts_between_events_without_reserialising(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    raw = b'[ {"a": 1} , {"b": [1, 2]},{"c":"x,]"}\n,{"d":null} ]'
    assert [bytes(p) for p in split_into_parts(raw)] == [b'{"parts":1,"events":' + raw + b"}"]
    monkeypatch.setattr(player_events, "SPLIT_ABOVE_BYTES", 0)
    monkeypatch.setattr(player_events, "PART_EVENTS", 3)
    parts = [json.loads(bytes(p)) for p in split_into_parts(raw)]
    assert parts == [
        {"parts": 2, "events": [{"a": 1}, {"b": [1, 2]}, {"c": "x,]"}]},
        {"parts": 2, "events": [{"d": None}]},
    ]
    assert bytes(split_into_parts(raw)[0]).count(b'{"b": [1, 2]}') == 1  # the text as stored
    assert [json.loads(bytes(p)) for p in split_into_parts(b"[]")] == [{"parts": 1, "events": []}]
    for broken in (b"{}", b"[1,", b"[1 2]"):
        with pytest.raises(ValueError):
            split_into_parts(broken)
