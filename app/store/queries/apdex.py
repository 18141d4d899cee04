"""How the selection's actions rate: Apdex tallies per action type, before and after a moment.

Definitions (what a good Apdex is, the bands) live in ``app.analysis.apdex``; this module
only counts. Tallies follow Dynatrace: an action is *satisfied* when its duration is under
the tolerated threshold of its type, *frustrated* when it exceeds the frustrating threshold
or a JavaScript error occurred in it, *tolerating* otherwise. Rated are Load and XHR actions
and Custom actions made through the recorder's API; a click or change that started no
request is a user *event* (listed and counted, like Dynatrace's user events, but not rated —
it has no duration worth rating, and thousands of instant clicks would hide every slow
page). Thresholds arrive as a mapping ``{"load": (tolerated_ms, frustrating_ms), "xhr": …}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.store.filters import SessionFilter
from app.store.queries import Cursor

ACTION_TYPES = ("load", "xhr", "custom")
RATED = "a.type <> 'custom' OR a.trigger = 'api'"
"""Which actions Apdex rates (SQL over ``actions a``), as the module docstring explains."""
Thresholds = Mapping[str, tuple[int, int]]


@dataclass(frozen=True)
class ApdexTally:
    satisfied: int = 0
    tolerating: int = 0
    frustrated: int = 0

    @property
    def total(self) -> int:
        return self.satisfied + self.tolerating + self.frustrated

    def __add__(self, other: ApdexTally) -> ApdexTally:
        return ApdexTally(
            self.satisfied + other.satisfied,
            self.tolerating + other.tolerating,
            self.frustrated + other.frustrated,
        )


def classified_actions(
    f: SessionFilter, thresholds: Thresholds, *, every: bool = False
) -> tuple[str, list[Any]]:
    """Selected rated actions with ``rating`` ('s' / 't' / 'f'), as a subquery and its
    parameters; ``every`` keeps the unrated ones too, with a NULL rating (one pass over the
    actions for a query that counts both)."""
    swhere, sparams = f.sessions_where("s")
    awhere, aparams = f.records_where("a")
    values = ", ".join("(?, ?, ?)" for _ in ACTION_TYPES)
    tparams: list[Any] = []
    for kind in ACTION_TYPES:
        tolerated, frustrating = thresholds.get(kind, (3000, 12000))
        tparams += [kind, int(tolerated), int(frustrating)]
    sql = f"""
        SELECT a.session_id, a.ts, a.type, a.url, s.user_id,
               CASE WHEN NOT ({RATED}) THEN NULL
                    WHEN ea.action_id IS NOT NULL OR a.duration_ms > t.frustrating THEN 'f'
                    WHEN coalesce(a.duration_ms, 0) < t.tolerated THEN 's'
                    ELSE 't' END AS rating
        FROM actions a
        JOIN sessions s USING (session_id)
        JOIN (VALUES {values}) AS t(kind, tolerated, frustrating) ON t.kind = a.type
        LEFT JOIN (SELECT DISTINCT session_id, action_id FROM errors
                   WHERE action_id IS NOT NULL) ea
               ON ea.session_id = a.session_id AND ea.action_id = a.action_id
        WHERE {swhere} AND {awhere} AND ({"TRUE" if every else RATED})"""
    return sql, tparams + sparams + aparams


def by_type(con: Cursor, f: SessionFilter, thresholds: Thresholds) -> dict[str, ApdexTally]:
    """Satisfied / tolerating / frustrated actions per action type."""
    sub, params = classified_actions(f, thresholds)
    rows = con.execute(
        f"""SELECT type, count(*) FILTER (WHERE rating = 's'), count(*) FILTER (WHERE rating = 't'),
                   count(*) FILTER (WHERE rating = 'f')
            FROM ({sub}) GROUP BY type""",
        params,
    ).fetchall()
    tallies = {kind: ApdexTally() for kind in ACTION_TYPES}
    for kind, s, t, fr in rows:
        tallies[kind] = ApdexTally(int(s), int(t), int(fr))
    return tallies


def before_after(
    con: Cursor, f: SessionFilter, split_ms: int, thresholds: Thresholds
) -> tuple[ApdexTally, ApdexTally]:
    """Overall Apdex tallies of the selection before and from ``split_ms``, in one pass."""
    sub, params = classified_actions(f, thresholds)
    row = con.execute(
        f"""SELECT count(*) FILTER (WHERE rating = 's' AND before),
                   count(*) FILTER (WHERE rating = 't' AND before),
                   count(*) FILTER (WHERE rating = 'f' AND before),
                   count(*) FILTER (WHERE rating = 's' AND NOT before),
                   count(*) FILTER (WHERE rating = 't' AND NOT before),
                   count(*) FILTER (WHERE rating = 'f' AND NOT before)
            FROM (SELECT rating, epoch_ms(ts) < ? AS before FROM ({sub}))""",
        [int(split_ms), *params],
    ).fetchone()
    assert row is not None
    return ApdexTally(*map(int, row[:3])), ApdexTally(*map(int, row[3:]))
