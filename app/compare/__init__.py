"""Compare a session that went wrong with one that went right on the same path (issue 20).

:func:`counterparts` proposes the sessions to compare with (:mod:`.ranking`);
:func:`compare` aligns the two action sequences (:mod:`.alignment`), says at each matched
step how the two differ (:mod:`.differences`: typed values, requests, errors, goals, what
the page showed) and finds the first divergence. The window's side-by-side view and the
``compare`` command both read the :class:`Comparison` it returns.

Pure Python: no Qt, no DuckDB (it asks :mod:`app.store.queries.compare`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.compare.alignment import align
from app.compare.differences import afterwards, describe, first_divergence
from app.compare.model import AlignedStep, Candidate, Comparison, Step
from app.compare.ranking import counterparts, session_steps
from app.store.queries import compare as queries

if TYPE_CHECKING:
    from app.store.store import SessionStore

__all__ = [
    "AlignedStep",
    "Candidate",
    "Comparison",
    "Step",
    "compare",
    "counterparts",
    "session_steps",
]


def compare(
    store: SessionStore,
    session_id: str,
    other_id: str | None = None,
    *,
    mask: bool = False,
    limit: int = 5,
) -> Comparison:
    """``session_id`` against ``other_id`` (by default the best of its counterparts).

    ``mask``: typed values are shown by their shape only (length, letters/digits/spaces).
    Raises ``ValueError`` for an unknown session. When no counterpart exists and no other is
    given, ``other`` is ``None`` and every step is only in ``session``.
    """
    known = queries.heads(store.cursor(), [s for s in (session_id, other_id) if s])
    for sid in (session_id, other_id):
        if sid and sid not in known:
            raise ValueError(f"no session {sid!r}")
    candidates = counterparts(store, session_id, limit)
    other = other_id or (candidates[0].session_id if candidates else None)
    mine = session_steps(store, session_id)
    theirs = session_steps(store, other) if other else []
    facts_a = queries.step_facts(store.cursor(), session_id)
    facts_b = queries.step_facts(store.cursor(), other) if other else {}
    rows: list[AlignedStep] = []
    diverging: list[bool] = []
    for i, j in align([s.token for s in mine], [s.token for s in theirs]):
        a = mine[i] if i is not None else None
        b = theirs[j] if j is not None else None
        if a is not None and b is not None:
            found, diverges = describe(
                a, b, facts_a.get(a.action_id or ""), facts_b.get(b.action_id or ""), mask
            )
        else:
            found, diverges = [f"only in {'A' if a is not None else 'B'}"], True
        rows.append(AlignedStep(a, b, found))
        diverging.append(diverges)
    divergence = first_divergence(rows, diverging)
    if divergence is not None and rows[divergence].matched:
        rows[divergence].differences.extend(afterwards(rows, divergence))
    return Comparison(session_id, other, candidates, rows, divergence)
