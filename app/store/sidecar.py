"""A file of derived tables beside a store, built once per content in the background.

Why shared: the search index (``<store>.search.duckdb``) and the click anchors of the maps
(``<store>.maps.duckdb``) are both built after the window is usable, from a store the window
opens read-only, and must never be read half-built. A sidecar is built under a temporary
name and renamed into place when complete, then sealed like the store
(:mod:`app.store.cache`); it records the store's content key, a digest of the store file and
its own build version in an info table, so a sidecar of another content, of an earlier
ingest or of an older build is rebuilt. Readers open it read-only with one cursor per thread
(:class:`SidecarFile`).
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

import duckdb

from app.store.cache import (
    partial_store_path,
    seal_store,
    store_is_intact,
    sweep_leftovers,
    unseal_store,
)
from app.store.store import STORE_CONFIG, SessionStore

Fill = Callable[[duckdb.DuckDBPyConnection, Callable[[], None]], dict[str, float]]
"""Writes a sidecar's tables on its connection (the store attached read-only as ``store``),
calling the check it is given between steps; returns its timings."""

CANCEL_POLL_S = 0.1


class SidecarCancelled(Exception):
    """The build was cancelled; nothing was kept."""


def sidecar_key(store: SessionStore, version: str) -> str:
    """What a sidecar was built from: the archive's content, that store file (a store
    ingested again, say by a newer version, may hold other rows: its sampled digest, as in
    its seal, differs) and the sidecar's build."""
    content = store.info().get("content_key", "")
    return f"{content}/{store.digest()}/{version}"


def sidecar_is_current(store: SessionStore, path: Path, info_table: str, version: str) -> bool:
    """Whether ``path`` is an intact sidecar of this store's content, of this build."""
    if not path.exists() or not store_is_intact(path):
        return False
    try:
        with duckdb.connect(str(path), read_only=True, config=STORE_CONFIG) as con:
            row = con.execute(f"SELECT value FROM {info_table} WHERE key = 'key'").fetchone()
    except duckdb.Error:
        return False
    return bool(row) and row[0] == sidecar_key(store, version)


def build_sidecar(
    store: SessionStore,
    target: Path,
    *,
    version: str,
    info_table: str,
    fill: Fill,
    info: dict[str, str] | None = None,
    check_cancel: Callable[[], None] | None = None,
    attach_store: bool = True,
) -> dict[str, float]:
    """Build the sidecar ``target`` of ``store`` with ``fill``; its timings plus ``total``.

    ``attach_store=False``: ``fill`` reads the store through its own cursor instead.
    ``check_cancel`` raises to stop the build: it is asked between steps and, every
    :data:`CANCEL_POLL_S` seconds, by a watcher thread that interrupts the running
    statement; the build then raises :class:`SidecarCancelled` and keeps nothing.
    """
    sweep_leftovers(target.parent)
    partial = partial_store_path(target, os.getpid(), threading.get_ident())
    remove_database(partial)
    started = time.perf_counter()
    try:
        with (
            duckdb.connect(str(partial)) as con,
            _CancelWatch(con, check_cancel or (lambda: None)) as watch,
        ):
            try:
                con.execute("SET checkpoint_threshold = '64GB'")
                if attach_store:
                    store.attach_to(con, "store")
                timings = fill(con, watch.check)
                con.execute(f"CREATE TABLE {info_table} (key VARCHAR, value VARCHAR)")
                rows = {"key": sidecar_key(store, version), "version": version, **(info or {})}
                con.executemany(f"INSERT INTO {info_table} VALUES (?, ?)", list(rows.items()))
                if attach_store:
                    con.execute("DETACH store")
                watch.check()
                con.execute("CHECKPOINT")
            except duckdb.InterruptException:
                raise SidecarCancelled(f"the build of {target.name} was cancelled") from None
        unseal_store(target)
        os.replace(partial, target)
        seal_store(target)
    finally:
        remove_database(partial)
    timings["total"] = time.perf_counter() - started
    return timings


class _CancelWatch:
    """Asks ``check_cancel`` every :data:`CANCEL_POLL_S` on a thread of its own and
    interrupts ``con`` when it raises; :meth:`check` raises :class:`SidecarCancelled` then."""

    def __init__(self, con: duckdb.DuckDBPyConnection, check_cancel: Callable[[], None]) -> None:
        self._con = con
        self._check_cancel = check_cancel
        self._done = threading.Event()
        self._cancelled = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="sidecar-cancel")

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
            raise SidecarCancelled("the build was cancelled")
        try:
            self._check_cancel()
        except Exception as exc:
            raise SidecarCancelled("the build was cancelled") from exc

    def __enter__(self) -> _CancelWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()


def remove_database(path: Path) -> None:
    path.unlink(missing_ok=True)
    Path(str(path) + ".wal").unlink(missing_ok=True)


class SidecarFile:
    """A built sidecar, open read-only; each thread queries through a cursor of its own (a
    DuckDB connection runs one statement at a time)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._owner = duckdb.connect(str(path), read_only=True, config=STORE_CONFIG)
        self._owner_thread = threading.get_ident()
        self._cursors: dict[int, duckdb.DuckDBPyConnection] = {}
        self._lock = threading.Lock()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor."""
        thread = threading.get_ident()
        if thread == self._owner_thread:
            return self._owner
        with self._lock:
            cursor = self._cursors.get(thread)
            if cursor is None:
                cursor = self._cursors[thread] = self._owner.cursor()
            return cursor

    def interrupt(self) -> None:
        """Stop every running query (safe from any thread)."""
        with self._lock:
            targets = [self._owner, *self._cursors.values()]
        for connection in targets:
            with contextlib.suppress(duckdb.Error):
                connection.interrupt()

    def close(self) -> None:
        with self._lock:
            for cursor in self._cursors.values():
                cursor.close()
            self._cursors.clear()
        self._owner.close()


SidecarT = TypeVar("SidecarT", bound=SidecarFile)


class OpenSidecars(Generic[SidecarT]):
    """The sidecars of one kind open per store, each closed with its store: a sidecar is
    checked, built if needed and opened once per store, then reused."""

    def __init__(self, kind: type[SidecarT]) -> None:
        self._kind = kind
        self._open: weakref.WeakKeyDictionary[SessionStore, SidecarT] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def is_open(self, store: SessionStore) -> bool:
        with self._lock:
            return store in self._open

    def ensure(
        self,
        store: SessionStore,
        path: Path,
        is_current: Callable[[], bool],
        build: Callable[[], object],
    ) -> SidecarT:
        """The store's sidecar at ``path``; ``build`` runs first unless ``is_current()``."""
        with self._lock:
            found = self._open.get(store)
        if found is not None:
            return found
        if not is_current():
            build()
        with self._lock:
            found = self._open.get(store)
            if found is None:
                found = self._open[store] = self._kind(path)
                weakref.finalize(store, found.close)
        return found
