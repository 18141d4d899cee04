"""Building the search index of a store, and finding it again.

Why a file of its own beside the store (``<store>.search.duckdb``) rather than tables in
the store: the window opens the store read-only (the SQL tab's queries must not change it),
and indexing runs after the dashboard is usable, so it must not hold the store for writing.
The index is built under a temporary name and renamed into place when complete, then
sealed like the store (:mod:`app.store.cache`); it records the store's content key, a
digest of the store file and :data:`INDEX_VERSION`, so an index of another content, of an
earlier ingest or of an older build is rebuilt.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from app.store.cache import (
    fingerprint,
    partial_store_path,
    seal_store,
    store_is_intact,
    sweep_leftovers,
    unseal_store,
)
from app.store.search.extract import extract
from app.store.search.reuse import prepare_sources, release_sources
from app.store.store import STORE_CONFIG, SessionStore

INDEX_VERSION = "3"  # 2: texts, occurrences; 3: visibility, session keys
Progress = Callable[[float, str], None]


class IndexCancelled(Exception):
    """The build was cancelled; nothing was kept."""


def index_path_for(store_path: Path) -> Path:
    """Where the index of the store at ``store_path`` lives (beside it)."""
    return store_path.with_name(store_path.stem + ".search.duckdb")


def _store_key(store: SessionStore) -> str:
    """What the index was built from: the archive's content, that store file (a store
    ingested again, say by a newer version, may hold other rows: its sampled digest, as in
    its seal, differs) and the index's build."""
    content = store.info().get("content_key", "")
    return f"{content}/{fingerprint(store.db_path)['digest']}/{INDEX_VERSION}"


def index_is_current(store: SessionStore, path: Path) -> bool:
    """Whether ``path`` is an intact index of this store's content, of this build."""
    if not path.exists() or not store_is_intact(path):
        return False
    try:
        with duckdb.connect(str(path), read_only=True, config=STORE_CONFIG) as con:
            row = con.execute("SELECT value FROM index_info WHERE key = 'key'").fetchone()
    except duckdb.Error:
        return False
    return bool(row) and row[0] == _store_key(store)


def build_index(
    store: SessionStore,
    path: Path | None = None,
    progress: Progress | None = None,
    check_cancel: Callable[[], None] | None = None,
) -> dict[str, float]:
    """Build the index of ``store`` at ``path`` (default: beside it); seconds per step,
    and how many sessions were extracted (``"sessions indexed"``) and how many kept from an
    earlier index of the same folder (``"sessions kept"``, see :mod:`.reuse`).

    ``check_cancel`` raises to stop the build: it is asked between steps and, every
    :data:`CANCEL_POLL_S` seconds, by a watcher thread that interrupts the running
    statement (a step takes seconds on a large archive); the build then raises
    :class:`IndexCancelled` and keeps nothing.
    """
    target = path or index_path_for(store.db_path)
    report = progress or (lambda fraction, message: None)
    cancel = check_cancel or (lambda: None)
    sweep_leftovers(target.parent)
    partial = partial_store_path(target, os.getpid(), threading.get_ident())
    _remove(partial)
    started = time.perf_counter()
    try:
        with duckdb.connect(str(partial)) as con, _CancelWatch(con, cancel) as watch:
            try:
                con.execute("SET checkpoint_threshold = '64GB'")
                db = str(store.db_path).replace("'", "''")
                con.execute(f"ATTACH '{db}' AS store (READ_ONLY)")
                info = store.info()
                source = info.get("source_path") if info.get("format") == "folder" else None
                copy_kept, kept = prepare_sources(con, target, source, INDEX_VERSION)
                timings = extract(con, report, watch.check, copy_kept)
                release_sources(con)
                sessions = con.execute("SELECT count(*) FROM sessions").fetchone()[0]
                timings["sessions kept"] = float(kept)
                timings["sessions indexed"] = float(sessions - kept)
                con.execute("CREATE TABLE index_info (key VARCHAR, value VARCHAR)")
                con.executemany(
                    "INSERT INTO index_info VALUES (?, ?)",
                    [("key", _store_key(store)), ("version", INDEX_VERSION),
                     ("source", source or "")],
                )  # fmt: skip
                con.execute("DETACH store")
                watch.check()
                con.execute("CHECKPOINT")
            except duckdb.InterruptException:
                raise IndexCancelled("the search index build was cancelled") from None
        unseal_store(target)
        os.replace(partial, target)
        seal_store(target)
    finally:
        _remove(partial)
    timings["total"] = time.perf_counter() - started
    report(1.0, "Search index ready")
    return timings


CANCEL_POLL_S = 0.1


class _CancelWatch:
    """Asks ``check_cancel`` every :data:`CANCEL_POLL_S` on a thread of its own and
    interrupts ``con`` when it raises; :meth:`check` raises :class:`IndexCancelled` then."""

    def __init__(self, con: duckdb.DuckDBPyConnection, check_cancel: Callable[[], None]) -> None:
        self._con = con
        self._check_cancel = check_cancel
        self._done = threading.Event()
        self._cancelled = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="search-index-cancel")

    def _watch(self) -> None:
        while not self._done.wait(CANCEL_POLL_S):
            try:
                self._check_cancel()
            except Exception:
                self._cancelled.set()
                self._con.interrupt()
                return

    def check(self) -> None:
        if self._cancelled.is_set():
            raise IndexCancelled("the search index build was cancelled")
        try:
            self._check_cancel()
        except Exception as exc:
            raise IndexCancelled("the search index build was cancelled") from exc

    def __enter__(self) -> _CancelWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)
    Path(str(path) + ".wal").unlink(missing_ok=True)
