"""A stretch of one session's events, for the player's windowed loading (issue 23).

Why its own queries: the player holds only the events around the cursor, so every read is
``ts BETWEEN`` on one session. The ``events`` table is written session by session in
recording order, so DuckDB's zone maps on ``session_id`` and ``ts`` skip every row group
outside the stretch: the cost follows the stretch asked for, not the session's length.
"""

from __future__ import annotations

import json

from app.rrweb.protocol import IncrementalSource
from app.store.queries import Cursor
from app.store.sql_constants import (
    EVENT_INCREMENTAL_SNAPSHOT,
    POINTER_PRESSES,
    SOURCE_DRAG,
    SOURCE_MOUSE_INTERACTION,
    SOURCE_MOUSE_MOVE,
    SOURCE_TOUCH_MOVE,
)

_WINDOW = "($all OR window_id IS NOT DISTINCT FROM $window)"


def session_span(
    cur: Cursor, session_id: str, window_id: str | None = None
) -> tuple[int, int] | None:
    """(first, last) event epoch ms of one stream, or None when it has no events."""
    row = cur.execute(
        f"""SELECT epoch_ms(min(ts)), epoch_ms(max(ts)) FROM events
            WHERE session_id = $sid AND {_WINDOW}""",
        {"sid": session_id, "window": window_id, "all": window_id is None},
    ).fetchone()
    if row is None or row[0] is None:
        return None
    return int(row[0]), int(row[1])


def has_more_events_than(cur: Cursor, session_id: str, window_id: str | None, limit: int) -> bool:
    """Whether the stream holds more than ``limit`` events (its rows counted up to the
    limit only: a six-hour session is not scanned to say it is long)."""
    row = cur.execute(
        f"""SELECT count(*) FROM (
                SELECT 1 FROM events WHERE session_id = $sid AND {_WINDOW} LIMIT $limit + 1)""",
        {"sid": session_id, "window": window_id, "all": window_id is None, "limit": limit},
    ).fetchone()
    return bool(row and row[0] > limit)


def events_between_json(
    cur: Cursor, session_id: str, window_id: str | None, from_ms: int, to_ms: int
) -> bytes:
    """The stream's events with ``from_ms <= timestamp <= to_ms`` as a JSON array, in
    recording order (the body of :func:`app.store.queries.replay.events_json`, restricted
    to a time range that the zone maps prune)."""
    row = cur.execute(
        f"""SELECT encode('[' || coalesce(string_agg(
                   json_object('type', type, 'data', data, 'timestamp', epoch_ms(ts)),
                   ',' ORDER BY ts, rowid), '') || ']')
           FROM events
           WHERE session_id = $sid AND {_WINDOW}
             AND ts BETWEEN make_timestamp($lo * 1000) AND make_timestamp($hi * 1000)""",
        {
            "sid": session_id,
            "window": window_id,
            "all": window_id is None,
            "lo": int(from_ms),
            "hi": int(to_ms),
        },
    ).fetchone()
    return bytes(row[0]) if row and row[0] is not None else b"[]"


POINTER_LOOK_BACK_MS = 10 * 60 * 1000
"""How far before a window the pointer's last position is looked for (bounded: the query
must not scan the session's past)."""
POINTER_FIRST_LOOK_MS = 30 * 1000
"""Looked at first: where the pointer moves at all, its last move is seldom further back, and
the query's cost follows the stretch it reads (over 10 minutes it was as slow as reading the
window itself: ~20 ms of a seek in the heavy session)."""


def last_pointer_node(
    cur: Cursor, session_id: str, window_id: str | None, before_ms: float
) -> int | None:
    """The node under the pointer just before ``before_ms``: its last move, drag, touch
    move, or press/release/click/touch within :data:`POINTER_LOOK_BACK_MS` (None: none).

    Why: rrweb's replayer marks the elements under the pointer with a ``:hover`` class (the
    page's ``:hover`` styles follow it) from the last position it applied; a window starts
    at a checkpoint, after that position, and must know it to show the same hover.
    """
    row = None
    for look_back in (POINTER_FIRST_LOOK_MS, POINTER_LOOK_BACK_MS):
        row = _last_pointer_row(cur, session_id, window_id, before_ms, look_back)
        if row is not None:
            break
    if row is None:
        return None
    data = json.loads(row[1])
    if row[0] == IncrementalSource.MOUSE_INTERACTION:
        node = data.get("id")
    else:
        positions = data.get("positions") or [{}]
        node = positions[-1].get("id")
    return node if isinstance(node, int) and node >= 0 else None


def _last_pointer_row(
    cur: Cursor, session_id: str, window_id: str | None, before_ms: float, look_back_ms: int
) -> tuple[int, str] | None:
    """(source, data) of the last pointer event in the ``look_back_ms`` before ``before_ms``."""
    return cur.execute(
        f"""SELECT source, data::VARCHAR FROM events
            WHERE session_id = $sid AND {_WINDOW} AND type = {EVENT_INCREMENTAL_SNAPSHOT}
              AND ts BETWEEN make_timestamp($lo * 1000) AND make_timestamp($hi * 1000)
              AND (source IN ({SOURCE_MOUSE_MOVE}, {SOURCE_TOUCH_MOVE}, {SOURCE_DRAG})
                   OR (source = {SOURCE_MOUSE_INTERACTION}
                       AND TRY_CAST(data->>'$.type' AS INTEGER) IN ({POINTER_PRESSES})))
              AND epoch_ms(ts) < $before
            ORDER BY ts DESC, rowid DESC LIMIT 1""",
        {
            "sid": session_id,
            "window": window_id,
            "all": window_id is None,
            "lo": int(before_ms - look_back_ms),
            "hi": int(before_ms) + 1,
            "before": before_ms,
        },
    ).fetchone()
