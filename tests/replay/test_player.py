"""The player page's own promises: the end of a session, and errors that reach Python."""

from __future__ import annotations

from typing import Any

import pytest

from tests.builders import T0, full, meta
from tests.replay.conftest import Replay

pytestmark = pytest.mark.webengine


def text_change(ts: int, value: str) -> dict[str, Any]:
    """Replace the 'Place order' button's text (node 11 of the builders' page)."""
    return {
        "type": 3,
        "timestamp": ts,
        "data": {
            "source": 0,
            "texts": [{"id": 11, "value": value}],
            "attributes": [],
            "removes": [],
            "adds": [],
        },
    }


BUTTON_TEXT = "window.replayDocument().querySelector('button.primary').textContent"


def test_paused_at_the_end_the_last_event_is_shown(replay: Replay, qtbot) -> None:
    """rrweb applies the events *before* a paused offset; the end must include the last."""
    replay.open_events("ending", [meta(T0), full(T0 + 5), text_change(T0 + 1000, "Order placed")])
    assert replay.duration == 1000
    replay.seek(999)
    assert replay.js(BUTTON_TEXT) == "Place order"
    replay.seek(1000)
    assert replay.js(BUTTON_TEXT) == "Order placed"
    assert replay.ticks[-1][0] == 1000  # the reported time stays inside the session
    replay.seek(5000)  # past the end: clamped to it
    assert replay.js(BUTTON_TEXT) == "Order placed"
    assert replay.ticks[-1][0] == 1000
    qtbot.wait(300)
    assert replay.finished == 0  # a paused seek is not the end of playback
    # and back again
    replay.seek(500)
    assert replay.js(BUTTON_TEXT) == "Place order"
    replay.play_to_end(500, speed=4)
    assert replay.js(BUTTON_TEXT) == "Order placed"
    assert replay.finished == 1
    assert replay.bridge.errors == []


def test_a_recording_the_replayer_cannot_rebuild_is_reported(replay: Replay, qtbot) -> None:
    """The error channel is live, so the empty error lists of the other tests mean something."""
    broken = {"type": 2, "timestamp": T0 + 500, "data": {"node": None, "initialOffset": {}}}
    replay.open_events("broken", [meta(T0), full(T0 + 5), broken, text_change(T0 + 800, "x")])
    assert replay.bridge.errors == []
    replay.seek(800, wait=False)  # it throws before it can answer
    qtbot.waitUntil(lambda: bool(replay.bridge.errors), timeout=5_000)
    assert "TypeError" in replay.bridge.errors[0]


LOOP_FRAMES = "window.playerLoopFrames"


def test_paused_the_frame_loop_stops_and_playing_resumes_it(replay: Replay, qtbot) -> None:
    """Paused, nothing moves: the animation-frame loop must not read the DOM every frame."""
    replay.open_events("idle", [meta(T0), full(T0 + 5), text_change(T0 + 4000, "Order placed")])
    replay.seek(500)  # paused
    qtbot.wait(300)  # the few frames a seek may take to lay out pass
    paused = replay.js(LOOP_FRAMES)
    assert isinstance(paused, (int, float)) and paused > 0  # the loop ran after the seek…
    qtbot.wait(1000)
    assert replay.js(LOOP_FRAMES) == paused  # …and then not once in a second of pause

    replay.seek(500, play=True)
    qtbot.waitUntil(lambda: replay.ticks[-1][0] > 1500, timeout=5_000)  # playback advances
    assert replay.js(LOOP_FRAMES) > paused + 10  # reported frame by frame by the loop

    replay.bridge.pause_requested.emit()
    qtbot.wait(300)
    stopped = replay.js(LOOP_FRAMES)
    qtbot.wait(500)
    assert replay.js(LOOP_FRAMES) == stopped
    assert replay.bridge.errors == []
