"""What each frame of a clip shows: replay times (real time, idle periods shortened), the
cursor between recorded positions, click ripples and the caption."""

from __future__ import annotations

import pytest

from app.export.clip_plan import (
    GLIDE_MS,
    IDLE_KEPT_MS,
    RIPPLE_MS,
    ClipError,
    ClipRange,
    caption_at,
    cursor_at,
    plan_frames,
    replay_times,
    ripples_at,
)


def test_real_time_gives_one_frame_per_tick() -> None:
    times = replay_times(10_000, 20_000, 10)
    assert len(times) == 100
    assert times[:3] == [10_000, 10_100, 10_200] and times[-1] == 19_900


def test_skipping_inactivity_shortens_each_long_idle_period_to_a_second() -> None:
    idle = [(12_000, 17_000), (18_000, 18_500)]  # 5 s shortened, 0.5 s kept as it is
    times = replay_times(10_000, 20_000, 10, idle, skip=True)
    assert len(times) == (10_000 - 5_000 + IDLE_KEPT_MS) // 100
    assert 12_000 in times and 17_000 in times
    inside = [t for t in times if 12_000 <= t < 17_000]
    assert len(inside) == IDLE_KEPT_MS // 100  # the five seconds pass in one
    assert replay_times(10_000, 20_000, 10, idle, skip=False) == replay_times(10_000, 20_000, 10)


def test_an_empty_range_or_odd_rate_is_refused() -> None:
    with pytest.raises(ClipError):
        replay_times(5, 5, 10)
    with pytest.raises(ClipError):
        replay_times(0, 1000, 0)


def test_the_cursor_stays_then_glides_to_the_next_recorded_position() -> None:
    positions = [(1_000, 100.0, 100.0), (3_000, 300.0, 100.0)]
    assert cursor_at(positions, 500) is None
    assert cursor_at(positions, 2_000) == (100.0, 100.0)
    assert cursor_at(positions, 3_000 - GLIDE_MS // 2) == (200.0, 100.0)
    assert cursor_at(positions, 4_000) == (300.0, 100.0)


def test_a_click_ripples_for_a_moment() -> None:
    clicks = [(1_000, 10.0, 20.0)]
    assert ripples_at(clicks, 999) == []
    (ripple,) = ripples_at(clicks, 1_000 + RIPPLE_MS // 2)
    assert (ripple.x, ripple.y, ripple.age) == (10.0, 20.0, 0.5)
    assert ripples_at(clicks, 1_000 + RIPPLE_MS) == []


def test_the_caption_names_the_time_and_the_last_action() -> None:
    actions = [(61_000, "click on 'Place order'")]
    assert caption_at(actions, 0, 60_000) == "+1:00.0"
    assert caption_at(actions, 0, 72_700) == "+1:12.7 · click on 'Place order'"


def test_plan_without_caption() -> None:
    clip = ClipRange("s", 0, 1_000, fps=5, caption=False)
    frames = plan_frames(clip, session_start_ms=0, positions=[(0, 1.0, 2.0)], clicks=[],
                         actions=[(0, "x")])  # fmt: skip
    assert [f.at_ms for f in frames] == [0, 200, 400, 600, 800]
    assert all(f.caption == "" and f.cursor == (1.0, 2.0) for f in frames)
