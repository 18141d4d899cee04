"""What the Compare tab shows, read as one task: the comparison and both sessions' details.

Why apart from the tab: it is made on a worker, which must not import the tab's module (that
loads the web engine).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.compare import compare
from app.compare.model import Comparison
from app.store.queries import replay as replay_queries
from app.store.queries.replay import SessionDetail
from app.store.store import SessionStore


@dataclass(frozen=True)
class ComparedPair:
    """A comparison with the details of its two sessions (``left`` the one compared)."""

    comparison: Comparison
    left: SessionDetail
    right: SessionDetail


def read_pair(store: SessionStore, session_id: str, other: str | None) -> ComparedPair:
    """The comparison of ``session_id`` with ``other`` (the best candidate when None) and
    both sessions' details (on a worker); ValueError saying why when there is none."""
    comparison = compare(store, session_id, other)
    if comparison.other is None:
        raise ValueError(
            "no session of the same path reached a goal without an error; pick one by id"
        )
    cursor = store.cursor()
    left = replay_queries.detail(cursor, session_id)
    right = replay_queries.detail(cursor, comparison.other)
    if left is None or right is None:
        missing = session_id if left is None else comparison.other
        raise ValueError(f"session {missing} is not in this archive")
    return ComparedPair(comparison, left, right)
