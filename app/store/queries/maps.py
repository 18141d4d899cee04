"""What the click and scroll maps of issue 21 read: the clicks and scrolls made on one page
under the filter bar's selection, and the events that rebuild the DOM they were made in.

Why the page is found through the actions: the demo shop (like most shops) is a single-page
app, so the Meta event's ``href`` stays the first URL; every action carries the URL it
happened on, and a click or scroll belongs to the page of the latest action at or before it
(an ASOF join, which is cheap even over every event of 10,000 sessions).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.store.filters import SessionFilter, like_match
from app.store.queries import Cursor
from app.store.sql_constants import (
    EVENT_FULL_SNAPSHOT,
    EVENT_INCREMENTAL_SNAPSHOT,
    EVENT_META,
    MOUSE_CLICK,
    SOURCE_MOUSE_INTERACTION,
    SOURCE_MUTATION,
    SOURCE_SCROLL,
)

SIGNAL_SLACK_MS = 50
"""A frustration signal is kept at its action's time, which the recorder writes within a few
milliseconds of the rrweb click (5 ms at most on the demo)."""


@dataclass(frozen=True)
class ClickedNode:
    """The clicks of one session on one recorded node of the page, with their signals.

    Why grouped in SQL: 10,000 sessions make 120,000 clicks on a busy page; the map needs
    one name per node (the node keeps its id for its life) and the clicks only as counts and
    positions.
    """

    session_id: str
    snapshot_ms: int
    """The full snapshot the page was built from: rrweb numbers nodes per snapshot of a page
    load, so a node id names one node only within it."""
    node_id: int
    first_ms: int
    clicks: int
    rage: int
    dead: int
    error: int
    xs: list[float | None]
    """Each click's x as a share of its viewport's width (0..1), in time order."""
    ys: list[float | None]
    signals: list[str | None]
    """Each click's signal: ``error``, ``rage``, ``dead`` (in that precedence) or None."""


def page_condition(column: str, pattern: str) -> tuple[str, str]:
    """``column`` matching a page pattern: a glob when it holds ``*``/``?`` (``*/checkout``),
    else a case-insensitive substring like the filter bar's page filter."""
    if "*" in pattern or "?" in pattern:
        return f"{column} GLOB ?", pattern
    return like_match(column, pattern)


def _scoped(kind_sql: str, flt: SessionFilter, pattern: str) -> tuple[str, list[Any]]:
    """Events of ``kind_sql`` in selected sessions, each with the URL of its page."""
    where, params = flt.sessions_where("s")
    page, page_param = page_condition("a.url", pattern)
    events_where, events_params = flt.records_where("e", has_url=False)
    visited = page.replace("a.url", "v.url")
    # The page and viewport in force at each event, carried forward with a window: an ASOF
    # join did the same in 4.4 s on 1,000 sample sessions, the window in 0.12 s.
    sql = f"""
        WITH chosen AS (
            SELECT s.session_id FROM sessions s WHERE {where} AND EXISTS (
                SELECT 1 FROM actions v WHERE v.session_id = s.session_id AND {visited})),
        marks AS (
            SELECT a.session_id, a.ts, 0 AS k, a.url, NULL::INTEGER AS width,
                   NULL::INTEGER AS height, NULL::TIMESTAMP AS snapshot, NULL::JSON AS data
            FROM actions a JOIN chosen USING (session_id) WHERE a.url IS NOT NULL
            UNION ALL
            SELECT e.session_id, e.ts, 0, NULL, TRY_CAST(e.data->>'$.width' AS INTEGER),
                   TRY_CAST(e.data->>'$.height' AS INTEGER), NULL, NULL
            FROM events e WHERE e.session_id IN (FROM chosen)
              AND e.type = {EVENT_META}
            UNION ALL
            SELECT e.session_id, e.ts, 0, NULL, NULL, NULL, e.ts, NULL
            FROM events e WHERE e.session_id IN (FROM chosen)
              AND e.type = {EVENT_FULL_SNAPSHOT}
            UNION ALL
            SELECT e.session_id, e.ts, 1, NULL, NULL, NULL, NULL, e.data
            FROM events e WHERE e.session_id IN (FROM chosen)
              AND {kind_sql} AND {events_where}),
        located AS (
            SELECT session_id, ts, k, data,
                   last_value(url IGNORE NULLS) OVER w AS url,
                   last_value(width IGNORE NULLS) OVER w AS width,
                   last_value(height IGNORE NULLS) OVER w AS height,
                   last_value(snapshot IGNORE NULLS) OVER w AS snapshot
            FROM marks
            WINDOW w AS (PARTITION BY session_id ORDER BY ts, k
                         ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))
        SELECT l.session_id, epoch_ms(l.ts) AS ts_ms, l.data, l.width, l.height,
               coalesce(epoch_ms(l.snapshot), 0) AS snapshot_ms
        FROM located l WHERE l.k = 1 AND {page.replace("a.url", "l.url")}"""
    return sql, [*params, page_param, *events_params, page_param]


