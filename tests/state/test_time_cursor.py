"""The one time model: clamping, equality guard, sources, play state (no widgets)."""

from __future__ import annotations

import pytest

from app.state.time_cursor import TimeCursor


@pytest.fixture
def cursor(qapp) -> TimeCursor:
    model = TimeCursor()
    model.set_range(1_000, 61_000)
    return model


def test_set_time_emits_once_with_its_source_and_clamps(cursor: TimeCursor, qtbot) -> None:
    with qtbot.waitSignal(cursor.time_changed) as blocker:
        assert cursor.set_time(5_000, "timeline")
    assert blocker.args == [5_000, "timeline"]
    assert cursor.offset() == 4_000
    with qtbot.assertNotEmitted(cursor.time_changed):
        assert not cursor.set_time(5_000, "player")  # same value: nothing to tell anyone
    cursor.set_time(10**12, "x")
    assert cursor.time() == 61_000
    cursor.set_time(-5, "x")
    assert cursor.time() == 1_000


def test_a_new_range_stops_playback_and_starts_at_its_beginning(cursor: TimeCursor) -> None:
    cursor.set_time(30_000, "x")
    cursor.set_playing(True)
    cursor.set_range(100_000, 200_000)
    assert (cursor.time(), cursor.is_playing()) == (100_000, False)


def test_playing_from_the_end_restarts(cursor: TimeCursor) -> None:
    cursor.set_time(61_000, "x")
    cursor.set_playing(True)
    assert cursor.time() == 1_000 and cursor.is_playing()


def test_speed_is_bounded_and_guarded(cursor: TimeCursor, qtbot) -> None:
    with qtbot.waitSignal(cursor.speed_changed):
        cursor.set_speed(4)
    with qtbot.assertNotEmitted(cursor.speed_changed):
        cursor.set_speed(4.0)
    cursor.set_speed(100)
    assert cursor.speed() == 16.0
