"""Incremental builds: the index of a folder keeps what an earlier index of the same folder
already extracted, session by session.

Why: a folder's store follows the folder's content key (the name, size and modification
time of every file, :func:`app.store.cache.content_key`), so adding one recording makes a
new store, ingested again, and a new index beside it. Extracting the text of every session
again would cost as much as the first build; instead each index of a folder records the
folder (``source`` in ``index_info``) and a key per session (``session_keys``: its user,
event count, first and last time, bytes of events, and its counts of requests, errors and
actions). The next build finds the newest intact index of the same folder beside it, copies
the hits of every session whose key did not change and extracts only the others (the
``src`` views the extraction reads are filtered to them); the postings are then built
again over all hits, which takes a small share of the build.

A lake (:class:`~app.store.lake.LakeStore`) is read in place and grows by compaction runs,
each adding parts of new sessions: its index lives in the cache folder, named by its parts,
so each new state of the lake gets a new index, built the same way from the previous one;
a lake's session key is the list of parts that hold the session's rows
(:data:`LAKE_SESSION_KEYS`), which is cheaper to read than the folder's counts over events.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import duckdb

from app.store.cache import store_is_intact
from app.store.queries import Cursor
from app.store.store import STORE_CONFIG

SOURCE_TABLES = ("events", "errors", "requests", "actions", "sessions")
"""The store's tables the extraction reads, through views of the same name in ``src``."""
CANDIDATES = 20
"""How many of the newest indexes beside the new one are looked at."""

FOLDER_SESSION_KEYS = """
CREATE TABLE session_keys AS
WITH events AS (
    SELECT session_id, count(*) AS n, min(ts) AS first, max(ts) AS last,
           sum(strlen(data::VARCHAR)) AS bytes
    FROM store.events GROUP BY session_id
), rum AS (
    SELECT session_id, count(*) FILTER (WHERE kind = 'request') AS requests,
           count(*) FILTER (WHERE kind = 'error') AS errors,
           count(*) FILTER (WHERE kind = 'action') AS actions
    FROM (SELECT session_id, 'request' AS kind FROM store.requests
          UNION ALL SELECT session_id, 'error' FROM store.errors
          UNION ALL SELECT session_id, 'action' FROM store.actions)
    GROUP BY session_id
)
SELECT s.session_id,
       hash(s.session_id, s.user_id, e.n, e.first, e.last, e.bytes,
            r.requests, r.errors, r.actions) AS key
FROM store.sessions s LEFT JOIN events e USING (session_id) LEFT JOIN rum r USING (session_id)
"""
"""What identifies a session's content in a store of a folder (see the module's docstring)."""

LAKE_SESSION_KEYS = """
CREATE TABLE session_keys AS
SELECT s.session_id, hash(s.session_id, list((p.part, p.size, p.mtime) ORDER BY p.part)) AS key
FROM store.session_parts s JOIN store.parts p USING (part)
GROUP BY s.session_id
"""
"""What identifies a session's content in a lake: the parts that hold its rows, by name,
size and time (``store.session_parts`` and ``store.parts``, made by
:meth:`~app.store.lake.LakeStore.attach_to`). Compaction writes a session once, into parts of
its own run, so a session's key stays as it was while later runs add days; reading which
parts hold each session costs a scan of the ``session_id`` columns only."""

SESSION_KEYS = {"folder": FOLDER_SESSION_KEYS, "lake": LAKE_SESSION_KEYS}
"""The archives whose index is built incrementally (by their ``format``), and how."""

KEPT = """
CREATE TEMP TABLE kept AS
SELECT session_id FROM session_keys JOIN previous.session_keys USING (session_id, key)
"""

COPY_KEPT = """
INSERT INTO docs_unordered
SELECT d.session_id, d.ts, d.end_ms, t.kind, t.text, d.node_id, t.status, d.h
FROM previous.docs d JOIN previous.texts t USING (h)
WHERE d.session_id IN (SELECT session_id FROM kept)
"""
"""The kept sessions' hits, as the ``docs`` step writes them (run after it)."""


def previous_index(target: Path, source: str, version: str) -> Path | None:
    """The newest intact index beside ``target`` of the folder ``source``, of this build."""
    earlier = earlier_indexes(target, source, version, CANDIDATES)
    return earlier[0] if earlier else None


def earlier_indexes(
    target: Path, source: str, version: str | None = None, limit: int | None = None
) -> list[Path]:
    """The intact indexes beside ``target`` (not it) of the folder or lake ``source`` (and
    of build ``version``, when given), newest first; the newest ``limit`` looked at."""
    others = []
    for path in target.parent.glob("*.search.duckdb"):
        with contextlib.suppress(OSError):  # removed meanwhile
            if path != target:
                others.append((path.stat().st_mtime_ns, path))
    others.sort(reverse=True)
    found = []
    for _, path in others[:limit]:
        if not store_is_intact(path):
            continue
        try:
            with duckdb.connect(str(path), read_only=True, config=STORE_CONFIG) as con:
                info = dict(con.execute("SELECT key, value FROM index_info").fetchall())
        except duckdb.Error:
            continue
        if info.get("source") == source and version in (None, info.get("version")):
            found.append(path)
    return found


def prepare_sources(
    cur: Cursor, target: Path, source: str | None, version: str, session_keys: str = ""
) -> tuple[str, int]:
    """Create the ``src`` views the extraction reads and, for a folder or a lake, the
    session keys (``session_keys``, one of :data:`SESSION_KEYS`).

    Returns the SQL that copies the kept sessions' hits (empty when nothing is kept) and
    how many sessions are kept. ``source`` is the folder's or the lake's path (None: every
    session is extracted); ``target`` is where the new index will be. The earlier index, if
    any, is attached as ``previous``.
    """
    cur.execute("CREATE SCHEMA src")
    kept = 0
    condition = ""
    if source is not None:
        cur.execute(session_keys or FOLDER_SESSION_KEYS)
        path = previous_index(target, source, version)
        if path is not None:
            quoted = str(path).replace("'", "''")
            cur.execute(f"ATTACH '{quoted}' AS previous (READ_ONLY)")
            cur.execute(KEPT)
            kept = int(cur.execute("SELECT count(*) FROM kept").fetchone()[0])
            condition = "WHERE session_id NOT IN (SELECT session_id FROM temp.main.kept)"
    for table in SOURCE_TABLES:
        cur.execute(f"CREATE VIEW src.{table} AS SELECT * FROM store.{table} {condition}")
    return (COPY_KEPT if kept else ""), kept


def release_sources(cur: Cursor) -> None:
    """Drop the ``src`` views and detach the earlier index (the index keeps neither)."""
    cur.execute("DROP SCHEMA src CASCADE")
    rows = cur.execute("SELECT database_name FROM duckdb_databases()").fetchall()
    attached = {row[0] for row in rows}
    if "previous" in attached:
        cur.execute("DETACH previous")
