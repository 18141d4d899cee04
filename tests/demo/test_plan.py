"""The demo's plan: the story's proportions, reproducible from its seed."""

from __future__ import annotations

from app.demo.plan import (
    ASHLEY_ID,
    DAY_MS,
    PERIOD_START_MS,
    RELEASE_AFTER,
    RELEASE_AT_MS,
    plan_sessions,
)


def test_the_same_seed_gives_the_same_plan_and_another_seed_another() -> None:
    first = [(p.session_id, p.user.user_id, p.start_ms, p.persona) for p in plan_sessions(300, 7)]
    again = [(p.session_id, p.user.user_id, p.start_ms, p.persona) for p in plan_sessions(300, 7)]
    other = [(p.session_id, p.user.user_id, p.start_ms, p.persona) for p in plan_sessions(300, 8)]
    assert first == again
    assert first != other


def test_three_hundred_visits_of_about_150_users_over_seven_days() -> None:
    plans = plan_sessions(300, 7)
    assert len(plans) == 300
    assert len({p.session_id for p in plans}) == 300
    assert 140 <= len({p.user.user_id for p in plans}) <= 160
    days = {(p.start_ms - PERIOD_START_MS) // DAY_MS for p in plans}
    assert days == set(range(7))
    assert [p.start_ms for p in plans] == sorted(p.start_ms for p in plans)
    assert len({p.user.platform.browser for p in plans}) >= 4
    assert len({p.user.platform.os for p in plans}) >= 4
    assert len({p.user.country.code for p in plans}) >= 7


def test_the_release_switches_on_day_five_and_ashley_visits_before_and_after() -> None:
    plans = plan_sessions(300, 7)
    assert all((p.release == RELEASE_AFTER) == (p.start_ms >= RELEASE_AT_MS) for p in plans)
    assert (RELEASE_AT_MS - PERIOD_START_MS) // DAY_MS == 4
    ashley = [p for p in plans if p.user.user_id == ASHLEY_ID]
    assert [p.persona for p in ashley] == ["buy", "ashley"]
    assert ashley[0].release != RELEASE_AFTER and ashley[1].affected


def test_enough_buyers_before_and_affected_buyers_after_the_release() -> None:
    plans = plan_sessions(300, 7)
    before = [p for p in plans if p.release != RELEASE_AFTER]
    after = [p for p in plans if p.release == RELEASE_AFTER]
    share_before = sum(p.persona == "buy" for p in before) / len(before)
    assert 0.27 <= share_before <= 0.40
    buyers_after = [p for p in after if p.persona in ("buy", "ashley")]
    assert sum(p.affected for p in buyers_after) >= len(buyers_after) / 3
