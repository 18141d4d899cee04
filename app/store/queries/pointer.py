"""Where the pointer was during a session, to draw the cursor and click ripples on a clip.

Why from the events: the replay's own cursor moves only while it plays, and a clip is
rendered by seeking to each frame; the recorded positions (mouse moves, with each sample's
``timeOffset``, and the position of every mouse interaction) let the clip place the cursor
at any moment. Coordinates are the recorded page's CSS pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.store.queries import Cursor
from app.store.sql_constants import (
    EVENT_INCREMENTAL_SNAPSHOT,
    MOUSE_CLICK,
    MOUSE_DBL_CLICK,
    SOURCE_MOUSE_INTERACTION,
    SOURCE_MOUSE_MOVE,
    SOURCE_TOUCH_MOVE,
)


@dataclass(frozen=True)
class PointerTrail:
    """The pointer's recorded positions and clicks, each ``(epoch ms, x, y)``, in time order."""

    positions: list[tuple[int, float, float]]
    clicks: list[tuple[int, float, float]]


def pointer_trail(cur: Cursor, session_id: str, start_ms: int, end_ms: int) -> PointerTrail:
    """The positions and clicks of ``session_id`` up to ``end_ms`` (epoch ms); positions
    from before ``start_ms`` too, so that the cursor is where it was when the range starts."""
    params = {"sid": session_id, "end": end_ms}
    moves = cur.execute(
        f"""WITH samples AS (
                SELECT epoch_ms(ts) AS sent, unnest(json_extract(data, '$.positions[*]')) AS p
                FROM events
                WHERE session_id = $sid AND type = {EVENT_INCREMENTAL_SNAPSHOT}
                  AND source IN ({SOURCE_MOUSE_MOVE}, {SOURCE_TOUCH_MOVE})
                  AND epoch_ms(ts) <= $end + 1000)
            SELECT sent + coalesce(p->>'timeOffset', '0')::BIGINT AS t,
                   (p->>'x')::DOUBLE, (p->>'y')::DOUBLE
            FROM samples WHERE t <= $end""",
        params,
    ).fetchall()
    interactions = cur.execute(
        f"""SELECT epoch_ms(ts), (data->>'x')::DOUBLE, (data->>'y')::DOUBLE,
                   data->>'type' IN ('{MOUSE_CLICK}', '{MOUSE_DBL_CLICK}')
            FROM events
            WHERE session_id = $sid AND type = {EVENT_INCREMENTAL_SNAPSHOT}
              AND source = {SOURCE_MOUSE_INTERACTION}
              AND data->>'x' IS NOT NULL AND epoch_ms(ts) <= $end""",
        params,
    ).fetchall()
    positions = sorted([(int(t), x, y) for t, x, y in moves] +
                       [(int(t), x, y) for t, x, y, _ in interactions])  # fmt: skip
    clicks = [(int(t), x, y) for t, x, y, click in interactions if click and t >= start_ms - 1000]
    return PointerTrail(positions, sorted(clicks))
