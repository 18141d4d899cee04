"""Frustration signals, found in SQL at the end of an ingest and kept in their own table.

Definitions (the numbers are :class:`FrustrationRules`, so they can be changed and the
signals derived again):

* **rage click**: at least 3 clicks, each at most ``rage_gap_ms`` after the previous one,
  all within ``rage_radius_px`` of the first (rrweb's recorded click positions); one signal
  per burst, at its first click.
* **error click**: a click whose action a JavaScript error occurred in, or that an error
  followed within ``error_click_ms``.
* **dead click**: a click on a link, button or ``summary`` that started no request and was
  followed by no DOM change, scroll or page load within ``dead_click_ms`` (while the session
  lasted that long).
* **form abandonment**: the session's last input into a field was followed by no click,
  no page load and no conversion — the user typed and left.

* **loading indicator**: a loading indicator stayed visible longer than ``loading_ms``
  (found from the recorded DOM, see ``app/derive/loading.py``; only sessions whose
  mutations mention a spinner-like class or attribute are replayed in Python).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import duckdb

from app.derive.loading import indicator_spans
from app.store.sql_constants import (
    EVENT_FULL_SNAPSHOT,
    EVENT_INCREMENTAL_SNAPSHOT,
    EVENT_META,
    MOUSE_CLICK,
    SOURCE_MOUSE_INTERACTION,
    SOURCE_MUTATION,
    SOURCE_SCROLL,
)

KINDS = ("rage click", "error click", "dead click", "form abandonment", "loading indicator")


@dataclass(frozen=True)
class FrustrationRules:
    rage_gap_ms: int = 1000
    rage_radius_px: int = 30
    error_click_ms: int = 1000
    dead_click_ms: int = 7000
    loading_ms: int = 10_000


_SIGNALS_SQL = f"""
INSERT INTO frustration_signals
WITH clicks AS (
    SELECT session_id, ts,
           TRY_CAST(json_extract(data, '$.x') AS DOUBLE) AS x,  -- recordings are untrusted
           TRY_CAST(json_extract(data, '$.y') AS DOUBLE) AS y
    FROM events
    WHERE type = {EVENT_INCREMENTAL_SNAPSHOT} AND source = {SOURCE_MOUSE_INTERACTION}
      AND json_extract_string(data, '$.type') = '{MOUSE_CLICK}'),
triples AS (
    SELECT session_id, ts, x, y,
           lag(ts, 2) OVER w AS t2, lag(ts, 1) OVER w AS t1,
           lag(x, 2) OVER w AS x2, lag(y, 2) OVER w AS y2,
           lag(x, 1) OVER w AS x1, lag(y, 1) OVER w AS y1
    FROM clicks WINDOW w AS (PARTITION BY session_id ORDER BY ts)),
rage AS (
    SELECT session_id, ts, t2,
           coalesce(date_diff('millisecond', t1, ts) <= $rage_gap
                    AND date_diff('millisecond', t2, t1) <= $rage_gap
                    AND greatest(abs(x - x2), abs(x1 - x2), abs(y - y2), abs(y1 - y2))
                        <= $rage_radius, false) AS is_rage
    FROM triples),
bursts AS (
    SELECT session_id, t2 AS ts, is_rage,
           coalesce(lag(is_rage) OVER (PARTITION BY session_id ORDER BY ts), false) AS prev
    FROM rage)
SELECT session_id, ts, 'rage click', NULL, 'three or more quick clicks in one spot'
FROM bursts WHERE is_rage AND NOT prev
UNION ALL
SELECT a.session_id, a.ts, 'error click', NULL, a.name
FROM actions a
WHERE a.trigger IN ('click', 'dblclick') AND EXISTS (
    SELECT 1 FROM errors e
    WHERE e.session_id = a.session_id
      AND (e.action_id = a.action_id
           OR (e.ts >= a.ts AND date_diff('millisecond', a.ts, e.ts) <= $error_click)))
