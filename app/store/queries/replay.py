"""One session as the replay shows it: its detail, its windows and its rrweb events.

The replay screen's lists (actions, errors, console, network, timeline) each need one query;
every time in :class:`SessionDetail` is an integer epoch millisecond, the unit of the
:class:`~app.state.time_cursor.TimeCursor`. :func:`action_records` and :func:`error_records`
are the rows as stored (for the CLI's ``info``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from app.derive.rum import console_text
from app.store.queries import Cursor
from app.store.sql_constants import (
    EVENT_INCREMENTAL_SNAPSHOT,
    EVENT_PLUGIN,
    MOUSE_CLICK,
    MOUSE_DBL_CLICK,
    SOURCE_MOUSE_INTERACTION,
    USER_INTERACTION,
)


@dataclass(frozen=True)
class ActionRow:
    ts_ms: int
    type: str
    trigger: str | None
    name: str
    target: str | None
    url: str | None
    duration_ms: int | None
    action_id: str | None


@dataclass(frozen=True)
class ErrorRow:
    ts_ms: int
    message: str
    stack: str | None
    source: str | None
    line: int | None
    col: int | None
    url: str | None
    action_id: str | None


@dataclass(frozen=True)
class RequestRow:
    ts_ms: int
    method: str | None
    url: str
    status: int | None
    duration_ms: int | None


@dataclass(frozen=True)
class ConsoleRow:
    ts_ms: int
    level: str
    message: str
    trace: str | None


@dataclass(frozen=True)
class SessionDetail:
    """One session as the replay screen needs it."""

    session_id: str
    user_id: str | None
    start_ms: int
    end_ms: int
    windows: list[tuple[str | None, int]]
    actions: list[ActionRow]
    errors: list[ErrorRow]
    requests: list[RequestRow]
    console: list[ConsoleRow]
    clicks: list[tuple[int, int]]
    """(epoch ms, recorded node id) of every click, to outline the clicked element."""
    activity_ms: list[int]
    idle: list[tuple[int, int]]
    frustration: list[tuple[int, str, str]]
    """(epoch ms, kind, detail) of the session's frustration signals (app/store/frustration.py)"""
    gaps: list[tuple[int, int]] = field(default_factory=list)
    """(start, end) epoch ms of stretches with no event recorded at all (see :func:`gaps`)."""


def _rows(cur: Cursor, session_id: str, sql: str) -> list[tuple]:
    return cur.execute(sql, [session_id]).fetchall()


def windows(cur: Cursor, session_id: str) -> list[tuple[str | None, int]]:
    """Browser windows (tabs) of a session with their event counts, biggest first."""
    return _rows(
        cur,
        session_id,
        """
        SELECT window_id, count(*) FROM events WHERE session_id = ?
        GROUP BY window_id ORDER BY count(*) DESC, window_id NULLS FIRST""",
    )


def detail(cur: Cursor, session_id: str) -> SessionDetail | None:
    """Actions, errors, console, network, clicks and activity of one session; ``None`` when
    the session does not exist."""
    head = cur.execute(
        """SELECT user_id, epoch_ms(started_at), epoch_ms(ended_at)
           FROM sessions WHERE session_id = ?""",
        [session_id],
    ).fetchone()
    if head is None:
        return None
    user_id, start_ms, end_ms = head
    session_windows = windows(cur, session_id)
    actions = [
        ActionRow(*row)
        for row in _rows(
            cur,
            session_id,
            """
        SELECT epoch_ms(ts), type, trigger, name, target, url, duration_ms, action_id
        FROM actions WHERE session_id = ? ORDER BY ts, rowid""",
        )
    ]
    errors = [
        ErrorRow(*row)
        for row in _rows(
            cur,
            session_id,
            """
        SELECT epoch_ms(ts), message, stack, source, line, col, url, action_id
        FROM errors WHERE session_id = ? ORDER BY ts, rowid""",
        )
    ]
    requests = [
        RequestRow(*row)
        for row in _rows(
            cur,
            session_id,
            """
        SELECT epoch_ms(ts), method, url, status, duration_ms
        FROM requests WHERE session_id = ? ORDER BY ts, rowid""",
        )
    ]
    console_rows = cur.execute(
        f"""SELECT epoch_ms(ts), data->>'$.payload.level', data->'$.payload.payload',
                  data->'$.payload.trace'
           FROM events
           WHERE session_id = ? AND type = {EVENT_PLUGIN} AND data->>'$.plugin' = 'rrweb/console@1'
           ORDER BY ts, rowid""",
        [session_id],
    ).fetchall()
    console = [
        ConsoleRow(
            ts,
            level or "log",
            console_text(json.loads(payload) if payload else ""),
            "\n".join(json.loads(trace)) if trace else None,
        )
        for ts, level, payload, trace in console_rows
    ]
    logged = {(row.ts_ms, row.level) for row in console}
    console += [  # RUM errors that the recording's console plugin did not capture
        ConsoleRow(e.ts_ms, "error", e.message, e.stack)
        for e in errors
        if (e.ts_ms, "error") not in logged
    ]
    console.sort(key=lambda row: row.ts_ms)
    clicks = cur.execute(
        f"""SELECT epoch_ms(ts), TRY_CAST(data->>'$.id' AS INTEGER) FROM events
           WHERE session_id = ? AND type = {EVENT_INCREMENTAL_SNAPSHOT}
             AND source = {SOURCE_MOUSE_INTERACTION}
             AND TRY_CAST(data->>'$.type' AS INTEGER) IN ({MOUSE_CLICK}, {MOUSE_DBL_CLICK})
           ORDER BY ts, rowid""",
        [session_id],
    ).fetchall()
    activity = [
        row[0]
        for row in cur.execute(
            f"""SELECT epoch_ms(ts) FROM events
           WHERE session_id = ? AND type = {EVENT_INCREMENTAL_SNAPSHOT} AND {USER_INTERACTION}
           ORDER BY ts""",
            [session_id],
        ).fetchall()
    ]
    idle = cur.execute(
        """SELECT epoch_ms(started_at), epoch_ms(ended_at) FROM idle_periods
           WHERE session_id = ? ORDER BY started_at""",
        [session_id],
    ).fetchall()
    signals = cur.execute(
        """SELECT epoch_ms(ts), kind, detail FROM frustration_signals
           WHERE session_id = ? ORDER BY ts""",
        [session_id],
    ).fetchall()
    return SessionDetail(
        session_id,
        user_id,
        start_ms,
        end_ms,
        session_windows,
        actions,
        errors,
        requests,
        console,
        [(ts, node) for ts, node in clicks if node is not None],
        activity,
        [(a, b) for a, b in idle],
        [(int(ts), str(kind), str(detail or "")) for ts, kind, detail in signals],
        gaps(cur, session_id),
    )


