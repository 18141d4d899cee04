"""Session experience ratings: the weights and shares, and Ashley's session on the demo."""

from __future__ import annotations

from pathlib import Path

from app.analysis.apdex import ApdexThresholds
from app.analysis.experience import rate_session, rate_sessions
from app.demo.plan import ASHLEY_ID, RELEASE_AFTER
from app.store.demo import demo_archive_path
from app.store.filters import SessionFilter
from app.store.open import open_store
from app.store.queries import sessions as session_queries
from app.store.queries.apdex import ApdexTally


def test_ratings_follow_the_weighted_shares() -> None:
    assert rate_session(ApdexTally(satisfied=5), errors=0) == "satisfying"
    assert rate_session(ApdexTally(satisfied=5, tolerating=5), errors=0) == "satisfying"
    assert rate_session(ApdexTally(satisfied=1, tolerating=3), errors=0) == "tolerable"
    # one frustrated action among many: never satisfying, not yet frustrating
    assert rate_session(ApdexTally(satisfied=9, frustrated=1), errors=0) == "tolerable"
    # 2 frustrated of 7 actions plus 2 errors: 8 of 23 weight units (35 %) are frustrating
    assert rate_session(ApdexTally(satisfied=5, frustrated=2), errors=2) == "frustrating"
    assert rate_session(ApdexTally(), errors=0) == "tolerable"


def test_ashleys_stuck_session_is_frustrating(tmp_path: Path) -> None:
    store, _ = open_store(demo_archive_path(), tmp_path / "demo.db")
    with store:
        ratings = rate_sessions(store, SessionFilter(), ApdexThresholds().by_type)
        sessions = session_queries.summaries(store.cursor(), SessionFilter(user=ASHLEY_ID))
        stuck = next(s for s in sessions if s.started_at and s.started_at.day == 20)
        earlier = next(s for s in sessions if s is not stuck)
        assert ratings[stuck.session_id] == "frustrating"
        assert ratings[earlier.session_id] == "satisfying"
        after = session_queries.summaries(store.cursor(), SessionFilter(release=RELEASE_AFTER))
        share_after = sum(ratings[s.session_id] == "frustrating" for s in after) / len(after)
        share_all = sum(r == "frustrating" for r in ratings.values()) / len(ratings)
        assert share_after > share_all
