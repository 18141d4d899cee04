"""Every click of a store anchored to the element it landed on, kept beside the store.

Why once per archive and not per map: naming a clicked element needs the DOM at the click,
rebuilt from its session's snapshot and mutations (:mod:`app.maps.anchoring`); for a page
over 10,000 sessions that took 1.5-2 s of Python, and finding the page of every click
another 1-3 s of SQL, on every map. Done once, in the background after the archive opens
(as the search index is: the same content key and atomic build, :mod:`app.store.sidecar`),
a map is a group-by over ``anchored_clicks`` (one row per click: session, time, page URL,
node, position, signals, selector and the element's name).

The naming is Python of a higher layer, so the builder is handed it (:data:`Anchor`): one
call per session with the DOM events up to its last node's first click. The scroll map's
rows (each document scroll's page and depth, each session's visited pages and viewport
height) are kept here too, so it is a group-by as well.

Cost (``tests/benchmarks/bench_maps.py``, 10,000 sessions, 5 M events): the build took
4.9 s against an 8.7 s ingest at load 1 (0.57×; 1.6 s finding every click's page, 3.1 s
rebuilding 10,000 sessions' DOMs in Python), 0.35-0.39× at load 6-7 (the ingest's threads
suffer more from a busy machine than this one Python thread); then a click map takes
0.19-0.4 s and a scroll map 0.03 s, where each took 2.6 s and 0.65 s before.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from itertools import groupby
from pathlib import Path

import pyarrow as pa

from app.store.queries import Cursor
from app.store.queries import maps as map_queries
from app.store.sidecar import OpenSidecars, SidecarFile, build_sidecar, sidecar_is_current
from app.store.store import SessionStore

MAPS_VERSION = "3"  # 2: page_scrolls, page_visits; 3: label
INFO_TABLE = "maps_info"
SESSIONS_PER_BATCH = 400
"""Sessions whose DOM events are read at once (each holds full snapshots: a batch is tens
of megabytes, all 10,000 at once would be gigabytes)."""

Anchor = Callable[
    [Iterable[tuple[int, int, str]], list[tuple[int, int]]], list[tuple[str | None, str | None]]
]
"""``(dom_events, clicks) -> selectors``: :func:`app.maps.anchoring.anchor_clicks`."""
Progress = Callable[[float], None]


class MapIndex(SidecarFile):
    """The anchored clicks of a store, open read-only."""


def map_index_path_for(store: SessionStore | Path) -> Path:
    """Beside a store file (also given by its path); in the cache folder for a lake."""
    if isinstance(store, SessionStore):
        return store.sidecar_path(".maps.duckdb")
    return store.with_name(store.stem + ".maps.duckdb")


def build_map_index(
    store: SessionStore,
    anchor: Anchor,
    path: Path | None = None,
    progress: Progress | None = None,
    check_cancel: Callable[[], None] | None = None,
) -> dict[str, float]:
    """Anchor every click of ``store`` into ``path`` (default: beside it); seconds per step."""
    report = progress or (lambda fraction: None)

    def fill(con: Cursor, check: Callable[[], None]) -> dict[str, float]:
        started = time.perf_counter()
        # its own cursor: the thread's may hold a pending result, and the DOM events are
        # read on another thread (one statement at a time)
        cur = store.new_cursor()
        clicks = map_queries.every_click(cur)
        con.register("every_click", clicks)
        con.execute("CREATE TABLE clicks AS FROM every_click")
        con.unregister("every_click")
        for table, rows in (
            ("page_scrolls", map_queries.every_scroll(cur)),
            ("page_visits", map_queries.page_visits(cur)),
        ):
            con.register("found", rows)
            con.execute(f"CREATE TABLE {table} AS FROM found ORDER BY session_id")
            con.unregister("found")
        found = time.perf_counter()
        report(0.3)
        check()
        firsts = con.execute(
            """SELECT session_id, snapshot_ms, node, min(ts_ms) AS first_ms FROM clicks
               WHERE node IS NOT NULL GROUP BY ALL ORDER BY session_id, first_ms"""
        ).fetchall()
        by_session = {s: list(g) for s, g in groupby(firsts, key=lambda row: row[0])}
        try:
            names = _anchor_sessions(cur, by_session, anchor, check, report)
        finally:
            cur.close()
        anchored = time.perf_counter()
        text = {"selector", "label"}  # typed: a column of only None would have no type
        con.register(
            "anchors",
            pa.table({k: pa.array(v, pa.string()) if k in text else v for k, v in names.items()}),
        )
        con.execute(
            """CREATE TABLE anchored_clicks AS
               SELECT c.*, a.selector, a.label FROM clicks c
               LEFT JOIN anchors a USING (session_id, snapshot_ms, node)
               ORDER BY c.session_id, c.ts_ms"""
        )
        con.unregister("anchors")
        con.execute("DROP TABLE clicks")
        return {
            "clicks": found - started,
            "anchoring": anchored - found,
            "table": time.perf_counter() - anchored,
            "sessions anchored": float(len(by_session)),
        }

    timings = build_sidecar(
        store,
        path or map_index_path_for(store),
        version=MAPS_VERSION,
        info_table=INFO_TABLE,
        fill=fill,
        check_cancel=check_cancel,
        attach_store=False,  # read through the store's cursor: its rows go through Python
    )
    report(1.0)
    return timings


def _anchor_sessions(
    reader: Cursor,
    by_session: dict[str, list[tuple[str, int, int, int]]],
    anchor: Anchor,
    check: Callable[[], None],
    report: Progress,
) -> dict[str, list[object]]:
    """The selector of each (session, snapshot, node) of ``by_session`` (rows of session,
    snapshot, node and first click, in click order), as columns. Sessions go in batches;
    DuckDB reads the next batch's DOM events on a thread of its own (it lets go of the GIL)
    while Python rebuilds the current batch's DOMs."""
    sessions = list(by_session)
    batches = [
        sessions[start : start + SESSIONS_PER_BATCH]
        for start in range(0, len(sessions), SESSIONS_PER_BATCH)
    ]

    def read(batch: list[str]) -> dict[str, list[tuple[int, int, str]]]:
        until = {s: max(row[3] for row in by_session[s]) for s in batch}
        return map_queries.dom_events(reader, until)

    names: dict[str, list[object]] = {"session_id": [], "snapshot_ms": [], "node": []}
    names["selector"], names["label"] = [], []
    with ThreadPoolExecutor(1, thread_name_prefix="map-anchors") as pool:
        pending = pool.submit(read, batches[0]) if batches else None
        for index, batch in enumerate(batches):
            check()
            assert pending is not None
            events = pending.result()
            following = index + 1 < len(batches)
            pending = pool.submit(read, batches[index + 1]) if following else None
            for session in batch:
                rows = by_session[session]
                selectors = anchor(events[session], [(row[3], row[2]) for row in rows])
                for row, (selector, label) in zip(rows, selectors, strict=True):
                    names["session_id"].append(session)
                    names["snapshot_ms"].append(row[1])
                    names["node"].append(row[2])
                    names["selector"].append(selector)
                    names["label"].append(label)
            report(0.3 + 0.6 * (index + 1) / len(batches))
    return names


_open = OpenSidecars(MapIndex)


def ensure_map_index(
    store: SessionStore,
    anchor: Anchor,
    progress: Progress | None = None,
    check_cancel: Callable[[], None] | None = None,
) -> MapIndex:
    """The store's anchored clicks, built first when missing, damaged or of other content;
    cheap once built (kept open for the store's lifetime)."""
    path = map_index_path_for(store)
    return _open.ensure(
        store,
        path,
        lambda: sidecar_is_current(store, path, INFO_TABLE, MAPS_VERSION),
        lambda: build_map_index(store, anchor, path, progress, check_cancel),
    )


def map_index_ready(store: SessionStore) -> bool:
    """Whether a map can be drawn without building the anchors first."""
    path = map_index_path_for(store)
    return _open.is_open(store) or sidecar_is_current(store, path, INFO_TABLE, MAPS_VERSION)
