"""Finding the counterpart of a session: converting, error-free sessions on the same path,
ranked by how alike their action sequences are.

Two stages, so ranking stays under a second over 10,000 sessions: the store pre-filters in
SQL (converted, no error, at least one step in common) and orders by the overlap of the sets
of steps, returning a bounded shortlist; only that shortlist is aligned here
(:func:`app.compare.alignment.score`), which also weighs the order of the steps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.compare.alignment import align, credit
from app.compare.model import Candidate, Step
from app.store.queries import compare as queries

if TYPE_CHECKING:
    from app.store.store import SessionStore

SHORTLIST_PER_RESULT, SHORTLIST_MIN = 6, 30


def session_steps(store: SessionStore, session_id: str) -> list[Step]:
    """The session's actions as steps, in order."""
    return [
        Step(i, r.ts_ms, r.kind, r.name, r.url, r.target, r.action_id)
        for i, r in enumerate(queries.steps(store.cursor(), session_id))
    ]


def counterparts(store: SessionStore, session_id: str, limit: int = 5) -> list[Candidate]:
    """Up to ``limit`` sessions that reached a goal without an error on the same path as
    ``session_id``, most similar first; empty when none qualifies or the session is unknown."""
    cur = store.cursor()
    heads = queries.heads(cur, [session_id])
    if session_id not in heads:
        return []
    mine = heads[session_id]
    tokens = [s.token for s in session_steps(store, session_id)]
    size = max(SHORTLIST_MIN, limit * SHORTLIST_PER_RESULT)
    ranked = []
    for row in queries.shortlist(cur, session_id, size):
        pairs = align(tokens, row.tokens)
        matched = sum(
            1 for i, j in pairs if i is not None and j is not None and tokens[i] == row.tokens[j]
        )
        total = sum(
            credit(tokens[i], row.tokens[j]) for i, j in pairs if i is not None and j is not None
        )
        score = min(1.0, 2 * total / max(1, len(tokens) + len(row.tokens)))
        head = row.head
        same_release = bool(head.release) and head.release == mine.release
        same_browser = bool(head.browser) and head.browser == mine.browser
        why = ", ".join(
            [
                f"{matched} of {len(tokens)} steps in common",
                "same entry page" if head.entry_path == mine.entry_path else "other entry page",
                f"same release ({head.release})" if same_release else f"release {head.release}",
                "same browser" if same_browser else f"other browser ({head.browser})",
            ]
        )
        candidate = Candidate(
            head.session_id, head.user_id, round(score, 4), head.converted,
            head.release, head.browser, same_release, same_browser, why,
        )  # fmt: skip
        ranked.append((-score, not same_release, not same_browser, -row.overlap, candidate))
    ranked.sort(key=lambda r: (r[0], r[1], r[2], r[3], r[4].session_id))
    return [r[-1] for r in ranked[:limit]]
