"""Session experience ratings: the weights and shares, and Ashley's session on the demo."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from app.analysis.apdex import ApdexThresholds
from app.analysis.experience import rate_session, rate_sessions
from app.archive.sample import write_sample_archive
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


def test_the_stores_ratings_follow_rate_session_for_every_session(tmp_path: Path) -> None:
    """The session list's ratings are decided in one query (fast over 100,000 sessions):
    they must be what :func:`rate_session` says of each session's tally."""
    archive = write_sample_archive(tmp_path / "sample.webreplay", sessions=300)
    seen: set[str] = set()
    for source, name in ((archive, "sample.db"), (demo_archive_path(), "demo.db")):
        store, _ = open_store(source, tmp_path / name)
        with store:
            thresholds = ApdexThresholds.from_manifest(store.info().get("manifest")).by_type
            for f in (SessionFilter(), SessionFilter(release=RELEASE_AFTER)):
                rated = rate_sessions(store, f, thresholds)
                inputs = session_queries.ratings_input(store.cursor(), f, thresholds)
                assert rated == {sid: rate_session(*tally) for sid, tally in inputs.items()}
                listed = session_queries.summaries(store.cursor(), f)
                with_rating = [s.rated(rated[s.session_id]) for s in listed]
                assert with_rating == [replace(s, experience=rated[s.session_id]) for s in listed]
            seen |= set(rate_sessions(store, SessionFilter(), thresholds).values())
    assert seen == {"satisfying", "tolerable", "frustrating"}  # every branch of the rule
