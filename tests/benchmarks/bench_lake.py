"""Dashboard queries over a lake of 100,000 sessions, against the same queries on a DuckDB
store of 10,000 sessions in the same run.

Run: ``.venv/bin/python tests/benchmarks/bench_lake.py [--sessions 10000] [--copies 10]``

The store is the synthetic sample (``app/archive/sample.py``) of ``--sessions`` sessions,
ingested as ``bench_queries.py`` does. The lake is generated from that store's tables:
``--copies`` copies, each with its own session ids and moved later in time by the sample's
span, written as the lake's Parquet parts by UTC day (what compaction writes; a compaction
of 100,000 recorded sessions would take hours to generate here). Every query of
``bench_queries.py`` runs on both through :class:`app.store.lake.LakeStore` and
:class:`app.store.store.SessionStore`; the goal is the query goal at 10,000 sessions (1 s per
query), the baseline the slowest query on the store.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_queries import measure  # noqa: E402
from figures import Figure  # noqa: E402
from figures import report as report_figures  # noqa: E402

from app.archive.sample import write_sample_archive  # noqa: E402
from app.lake.layout import ensure_lake  # noqa: E402
from app.store.lake import LAKE_MARKER, LAKE_TABLES, LakeStore  # noqa: E402
from app.store.open import open_store  # noqa: E402

# The dashboard's cards and charts, and the lists of sessions (one row per session: their
# cost grows with the sessions selected, on a store as on a lake).
LISTS = ("session list", "session list, second half", "experience ratings")
DASHBOARD = (
    "overview", "apdex by type", "time series (120 buckets)", "goal completions",
    "error groups", "top 10 errors with flags", "error group sessions", "problems",
)  # fmt: skip
MOVED = {"sessions": ("started_at", "ended_at"), "idle_periods": ("started_at", "ended_at")}


def write_copies(store_db: Path, lake: Path, copies: int) -> float:
    """The store's tables ``copies`` times into the lake's Parquet layout; returns seconds."""
    started = time.perf_counter()
    ensure_lake(lake)
    with duckdb.connect() as con:
        con.execute(f"ATTACH '{store_db}' AS store (READ_ONLY)")
        low, high = con.execute(
            "SELECT epoch_ms(min(started_at)), epoch_ms(max(ended_at)) FROM store.sessions"
        ).fetchone()
        shift_ms = (high - low) + 86_400_000
        for table, column in LAKE_TABLES.items():
            moved = MOVED.get(table, (column,))
            replace = ", ".join(
                ["session_id || '-c' || k AS session_id"]
                + [f"{c} + to_milliseconds(k * {shift_ms}) AS {c}" for c in moved]
            )
            con.execute(
                f"""COPY (SELECT t.* REPLACE ({replace}),
                                 strftime({column} + to_milliseconds(k * {shift_ms}),
                                          '%Y-%m-%d') AS day
                          FROM store.{table} t, range({copies}) AS r(k)
                          ORDER BY day, session_id, {column})
                    TO '{lake / "tables" / table}' (FORMAT PARQUET, COMPRESSION ZSTD,
                        PARTITION_BY (day), FILENAME_PATTERN 'part-bench-{{i}}')"""
            )
    return time.perf_counter() - started


def lake_arguments() -> argparse.ArgumentParser:
    """The generated lake's options (``bench_lake_s3.py`` takes the same)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--events", type=int, default=60, help="events per synthetic session")
    parser.add_argument("--repeat", type=int, default=3)
    return parser


def main() -> int:
    args = lake_arguments().parse_args()
    target_ms = 1000.0
    with tempfile.TemporaryDirectory(prefix="bench-lake-") as tmp:
        folder = Path(tmp)
        archive = write_sample_archive(
            folder / "sample.webreplay", sessions=args.sessions, events_per_session=args.events
        )
        store, _ = open_store(archive, folder / "sample.db")
        with store:
            store_times = measure(store, args.repeat)
            manifest = store.info().get("manifest") or {}
        seconds = write_copies(folder / "sample.db", folder / "lake", args.copies)
        marker = {"format": "webreplay-lake", "version": 1, "manifest": manifest}
        (folder / "lake" / LAKE_MARKER).write_text(json.dumps(marker))  # its goals, Apdex
        parts = len(list((folder / "lake" / "tables").rglob("*.parquet")))
        with LakeStore(folder / "lake") as lake:
            total = lake.query("SELECT count(*) FROM sessions").rows[0][0]
            opened = time.perf_counter()
            lake_times = measure(lake, args.repeat)
            lake_seconds = time.perf_counter() - opened
    print(f"lake: {total:,} sessions in {parts} Parquet parts (written in {seconds:.1f} s); "
          f"store: {args.sessions:,} sessions; every query {args.repeat}× after a warm-up "
          f"({lake_seconds:.1f} s on the lake); load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores")  # fmt: skip
    print(f"  {'query':<28} {'store':>10} {'lake':>10}  lake/store")
    for name, ms in lake_times.items():
        print(
            f"  {name:<28} {store_times[name]:8.1f} ms {ms:8.1f} ms  {ms / store_times[name]:6.2f}"
        )
    figures = []
    for kind, names in (("dashboard", DASHBOARD), ("list", LISTS)):
        lake_part = {n: lake_times[n] for n in names if n in lake_times}
        store_part = {n: store_times[n] for n in names if n in store_times}
        slowest = max(lake_part, key=lake_part.__getitem__)
        store_slowest = max(store_part.values())
        figures.append(Figure(
            f"slowest {kind} query, lake of {total:,} sessions ({slowest})",
            lake_part[slowest], "ms", f"< {target_ms / 1000:.0f} s", lake_part[slowest] < target_ms,
            f"slowest on a {args.sessions:,}-session store {store_slowest:.1f} ms",
            lake_part[slowest] / store_slowest if store_slowest else None,
        ))  # fmt: skip
    report_figures(figures)
    return 0 if all(f.met for f in figures) else 1


if __name__ == "__main__":
    raise SystemExit(main())
