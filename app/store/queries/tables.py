"""Whole tables as the exports and the CLI hand them out: a table's rows, every table's size.

Why here and not in the CLI: the CLI asks the store; SQL stays in the store's layer.
"""

from __future__ import annotations

from app.store.queries import Cursor
from app.store.store import QueryResult

_TABLE_SQL = {
    "sessions": "SELECT * EXCLUDE (extra) FROM sessions ORDER BY started_at, session_id",
    "actions": "SELECT * FROM actions ORDER BY session_id, ts",
    "errors": "SELECT * FROM errors ORDER BY ts",
    "requests": "SELECT * FROM requests ORDER BY session_id, ts",
    "frustration": "SELECT * FROM frustration_signals ORDER BY ts",
    "users": """SELECT user_id, count(*) AS sessions, min(started_at) AS first_seen,
                       max(started_at) AS last_seen,
                       (SELECT count(*) FROM errors e JOIN sessions t USING (session_id)
                        WHERE t.user_id IS NOT DISTINCT FROM s.user_id) AS errors,
                       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM goals g
                                        WHERE g.session_id = s.session_id)) AS converted
                FROM sessions s GROUP BY user_id ORDER BY sessions DESC, user_id""",
}
NAMES = tuple(_TABLE_SQL)
"""The tables :func:`rows` exports (``users`` is one row per user, built from sessions)."""

_COUNTED = ("sessions", "events", "actions", "errors", "requests", "vitals", "goals")


def rows(con: Cursor, name: str) -> QueryResult:
    """Every row of table ``name`` (one of :data:`NAMES`), with its column names."""
    cursor = con.execute(_TABLE_SQL[name])
    return QueryResult([d[0] for d in cursor.description], cursor.fetchall())


def row_counts(con: Cursor) -> dict[str, int]:
    """Rows per stored table (sessions, events, actions, errors, requests, vitals, goals)."""
    return {n: con.execute(f"SELECT count(*) FROM {n}").fetchone()[0] for n in _COUNTED}
