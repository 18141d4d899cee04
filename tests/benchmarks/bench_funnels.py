"""Funnel benchmark (issue 21): a four-step funnel over 10,000 sessions, < 500 ms.

Run: ``.venv/bin/python tests/benchmarks/bench_funnels.py [--sessions 10000] [--repeat 5]
[--archive FILE | --store DB]``

The archive is the synthetic sample (``app/archive/sample.py``, 500 events per session,
as ``bench_ingest.py`` writes it; ``--archive`` reuses a written one, e.g.
``/work/bench/bench-10000x500.webreplay``), ingested once into a temporary folder, or
``--store`` copies an ingested store of it. Each sample session stays on one page, so in the
copy every session's ~50 actions are moved through catalogue → product page → cart →
checkout in quarters of the session, each session stopping at a depth of its own (1 to 4
pages: about 10,000 / 7,500 / 5,000 / 2,500 sessions per step) — the funnel then has real
matching to do over ~510,000 actions. It is computed under no filter and under a release
filter, and with a 10-minute limit (which tries every start); the figure is the median of
``--repeat`` runs of the plain funnel after one warm-up. The baseline is one
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

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import duckdb  # noqa: E402
from figures import Figure, report  # noqa: E402

from app.archive.sample import write_sample_archive  # noqa: E402
from app.store.filters import SessionFilter  # noqa: E402
from app.store.ingest import ingest_file  # noqa: E402
from app.store.queries.funnels import funnel, parse_step  # noqa: E402
from app.store.store import SessionStore  # noqa: E402

STEPS = [
    parse_step(text)
    for text in ("page:/catalogue", "page:/product/*", "page:/cart", "page:/checkout")
]
PAGES = ["/catalogue", "/product/trail-runner-jacket", "/cart", "/checkout"]


def walking_store(source: Path, db: Path) -> None:
    """A copy of ``source`` whose sessions walk the funnel's pages (see the docstring)."""
    shutil.copyfile(source, db)
    paths = ", ".join(f"'https://www.performancewear.example{p}'" for p in PAGES)
    with duckdb.connect(str(db)) as con:
        con.execute(
            f"""CREATE OR REPLACE TABLE actions AS
                SELECT session_id, ts, type, trigger, name, target,
                       [{paths}][(1 + least((4 * (rn - 1)) // n, depth))::BIGINT] AS url,
                       duration_ms, action_id
                FROM (SELECT *, row_number() OVER (PARTITION BY session_id ORDER BY ts) AS rn,
                             count(*) OVER (PARTITION BY session_id) AS n,
                             (hash(session_id) % 4)::BIGINT AS depth FROM actions)
                ORDER BY session_id, ts"""
        )


def timed(run, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    run()  # warm up
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--archive", type=Path, help="a written sample archive to ingest")
    parser.add_argument("--store", type=Path, help="an ingested store of the sample to open")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ri-bench-funnels-") as tmp:
        source = args.store
        if source is None:
            archive = args.archive or write_sample_archive(
                Path(tmp) / "bench.webreplay", args.sessions, 500
            )
            source = ingest_file(archive, Path(tmp) / "sample.duckdb").db_path
        db = Path(tmp) / "funnels.duckdb"
        walking_store(source, db)
        with SessionStore(db) as store:
            cur = store.cursor()
            total = cur.execute("SELECT count(*) FROM sessions").fetchone()[0]
            release = cur.execute("SELECT max(release) FROM sessions").fetchone()[0]
            result = funnel(cur, STEPS, SessionFilter())
            plain = timed(lambda: funnel(cur, STEPS, SessionFilter()), args.repeat)
            filtered = timed(lambda: funnel(cur, STEPS, SessionFilter(release=release)), 1)
            limited = timed(lambda: funnel(cur, STEPS, SessionFilter(), (), 600_000), 1)
            baseline = timed(lambda: cur.execute("SELECT count(*) FROM actions").fetchone(), 1)
    median = statistics.median(plain)
    print(f"{total} sessions; steps: {[s.step.text for s in result.steps]}")
    print(f"sessions per step: {[s.sessions for s in result.steps]}")
    print(f"plain runs: {[round(t * 1000) for t in plain]} ms; release {release!r}: "
          f"{filtered[0] * 1000:.0f} ms; within 10 min: {limited[0] * 1000:.0f} ms")  # fmt: skip
    figure = Figure(
        name=f"funnel: four steps, {total:,} sessions",
        value=median * 1000,
        unit="ms",
        goal="< 500 ms",
        met=median < 0.5,
        baseline=f"count(*) actions {baseline[0] * 1000:.1f} ms",
        ratio=median / baseline[0] if baseline[0] else None,
    )
    report([figure])
    return 0 if figure.met else 1


if __name__ == "__main__":
    raise SystemExit(main())
