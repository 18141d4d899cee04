"""Ranking benchmark (issue 20): candidates for a failed session over 10,000 sessions, < 1 s.

Run: ``.venv/bin/python tests/benchmarks/bench_compare.py [--sessions 10000] [--repeat 5]``

The archive is the synthetic sample (``app/archive/sample.py``, 500 events per session),
written and ingested once into a temporary folder (or ``--store`` reuses an ingested one,
copied). Its sessions never reach the thank-you page, so every session without an error is
given a ``purchase`` goal in the copy: then ~85 % of the archive passes the "converted, no
error" pre-filter, the worst case for the SQL stage. The figure is the median of
``--repeat`` calls of ``counterparts()`` for sessions that had an error; the baseline is one
``SELECT count(*) FROM actions`` in the same run.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from figures import Figure, report  # noqa: E402

from app.archive.sample import write_sample_archive  # noqa: E402
from app.compare import counterparts  # noqa: E402
from app.store.ingest import ingest_file  # noqa: E402
from app.store.store import SessionStore  # noqa: E402


def converting_store(sessions: int, work: Path, reuse: Path | None) -> Path:
    db = work / "compare.duckdb"
    if reuse is not None:
        shutil.copyfile(reuse, db)
    else:
        archive = write_sample_archive(work / "bench.webreplay", sessions, 500)
        ingest_file(archive, db)
    with duckdb.connect(str(db)) as con:
        con.execute(
            """INSERT INTO goals SELECT s.session_id, s.ended_at, 'purchase', NULL FROM sessions s
               WHERE NOT EXISTS (SELECT 1 FROM errors e WHERE e.session_id = s.session_id)"""
        )
    return db


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--store", type=Path, help="an ingested store of the sample to copy")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ri-bench-compare-") as tmp:
        db = converting_store(args.sessions, Path(tmp), args.store)
        with SessionStore(db) as store:
            cur = store.cursor()
            total = cur.execute("SELECT count(*) FROM sessions").fetchone()[0]
            failed = [
                r[0]
                for r in cur.execute(
                    "SELECT DISTINCT session_id FROM errors ORDER BY session_id LIMIT ?",
                    [args.repeat + 1],
                ).fetchall()
            ]
            counterparts(store, failed[0])  # warm-up
            times, found = [], 0
            for session_id in failed[1:]:
                start = time.perf_counter()
                found += len(counterparts(store, session_id))
                times.append(time.perf_counter() - start)
            start = time.perf_counter()
            cur.execute("SELECT count(*) FROM actions").fetchone()
            baseline = time.perf_counter() - start
    median = statistics.median(times)
    calls = [round(t, 3) for t in times]
    print(f"{total} sessions; counterparts() per call: {calls} s, {found} candidates found")
    figure = Figure(
        name=f"compare: rank candidates, {total:,} sessions",
        value=median,
        unit="s",
        goal="< 1 s",
        met=median < 1.0,
        baseline=f"count(*) actions {baseline * 1000:.1f} ms",
        ratio=median / baseline if baseline else None,
    )
    report([figure])
    return 0 if median < 1.0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
