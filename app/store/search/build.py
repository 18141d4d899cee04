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

from collections.abc import Callable
from pathlib import Path

from app.store.lake import remove_lake_state
from app.store.queries import Cursor
from app.store.search.extract import extract
from app.store.search.reuse import (
    SESSION_KEYS,
    earlier_indexes,
    prepare_sources,
    release_sources,
)
from app.store.sidecar import (
    SidecarCancelled,
    build_sidecar,
    sidecar_is_current,
)
from app.store.store import SessionStore

INDEX_VERSION = "3"  # 2: texts, occurrences; 3: visibility, session keys
INFO_TABLE = "index_info"
Progress = Callable[[float, str], None]
IndexCancelled = SidecarCancelled
"""The build was cancelled; nothing was kept."""


INDEX_SUFFIX = ".search.duckdb"
KEEP_EARLIER_LAKE_STATES = 2
"""A lake's earlier states whose derived files outlive a new index (a window opened before
the last compaction runs may still read theirs); older ones are removed with the new
index built, or every compaction run would leave an index, a maps index and checkpoints."""


def index_path_for(store: SessionStore | Path) -> Path:
    """Where the index of ``store`` lives: beside a store file (also given by its path), in
    the cache folder for a lake (:meth:`~app.store.lake.LakeStore.sidecar_path`)."""
    if isinstance(store, SessionStore):
        return store.sidecar_path(INDEX_SUFFIX)
    return store.with_name(store.stem + INDEX_SUFFIX)


def index_is_current(store: SessionStore, path: Path) -> bool:
    """Whether ``path`` is an intact index of this store's content, of this build."""
    return sidecar_is_current(store, path, INFO_TABLE, INDEX_VERSION)


def build_index(
    store: SessionStore,
    path: Path | None = None,
    progress: Progress | None = None,
    check_cancel: Callable[[], None] | None = None,
) -> dict[str, float]:
    """Build the index of ``store`` at ``path`` (default: beside it); seconds per step,
    and how many sessions were extracted (``"sessions indexed"``) and how many kept from an
    earlier index of the same folder (``"sessions kept"``, see :mod:`.reuse`).

    ``check_cancel`` raises to stop the build (see :func:`app.store.sidecar.build_sidecar`);
    the build then raises :class:`IndexCancelled` and keeps nothing.
    """
    target = path or index_path_for(store)
    report = progress or (lambda fraction, message: None)
    info = store.info()
    incremental = info.get("format") in SESSION_KEYS
    source = info.get("source_path") if incremental else None
    keys = SESSION_KEYS[info["format"]] if incremental else ""

    def fill(con: Cursor, check: Callable[[], None]) -> dict[str, float]:
        copy_kept, kept = prepare_sources(con, target, source, INDEX_VERSION, keys)
        timings = extract(con, report, check, copy_kept)
        release_sources(con)
        sessions = con.execute("SELECT count(*) FROM sessions").fetchone()[0]
        timings["sessions kept"] = float(kept)
        timings["sessions indexed"] = float(sessions - kept)
        return timings

    timings = build_sidecar(
        store,
        target,
        version=INDEX_VERSION,
        info_table=INFO_TABLE,
        fill=fill,
        info={"source": source or ""},
        check_cancel=check_cancel,
    )
    if info.get("format") == "lake" and source:
        for earlier in earlier_indexes(target, source)[KEEP_EARLIER_LAKE_STATES:]:
            remove_lake_state(earlier, INDEX_SUFFIX)
    report(1.0, "Search index ready")
    return timings
