"""Derivation: the tables an ingest computes in SQL once every event and record is loaded.

Why a stage of its own: these statements read the whole store (all sessions at once,
which is what makes them cheap) and so run after loading, in the same transaction; they
are the ingest's definitions (when a session starts and ends, what an idle period is),
kept apart from the mechanics of getting bytes into DuckDB. Frustration signals have
their own module (:mod:`app.store.frustration`) because they can be derived again.
"""

from __future__ import annotations

import duckdb

from app.archive.events import MAX_TIMESTAMP_MS
from app.store import schema
from app.store.sql_constants import EVENT_INCREMENTAL_SNAPSHOT, USER_INTERACTION


def split_rum(con: duckdb.DuckDBPyConnection) -> None:
    """Split the staged RUM records of all sessions into their tables (once, at the end)."""
    con.execute(
        # Archives are untrusted: a time that is no time (NaN, year 10000 and later) or an
        # absurd duration would fail the conversions below and with them the ingest.
        f"""UPDATE rum_stage SET ts = NULL WHERE NOT ts BETWEEN 0 AND {MAX_TIMESTAMP_MS};
           UPDATE rum_stage SET duration_ms = NULL
           WHERE NOT abs(duration_ms) < {MAX_TIMESTAMP_MS};
           INSERT INTO actions SELECT session_id, epoch_ms(round(ts)::BIGINT), lower(type),
               trigger, name, target, url, round(duration_ms)::BIGINT, id
           FROM rum_stage WHERE kind = 'action' AND ts IS NOT NULL;
           INSERT INTO errors SELECT session_id, epoch_ms(round(ts)::BIGINT), message, stack,
               source, line, col, url, action_id
           FROM rum_stage WHERE kind = 'error' AND ts IS NOT NULL;
           INSERT INTO requests SELECT session_id, epoch_ms(round(ts)::BIGINT),
               upper(method), url, status, round(duration_ms)::BIGINT, action_id,
               CASE WHEN size >= 0 THEN size END
           FROM rum_stage WHERE kind = 'request' AND ts IS NOT NULL;
           INSERT INTO vitals SELECT session_id, epoch_ms(round(ts)::BIGINT), name, value, url
           FROM rum_stage WHERE kind = 'vital' AND ts IS NOT NULL;
           INSERT INTO goals SELECT session_id, epoch_ms(round(ts)::BIGINT), goal, url
           FROM rum_stage WHERE kind = 'goal' AND ts IS NOT NULL;
           DROP TABLE rum_stage;"""
    )


def complete_sessions(con: duckdb.DuckDBPyConnection) -> None:
    """Fill what a session's metadata left open from its events and actions: start, end,
    duration, entry page (the first load action)."""
    con.execute(
        """UPDATE sessions s SET
               started_at = coalesce(s.started_at, b.first_ts),
               ended_at = coalesce(s.ended_at, b.last_ts)
           FROM (SELECT session_id, min(ts) AS first_ts, max(ts) AS last_ts
                 FROM events GROUP BY session_id) b
           WHERE b.session_id = s.session_id;
           UPDATE sessions SET duration_ms = date_diff('millisecond', started_at, ended_at);
           UPDATE sessions s SET entry_url = a.url
           FROM (SELECT session_id, arg_min(url, ts) AS url FROM actions
                 WHERE type = 'load' GROUP BY session_id) a
           WHERE s.entry_url IS NULL AND a.session_id = s.session_id;"""
    )


def derive_idle_periods(con: duckdb.DuckDBPyConnection) -> None:
    """Gaps longer than :data:`~app.store.schema.IDLE_GAP_MS` between user interactions
    (rrweb's ``isUserInteraction``), the session's start and its end."""
    con.execute(
        f"""INSERT INTO idle_periods
            WITH activity AS (
                SELECT session_id, ts FROM events
                WHERE type = {EVENT_INCREMENTAL_SNAPSHOT} AND {USER_INTERACTION}
                UNION ALL SELECT session_id, started_at FROM sessions
                UNION ALL SELECT session_id, ended_at FROM sessions
            ), gaps AS (
                SELECT session_id, ts,
                       lead(ts) OVER (PARTITION BY session_id ORDER BY ts) AS next_ts
                FROM activity
            )
            SELECT session_id, ts, next_ts, date_diff('millisecond', ts, next_ts)
            FROM gaps
            WHERE date_diff('millisecond', ts, next_ts) > {schema.IDLE_GAP_MS}
            ORDER BY session_id, ts"""
    )
