"""The store's side of a lake: Parquet parts written from a store, and a store over them.

Why here: only the store talks to DuckDB. Compaction (:mod:`app.lake.compaction`) ingests a
run's sessions into an ordinary store and asks :func:`write_lake_parts` for that store's
tables as Parquet, one file per table and UTC day; :class:`LakeStore` opens every part as
the store's tables (views over ``read_parquet(…, hive_partitioning=true)``), so each screen's
queries run unchanged over a lake that was never ingested into one file.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from app.store import schema
from app.store.cache import cache_dir
from app.store.lake_location import remote_lake_url
from app.store.store import PARQUET_TABLES, STORE_CONFIG, SessionStore

LAKE_TABLES = {name: column for name, column in PARQUET_TABLES.items() if column is not None}
"""Tables a lake keeps, partitioned by the UTC day of their time column (as ``export
--format parquet`` writes them: same columns, plus the ``day`` partition key)."""


LAKE_MARKER = "lake.json"


def is_lake(path: str | Path) -> bool:
    """Whether ``path`` is a lake directory (made by the collector or by compaction)."""
    path = Path(path)
    return path.is_dir() and (path / LAKE_MARKER).is_file()


def _quoted(path: str | Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def write_lake_parts(db_path: Path, out: Path, run_id: str) -> list[Path]:
    """Write the store's lake tables under ``out/<table>/day=…/part-<run_id>-N.parquet``.

    Returns the files written (relative to ``out``). Partitioned like
    :meth:`SessionStore.export_parquet`; rows of one session that cross midnight go to
    both days' partitions, each row to the day of its own time.
    """
    out.mkdir(parents=True, exist_ok=True)
    with duckdb.connect() as con:
        con.execute(f"ATTACH {_quoted(db_path)} AS store (READ_ONLY)")
        for table, column in LAKE_TABLES.items():
            target = out / table
            con.execute(
                f"""COPY (SELECT *, strftime(coalesce({column}, TIMESTAMP '1970-01-01'),
                                             '%Y-%m-%d') AS day
                          FROM store.{table} ORDER BY session_id, {column}, rowid)
                    TO {_quoted(target)} (FORMAT PARQUET, COMPRESSION ZSTD,
                        PARTITION_BY (day), FILENAME_PATTERN 'part-{run_id}-{{i}}',
                        OVERWRITE_OR_IGNORE)"""
            )
    return sorted(p.relative_to(out) for p in out.rglob("*.parquet"))


def _empty_table_sql(table: str) -> str:
    """A table's columns with no rows (a lake with no part of it yet)."""
    ddl = schema.DDL.split(f"CREATE TABLE {table} (", 1)[1].split(");", 1)[0]
    return f"CREATE TABLE {table} ({ddl})"


ORDERED = "ordered"
"""The schema of the views the app's own queries read: the user's columns plus ``rowid``."""
SEARCH_PATH = f"SET search_path = '{ORDERED},main'"
"""How a cursor of the app's queries finds them (the user's SQL runs without it)."""


def lake_parts(lake: Path) -> list[Path]:
    """The Parquet parts of a lake's tables, in name order."""
    return sorted((lake / "tables").glob("*/day=*/*.parquet"))


def parts_digest(parts: list[tuple[str, int, int]]) -> str:
    """What a lake holds: the names (under its ``tables``), sizes and times of its parts
    (:meth:`LakeStore.parts`). Compaction only adds parts (each named by its run), so a
    digest changes exactly when sessions were added."""
    digest = hashlib.blake2b(digest_size=16)
    for name, size, mtime_ns in parts:
        digest.update(f"{name}\0{size}\0{mtime_ns}\n".encode())
    return digest.hexdigest()


