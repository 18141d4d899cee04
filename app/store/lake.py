"""The store's side of a lake: Parquet parts written from a store, and a store over them.

Why here: only the store talks to DuckDB. Compaction (:mod:`app.lake.compaction`) ingests a
run's sessions into an ordinary store and asks :func:`write_lake_parts` for that store's
tables as Parquet, one file per table and UTC day; :class:`LakeStore` opens every part as
the store's tables (views over ``read_parquet(…, hive_partitioning=true)``), so each screen's
queries run unchanged over a lake that was never ingested into one file.
"""

from __future__ import annotations

import contextlib
import json
import threading
from pathlib import Path
from typing import Any

import duckdb

from app.store import schema
from app.store.store import PARQUET_TABLES, STORE_CONFIG, SessionStore

LAKE_TABLES = {name: column for name, column in PARQUET_TABLES.items() if column is not None}
"""Tables a lake keeps, partitioned by the UTC day of their time column (as ``export
--format parquet`` writes them: same columns, plus the ``day`` partition key)."""


LAKE_MARKER = "lake.json"


def is_lake(path: str | Path) -> bool:
    """Whether ``path`` is a lake directory (made by the collector or by compaction)."""
    path = Path(path)
    return path.is_dir() and (path / LAKE_MARKER).is_file()


def _quoted(path: Path) -> str:
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


class LakeStore(SessionStore):
    """A lake's Parquet tables, read in place, behind the store's interface.

    An in-memory DuckDB holds one view per table over its parts; reading files is then
    allowed under the lake's ``tables`` folder only and the configuration is locked, so the
    SQL a user types can read the lake but nothing else. The views have the store's
    columns (the partition key ``day`` left out) plus ``rowid``, the row's place in its
    part: the store's queries break ties by a table's ``rowid`` (the order rows were
    ingested in), and a part keeps that order (one session's rows of one day are in one
    part, written in ``session_id, time, rowid`` order). A time range prunes by
    statistics: every part holds one UTC day, sorted by session and time, so its Parquet
    min/max of the time column (and of ``session_id``, for one session's replay) let
    DuckDB skip the parts and row groups a query cannot need without reading them.
    """

    def __init__(self, lake: str | Path) -> None:
        self.lake = Path(lake)
        self.db_path = self.lake
        tables = self.lake / "tables"
        con = duckdb.connect(config={"threads": STORE_CONFIG["threads"],
                                     "python_enable_replacements": False})  # fmt: skip
        for table in LAKE_TABLES:
            if any((tables / table).glob("day=*/*.parquet")):
                pattern = _quoted(tables / table / "*" / "*.parquet")
                con.execute(
                    f"CREATE VIEW {table} AS SELECT * EXCLUDE (day, file_row_number), "
                    f"file_row_number AS rowid FROM read_parquet({pattern}, "
                    "hive_partitioning = true, hive_types = {'day': VARCHAR}, "
                    "union_by_name = true, file_row_number = true)"
                )
            else:  # no part yet: the same columns, no rows
                con.execute(_empty_table_sql(table).replace(table, f"no_{table}", 1))
                con.execute(f"CREATE VIEW {table} AS SELECT *, 0::BIGINT AS rowid FROM no_{table}")
        for table in ("ingest_warnings", "source_maps", "archive_info"):
            con.execute(_empty_table_sql(table))
        con.executemany("INSERT INTO archive_info VALUES (?, ?)", list(self._facts().items()))
        # each part's footer is read once, not once per query (halved the session list's
        # time over 100,000 sessions in ~400 parts)
        con.execute("SET parquet_metadata_cache = true")
        con.execute(f"SET allowed_directories = [{_quoted(tables)}]")
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
        self._owner = con
        self._owner_thread = threading.get_ident()
        self._cursors = {}
        self._cursors_lock = threading.Lock()
        self._user_cursors = {}

    def _facts(self) -> dict[str, str]:
        marker: dict[str, Any] = {}
        with contextlib.suppress(OSError, ValueError):
            marker = json.loads((self.lake / LAKE_MARKER).read_text(encoding="utf-8"))
        return {
            "schema_version": str(schema.SCHEMA_VERSION),
            "format": "lake",
            "source_name": self.lake.name,
            "source_path": str(self.lake.resolve()),
            "manifest": json.dumps(marker.get("manifest") or {}),
            "skipped_sessions": "[]",
        }

    def export_parquet(self, folder: str | Path) -> dict[str, int]:
        raise ValueError("a lake is Parquet already: query its tables/ folder directly")


def open_session_store(path: str | Path) -> SessionStore:
    """The store at ``path``: an ingested DuckDB file, or a lake directory read in place."""
    return LakeStore(path) if is_lake(path) else SessionStore(path)
