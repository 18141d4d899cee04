"""What the test generator of issue 18 reads besides the rrweb events: one session's actions,
requests and errors with the ids that tie them together, and its time span.

Why its own module: :mod:`app.store.queries.replay` answers the replay screen (requests
without their action, times as the player wants them); a reproduction needs to know which
requests an action started (to wait for their responses) and which action an error came in.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.store.queries import Cursor


@dataclass(frozen=True)
class RecordedAction:
    ts_ms: int
    type: str
    trigger: str | None
    name: str
    url: str | None
    action_id: str | None


@dataclass(frozen=True)
class RecordedRequest:
    ts_ms: int
    method: str | None
    url: str
    action_id: str | None
    duration_ms: int = 0


@dataclass(frozen=True)
class RecordedError:
    ts_ms: int
    message: str
    action_id: str | None


@dataclass(frozen=True)
class SessionRecord:
    """One session's span and RUM records, every time in epoch ms."""

    session_id: str
    user_id: str | None
    start_ms: int
    end_ms: int
    entry_url: str | None
    actions: list[RecordedAction]
    requests: list[RecordedRequest]
    errors: list[RecordedError]


def session_record(cur: Cursor, session_id: str) -> SessionRecord | None:
    """The session's span, actions, requests and errors; ``None`` when it does not exist."""
    head = cur.execute(
        """SELECT user_id, epoch_ms(started_at), epoch_ms(ended_at), entry_url
           FROM sessions WHERE session_id = ?""",
        [session_id],
    ).fetchone()
    if head is None:
        return None
    actions = cur.execute(
        """SELECT epoch_ms(ts), type, trigger, name, url, action_id FROM actions
           WHERE session_id = ? ORDER BY ts, rowid""",
        [session_id],
    ).fetchall()
    requests = cur.execute(
        """SELECT epoch_ms(ts), method, url, action_id, coalesce(duration_ms, 0) FROM requests
           WHERE session_id = ? AND url IS NOT NULL ORDER BY ts, rowid""",
        [session_id],
    ).fetchall()
    errors = cur.execute(
        """SELECT epoch_ms(ts), message, action_id FROM errors
           WHERE session_id = ? AND message IS NOT NULL ORDER BY ts, rowid""",
        [session_id],
    ).fetchall()
    user_id, start_ms, end_ms, entry_url = head
    return SessionRecord(
        session_id,
        user_id,
        int(start_ms),
        int(end_ms if end_ms is not None else start_ms),
        entry_url,
        [RecordedAction(int(t), ty, tr, n or "", u, a) for t, ty, tr, n, u, a in actions],
        [RecordedRequest(int(t), m, u, a, int(d)) for t, m, u, a, d in requests],
        [RecordedError(int(t), m, a) for t, m, a in errors],
    )


def session_ids(cur: Cursor) -> list[str]:
    """Every session id of the store, in start order."""
    rows = cur.execute("SELECT session_id FROM sessions ORDER BY started_at").fetchall()
    return [row[0] for row in rows]
