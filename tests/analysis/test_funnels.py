"""Two funnels compared: the z-test, and the demo's checkout funnel before and after 2.5.0."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.analysis.funnels import compare_funnels, two_proportion_z
from app.store.demo import demo_archive_path
from app.store.filters import SessionFilter
from app.store.open import open_store
from app.store.queries.funnels import dropped_after, funnel, parse_step
from app.store.store import SessionStore

CHECKOUT = [
    parse_step(s) for s in ("page:/product/", "page:/cart", "page:/checkout", "goal:purchase")
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SessionStore]:
    store, _ = open_store(demo_archive_path(), tmp_path_factory.mktemp("demo") / "demo.db")
    with store:
        yield store


def test_two_proportion_z() -> None:
    # 45/100 against 60/100: z = 0.15 / sqrt(0.525 · 0.475 · 0.02) ≈ 2.124
    assert two_proportion_z(45, 100, 60, 100) == pytest.approx(2.124, abs=1e-3)
    assert two_proportion_z(1, 0, 1, 10) is None
    assert two_proportion_z(5, 5, 10, 10) == 0.0


def test_the_checkout_funnel_drops_at_its_last_step_after_release_2_5_0(
    demo: SessionStore,
) -> None:
    goals = demo.info()["manifest"]["conversion_goals"]
    before = funnel(demo.cursor(), CHECKOUT, SessionFilter(release="2.4.3"), goals)
    after = funnel(demo.cursor(), CHECKOUT, SessionFilter(release="2.5.0"), goals)
    differences = compare_funnels(before, after)
    assert [d.significant for d in differences] == [False, False, False, True]
    last = differences[-1]
    assert last.a.conversion_from_previous > 0.8 and last.b.conversion_from_previous < 0.5
    assert last.difference < -0.4 and last.z is not None and last.z < -1.96
    # the dropped sessions of 2.5.0 at checkout include Ashley's, leaving at checkout
    stuck = dropped_after(demo.cursor(), CHECKOUT, SessionFilter(release="2.5.0"), 2, goals)
    assert len(stuck) == after.steps[2].dropped
    ashley = [d for d in stuck if d.user_id and d.user_id.startswith("ashley")]
    assert [d.session_id for d in ashley] == ["s0191"]
    assert all(d.left_ms >= d.reached_ms for d in stuck)