def _create_views(
    con: duckdb.DuckDBPyConnection,
    tables: str,
    has_parts: Callable[[str], bool],
    target: str,
    empties: str,
    *,
    rowid: bool,
) -> None:
    """One view per lake table in ``target`` (a schema or an attached database), with
    ``rowid`` or without; a table with no part yet reads the empty table ``empties.no_…``.

    Why two sets in a lake: the store's queries break ties by ``rowid``, which a DuckDB
    table has without showing it; a view can only show it, so the user's ``SELECT *`` reads
    views without it (and without the cost of numbering rows), the app's queries the others.
    """
    for table in LAKE_TABLES:
        if has_parts(table):
            numbered = ", file_row_number = true" if rowid else ""
            columns = (
                "EXCLUDE (day, file_row_number), file_row_number AS rowid"
                if rowid
                else "EXCLUDE (day)"
            )
            parts = _quoted(f"{tables}/{table}/*/*.parquet")
            source = (
                f"SELECT * {columns} FROM read_parquet({parts}, "
                "hive_partitioning = true, hive_types = {'day': VARCHAR}, "
                f"union_by_name = true{numbered})"
            )
        else:
            source = f"SELECT *{', 0::BIGINT AS rowid' if rowid else ''} FROM {empties}.no_{table}"
        con.execute(f"CREATE VIEW {target}.{table} AS {source}")


def _create_empties(
    con: duckdb.DuckDBPyConnection, has_parts: Callable[[str], bool], target: str
) -> None:
    """The empty tables the views of a table with no part read (see :func:`_create_views`)."""
    for table in LAKE_TABLES:
        if not has_parts(table):
            con.execute(_empty_table_sql(table).replace(table, f"{target}.no_{table}", 1))


class LakeStore(SessionStore):
    """A lake's Parquet tables, read in place, behind the store's interface.

    An in-memory DuckDB holds one view per table over its parts; reading files is then
    allowed under the lake's ``tables`` folder only and the configuration is locked, so the
    SQL a user types can read the lake but nothing else. The views have the store's
    columns (the partition key ``day`` left out). The app's queries read views of the same
    names in the schema :data:`ORDERED` (their cursors' search path), which add ``rowid``,
    the row's place in its part: the store's queries break ties by a table's ``rowid`` (the
    order rows were ingested in), and a part keeps that order (one session's rows of one
    day are in one part, written in ``session_id, time, rowid`` order). A time range prunes
    by statistics: every part holds one UTC day, sorted by session and time, so its Parquet
    min/max of the time column (and of ``session_id``, for one session's replay) let
    DuckDB skip the parts and row groups a query cannot need without reading them.

    Files derived from a lake (its search index) go to the user's cache folder, named by
    :func:`parts_digest`: a lake may be read-only, and it changes by whole new parts.
    """

    def __init__(self, lake: str | Path) -> None:
        self.lake = Path(lake)
        self.db_path = self.lake
        self._open_tables(str(self.lake / "tables"))

    def _open_tables(self, tables: str) -> None:
        """One view per table over the parts under ``tables`` (a folder, or a location of a
        filesystem :meth:`_prepare` registered), then lock reading to ``tables`` alone."""
        con = duckdb.connect(config={"threads": STORE_CONFIG["threads"],
                                     "python_enable_replacements": False})  # fmt: skip
        self._prepare(con)
        self._tables = tables
        con.execute(f"CREATE SCHEMA {ORDERED}")
        _create_empties(con, self._has_parts, ORDERED)
        _create_views(con, tables, self._has_parts, ORDERED, ORDERED, rowid=True)
        _create_views(con, tables, self._has_parts, "main", ORDERED, rowid=False)
        for table in ("ingest_warnings", "source_maps", "archive_info"):
            con.execute(_empty_table_sql(table))
        con.executemany("INSERT INTO archive_info VALUES (?, ?)", list(self._facts().items()))
        # each part's footer is read once, not once per query (halved the session list's
        # time over 100,000 sessions in ~400 parts)
        con.execute("SET parquet_metadata_cache = true")
        con.execute(f"SET allowed_directories = [{_quoted(tables)}]")
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
        con.execute(SEARCH_PATH)
        self._owner = con
        self._owner_thread = threading.get_ident()
        self._cursors = {}
        self._cursors_lock = threading.Lock()
        self._user_cursors = {}
        self._digest: str | None = None

    def new_cursor(self) -> duckdb.DuckDBPyConnection:
        cursor = self._owner.cursor()
        cursor.execute(SEARCH_PATH)
        return cursor

    def digest(self) -> str:
        """The lake's parts as it was opened (see :func:`parts_digest`)."""
        if self._digest is None:
            prefix = len(self._tables) + 1
            self._digest = parts_digest([(n[prefix:], *rest) for n, *rest in self.parts()])
        return self._digest

    def parts(self) -> list[tuple[str, int, int]]:
        """Each Parquet part as DuckDB names it (``filename``), its size and its time (ns)."""
        found = []
        for part in lake_parts(self.lake):
            stat = part.stat()
            found.append((str(part), stat.st_size, stat.st_mtime_ns))
        return found

    def sidecar_path(self, suffix: str) -> Path:
        """In the user's cache folder, named by the lake's parts (the lake may be read-only)."""
        return cache_dir() / f"{LAKE_STATE_PREFIX}{self.digest()}{suffix}"

    def attach_to(self, con: duckdb.DuckDBPyConnection, name: str) -> None:
        """The lake's tables as views (with ``rowid``, as a store file's tables have it) in an
        in-memory database ``name``, and ``name.session_parts``: each session's parts, by
        name, size and time (what a derived file built incrementally keys a session by)."""
        self._prepare(con)
        con.execute(f"ATTACH ':memory:' AS {name}")
        _create_empties(con, self._has_parts, name)
        _create_views(con, self._tables, self._has_parts, name, name, rowid=True)
        for table in ("ingest_warnings", "source_maps"):
            con.execute(_empty_table_sql(table).replace(table, f"{name}.{table}", 1))
        con.execute(f"CREATE TABLE {name}.parts (part VARCHAR, size BIGINT, mtime BIGINT)")
        parts = self.parts()
        con.executemany(f"INSERT INTO {name}.parts VALUES (?, ?, ?)", parts)
        if not parts:
            con.execute(f"CREATE TABLE {name}.session_parts (session_id VARCHAR, part VARCHAR)")
            return
        globs = ", ".join(
            _quoted(f"{self._tables}/{table}/*/*.parquet")
            for table in sorted({part.rsplit("/", 3)[-3] for part, _, _ in parts})
        )
        con.execute(
            f"""CREATE VIEW {name}.session_parts AS
                SELECT DISTINCT session_id, filename AS part
                FROM read_parquet([{globs}], union_by_name = true, filename = true)"""
        )

    def _prepare(self, con: duckdb.DuckDBPyConnection) -> None:
        """Before the views: a lake elsewhere than a folder registers its filesystem here."""

    def _has_parts(self, table: str) -> bool:
        return any((self.lake / "tables" / table).glob("day=*/*.parquet"))

    def _marker_text(self) -> str:
        return (self.lake / LAKE_MARKER).read_text(encoding="utf-8")

    def _source(self) -> tuple[str, str]:
        """The lake's name and where it is, for ``archive_info``."""
        return self.lake.name, str(self.lake.resolve())

    def _facts(self) -> dict[str, str]:
        marker: dict[str, Any] = {}
        with contextlib.suppress(OSError, ValueError):
            marker = json.loads(self._marker_text())
        name, where = self._source()
        return {
            "schema_version": str(schema.SCHEMA_VERSION),
            "format": "lake",
            "source_name": name,
            "source_path": where,
            "manifest": json.dumps(marker.get("manifest") or {}),
            "skipped_sessions": "[]",
        }

    def export_parquet(self, folder: str | Path) -> dict[str, int]:
        raise ValueError("a lake is Parquet already: query its tables/ folder directly")


