"""The dashboard's figures: totals of the selection, its time series and the archive's span.

Every function answers in one statement, so the dashboard stays fast on large archives.
Definitions (what "new" or a problem mean) live in ``app.analysis``; this module only counts.
What a user action is — the one definition every count of them follows — is
:data:`USER_ACTIONS`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.store.filters import SessionFilter
from app.store.queries import Cursor
from app.store.queries.apdex import ACTION_TYPES, ApdexTally, Thresholds, classified_actions

USER_ACTIONS = (
    "A user action is a page load, a click or double click, an edit of a field (typing into "
    "one field, however many keys, is one action), or an action the recording's own "
    "monitoring reported (XHR, custom). Scrolls, mouse moves and changes of the page's "
    "content are not actions."
)
"""What every count of user actions counts: the rows of the ``actions`` table (derived for bare
recordings by :mod:`app.derive.rum`, which writes down the exact rules). The dashboard's card
and chart, the Sessions table and the replay's action list all count these rows; Apdex rates
a subset of them (see :mod:`app.store.queries.apdex`). Shown as the tooltip where they are
counted."""


@dataclass(frozen=True)
class Overview:
    sessions: int
    users: int
    actions: int
    errors: int
    converted_sessions: int
    first_ms: int | None
    last_ms: int | None
    actions_by_type: dict[str, int] = field(default_factory=dict)
    """:data:`USER_ACTIONS` of the selection per type (``load``, ``xhr``, ``custom``)."""


@dataclass(frozen=True)
class Bucket:
    """One interval of the time series (``start_ms`` … ``start_ms + width``)."""

    start_ms: int
    actions: dict[str, int]
    """:data:`USER_ACTIONS` per type; ``apdex`` tallies the rated ones."""
    errors: int
    apdex: ApdexTally
    sessions: int
    conversions: int


def time_span(con: Cursor) -> tuple[int, int] | None:
    """(first, last) epoch ms of the whole archive, or None when it holds no session."""
    row = con.execute(
        "SELECT epoch_ms(min(started_at)), epoch_ms(max(ended_at)) FROM sessions"
    ).fetchone()
    return None if row is None or row[0] is None else (int(row[0]), int(row[1]))


def summary(con: Cursor, f: SessionFilter) -> Overview:
    """Sessions, users, actions, errors and converted sessions of the selection, its span."""
    swhere, sparams = f.sessions_where("s")
    awhere, aparams = f.records_where("a")
    ewhere, eparams = f.records_where("e")
    gwhere, gparams = f.records_where("g")
    row = con.execute(
        f"""WITH sel AS (SELECT * FROM sessions s WHERE {swhere})
            SELECT (SELECT count(*) FROM sel), (SELECT count(DISTINCT user_id) FROM sel),
                   (SELECT [count(*) FILTER (WHERE a.type = 'load'),
                            count(*) FILTER (WHERE a.type = 'xhr'),
                            count(*) FILTER (WHERE a.type = 'custom'), count(*)]
                    FROM actions a JOIN sel USING (session_id) WHERE {awhere}),
                   (SELECT count(*) FROM errors e JOIN sel USING (session_id) WHERE {ewhere}),
                   (SELECT count(DISTINCT g.session_id) FROM goals g JOIN sel USING (session_id)
                    WHERE {gwhere}),
                   (SELECT epoch_ms(min(started_at)) FROM sel),
                   (SELECT epoch_ms(max(ended_at)) FROM sel)""",
        sparams + aparams + eparams + gparams,
    ).fetchone()
    assert row is not None
    *by_type, actions = (int(n) for n in row[2])  # load, xhr, custom; all of them
    values = [int(v) if v is not None else None for v in (*row[:2], actions, *row[3:])]
    return Overview(*values, actions_by_type=dict(zip(ACTION_TYPES, by_type, strict=True)))  # type: ignore[arg-type]


def timeseries(
    con: Cursor, f: SessionFilter, bucket_ms: int, thresholds: Thresholds
) -> list[Bucket]:
    """Per bucket: :data:`USER_ACTIONS` by type, the Apdex tally of the rated ones, errors,
    sessions started, conversions."""
    bucket_ms = max(1, int(bucket_ms))
    sub, params = classified_actions(f, thresholds, every=True)
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


def distinct_counts(con: Cursor, f: SessionFilter) -> dict[str, int]:
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


def frustration_count(con: Cursor, f: SessionFilter) -> int:
    """Frustration signals (rage, dead and error clicks, form abandonment) in the selection."""
    swhere, sparams = f.sessions_where("s")
    fwhere, fparams = f.records_where("fs", has_url=False)
    row = con.execute(
        f"""SELECT count(*) FROM frustration_signals fs JOIN sessions s USING (session_id)
            WHERE {swhere} AND {fwhere}""",
        sparams + fparams,
    ).fetchone()
    return int(row[0]) if row else 0
