"""The selection's sessions: the session list, the values the filter bar offers, the light
session counts, and what each session's experience rating is computed from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.store.filters import SessionFilter
from app.store.queries import Cursor
from app.store.queries.apdex import ApdexTally, Thresholds, classified_actions


@dataclass(frozen=True)
class SessionSummary:
    session_id: str
    user_id: str | None
    started_at: datetime | None
    duration_ms: int | None
    pages: int
    events: int
    actions: int
    errors: int
    clicks: int
    browser: str | None
    os: str | None
    country: str | None
    release: str | None = None
    experience: str | None = None  # rated by app.analysis.experience, not by the store

    def rated(self, experience: str | None) -> SessionSummary:
        """This session with its experience rating.

        Why not ``dataclasses.replace``: it introspects the fields for every copy, 23 µs a
        session, 2.3 s for a lake's 100,000 sessions on a loaded machine; copying the
        attributes took a third of that.
        """
        copy = object.__new__(SessionSummary)
        copy.__dict__.update(self.__dict__, experience=experience)
        return copy


_SUMMARY_SQL = """
WITH ev AS (SELECT session_id, count(*) AS n FROM events GROUP BY session_id),
     ac AS (SELECT session_id, count(*) AS n,
                   count(*) FILTER (WHERE trigger IN ('click', 'dblclick')) AS clicks,
                   -- pages visited: in a single-page app routes change without a load
                   count(DISTINCT url) AS pages
            FROM actions GROUP BY session_id),
     er AS (SELECT session_id, count(*) AS n FROM errors GROUP BY session_id)
SELECT s.session_id, s.user_id, s.started_at, s.duration_ms,
       coalesce(ac.pages, 0), coalesce(ev.n, 0), coalesce(ac.n, 0), coalesce(er.n, 0),
       coalesce(ac.clicks, 0), s.browser, s.os, s.country, s.release
FROM sessions s
LEFT JOIN ev USING (session_id) LEFT JOIN ac USING (session_id) LEFT JOIN er USING (session_id)
WHERE {where}
ORDER BY s.started_at, s.session_id
"""


def summaries(con: Cursor, f: SessionFilter | None = None) -> list[SessionSummary]:
    """The selected sessions (every one without a filter), in order of their start."""
    where, params = (f or SessionFilter()).sessions_where("s")
    rows = con.execute(_SUMMARY_SQL.format(where=where), params).fetchall()
    return [SessionSummary(*row) for row in rows]


def attribute_values(con: Cursor) -> dict[str, list[str]]:
    """The distinct browsers, systems, countries and releases, for the filter bar."""
    out: dict[str, list[str]] = {}
    for column in ("browser", "os", "country", "release"):
        rows = con.execute(
            f"SELECT DISTINCT {column} FROM sessions WHERE {column} IS NOT NULL ORDER BY 1"
        ).fetchall()
        out[column] = [str(r[0]) for r in rows]
    return out


def counts(con: Cursor, f: SessionFilter) -> tuple[int, int]:
    """(sessions, sessions that reached a goal) of the selection — the light overview."""
    swhere, sparams = f.sessions_where("s")
    gwhere, gparams = f.records_where("g")
    row = con.execute(
        f"""SELECT count(*), count(*) FILTER (WHERE EXISTS (
                       SELECT 1 FROM goals g WHERE g.session_id = s.session_id AND {gwhere}))
            FROM sessions s WHERE {swhere}""",
        gparams + sparams,
    ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def _ratings_input_sql(f: SessionFilter, thresholds: Thresholds) -> tuple[str, list[Any]]:
    """Per selected session ``session_id, s, t, fr, n``: its actions' Apdex tally and its
    JavaScript error count, as SQL and its parameters."""
    sub, params = classified_actions(f, thresholds)
    swhere, sparams = f.sessions_where("s")
    sql = f"""WITH r AS (SELECT session_id, count(*) FILTER (WHERE rating = 's') AS s,
                              count(*) FILTER (WHERE rating = 't') AS t,
                              count(*) FILTER (WHERE rating = 'f') AS fr
                       FROM ({sub}) GROUP BY session_id),
                 e AS (SELECT session_id, count(*) AS n FROM errors GROUP BY session_id)
            SELECT s.session_id, coalesce(r.s, 0) AS s, coalesce(r.t, 0) AS t,
                   coalesce(r.fr, 0) AS fr, coalesce(e.n, 0) AS n
            FROM sessions s LEFT JOIN r USING (session_id) LEFT JOIN e USING (session_id)
            WHERE {swhere}"""
    return sql, params + sparams


def ratings_input(
    con: Cursor, f: SessionFilter, thresholds: Thresholds
) -> dict[str, tuple[ApdexTally, int]]:
    """Per selected session: its actions' Apdex tally and its JavaScript error count."""
    sql, params = _ratings_input_sql(f, thresholds)
    rows = con.execute(sql, params).fetchall()
    return {str(r[0]): (ApdexTally(int(r[1]), int(r[2]), int(r[3])), int(r[4])) for r in rows}


@dataclass(frozen=True)
class RatingRule:
    """How a session's experience is rated (:mod:`app.analysis.experience` says why):
    weights of an action and of an error, and the shares of frustrating and satisfied
    weight that make a session frustrating or satisfying."""

    action_weight: int
    error_weight: int
    frustrating_share: float
    satisfying_share: float
    names: tuple[str, str, str]  # satisfying, tolerable, frustrating


def experience_ratings(
    con: Cursor, f: SessionFilter, thresholds: Thresholds, rule: RatingRule
) -> dict[str, str]:
    """Per selected session its experience rating, by ``rule``, decided in the query.

    Why not rated in Python from :func:`ratings_input`: over a lake of 100,000 sessions
    the query took ~0.1 s, while fetching five columns of 100,000 rows and making a tally
    of each took three times more (the session list's ratings measured 1 s under load).
    """
    sql, params = _ratings_input_sql(f, thresholds)
    good, fair, bad = rule.names
    rows = con.execute(
        f"""WITH w AS (SELECT ?::BIGINT AS action, ?::BIGINT AS error),
                 weighed AS (SELECT session_id, w.action * s AS satisfied,
                                    w.action * fr + w.error * n AS frustrating,
                                    w.action * (s + t + fr) + w.error * n AS total
                             FROM ({sql}), w)
            SELECT session_id,
                   CASE WHEN total = 0 THEN ?
                        WHEN frustrating / total > ? THEN ?
                        WHEN frustrating = 0 AND satisfied / total >= ? THEN ?
                        ELSE ? END
            FROM weighed""",
        [rule.action_weight, rule.error_weight, *params,
         fair, rule.frustrating_share, bad, rule.satisfying_share, good, fair],
    ).fetchall()  # fmt: skip
    return dict(rows)
