"""A session's user experience: satisfying, tolerable or frustrating (Dynatrace's idea).

Every element of a session carries a weight and a rating: a user action weighs 3 and is
rated by its Apdex (satisfied / tolerating / frustrated — an action with a JavaScript error
is frustrated), a JavaScript error weighs 1 and is frustrating. A session is
**frustrating** when more than ``FRUSTRATING_SHARE`` of its weight is frustrating,
**satisfying** when nothing in it is frustrating and at least ``SATISFYING_SHARE`` of its
weight is satisfied, and **tolerable** otherwise (also when it holds no rated element).
"""

from __future__ import annotations

from app.store.filters import SessionFilter
from app.store.queries import sessions as session_queries
from app.store.queries.apdex import ApdexTally, Thresholds
from app.store.store import SessionStore

ACTION_WEIGHT = 3
ERROR_WEIGHT = 1
FRUSTRATING_SHARE = 0.30
SATISFYING_SHARE = 0.50
RATINGS = ("satisfying", "tolerable", "frustrating")


def rate_session(tally: ApdexTally, errors: int) -> str:
    satisfied = ACTION_WEIGHT * tally.satisfied
    frustrating = ACTION_WEIGHT * tally.frustrated + ERROR_WEIGHT * errors
    total = ACTION_WEIGHT * tally.total + ERROR_WEIGHT * errors
    if total == 0:
        return "tolerable"
    if frustrating / total > FRUSTRATING_SHARE:
        return "frustrating"
    if frustrating == 0 and satisfied / total >= SATISFYING_SHARE:
        return "satisfying"
    return "tolerable"


RULE = session_queries.RatingRule(
    ACTION_WEIGHT, ERROR_WEIGHT, FRUSTRATING_SHARE, SATISFYING_SHARE, RATINGS
)
"""The rule of :func:`rate_session`, for the store to rate every session of a list in one
query (:func:`app.store.queries.sessions.experience_ratings`; a test holds both to the
same answers)."""


def rate_sessions(store: SessionStore, f: SessionFilter, thresholds: Thresholds) -> dict[str, str]:
    """The experience rating of every selected session."""
    return session_queries.experience_ratings(store.cursor(), f, thresholds, RULE)
