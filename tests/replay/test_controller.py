"""Cursor ↔ player sync without a web engine: the bridge is a plain QObject."""

from __future__ import annotations

import pytest

from app.replay.bridge import PlayerBridge
from app.replay.controller import HIGHLIGHT_MS, ReplayController
from app.state.time_cursor import TimeCursor

FIRST = 1_700_000_000_000


@pytest.fixture
def wired(qapp):
    cursor, bridge = TimeCursor(), PlayerBridge()
    controller = ReplayController(cursor, bridge)
    cursor.set_range(FIRST, FIRST + 60_000)
    seeks: list[tuple[float, int, bool]] = []
    bridge.seek_requested.connect(lambda *args: seeks.append(args))
    bridge.page_loaded(FIRST, FIRST + 60_000)
    return cursor, bridge, controller, seeks


def test_a_view_seek_becomes_a_player_seek(wired) -> None:
    cursor, _bridge, controller, seeks = wired
    seeks.clear()
    cursor.set_time(FIRST + 12_345, "actions")
    assert seeks == [(12_345.0, controller.seq, False)]


def test_player_ticks_move_the_cursor_without_echoing_a_seek(wired, qtbot) -> None:
    cursor, bridge, controller, seeks = wired
    cursor.set_playing(True)
    seeks.clear()
    with qtbot.waitSignal(cursor.time_changed) as moved:
        bridge.page_tick(2_000.0, controller.seq)
    assert moved.args == [FIRST + 2_000, "player"]
    assert seeks == []  # no feedback loop: the player's own time is not sent back to it
    with qtbot.assertNotEmitted(bridge.seek_requested, wait=50):
        bridge.page_tick(2_040.0, controller.seq)


def test_ticks_from_before_the_latest_seek_are_ignored(wired, qtbot) -> None:
    cursor, bridge, controller, _seeks = wired
    stale = controller.seq
    cursor.set_time(FIRST + 40_000, "timeline")
    with qtbot.assertNotEmitted(cursor.time_changed, wait=50):
        bridge.page_tick(1_000.0, stale)
    assert cursor.time() == FIRST + 40_000


def test_dragging_the_timeline_throttles_seeks_and_release_is_exact(wired, qtbot) -> None:
    cursor, _bridge, _controller, seeks = wired
    seeks.clear()
    for step in range(1, 30):
        cursor.set_time(FIRST + step * 100, "timeline-drag")
    assert len(seeks) == 0  # throttled: nothing yet
    qtbot.waitUntil(lambda: len(seeks) == 1, timeout=1000)
    cursor.set_time(FIRST + 5_555, "timeline")
    assert seeks[-1][0] == 5_555.0
    assert len(seeks) == 2


def test_play_and_pause_reach_the_player(wired, qtbot) -> None:
    cursor, bridge, controller, seeks = wired
    cursor.set_time(FIRST + 3_000, "controls")
    seeks.clear()
    cursor.set_playing(True)
    assert seeks[-1] == (3_000.0, controller.seq, True)
    with qtbot.waitSignal(bridge.pause_requested):
        cursor.set_playing(False)
    cursor.set_playing(True)
    bridge.page_finished()
    assert not cursor.is_playing()


def test_the_clicked_element_is_outlined_just_after_the_click(wired) -> None:
    cursor, bridge, controller, _seeks = wired
    controller.set_clicks([(FIRST + 10_000, 42)])
    outlined: list[int] = []
    bridge.highlight_requested.connect(outlined.append)
    cursor.set_time(FIRST + 10_100, "actions")
    cursor.set_time(FIRST + 10_000 + HIGHLIGHT_MS + 500, "actions")
    assert outlined == [42, -1]