def open_session_store(path: str | Path) -> SessionStore:
    """The store at ``path``: an ingested DuckDB file, a lake directory read in place, or a
    lake on object storage (its URL, or the local folder standing for it)."""
    url = remote_lake_url(path)
    if url is not None:
        from app.store.lake_s3 import S3LakeStore  # pyarrow's S3 client only when asked for

        return S3LakeStore(url)
    return LakeStore(path) if is_lake(path) else SessionStore(path)


LAKE_STATE_PREFIX = "lake-"
"""What names the files derived from one state of a lake (its parts as listed when opened)
in the cache folder: ``lake-<digest><suffix>``."""


def remove_lake_state(sidecar: Path, suffix: str) -> None:
    """Remove every file derived from the lake state that ``sidecar`` (named
    ``lake-<digest><suffix>``) belongs to: its search and maps indexes, their seals, its
    checkpoints. Why: each compaction run is a new state with files of its own, and nothing
    else would ever remove the old ones."""
    if not (sidecar.name.startswith(LAKE_STATE_PREFIX) and sidecar.name.endswith(suffix)):
        raise ValueError(f"not a lake state's file: {sidecar}")
    state = sidecar.name[: -len(suffix)]
    for path in sidecar.parent.iterdir():
        if path.name.startswith(state + "."):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):  # open elsewhere (Windows): left for later
                    path.unlink()
