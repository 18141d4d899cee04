"""Full-text search benchmark (issue 19): index build time as a share of ingest time, index
size, and query latency p95 over 50 mixed queries against a DuckDB ``ILIKE`` scan.

Run: ``.venv/bin/python tests/benchmarks/bench_search.py [--sessions 10000] [--events 500]
[--workdir DIR]``

It writes the synthetic archive (``app/archive/sample.py``, as ``bench_ingest.py`` does;
reused when ``DIR`` holds it), ingests it into a fresh store and builds the search index,
both timed in this run, alternately ``--repeat`` times (goal: the median index build ≤ 30 %
of the median ingest). Then 25 queries — words,
phrases, prefixes, fields, AND/OR/NOT — run over every session and within one session (50
in all), each once to warm up and then timed; the p95 of their times is the figure (goal
< 100 ms at 10,000 sessions / 5 million events). The baseline runs the same questions as
``ILIKE`` scans of the very texts the index holds (its ``docs`` and ``texts`` tables: the
extraction is already done for it), with the same count, order and limit.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from figures import Figure, report  # noqa: E402

from app.archive.sample import write_sample_archive  # noqa: E402
from app.store.ingest import ingest_file  # noqa: E402
from app.store.search import SearchIndex, build_index, index_path_for  # noqa: E402
from app.store.store import SessionStore  # noqa: E402

# (our query, the same question as a condition on the docs table for the ILIKE baseline)
QUERIES: list[tuple[str, str]] = [
    ("cart", "text ILIKE '%cart%'"),
    ("jacket", "text ILIKE '%jacket%'"),
    ("postal", "text ILIKE '%postal%'"),
    ("performancewear", "text ILIKE '%performancewear%'"),
    ("typeerror", "text ILIKE '%typeerror%'"),
    ('"added to cart"', "text ILIKE '%added to cart%'"),
    ('"place order"', "text ILIKE '%place order%'"),
    ('"trail runner jacket"', "text ILIKE '%trail runner jacket%'"),
    ('"reading \'match\'"', "text ILIKE '%reading ''match''%'"),
    ('"loading of page"', "text ILIKE '%loading of page%'"),
    ("post*", "text ILIKE '%post%'"),
    ("merin*", "text ILIKE '%merin%'"),
    ("user14*", "text ILIKE '%user14%'"),
    ("text:cart", "kind = 0 AND text ILIKE '%cart%'"),
    ("action:click", "kind = 5 AND text ILIKE '%click%'"),
    ("url:api", "kind = 4 AND text ILIKE '%api%'"),
    ("error:match", "kind = 3 AND text ILIKE '%match%'"),
    ("console:uncaught", "kind = 2 AND text ILIKE '%uncaught%'"),
    ("page:checkout", "kind = 6 AND text ILIKE '%checkout%'"),
    ("status:200", "status = 200"),
    ("jacket AND pants", "text ILIKE '%jacket%' AND text ILIKE '%pants%'"),
    ("jacket OR pants", "(text ILIKE '%jacket%' OR text ILIKE '%pants%')"),
    ("cart -added", "text ILIKE '%cart%' AND NOT text ILIKE '%added%'"),
    ("(shell OR layer) AND NOT storm", "(text ILIKE '%shell%' OR text ILIKE '%layer%') "
     "AND NOT text ILIKE '%storm%'"),
    ("error:match OR console:match", "kind IN (2, 3) AND text ILIKE '%match%'"),
]  # fmt: skip


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def timed(run) -> float:  # type: ignore[no-untyped-def]
    run()  # warm up
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3, help="ingest + build runs (medians)")
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="ri-bench-search-"))
    work.mkdir(parents=True, exist_ok=True)
    archive = work / f"bench-{args.sessions}x{args.events}.webreplay"
    if not archive.exists():
        write_sample_archive(archive, sessions=args.sessions, events_per_session=args.events)
    db = work / "search-bench.duckdb"
    ingests, builds = [], []
    for _ in range(max(1, args.repeat)):  # alternated, so both see the same machine load
        ingest = ingest_file(archive, db, force=True)
        with SessionStore(db) as store:
            started = time.perf_counter()
            steps = build_index(store)
            builds.append(time.perf_counter() - started)
        ingests.append(ingest.seconds)
        print(f"ingest {ingest.seconds:.2f} s ({ingest.sessions} sessions), index build "
              + ", ".join(f"{k} {v:.2f} s" for k, v in steps.items()
                          if not k.startswith("sessions")))  # fmt: skip
    ingest_s, build = statistics.median(ingests), statistics.median(builds)
    index_file = index_path_for(db)
    size_mib = index_file.stat().st_size / 2**20
    with SessionStore(db) as store:
        session = store.cursor().execute("SELECT min(session_id) FROM sessions").fetchone()[0]
    ours: list[float] = []
    baseline: list[float] = []
    with SearchIndex(index_file) as index:
        con = index.cursor()
        for query, condition in QUERIES:
            for scope in (None, session):
                result = index.search(query, session_id=scope, limit=100)
                ours.append(timed(lambda q=query, s=scope: index.search(q, session_id=s)))
                where = condition + ("" if scope is None else f" AND session_id = '{scope}'")
                sql = (
                    "SELECT count(*) OVER (), session_id, ts, kind, text "
                    f"FROM docs JOIN texts USING (h) "
                    f"WHERE {where} ORDER BY session_id, ts LIMIT 100"
                )
                baseline.append(timed(lambda sql=sql: con.execute(sql).fetchall()))
                print(
                    f"{query!r:38} {'session' if scope else 'all':7} {result.total:>9,} hits "
                    f"{ours[-1] * 1000:7.1f} ms  (ILIKE {baseline[-1] * 1000:7.1f} ms)"
                )
    share = build / ingest_s
    ours_p95, base_p95 = p95(ours) * 1000, p95(baseline) * 1000
    print(f"median query {statistics.median(ours) * 1000:.1f} ms, p95 {ours_p95:.1f} ms")
    report(
        [
            Figure(
                f"search index build / ingest ({args.sessions:,} sessions)",
                share,
                "×",
                "≤ 0.30",
                share <= 0.30,
                f"build {build:.2f} s, ingest {ingest_s:.2f} s (medians of {len(builds)})",
                share,
            ),
            Figure(
                "search index size",
                size_mib,
                "MiB",
                "—",
                True,
                f"store {db.stat().st_size / 2**20:,.0f} MiB",
            ),
            Figure(
                f"search p95 of {len(ours)} mixed queries",
                ours_p95,
                "ms",
                "< 100 ms",
                ours_p95 < 100,
                f"ILIKE scan p95 {base_p95:.1f} ms",
                ours_p95 / base_p95 if base_p95 else None,
            ),
        ]
    )
    return 0 if share <= 0.30 and ours_p95 < 100 else 1


if __name__ == "__main__":
    raise SystemExit(main())