def clicks_on_page(cur: Cursor, flt: SessionFilter, pattern: str) -> list[ClickedNode]:
    """The rrweb clicks on pages matching ``pattern`` in the selected sessions, per session
    and node (in session and first-click order), with the rage/dead/error signals raised at
    them."""
    kind = (
        f"e.type = {EVENT_INCREMENTAL_SNAPSHOT} AND e.source = {SOURCE_MOUSE_INTERACTION}"
        f" AND json_extract_string(e.data, '$.type') = '{MOUSE_CLICK}'"
    )
    scoped, params = _scoped(kind, flt, pattern)
    rows = cur.execute(
        f"""WITH c AS ({scoped}),
        f AS (SELECT session_id, epoch_ms(ts) AS ts_ms, kind FROM frustration_signals
              WHERE kind IN ('rage click', 'dead click', 'error click')),
        one AS (
            SELECT c.session_id, c.ts_ms, c.snapshot_ms,
                   TRY_CAST(c.data->>'$.id' AS INTEGER) AS node,
                   TRY_CAST(c.data->>'$.x' AS DOUBLE) / nullif(c.width, 0) AS fx,
                   TRY_CAST(c.data->>'$.y' AS DOUBLE)
                       / nullif(coalesce(c.height, c.width), 0) AS fy,
                   coalesce(bool_or(f.kind = 'rage click'), false) AS rage,
                   coalesce(bool_or(f.kind = 'dead click'), false) AS dead,
                   coalesce(bool_or(f.kind = 'error click'), false) AS error
            FROM c LEFT JOIN f ON f.session_id = c.session_id
                 AND f.ts_ms BETWEEN c.ts_ms - {SIGNAL_SLACK_MS} AND c.ts_ms + {SIGNAL_SLACK_MS}
            GROUP BY ALL)
        SELECT session_id, snapshot_ms, node, min(ts_ms) AS first_ms, count(*),
               count(*) FILTER (rage), count(*) FILTER (dead), count(*) FILTER (error),
               list(fx ORDER BY ts_ms), list(fy ORDER BY ts_ms),
               list(CASE WHEN error THEN 'error' WHEN rage THEN 'rage' WHEN dead THEN 'dead'
                    END ORDER BY ts_ms)
        FROM one WHERE node IS NOT NULL
        GROUP BY session_id, snapshot_ms, node ORDER BY session_id, first_ms""",
        params,
    ).fetchall()
    return [
        ClickedNode(s, int(v), int(n), int(t), c, r, d, e, xs, ys, kinds)
        for s, v, n, t, c, r, d, e, xs, ys, kinds in rows
    ]


def scroll_depths(cur: Cursor, flt: SessionFilter, pattern: str) -> dict[str, int]:
    """Per selected session that visited the page: the lowest document pixel it showed there
    (the document's largest scroll offset plus the viewport height; the viewport height alone
    when the visitor never scrolled). The document is rrweb's node 1 (the mirror numbers it
    first); scrolls of inner elements are not page depth."""
    scroll = (
        f"e.type = {EVENT_INCREMENTAL_SNAPSHOT} AND e.source = {SOURCE_SCROLL}"
        " AND TRY_CAST(e.data->>'$.id' AS INTEGER) = 1"
    )
    scoped, params = _scoped(scroll, flt, pattern)
    rows = cur.execute(
        f"""SELECT session_id, max(coalesce(TRY_CAST(data->>'$.y' AS DOUBLE), 0)
                                   + coalesce(height, 0))
            FROM ({scoped}) GROUP BY session_id""",
        params,
    ).fetchall()
    where, visit_params = flt.sessions_where("s")
    page, page_param = page_condition("a.url", pattern)
    visits = cur.execute(
        f"""SELECT s.session_id, max(TRY_CAST(e.data->>'$.height' AS INTEGER))
            FROM sessions s JOIN events e ON e.session_id = s.session_id
            WHERE {where} AND e.type = {EVENT_META}
              AND EXISTS (SELECT 1 FROM actions a WHERE a.session_id = s.session_id AND {page})
            GROUP BY s.session_id""",
        [*visit_params, page_param],
    ).fetchall()
    depths = {session: int(height or 0) for session, height in visits}
    for session, bottom in rows:
        depths[session] = max(depths.get(session, 0), int(bottom or 0))
    return depths


def dom_events(cur: Cursor, until_ms: dict[str, int]) -> dict[str, list[tuple[int, int, str]]]:
    """Per session of ``until_ms`` (session → epoch ms): (ts, type, data) of the events that
    build its DOM up to that time — Meta, full snapshots and mutations, in order; what
    anchoring a click needs and nothing more. One statement for all sessions: one per session
    cost 5 ms each."""
    found: dict[str, list[tuple[int, int, str]]] = {session: [] for session in until_ms}
    if not until_ms:
        return found
    rows = cur.execute(
        f"""WITH wanted AS (SELECT unnest(?::VARCHAR[]) AS session_id,
                                   epoch_ms(unnest(?::BIGINT[])) AS until)
           SELECT e.session_id, epoch_ms(e.ts), e.type, e.data FROM events e
           JOIN wanted w ON e.session_id = w.session_id AND e.ts <= w.until
           WHERE e.type IN ({EVENT_META}, {EVENT_FULL_SNAPSHOT})
              OR (e.type = {EVENT_INCREMENTAL_SNAPSHOT} AND e.source = {SOURCE_MUTATION})
           ORDER BY e.session_id, e.ts, e.rowid""",
        [list(until_ms), list(until_ms.values())],
    ).fetchall()
    for session, ts, kind, data in rows:
        found[session].append((ts, kind, data))
    return found


def pages_by_clicks(cur: Cursor, flt: SessionFilter, limit: int = 30) -> list[tuple[str, int]]:
    """The pages (URLs of click actions, query string dropped) most clicked in the selected
    sessions: what the Maps tab offers to map first."""
    where, params = flt.sessions_where("s")
    rows = cur.execute(
        f"""SELECT split_part(a.url, '?', 1) AS page, count(*) AS clicks
            FROM actions a JOIN sessions s USING (session_id)
            WHERE {where} AND a.trigger IN ('click', 'dblclick') AND a.url IS NOT NULL
            GROUP BY page ORDER BY clicks DESC, page LIMIT ?""",
        [*params, limit],
    ).fetchall()
    return [(page, int(clicks)) for page, clicks in rows]
