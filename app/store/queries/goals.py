"""Conversions: which selected sessions completed each goal, the goal's rate over time, and
which users converted after a moment.

A goal is a mapping as the manifest and the goals dialog define it (``type`` destination,
user_action, visit_duration or visit_num_actions, plus its match); a session completed it
when it matches, or when the recorder reported the goal by its id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app.store.filters import SessionFilter, like_match
from app.store.queries import Cursor


def _goal_condition(goal: Mapping[str, Any]) -> tuple[str, list[Any]]:
    """SQL over session ``s`` that is true when the session completed ``goal``."""
    kind = goal.get("type", "destination")
    case = bool(goal.get("case_sensitive", False))
    reported = "EXISTS (SELECT 1 FROM goals rg WHERE rg.session_id = s.session_id AND rg.goal = ?)"
    if kind == "destination":
        target = str(goal.get("url_or_path", ""))
        column = (
            "ga.url" if "://" in target else "regexp_extract(ga.url, '^[a-z]+://[^/]+([^?#]*)', 1)"
        )
        cond, value = like_match(column, target, str(goal.get("match_type", "begins")), case)
        return (
            f"({reported} OR EXISTS (SELECT 1 FROM actions ga WHERE ga.session_id = s.session_id"
            f" AND {cond}))",
            [goal.get("id"), value],
        )
    if kind == "user_action":
        column = "ga.url" if goal.get("match_entity") == "page_url" else "ga.name"
        cond, value = like_match(
            column, str(goal.get("value", "")), str(goal.get("match_type", "contains")), case
        )
        params: list[Any] = [goal.get("id"), value]
        type_cond = ""
        if goal.get("action_type"):
            type_cond = " AND ga.type = ?"
            params.append(str(goal["action_type"]).lower())
        return (
            f"({reported} OR EXISTS (SELECT 1 FROM actions ga WHERE ga.session_id = s.session_id"
            f" AND {cond}{type_cond}))",
            params,
        )
    if kind == "visit_duration":
        return "(epoch_ms(s.ended_at) - epoch_ms(s.started_at) >= ?)", [
            int(goal.get("duration_ms", 0))
        ]
    if kind == "visit_num_actions":
        return (
            "((SELECT count(*) FROM actions ga WHERE ga.session_id = s.session_id) >= ?)",
            [int(goal.get("num_actions", 0))],
        )
    return f"({reported})", [goal.get("id")]


def converted_condition(goals: Sequence[Mapping[str, Any]]) -> tuple[str, list[Any]]:
    """SQL over session ``s`` that is true when it reported a goal (the ``goals`` table) or
    completed one of ``goals`` (the archive's conversion goals, as the dashboard counts them)."""
    parts = ["EXISTS (SELECT 1 FROM goals rg WHERE rg.session_id = s.session_id)"]
    params: list[Any] = []
    for goal in goals:
        cond, cparams = _goal_condition(goal)
        parts.append(cond)
        params += cparams
    return "(" + " OR ".join(parts) + ")", params


def completions(
    con: Cursor, f: SessionFilter, goals: Sequence[Mapping[str, Any]]
) -> dict[str, int]:
    """Selected sessions that completed each goal (by goal id)."""
    if not goals:
        return {}
    swhere, sparams = f.sessions_where("s")
    parts, params = [], []
    for goal in goals:
        cond, cparams = _goal_condition(goal)
        parts.append(f"count(*) FILTER (WHERE {cond})")
        params += cparams
    row = con.execute(
        f"SELECT {', '.join(parts)} FROM sessions s WHERE {swhere}", params + sparams
    ).fetchone()
    assert row is not None
    return {str(goal.get("id")): int(n) for goal, n in zip(goals, row, strict=True)}


def rate_series(
    con: Cursor, f: SessionFilter, goal: Mapping[str, Any], bucket_ms: int
) -> list[tuple[int, int, int]]:
    """Per bucket of session starts: (bucket start ms, sessions, sessions completing ``goal``)."""
    bucket_ms = max(1, int(bucket_ms))
    swhere, sparams = f.sessions_where("s")
    cond, cparams = _goal_condition(goal)
    rows = con.execute(
        f"""SELECT (epoch_ms(s.started_at) // {bucket_ms}) * {bucket_ms} AS bucket, count(*),
                   count(*) FILTER (WHERE {cond})
            FROM sessions s WHERE {swhere} GROUP BY bucket ORDER BY bucket""",
        cparams + sparams,
    ).fetchall()
    return [(int(b), int(n), int(done)) for b, n, done in rows]


def users_converting_after(con: Cursor, after_ms: Mapping[str, int]) -> set[str]:
    """Users who completed a goal after the given moment (per user: ``{user: epoch ms}``)."""
    users = list(after_ms)
    if not users:
        return set()
    rows = con.execute(
        """SELECT DISTINCT s.user_id FROM goals g JOIN sessions s USING (session_id)
           JOIN (SELECT unnest(?::VARCHAR[]) AS user_id, unnest(?::BIGINT[]) AS after) u
             ON u.user_id = s.user_id
           WHERE epoch_ms(g.ts) > u.after""",
        [users, [int(after_ms[u]) for u in users]],
    ).fetchall()
    return {str(r[0]) for r in rows}
