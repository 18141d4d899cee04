"""Read access to an ingested store: opening and closing it, each thread's cursor, stopping a
running query, the ingest's facts and warnings, the user's SQL and the Parquet export.

The questions the views and the CLI ask are functions over a cursor in
:mod:`app.store.queries`, grouped by what they answer (``overview.summary(store.cursor(),
f)``). The store opens its database read-only with file access switched off, so the SQL a user
types (``replay-investigator sql``, the SQL tab later) can neither change the store nor read
or write other files.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from app.files import atomic_output
from app.store.cache import fingerprint
from app.store.queries import Cursor

if TYPE_CHECKING:
    import pyarrow as pa


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]


class QueryError(Exception):
    """A user query failed; the message is DuckDB's, which names the problem."""


STORE_QUERY_THREADS = max(1, (os.cpu_count() or 2) - 1)
"""DuckDB threads per open store: every core but one. Why: the window's queries run while
the user works; with every core taken (a filter change queries two lanes at once, an archive
switch runs the old archive's queries, the new one's opening and the painting together) the
GUI thread was left waiting for a core — or for Qt's paint threads, while holding the GIL —
for a few hundred milliseconds on a two-core machine. One core stays for the window."""
STORE_CONFIG = {
    "enable_external_access": False,
    "threads": STORE_QUERY_THREADS,
    # a table name DuckDB does not know is never looked up among the app's Python variables
    # (the SQL tab's user could otherwise read an Arrow table held by some frame)
    "python_enable_replacements": False,
}


# Tables written by export_parquet, with the time column that partitions them by UTC day.
PARQUET_TABLES = {
    "sessions": "started_at", "events": "ts", "actions": "ts", "errors": "ts",
    "requests": "ts", "vitals": "ts", "goals": "ts", "idle_periods": "started_at",
    "frustration_signals": "ts", "source_maps": None,
}  # fmt: skip


def duckdb_version() -> str:
    """The DuckDB library's version (for About and bug reports)."""
    return str(duckdb.__version__)


