"""The pair's one time cursor: the right session follows the left through the alignment."""

from __future__ import annotations

from typing import Any

from app.state.paired_time import DRIFT_MS, SOURCE, PairedCursors, TimeMap
from app.state.time_cursor import TimeCursor

# left steps at 10 s, 20 s, 40 s; the right session took 5 s, 25 s and 30 s for them
ANCHORS = [(10_000, 5_000), (20_000, 25_000), (40_000, 30_000)]


def test_the_map_goes_through_every_aligned_step_and_is_straight_between_them() -> None:
    m = TimeMap(ANCHORS)
    assert [m.to_b(a) for a, _ in ANCHORS] == [b for _, b in ANCHORS]
    assert m.to_b(15_000) == 15_000  # halfway between 5 s and 25 s
    assert m.to_b(30_000) == 27_500
    assert [m.to_a(b) for _, b in ANCHORS] == [a for a, _ in ANCHORS]
    assert m.to_a(27_500) == 30_000


def test_outside_the_aligned_steps_both_sessions_run_at_the_same_speed() -> None:
    m = TimeMap(ANCHORS)
    assert m.to_b(4_000) == -1_000  # 6 s before the first step on both sides
    assert m.to_b(45_000) == 35_000
    assert m.pace(4_000) == m.pace(45_000) == 1.0


def test_each_stretch_has_its_own_pace() -> None:
    m = TimeMap(ANCHORS)
    assert m.pace(15_000) == 2.0  # the right user took twice as long between steps 1 and 2
    assert m.pace(30_000) == 0.25
    assert m.segment(15_000) != m.segment(30_000)


def test_pairs_that_would_run_the_map_backwards_are_left_out() -> None:
    m = TimeMap([(10_000, 5_000), (20_000, 4_000), (30_000, 30_000), (30_000, 31_000)])
    assert m.anchors == [(10_000, 5_000), (30_000, 30_000)]
    assert TimeMap([]).to_b(1234) == 1234


def cursors(qapp: Any) -> tuple[TimeCursor, TimeCursor, PairedCursors]:
    left, right = TimeCursor(), TimeCursor()
    left.set_range(0, 60_000)
    right.set_range(0, 50_000)
    paired = PairedCursors(left, right)
    paired.set_map(TimeMap(ANCHORS))
    return left, right, paired


def test_a_seek_on_the_left_moves_the_right_through_the_map(qapp: Any) -> None:
    left, right, _paired = cursors(qapp)
    left.set_time(30_000, "timeline")
    assert right.time() == 27_500
    left.set_time(20_000, "actions")
    assert right.time() == 25_000


def test_a_seek_on_the_right_timeline_moves_the_pair(qapp: Any) -> None:
    left, right, _paired = cursors(qapp)
    right.set_time(27_500, "timeline")
    assert left.time() == 30_000
    assert right.time() == 27_500  # not moved again by the left's echo


def test_a_step_seeks_both_to_their_own_times(qapp: Any) -> None:
    left, right, paired = cursors(qapp)
    paired.seek_pair(40_000, 30_000, "steps")
    assert (left.time(), right.time()) == (40_000, 30_000)


def test_playing_plays_both_at_each_stretchs_pace_and_resyncs_at_steps(qapp: Any) -> None:
    left, right, paired = cursors(qapp)
    paces: list[float] = []
    paired.pace_changed.connect(paces.append)
    left.set_time(12_000, "steps")
    left.set_speed(2.0)
    left.set_playing(True)
    assert right.is_playing()
    assert paces[-1] == 4.0  # 2× speed in a stretch the right session took twice as long
    # the players tick: the right one drifted off the map, it is sought back onto it
    right.set_time(right.time() + DRIFT_MS + 600, "player")
    left.set_time(13_000, "player")
    assert right.time() == 11_000 and paired.resyncs == 1  # 5 s + 3 s × 2
    left.set_time(21_000, "player")  # the next stretch: its own pace
    assert paces[-1] == 0.5 and right.time() == 25_250
    right.set_playing(False)  # the right session ended first: the left plays on
    assert left.is_playing()
    left.set_playing(False)
    assert not right.is_playing()


def test_moves_of_its_own_never_echo(qapp: Any) -> None:
    left, right, _paired = cursors(qapp)
    moves: list[tuple[int, str]] = []
    left.time_changed.connect(lambda t, source: moves.append((t, source)))
    right.set_time(10_000, "timeline")
    assert moves == [(left.time(), SOURCE)]
