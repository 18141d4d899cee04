"""Windowed loading (issue 23): the player holds the events around the cursor only, and
what it shows is exactly what a replay of the whole recording shows."""

from __future__ import annotations

import random
import time
from typing import Any

import pytest

from app.replay.events import store_events
from tests.heavy_session import heavy_session
from tests.replay.conftest import LOAD_TIMEOUT_MS

pytestmark = pytest.mark.webengine

AHEAD_MS = 60_000


@pytest.fixture
def windowed(replay: Any) -> Any:
    replay.windowed_ahead_ms = AHEAD_MS
    events = heavy_session(minutes=6, rate=10, seed=3)
    replay.open_events("heavy", events)
    replay.event_count = len(events)
    return replay


def _fingerprint_at(replay: Any, offset: float) -> str:
    replay.seek(offset)
    return replay.js("window.replayFingerprint()")


def test_the_page_holds_a_window_and_shows_what_the_whole_replay_shows(windowed: Any) -> None:
    replay = windowed
    rng = random.Random(5)
    targets = [rng.uniform(0, replay.duration) for _ in range(6)] + [replay.duration]
    seen = []
    for offset in targets:
        fingerprint = _fingerprint_at(replay, offset)
        held = replay.js_json("return window.playerWindow();")
        assert held["windowed"] and held["events"] < replay.event_count / 2
        assert held["start"] <= replay.first_ms + offset <= held["end"]
        seen.append(fingerprint)
    assert replay.js_json("return window.playerWindow();")["loaded"] >= 3
    # the same targets on the whole recording as recorded (plain rrweb from its start)
    replay.view.set_events_provider(store_events(replay.store), replay.store)
    with replay.qtbot.waitSignal(replay.view.session_loaded, timeout=LOAD_TIMEOUT_MS):
        replay.view.show_session(replay.session_id)
    assert not replay.js_json("return window.playerWindow();")["windowed"]
    whole = [_fingerprint_at(replay, offset) for offset in targets]
    assert seen == whole
    assert replay.bridge.errors == []


def test_a_to_b_to_a_gives_back_the_same_document(windowed: Any) -> None:
    replay = windowed
    rng = random.Random(11)
    for _ in range(5):
        a, b = rng.uniform(0, replay.duration), rng.uniform(0, replay.duration)
        first = _fingerprint_at(replay, a)
        _fingerprint_at(replay, b)
        assert _fingerprint_at(replay, a) == first, (a, b)
    assert replay.bridge.errors == []


def test_playback_runs_on_from_window_to_window_to_the_end(windowed: Any) -> None:
    replay = windowed
    start = replay.duration - 2.5 * AHEAD_MS
    replay.seek(start)
    loaded = replay.js_json("return window.playerWindow();")["loaded"]
    replay.play_to_end(start, speed=64, timeout=60_000)
    assert replay.js_json("return window.playerWindow();")["loaded"] >= loaded + 2
    last_tick = max(offset for offset, _seq in replay.ticks)
    assert last_tick == pytest.approx(replay.duration, abs=1)
    assert replay.bridge.errors == []


def test_a_seek_whose_window_is_slow_says_so_until_it_arrives(replay: Any) -> None:
    """The first seek far into a long session waits for its window (its checkpoints are
    still being computed): the page shows that it is loading, not a frozen frame."""
    replay.windowed_ahead_ms = 30_000
    replay.open_events("slow", heavy_session(minutes=3, rate=10, seed=8))
    windows = replay.windows
    assert windows is not None

    def slow_window(*request: Any) -> bytes:
        time.sleep(1.5)
        return windows.window(*request)

    replay.view.set_events_provider(store_events(replay.store), replay.store, slow_window)
    with replay.qtbot.waitSignal(replay.view.session_loaded, timeout=LOAD_TIMEOUT_MS):
        replay.view.show_session(replay.session_id)
    message = "return [document.getElementById('message').hidden, message.textContent];"
    assert replay.js_json(message)[0]
    seq = replay.seek(replay.duration - 5_000, wait=False)
    replay.qtbot.waitUntil(lambda: replay.js_json(message) == [False, "Loading this moment…"])
    replay.qtbot.waitUntil(lambda: any(s == seq for _, s in replay.ticks), timeout=10_000)
    assert replay.js_json(message)[0]

    # a seek back into the shown window while another is on its way: served at once, and
    # the message of the abandoned wait goes with it
    replay.seek(replay.duration - 40_000, wait=False)
    replay.qtbot.waitUntil(lambda: replay.js_json(message)[1] == "Loading this moment…")
    replay.seek(replay.duration - 4_000)
    assert replay.js_json(message)[0]
    assert replay.bridge.errors == []
