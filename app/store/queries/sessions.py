"""The selection's sessions: the session list, the values the filter bar offers, the light
session counts, and what each session's experience rating is computed from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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


def ratings_input(
    con: Cursor, f: SessionFilter, thresholds: Thresholds
) -> dict[str, tuple[ApdexTally, int]]:
    """Per selected session: its actions' Apdex tally and its JavaScript error count."""
    sub, params = classified_actions(f, thresholds)
    swhere, sparams = f.sessions_where("s")
    rows = con.execute(
        f"""WITH r AS (SELECT session_id, count(*) FILTER (WHERE rating = 's') AS s,
                              count(*) FILTER (WHERE rating = 't') AS t,
                              count(*) FILTER (WHERE rating = 'f') AS fr
                       FROM ({sub}) GROUP BY session_id),
                 e AS (SELECT session_id, count(*) AS n FROM errors GROUP BY session_id)
            SELECT s.session_id, coalesce(r.s, 0), coalesce(r.t, 0), coalesce(r.fr, 0),
                   coalesce(e.n, 0)
            FROM sessions s LEFT JOIN r USING (session_id) LEFT JOIN e USING (session_id)
            WHERE {swhere}""",
        params + sparams,
    ).fetchall()
    return {str(r[0]): (ApdexTally(int(r[1]), int(r[2]), int(r[3])), int(r[4])) for r in rows}