UNION ALL
SELECT session_id, ts, 'dead click', NULL, name FROM (
    SELECT a.session_id, a.ts, a.name, s.ended_at,
           (SELECT min(m.ts) FROM events m
            WHERE m.session_id = a.session_id AND m.ts > a.ts
              AND ((m.type = {EVENT_INCREMENTAL_SNAPSHOT}
                   AND m.source IN ({SOURCE_MUTATION}, {SOURCE_SCROLL}))
                   OR m.type IN ({EVENT_FULL_SNAPSHOT}, {EVENT_META}))) AS response
    FROM actions a JOIN sessions s USING (session_id)
    WHERE a.trigger = 'click' AND a.type = 'custom'
      AND regexp_matches(a.target, '^(a|button|summary)([#.\\[]|$)'))
WHERE date_diff('millisecond', ts, coalesce(response, ended_at)) > $dead_click
  AND date_diff('millisecond', ts, ended_at) > $dead_click
UNION ALL
SELECT li.session_id, li.ts, 'form abandonment', NULL, li.name
FROM (SELECT session_id, arg_max(name, ts) AS name, max(ts) AS ts
      FROM actions WHERE trigger = 'input' GROUP BY session_id) li
WHERE NOT EXISTS (SELECT 1 FROM actions b WHERE b.session_id = li.session_id AND b.ts > li.ts
                  AND b.trigger IN ('click', 'dblclick', 'navigation'))
  AND NOT EXISTS (SELECT 1 FROM goals g WHERE g.session_id = li.session_id)
"""


def derive_frustration_signals(
    con: duckdb.DuckDBPyConnection, rules: FrustrationRules | None = None
) -> None:
    """Fill ``frustration_signals`` from the events, actions, errors and goals of the store."""
    rules = rules or FrustrationRules()
    con.execute("DELETE FROM frustration_signals")
    con.execute(
        _SIGNALS_SQL,
        {
            "rage_gap": rules.rage_gap_ms,
            "rage_radius": rules.rage_radius_px,
            "error_click": rules.error_click_ms,
            "dead_click": rules.dead_click_ms,
        },
    )
    _loading_indicators(con, rules.loading_ms)


def _loading_indicators(con: duckdb.DuckDBPyConnection, longer_than_ms: int) -> None:
    # Candidates by plain substring search: three times faster than a regular expression
    # over every mutation of the archive.
    candidates = con.execute(
        f"""SELECT DISTINCT e.session_id, epoch_ms(s.ended_at) FROM events e
           JOIN sessions s USING (session_id)
           WHERE e.type = {EVENT_INCREMENTAL_SNAPSHOT} AND e.source = {SOURCE_MUTATION}
             AND list_bool_or([contains(CAST(e.data AS VARCHAR), word)
                               FOR word IN ['spin', 'load', 'busy', 'progress']])"""
    ).fetchall()
    found = []
    for session_id, ended_ms in candidates:
        rows = con.execute(
            f"""SELECT epoch_ms(ts), type, data, window_id FROM events
               WHERE session_id = ? AND (type = {EVENT_FULL_SNAPSHOT}
                     OR (type = {EVENT_INCREMENTAL_SNAPSHOT} AND source = {SOURCE_MUTATION}))
               ORDER BY ts, rowid""",
            [session_id],
        ).fetchall()
        events = (
            {"timestamp": ts, "type": kind, "data": json.loads(data), "windowId": window}
            for ts, kind, data, window in rows
        )
        for start, end in indicator_spans(events, int(ended_ms or 0)):
            if end - start > longer_than_ms:
                seconds = (end - start) / 1000
                found.append((session_id, start, end - start, f"visible for {seconds:.0f} s"))
    if found:
        con.executemany(
            "INSERT INTO frustration_signals VALUES (?, epoch_ms(?::BIGINT), 'loading indicator',"
            " ?, ?)",
            found,
        )
