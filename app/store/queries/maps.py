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
class ElementSession:
    """One session's clicks on one element of the page, with their signals.

    Why grouped in SQL: 10,000 sessions make 120,000 clicks on a busy page; the map needs
    them per element and session only as counts (and the first, where a replay opens)."""

    selector: str | None
    """The element (:mod:`app.maps.anchoring`); None: a node rrweb never serialized."""
    session_id: str
    first_ms: int
    clicks: int
    rage: int
    dead: int
    error: int
    trouble: int
    """Clicks that raised any of the three signals (a click can raise two)."""
    label: str | None = None
    """The element's name as this session's clicks read it most often."""


def page_condition(column: str, pattern: str) -> tuple[str, str]:
    """``column`` matching a page pattern: a glob when it holds ``*``/``?`` (``*/checkout``),
    else a case-insensitive substring like the filter bar's page filter."""
    if "*" in pattern or "?" in pattern:
        return f"{column} GLOB ?", pattern
    return like_match(column, pattern)


def _scoped(kind_sql: str, flt: SessionFilter, pattern: str | None) -> tuple[str, list[Any]]:
    """Events of ``kind_sql`` in selected sessions, each with the URL of its page (on pages
    matching ``pattern``; on every page when it is None)."""
    where, params = flt.sessions_where("s")
    page, page_param = page_condition("a.url", pattern) if pattern else ("TRUE", None)
    page_params = [page_param] if pattern else []
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
               coalesce(epoch_ms(l.snapshot), 0) AS snapshot_ms, l.url
        FROM located l WHERE l.k = 1 AND {page.replace("a.url", "l.url")}"""
    return sql, [*params, *page_params, *events_params, *page_params]


def every_click(cur: Cursor) -> Any:
    """Every rrweb click of the store (an Arrow table, one row per click): its session,
    time (``ts`` and ``ts_ms``), page URL, full snapshot (``snapshot_ms``), recorded node,
    position as a share of its viewport (``fx``, ``fy``) and the rage/dead/error signals
    raised at it — what :mod:`app.store.maps_index` keeps beside the store."""
    kind = (
        f"e.type = {EVENT_INCREMENTAL_SNAPSHOT} AND e.source = {SOURCE_MOUSE_INTERACTION}"
        f" AND json_extract_string(e.data, '$.type') = '{MOUSE_CLICK}'"
    )
    scoped, params = _scoped(kind, SessionFilter(), None)
    return cur.sql(
        f"""WITH c AS ({scoped}),
        f AS (SELECT session_id, epoch_ms(ts) AS ts_ms, kind FROM frustration_signals
              WHERE kind IN ('rage click', 'dead click', 'error click'))
        SELECT c.session_id, make_timestamp(c.ts_ms * 1000) AS ts, c.ts_ms, c.url,
               c.snapshot_ms, TRY_CAST(c.data->>'$.id' AS INTEGER) AS node,
               TRY_CAST(c.data->>'$.x' AS DOUBLE) / nullif(c.width, 0) AS fx,
               TRY_CAST(c.data->>'$.y' AS DOUBLE)
                   / nullif(coalesce(c.height, c.width), 0) AS fy,
               coalesce(bool_or(f.kind = 'rage click'), false) AS rage,
               coalesce(bool_or(f.kind = 'dead click'), false) AS dead,
               coalesce(bool_or(f.kind = 'error click'), false) AS error
        FROM c LEFT JOIN f ON f.session_id = c.session_id
             AND f.ts_ms BETWEEN c.ts_ms - {SIGNAL_SLACK_MS} AND c.ts_ms + {SIGNAL_SLACK_MS}
        GROUP BY ALL ORDER BY c.session_id, c.ts_ms""",
        params=params,
    ).to_arrow_table()


def chosen_sessions(cur: Cursor, flt: SessionFilter) -> list[str] | None:
    """The sessions the filter bar selects; None when it selects every session (the
    maps then read every session's clicks without a list to match)."""
    where, params = flt.sessions_where("s")
    if where == "TRUE":
        return None
    rows = cur.execute(f"SELECT s.session_id FROM sessions s WHERE {where}", params)
    return [row[0] for row in rows.fetchall()]


def _on_page(sessions: list[str] | None, flt: SessionFilter, pattern: str) -> tuple[str, list[Any]]:
    """Rows on pages matching ``pattern`` in ``sessions`` (None: all) within the filter's
    time range: a condition on a table of the maps' sidecar aliased ``c`` (``session_id``,
    ``ts``, ``url``)."""
    page, page_param = page_condition("c.url", pattern)
    times, time_params = flt.records_where("c", has_url=False)
    chosen = "TRUE" if sessions is None else "c.session_id IN (SELECT unnest(?::VARCHAR[]))"
    where = f"{page} AND {times} AND {chosen}"
    return where, [page_param, *time_params, *([sessions] if sessions is not None else [])]


def element_clicks(
    anchors: Cursor, sessions: list[str] | None, flt: SessionFilter, pattern: str
) -> list[ElementSession]:
    """Per element (selector; None: nodes never serialized) and session, the clicks on pages
    matching ``pattern``, read from the clicks anchored beside the store
    (:mod:`app.store.maps_index`): a group-by, no DOM rebuilt. Most clicks first."""
    where, params = _on_page(sessions, flt, pattern)
    rows = anchors.execute(
        f"""SELECT selector, session_id, min(ts_ms) AS first_ms, count(*) AS n,
               count(*) FILTER (rage), count(*) FILTER (dead), count(*) FILTER (error),
               count(*) FILTER (rage OR dead OR error), mode(label)
            FROM anchored_clicks c WHERE {where} AND c.node IS NOT NULL
            GROUP BY selector, session_id ORDER BY selector, n DESC, first_ms""",
        params,
    ).fetchall()
    return [ElementSession(*row) for row in rows]


def raw_clicks(
    anchors: Cursor, sessions: list[str] | None, flt: SessionFilter, pattern: str
) -> tuple[list[float], list[float], list[str | None]]:
    """Every click on the page where it was recorded, as shares of its viewport (x, y),
    and its signal (``error``, ``rage``, ``dead`` in that precedence, or None), in three
    lists (one row: no Python object per click)."""
    where, params = _on_page(sessions, flt, pattern)
    row = anchors.execute(
        f"""SELECT coalesce(list(fx ORDER BY ts_ms), []), coalesce(list(fy ORDER BY ts_ms), []),
               coalesce(list(CASE WHEN error THEN 'error' WHEN rage THEN 'rage'
                                  WHEN dead THEN 'dead' END ORDER BY ts_ms), [])
            FROM anchored_clicks c
            WHERE {where} AND c.node IS NOT NULL AND fx IS NOT NULL AND fy IS NOT NULL""",
        params,
    ).fetchall()
    return (row[0][0], row[0][1], row[0][2]) if row else ([], [], [])


def every_scroll(cur: Cursor) -> Any:
    """Every scroll of the document (an Arrow table): session, time, page URL and the lowest
    document pixel it showed (the scroll offset plus the viewport height). The document is
    rrweb's node 1 (the mirror numbers it first); scrolls of inner elements are not page
    depth."""
    scroll = (
        f"e.type = {EVENT_INCREMENTAL_SNAPSHOT} AND e.source = {SOURCE_SCROLL}"
        " AND TRY_CAST(e.data->>'$.id' AS INTEGER) = 1"
    )
    scoped, params = _scoped(scroll, SessionFilter(), None)
    return cur.sql(
        f"""SELECT session_id, make_timestamp(ts_ms * 1000) AS ts, url,
                   coalesce(TRY_CAST(data->>'$.y' AS DOUBLE), 0) + coalesce(height, 0) AS bottom
            FROM ({scoped})""",
        params=params,
    ).to_arrow_table()


def page_visits(cur: Cursor) -> Any:
    """Every page (action URL) each session visited, with its tallest viewport (an Arrow
    table): a visitor who never scrolled still saw that much of the page."""
    return cur.sql(
        f"""WITH heights AS (
                SELECT session_id, max(TRY_CAST(data->>'$.height' AS INTEGER)) AS height
                FROM events WHERE type = {EVENT_META} GROUP BY session_id)
            SELECT DISTINCT a.session_id, a.url, h.height
            FROM actions a JOIN heights h USING (session_id) WHERE a.url IS NOT NULL"""
    ).to_arrow_table()


def scroll_depths(
    anchors: Cursor, sessions: list[str] | None, flt: SessionFilter, pattern: str
) -> dict[str, int]:
    """Per selected session that visited the page: the lowest document pixel it showed there
    (the viewport height alone when the visitor never scrolled), from the maps' sidecar."""
    scrolled, params = _on_page(sessions, flt, pattern)
    page, page_param = page_condition("v.url", pattern)
    chosen = "TRUE" if sessions is None else "v.session_id IN (SELECT unnest(?::VARCHAR[]))"
    rows = anchors.execute(
        f"""WITH v AS (SELECT session_id, max(height) AS height FROM page_visits v
                       WHERE {page} AND {chosen} GROUP BY session_id),
                 s AS (SELECT session_id, max(bottom) AS bottom FROM page_scrolls c
                       WHERE {scrolled} GROUP BY session_id)
            SELECT session_id, greatest(coalesce(v.height, 0), coalesce(s.bottom, 0))
            FROM v FULL JOIN s USING (session_id)""",
        [page_param, *([sessions] if sessions is not None else []), *params],
    ).fetchall()
    return {session: int(bottom or 0) for session, bottom in rows}


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