GAP_MS = 60_000
"""No event at all for this long is a gap in the recording: a lost batch or segment, or a
pause of the recorder (rrweb records mouse moves, scrolls and mutations as they happen, so
a page in use is never silent this long). Shown on the timeline; playback runs across."""


def gaps(cur: Cursor, session_id: str, at_least_ms: int = GAP_MS) -> list[tuple[int, int]]:
    """(last event before, first event after) of every gap of ``at_least_ms`` or more."""
    rows = cur.execute(
        """SELECT epoch_ms(ts), epoch_ms(next_ts) FROM (
               SELECT ts, lead(ts) OVER (ORDER BY ts) AS next_ts FROM events
               WHERE session_id = ?)
           WHERE epoch_ms(next_ts) - epoch_ms(ts) >= ?
           ORDER BY ts""",
        [session_id, at_least_ms],
    ).fetchall()
    return [(int(a), int(b)) for a, b in rows]


def events_size(cur: Cursor, session_id: str, window_id: str | None = None) -> int:
    """About how many bytes :func:`events_json` would return (cheap: no JSON is built),
    to decide where to prepare a session for the player."""
    row = cur.execute(
        """SELECT coalesce(sum(strlen(data::VARCHAR) + 40), 0) FROM events
           WHERE session_id = $sid
             AND ($all OR window_id IS NOT DISTINCT FROM $window)""",
        {"sid": session_id, "window": window_id, "all": window_id is None},
    ).fetchone()
    return int(row[0]) if row else 0


def events_json(cur: Cursor, session_id: str, window_id: str | None = None) -> bytes:
    """The session's rrweb events as a JSON array, in recording order (built by DuckDB).

    With several windows, pass ``window_id`` to get one window's stream (each window is
    its own document with its own node ids, so they replay separately).
    """
    row = cur.execute(
        # encode(): handed over as bytes (a copy), not as a str that Python then
        # re-encodes — for a 100 MB session that is time the GUI thread waits for the
        # interpreter
        """SELECT encode('[' || coalesce(string_agg(
                   json_object('type', type, 'data', data, 'timestamp', epoch_ms(ts)),
                   ',' ORDER BY ts, rowid), '') || ']')
           FROM events
           WHERE session_id = $sid
             AND ($all OR window_id IS NOT DISTINCT FROM $window)""",
        {"sid": session_id, "window": window_id, "all": window_id is None},
    ).fetchone()
    return bytes(row[0]) if row else b"[]"


def action_records(cur: Cursor, session_id: str) -> list[dict[str, Any]]:
    """The session's actions as stored (column name to value), in order."""
    return _records(
        cur,
        """SELECT ts, type, trigger, name, target, url, duration_ms, action_id
           FROM actions WHERE session_id = ? ORDER BY ts, action_id""",
        session_id,
    )


def error_records(cur: Cursor, session_id: str) -> list[dict[str, Any]]:
    """The session's JavaScript errors as stored (column name to value), in order."""
    return _records(
        cur,
        """SELECT ts, message, stack, source, line, col, url, action_id
           FROM errors WHERE session_id = ? ORDER BY ts""",
        session_id,
    )


def _records(cur: Cursor, sql: str, session_id: str) -> list[dict[str, Any]]:
    result = cur.execute(sql, [session_id])
    columns = [d[0] for d in result.description]
    return [dict(zip(columns, row, strict=True)) for row in result.fetchall()]
