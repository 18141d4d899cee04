"""Aggregates for the investigation views: counts, Apdex tallies, time series, goals, errors.

Every function takes a DuckDB connection and a :class:`~app.store.filters.SessionFilter`
and answers in one statement, so the dashboard stays fast on large archives. Definitions
(what Apdex, "new" or a problem mean) live in ``app.analysis``; this module only counts.

Apdex tallies follow Dynatrace: an action is *satisfied* when its duration is under the
tolerated threshold of its type, *frustrated* when it exceeds the frustrating threshold or a
JavaScript error occurred in it, *tolerating* otherwise. Rated are Load and XHR actions and
Custom actions made through the recorder's API; a click or change that started no request
is a user *event* (listed and counted, like Dynatrace's user events, but not rated — it has
no duration worth rating, and thousands of instant clicks would hide every slow page).
Thresholds arrive as a mapping ``{"load": (tolerated_ms, frustrating_ms), "xhr": …}``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from app.store.filters import SessionFilter, like_match

ACTION_TYPES = ("load", "xhr", "custom")
Thresholds = Mapping[str, tuple[int, int]]

# Normalising an error message for grouping: numbers, quoted strings and URLs vary between
# occurrences of the same error; the rest of the text and the top frame identify it.
_NORMALISED_MESSAGE = (
    "regexp_replace(regexp_replace(regexp_replace(e.message,"
    r" '[a-z]+://[^\s)''\"]+', '<url>', 'g'),"
    r" '\b\d+(\.\d+)?\b', '<n>', 'g'), '^Uncaught (\(in promise\) )?', '')"
)
# The first stack frame "url:line:col" (V8 "at … (url:1:2)" or "url:1:2", Gecko "fn@url:1:2").
_TOP_FRAME = r"regexp_extract(e.stack, '([a-z]+://[^\s()@]+:\d+:\d+)', 1)"


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


@dataclass(frozen=True)
class Overview:
    sessions: int
    users: int
    actions: int
    errors: int
    converted_sessions: int
    first_ms: int | None
    last_ms: int | None


@dataclass(frozen=True)
class Bucket:
    """One interval of the time series (``start_ms`` … ``start_ms + width``)."""

    start_ms: int
    actions: dict[str, int]
    errors: int
    apdex: ApdexTally
    sessions: int
    conversions: int


@dataclass(frozen=True)
class ErrorGroup:
    """Occurrences of one JavaScript error: normalised message plus top stack frame."""

    key: str
    message: str  # one representative original message
    top_frame: str  # "url:line:col" of the first frame, "" when the stack has none
    stack: str  # one representative stack
    occurrences: int
    users: int
    sessions: int
    first_ms: int
    last_ms: int


def _classified_actions(f: SessionFilter, thresholds: Thresholds) -> tuple[str, list[Any]]:
    """Selected actions with ``rating`` ('s' / 't' / 'f'), as a subquery and its parameters."""
    swhere, sparams = f.sessions_where("s")
    awhere, aparams = f.records_where("a")
    values = ", ".join("(?, ?, ?)" for _ in ACTION_TYPES)
    tparams: list[Any] = []
    for kind in ACTION_TYPES:
        tolerated, frustrating = thresholds.get(kind, (3000, 12000))
        tparams += [kind, int(tolerated), int(frustrating)]
    sql = f"""
        SELECT a.session_id, a.ts, a.type, a.url, s.user_id,
               CASE WHEN ea.action_id IS NOT NULL OR a.duration_ms > t.frustrating THEN 'f'
                    WHEN coalesce(a.duration_ms, 0) < t.tolerated THEN 's'
                    ELSE 't' END AS rating
        FROM actions a
        JOIN sessions s USING (session_id)
        JOIN (VALUES {values}) AS t(kind, tolerated, frustrating) ON t.kind = a.type
        LEFT JOIN (SELECT DISTINCT session_id, action_id FROM errors
                   WHERE action_id IS NOT NULL) ea
               ON ea.session_id = a.session_id AND ea.action_id = a.action_id
        WHERE {swhere} AND {awhere} AND (a.type <> 'custom' OR a.trigger = 'api')"""
    return sql, tparams + sparams + aparams


def apdex_by_type(
    con: duckdb.DuckDBPyConnection, f: SessionFilter, thresholds: Thresholds
) -> dict[str, ApdexTally]:
    """Satisfied / tolerating / frustrated actions per action type."""
    sub, params = _classified_actions(f, thresholds)
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


def overview(con: duckdb.DuckDBPyConnection, f: SessionFilter) -> Overview:
    swhere, sparams = f.sessions_where("s")
    awhere, aparams = f.records_where("a")
    ewhere, eparams = f.records_where("e")
    gwhere, gparams = f.records_where("g")
    row = con.execute(
        f"""WITH sel AS (SELECT * FROM sessions s WHERE {swhere})
            SELECT (SELECT count(*) FROM sel), (SELECT count(DISTINCT user_id) FROM sel),
                   (SELECT count(*) FROM actions a JOIN sel USING (session_id) WHERE {awhere}),
                   (SELECT count(*) FROM errors e JOIN sel USING (session_id) WHERE {ewhere}),
                   (SELECT count(DISTINCT g.session_id) FROM goals g JOIN sel USING (session_id)
                    WHERE {gwhere}),
                   (SELECT epoch_ms(min(started_at)) FROM sel),
                   (SELECT epoch_ms(max(ended_at)) FROM sel)""",
        sparams + aparams + eparams + gparams,
    ).fetchone()
    assert row is not None
    return Overview(*(int(v) if v is not None else None for v in row))  # type: ignore[arg-type]


def timeseries(
    con: duckdb.DuckDBPyConnection, f: SessionFilter, bucket_ms: int, thresholds: Thresholds
) -> list[Bucket]:
    """Per bucket: actions by type, Apdex tally, errors, sessions started, conversions."""
    bucket_ms = max(1, int(bucket_ms))
    sub, params = _classified_actions(f, thresholds)
    swhere, sparams = f.sessions_where("s")
    ewhere, eparams = f.records_where("e")
    gwhere, gparams = f.records_where("g")

    def b(column: str) -> str:
        return f"(epoch_ms({column}) // {bucket_ms}) * {bucket_ms}"

    rows = con.execute(
        f"""WITH ac AS (SELECT {b("ts")} AS bucket, type, rating FROM ({sub})),
                 sel AS (SELECT session_id, started_at FROM sessions s WHERE {swhere}),
                 er AS (SELECT {b("e.ts")} AS bucket FROM errors e JOIN sel USING (session_id)
                        WHERE {ewhere}),
                 go AS (SELECT {b("first")} AS bucket FROM (SELECT g.session_id, min(g.ts) AS first
                        FROM goals g JOIN sel USING (session_id) WHERE {gwhere}
                        GROUP BY g.session_id)),
                 se AS (SELECT {b("started_at")} AS bucket FROM sel),
                 a AS (SELECT bucket, count(*) FILTER (WHERE type = 'load') AS load,
                              count(*) FILTER (WHERE type = 'xhr') AS xhr,
                              count(*) FILTER (WHERE type = 'custom') AS custom,
                              count(*) FILTER (WHERE rating = 's') AS s,
                              count(*) FILTER (WHERE rating = 't') AS t,
                              count(*) FILTER (WHERE rating = 'f') AS fr
                       FROM ac GROUP BY bucket),
                 e AS (SELECT bucket, count(*) AS n FROM er GROUP BY bucket),
                 g AS (SELECT bucket, count(*) AS n FROM go GROUP BY bucket),
                 n AS (SELECT bucket, count(*) AS n FROM se GROUP BY bucket),
                 keys AS (SELECT bucket FROM a UNION SELECT bucket FROM e
                          UNION SELECT bucket FROM g UNION SELECT bucket FROM n)
            SELECT keys.bucket, coalesce(a.load, 0), coalesce(a.xhr, 0), coalesce(a.custom, 0),
                   coalesce(e.n, 0), coalesce(a.s, 0), coalesce(a.t, 0), coalesce(a.fr, 0),
                   coalesce(n.n, 0), coalesce(g.n, 0)
            FROM keys LEFT JOIN a USING (bucket) LEFT JOIN e USING (bucket)
                 LEFT JOIN g USING (bucket) LEFT JOIN n USING (bucket)
            ORDER BY keys.bucket""",
        params + sparams + eparams + gparams,
    ).fetchall()
    return [
        Bucket(
            start_ms=int(r[0]),
            actions={"load": int(r[1]), "xhr": int(r[2]), "custom": int(r[3])},
            errors=int(r[4]),
            apdex=ApdexTally(int(r[5]), int(r[6]), int(r[7])),
            sessions=int(r[8]),
            conversions=int(r[9]),
        )
        for r in rows
    ]


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


def goal_completions(
    con: duckdb.DuckDBPyConnection, f: SessionFilter, goals: Sequence[Mapping[str, Any]]
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


def error_groups(
    con: duckdb.DuckDBPyConnection, f: SessionFilter, limit: int | None = None
) -> list[ErrorGroup]:
    """Errors grouped by normalised message and top frame, most frequent first."""
    swhere, sparams = f.sessions_where("s")
    ewhere, eparams = f.records_where("e")
    rows = con.execute(
        f"""SELECT {_NORMALISED_MESSAGE} || ' @ ' || coalesce({_TOP_FRAME}, '') AS key,
                   any_value(e.message), coalesce(any_value({_TOP_FRAME}), ''),
                   coalesce(any_value(e.stack), ''), count(*), count(DISTINCT s.user_id),
                   count(DISTINCT e.session_id), epoch_ms(min(e.ts)), epoch_ms(max(e.ts))
            FROM errors e JOIN sessions s USING (session_id)
            WHERE {swhere} AND {ewhere}
            GROUP BY key ORDER BY count(*) DESC, key
            {"LIMIT " + str(int(limit)) if limit else ""}""",
        sparams + eparams,
    ).fetchall()
    return [ErrorGroup(str(r[0]), str(r[1]), str(r[2]), str(r[3]), *map(int, r[4:])) for r in rows]


def _group_where(f: SessionFilter, key: str) -> tuple[str, list[Any]]:
    swhere, sparams = f.sessions_where("s")
    ewhere, eparams = f.records_where("e")
    key_sql = f"{_NORMALISED_MESSAGE} || ' @ ' || coalesce({_TOP_FRAME}, '')"
    return f"{swhere} AND {ewhere} AND {key_sql} = ?", [*sparams, *eparams, key]


@dataclass(frozen=True)
class AffectedSession:
    session_id: str
    user_id: str | None
    first_error_ms: int
    occurrences: int
    converted: bool
    browser: str | None


def error_group_sessions(
    con: duckdb.DuckDBPyConnection, f: SessionFilter, key: str
) -> list[AffectedSession]:
    """The sessions in which an error group occurred, first occurrence first."""
    where, params = _group_where(f, key)
    rows = con.execute(
        f"""SELECT e.session_id, any_value(s.user_id), epoch_ms(min(e.ts)), count(*),
                   EXISTS (SELECT 1 FROM goals g WHERE g.session_id = e.session_id),
                   any_value(s.browser)
            FROM errors e JOIN sessions s USING (session_id)
            WHERE {where} GROUP BY e.session_id ORDER BY min(e.ts), e.session_id""",
        params,
    ).fetchall()
    return [AffectedSession(str(r[0]), r[1], int(r[2]), int(r[3]), bool(r[4]), r[5]) for r in rows]


def error_group_breakdown(
    con: duckdb.DuckDBPyConnection, f: SessionFilter, key: str, dimension: str
) -> list[tuple[str, int]]:
    """Occurrences of an error group by ``page``, ``browser`` or the ``action`` it occurred in."""
    column = {
        "page": "e.url",
        "browser": "s.browser",
        "action": "a.name",
    }[dimension]
    where, params = _group_where(f, key)
    rows = con.execute(
        f"""SELECT coalesce({column}, '(none)') AS value, count(*) AS n
            FROM errors e JOIN sessions s USING (session_id)
            LEFT JOIN actions a ON a.session_id = e.session_id AND a.action_id = e.action_id
            WHERE {where} GROUP BY value ORDER BY n DESC, value""",
        params,
    ).fetchall()
    return [(str(value), int(n)) for value, n in rows]


def distinct_counts(con: duckdb.DuckDBPyConnection, f: SessionFilter) -> dict[str, int]:
    """How many pages, action names and users the selection monitors."""
    swhere, sparams = f.sessions_where("s")
    awhere, aparams = f.records_where("a")
    row = con.execute(
        f"""SELECT count(DISTINCT a.url), count(DISTINCT a.name), count(DISTINCT s.user_id)
            FROM actions a JOIN sessions s USING (session_id) WHERE {swhere} AND {awhere}""",
        sparams + aparams,
    ).fetchone()
    assert row is not None
    return {"pages": int(row[0]), "actions": int(row[1]), "users": int(row[2])}


def users_converting_after(
    con: duckdb.DuckDBPyConnection, users: Sequence[str], after_ms: Mapping[str, int]
) -> set[str]:
    """Users who completed a goal after the given moment (per user)."""
    if not users:
        return set()
    rows = con.execute(
        """SELECT DISTINCT s.user_id FROM goals g JOIN sessions s USING (session_id)
           JOIN (SELECT unnest(?::VARCHAR[]) AS user_id, unnest(?::BIGINT[]) AS after) u
             ON u.user_id = s.user_id
           WHERE epoch_ms(g.ts) > u.after""",
        [list(users), [int(after_ms[u]) for u in users]],
    ).fetchall()
    return {str(r[0]) for r in rows}


def session_ratings_input(
    con: duckdb.DuckDBPyConnection, f: SessionFilter, thresholds: Thresholds
) -> dict[str, tuple[ApdexTally, int]]:
    """Per selected session: its actions' Apdex tally and its JavaScript error count."""
    sub, params = _classified_actions(f, thresholds)
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