class SessionStore:
    """A read-only view of one ingested archive.

    Usable from several threads: the thread that opened it queries through its connection,
    any other thread (the views' background queries) through a cursor of its own, since a
    DuckDB connection must not run two statements at once.
    """

    def __init__(self, db_path: str | Path) -> None:
        self.db_path = Path(db_path)
        self._owner = duckdb.connect(str(self.db_path), read_only=True, config=STORE_CONFIG)
        self._owner_thread = threading.get_ident()
        self._cursors: dict[int, duckdb.DuckDBPyConnection] = {}
        self._cursors_lock = threading.Lock()
        self._user_cursors: dict[int, duckdb.DuckDBPyConnection] = {}  # running user queries

    def cursor(self) -> Cursor:
        """This thread's cursor, for the query functions of :mod:`app.store.queries`.

        A cursor belongs to the thread that asked for it: the thread that opened the store
        gets its connection, any other thread a cursor of its own, made on first use and
        reached by :meth:`interrupt`. Why: a DuckDB connection must not run two statements
        at once, so a task on a worker asks for the cursor inside the task, never takes one
        made on another thread.
        """
        thread = threading.get_ident()
        if thread == self._owner_thread:
            return self._owner
        with self._cursors_lock:
            cursor = self._cursors.get(thread)
            if cursor is None:
                cursor = self._cursors[thread] = self.new_cursor()
            return cursor

    def new_cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor of its own for the app's queries (each thread's comes from here; a
        lake's cursors must find its tables with ``rowid``: never ``cursor().cursor()``)."""
        return self._owner.cursor()

    def digest(self) -> str:
        """What this store holds, sampled as its seal is: files derived from the store (its
        search index, its map anchors) record it, and are rebuilt when it changes."""
        return str(fingerprint(self.db_path)["digest"])

    def sidecar_path(self, suffix: str) -> Path:
        """Where a file derived from this store lives: beside the store file."""
        return self.db_path.with_name(self.db_path.stem + suffix)

    def attach_to(self, con: duckdb.DuckDBPyConnection, name: str) -> None:
        """Make this store's tables readable on ``con`` (a connection that builds a derived
        file) as the database ``name``; ``DETACH name`` ends it."""
        db = str(self.db_path).replace("'", "''")
        con.execute(f"ATTACH '{db}' AS {name} (READ_ONLY)")

    def interrupt(self, thread_id: int | None = None) -> None:
        """Stop the query running on thread ``thread_id`` (every thread's when None).

        Safe from any thread (DuckDB's ``interrupt()``); the interrupted query raises in
        its own thread. Why: cancelling a task or switching archives must not wait for a
        long query to end.
        """
        with self._cursors_lock:
            if thread_id is None:
                targets = [self._owner, *self._cursors.values(), *self._user_cursors.values()]
            else:
                targets = [
                    c
                    for c in (
                        self._owner if thread_id == self._owner_thread else None,
                        self._cursors.get(thread_id),
                        self._user_cursors.get(thread_id),
                    )
                    if c is not None
                ]
        for connection in targets:
            with contextlib.suppress(duckdb.Error):  # closed meanwhile: nothing runs on it
                connection.interrupt()

    def close(self) -> None:
        self.closed = True
        with self._cursors_lock:
            for cursor in self._cursors.values():
                cursor.close()
            self._cursors.clear()
        self._owner.close()

    closed = False  # set by close(): work scheduled for later checks it before querying

    def __enter__(self) -> SessionStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def info(self) -> dict[str, Any]:
        """Facts about the ingest: format, source name, manifest, skipped sessions.

        Read once (the store is read-only, so they cannot change): views ask for them on
        the GUI thread, and a manifest can be large.
        """
        if self._info is None:
            info: dict[str, Any] = dict(
                self.cursor().execute("SELECT key, value FROM archive_info").fetchall()
            )
            for key in ("manifest", "skipped_sessions"):
                if key in info:
                    info[key] = json.loads(info[key])
            self._info = info
        return dict(self._info)

    _info: dict[str, Any] | None = None

    def warnings(self) -> list[tuple[str | None, str]]:
        return (
            self.cursor()
            .execute("SELECT session_id, message FROM ingest_warnings ORDER BY rowid")
            .fetchall()
        )

    def export_parquet(self, folder: str | Path) -> dict[str, int]:
        """Write every table as Parquet under ``folder``, partitioned by UTC day (Hive style:
        ``events/day=2026-11-20/data_0.parquet``); returns the rows written per table.

        Why: when one machine is no longer enough, the same data can be queried by DuckDB
        over object storage (``read_parquet('s3://…/events/*/*.parquet',
        hive_partitioning=true)``) or by any engine that reads Parquet; day partitions let
        such queries skip whole days.
        """
        root = Path(folder)
        ours = {*PARQUET_TABLES, *(f"{t}.parquet" for t in PARQUET_TABLES)}
        if root.exists() and (not root.is_dir() or any(p.name not in ours for p in root.iterdir())):
            raise ValueError(f"{root} already holds other files; choose a new or empty folder")
        root.parent.mkdir(parents=True, exist_ok=True)
        with atomic_output(root) as part:  # a failed export leaves the previous one, or none
            part.mkdir()
            return self._write_parquet(part)

    def _write_parquet(self, root: Path) -> dict[str, int]:
        written = {}
        # The store's own connection may not touch files (the SQL tab runs user queries on
        # it); a separate in-memory connection attaches the same file read-only to write out.
        db = str(self.db_path).replace("'", "''")
        with duckdb.connect() as con:
            con.execute(f"ATTACH '{db}' AS store (READ_ONLY)")
            for table, time_column in PARQUET_TABLES.items():
                target = str(root / table).replace("'", "''")
                if time_column is None:
                    con.execute(
                        f"COPY store.{table} TO '{target}.parquet' "
                        "(FORMAT PARQUET, COMPRESSION ZSTD)"
                    )
                else:
                    con.execute(
                        f"""COPY (SELECT *, strftime(coalesce({time_column},
                                       TIMESTAMP '1970-01-01'), '%Y-%m-%d') AS day
                                  FROM store.{table})
                            TO '{target}' (FORMAT PARQUET, COMPRESSION ZSTD,
                                           PARTITION_BY (day), OVERWRITE_OR_IGNORE)"""
                    )
                row = con.execute(f"SELECT count(*) FROM store.{table}").fetchone()
                written[table] = int(row[0]) if row else 0
        return written

    # ---- the user's SQL (the CLI's ``sql`` command, the SQL tab) --------------------------
    @contextlib.contextmanager
    def _user_cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of its own for one user statement, registered so it can be interrupted.

        Why registered: :meth:`interrupt` (a cancelled task, an archive switch) must reach a
        long user query, which runs on a cursor no other code knows. Why a fresh cursor: a
        page and the count of the same query run on two threads at once. DuckDB's errors
        become :class:`QueryError`; an interrupted statement reads "Query cancelled".
        """
        thread = threading.get_ident()
        try:
            cursor = self._owner.cursor()
        except duckdb.Error as exc:  # the store was closed (archive switched)
            raise QueryError(str(exc).strip()) from None
        with self._cursors_lock:
            self._user_cursors[thread] = cursor
        try:
            yield cursor
        except duckdb.InterruptException:
            raise QueryError(QUERY_CANCELLED) from None
        except duckdb.Error as exc:
            raise QueryError(str(exc).strip()) from None
        finally:
            with self._cursors_lock:
                if self._user_cursors.get(thread) is cursor:
                    del self._user_cursors[thread]
            with contextlib.suppress(duckdb.Error):
                cursor.close()

    def open_query(self, sql: str) -> UserQuery:
        """Prepare a read-only query typed by the user, to be read a page at a time.

        A ``SELECT`` is only bound here (for its columns; nothing runs), so a query over
        millions of rows costs nothing until :meth:`UserQuery.fetch_page` reads a page.
        Other statements (``EXPLAIN``, ``PRAGMA``, ``SET``) run here and their few rows are
        kept. Raises :class:`QueryError`.
        """
        with self._user_cursor() as cursor:
            relation = cursor.sql(sql)
            if relation is None:
                return UserQuery(self, None, [], [])
            if relation.type != "QUERY_RELATION":  # ran already; its result dies with it
                return UserQuery(self, None, list(relation.columns), relation.fetchall())
            return UserQuery(self, relation.sql_query(), list(relation.columns))

    def query(self, sql: str) -> QueryResult:
        """Run a read-only query typed by the user and fetch every row (the CLI)."""
        with self._user_cursor() as cursor:
            cursor.execute(sql)
            if cursor.description is None:
                return QueryResult([], [])
            columns = [d[0] for d in cursor.description]
            return QueryResult(columns, cursor.fetchall())

    def query_arrow(self, sql: str) -> pa.Table:
        with self._user_cursor() as cursor:
            return cursor.execute(sql).fetch_arrow_table()


QUERY_CANCELLED = "Query cancelled"


class UserQuery:
    """A user's query, read a page at a time and counted apart (the SQL tab).

    Why pages: ``SELECT * FROM events`` on a big archive is millions of rows; fetching them
    all froze the window and used the memory of all of them, while a table shows a
    screenful. Each page and the count run the query again on a cursor of their own (DuckDB
    stops a plain scan after the page; a sort or an aggregate is recomputed), so pages may
    be read from any thread, also while the count runs on another. Without ``ORDER BY``,
    DuckDB keeps a table's order in scans, but rows of an aggregate may come in another
    order from page to page: the tab's hint says to order them.
    """

    def __init__(
        self,
        store: SessionStore,
        sql: str | None,
        columns: list[str],
        rows: list[tuple[Any, ...]] | None = None,
    ) -> None:
        self._store = store
        self._sql = sql  # None: a statement that ran when opened; ``rows`` is its result
        self._rows = rows or []
        self.columns = columns

    def fetch_page(self, offset: int, limit: int) -> list[tuple[Any, ...]]:
        """Rows ``offset`` to ``offset + limit`` of the result (fewer at its end)."""
        if self._sql is None:
            return self._rows[offset : offset + limit]
        with self._store._user_cursor() as cursor:
            relation = cursor.sql(self._sql)
            return relation.limit(limit, offset).fetchall() if relation is not None else []

    def count(self) -> int:
        """How many rows the whole result has (runs the query through to its end)."""
        if self._sql is None:
            return len(self._rows)
        with self._store._user_cursor() as cursor:
            relation = cursor.sql(self._sql)
            row = relation.aggregate("count(*)").fetchall() if relation is not None else []
            return int(row[0][0]) if row else 0