def frustration_count(con: duckdb.DuckDBPyConnection, f: SessionFilter) -> int:
    """Frustration signals (rage, dead and error clicks, form abandonment) in the selection."""
    swhere, sparams = f.sessions_where("s")
    fwhere, fparams = f.records_where("fs", has_url=False)
    row = con.execute(
        f"""SELECT count(*) FROM frustration_signals fs JOIN sessions s USING (session_id)
            WHERE {swhere} AND {fwhere}""",
        sparams + fparams,
    ).fetchone()
    return int(row[0]) if row else 0


def goal_rate_series(
    con: duckdb.DuckDBPyConnection, f: SessionFilter, goal: Mapping[str, Any], bucket_ms: int
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


def session_counts(con: duckdb.DuckDBPyConnection, f: SessionFilter) -> tuple[int, int]:
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


def error_key_counts(con: duckdb.DuckDBPyConnection, f: SessionFilter) -> dict[str, int]:
    """Occurrences per error-group key (the light form of :func:`error_groups`)."""
    swhere, sparams = f.sessions_where("s")
    ewhere, eparams = f.records_where("e")
    rows = con.execute(
        f"""SELECT {_NORMALISED_MESSAGE} || ' @ ' || coalesce({_TOP_FRAME}, '') AS key, count(*)
            FROM errors e JOIN sessions s USING (session_id)
            WHERE {swhere} AND {ewhere} GROUP BY key""",
        sparams + eparams,
    ).fetchall()
    return {str(key): int(n) for key, n in rows}


def apdex_before_after(
    con: duckdb.DuckDBPyConnection, f: SessionFilter, split_ms: int, thresholds: Thresholds
) -> tuple[ApdexTally, ApdexTally]:
    """Overall Apdex tallies of the selection before and from ``split_ms``, in one pass."""
    sub, params = _classified_actions(f, thresholds)
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
