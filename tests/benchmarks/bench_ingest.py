"""Ingest benchmark: our archive ingest against DuckDB's own ``read_ndjson``.

Run: ``.venv/bin/python tests/benchmarks/bench_ingest.py [--sessions 2000] [--events 500]``

It writes a synthetic archive (2,000 sessions × 500 events = 1 million events by default),
unpacks the same events to plain NDJSON files, and measures in the same run:

* baseline: one ``CREATE TABLE … AS SELECT … FROM read_ndjson(all files)`` with the same
  column types our store uses (type, timestamp, data as JSON), into a fresh database file;
* ours: ``ingest_file`` of the archive into a fresh store (all tables, derived columns,
  idle periods), each in its own process so peak memory (max RSS) is measured separately.

It prints throughput (events per second), the ratio ours/baseline (goal ≥ 0.5), peak
memory (goal < 1.5 GB at 5 million events), and the time to reopen the ingested archive
(``open_store`` finding its cached store: goal < 1 s; baseline: connecting to that DuckDB
file and counting its sessions). Timings are medians of ``--repeat`` runs; the throughput
ratio is the median of the ratios of each run of ours to the baseline run just before it.
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from figures import Figure, report

REOPEN = r"""
import json, sys, time
import duckdb
from app.store.filters import SessionFilter
from app.store.open import open_store
from app.store.queries import overview as overview_queries
archive, db = sys.argv[1], sys.argv[2]
start = time.perf_counter()
with duckdb.connect(db, read_only=True) as con:
    con.execute("SELECT count(*) FROM sessions").fetchone()
baseline = time.perf_counter() - start
start = time.perf_counter()
store, result = open_store(archive, db)
overview_queries.summary(store.cursor(), SessionFilter())
ours = time.perf_counter() - start
store.close()
print(json.dumps({"ours": ours, "baseline": baseline, "reused": result.reused}))
"""

CHILD = r"""
import json, resource, sys, time
kind, src, db = sys.argv[1], sys.argv[2], sys.argv[3]
phases = {}
start = time.perf_counter()
if kind == "baseline":
    import duckdb
    con = duckdb.connect(db)
    con.execute(
        "CREATE TABLE events AS SELECT * FROM read_ndjson(?, columns={'type': 'TINYINT', "
        "'timestamp': 'DOUBLE', 'data': 'JSON'}, maximum_object_size=268435456)",
        [src + "/*.ndjson"],
    )
    n = con.execute("SELECT count(*) FROM events").fetchone()[0]
    con.close()
else:
    from app.store.ingest import ingest_file
    result = ingest_file(src, db, force=True)
    phases = result.phases
    import duckdb
    with duckdb.connect(db, read_only=True) as con:
        n = con.execute("SELECT count(*) FROM events").fetchone()[0]
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": seconds, "events": n, "peak_bytes": usage.ru_maxrss * 1024,
                  "cpu": usage.ru_utime + usage.ru_stime, "phases": phases}))
"""


def reopen_once(archive: Path, db: Path) -> dict:
    command = [sys.executable, "-c", REOPEN, str(archive), str(db)]
    out = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_child(kind: str, src: Path, db: Path) -> dict:
    db.unlink(missing_ok=True)
    out = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(src), str(db)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=2000)
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()

    from app.archive.sample import write_sample_archive

    work = args.workdir or Path(tempfile.mkdtemp(prefix="ri-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    archive = work / f"bench-{args.sessions}x{args.events}.webreplay"
    if not archive.exists():
        t = time.perf_counter()
        write_sample_archive(archive, sessions=args.sessions, events_per_session=args.events)
        print(
            f"wrote {archive.name} ({archive.stat().st_size / 1e6:.1f} MB) "
            f"in {time.perf_counter() - t:.1f} s"
        )
    unpacked = work / "unpacked"
    if not unpacked.exists():
        unpacked.mkdir()
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                if info.filename.endswith("/events.ndjson.gz"):
                    sid = info.filename.split("/")[1]
                    with (
                        zf.open(info) as member,
                        gzip.open(member) as gz,
                        (unpacked / f"{sid}.ndjson").open("wb") as sink,
                    ):
                        shutil.copyfileobj(gz, sink)
    raw_bytes = sum(p.stat().st_size for p in unpacked.iterdir())

    runs: dict[str, list[dict]] = {"baseline": [], "ours": []}
    for _ in range(args.repeat):
        runs["baseline"].append(run_child("baseline", unpacked, work / "baseline.duckdb"))
        runs["ours"].append(run_child("ours", archive, work / "ours.duckdb"))
    summary = {}
    for kind, results in runs.items():
        seconds = statistics.median(r["seconds"] for r in results)
        events = results[0]["events"]
        summary[kind] = (seconds, events, max(r["peak_bytes"] for r in results))
        cpu = statistics.median(r["cpu"] for r in results)
        print(
            f"{kind:9s} {events:>10,} events  {seconds:7.2f} s  "
            f"{events / seconds:>12,.0f} events/s  cpu {cpu:5.2f} s  "
            f"peak {summary[kind][2] / 2**20:5.0f} MiB"
        )
    phases = runs["ours"][0]["phases"]
    print("ours, by stage: " + ", ".join(f"{k} {v:.2f} s" for k, v in phases.items()))
    # each run of ours is paired with the baseline run just before it: the ratio of a pair
    # cancels what the machine was doing meanwhile, so the figure is the median pair's ratio
    pairs = [
        (b["seconds"] / b["events"]) / (o["seconds"] / o["events"])
        for b, o in zip(runs["baseline"], runs["ours"], strict=True)
    ]
    ratio = statistics.median(pairs)
    print("throughput ratio of each pair: " + ", ".join(f"{r:.3f}" for r in pairs))
    print(
        f"archive {archive.stat().st_size / 1e6:.1f} MB, unpacked events {raw_bytes / 1e6:.1f} MB"
    )
    print(f"throughput ratio ours/baseline = {ratio:.2f} (goal >= 0.5)")
    print(f"peak memory ours = {summary['ours'][2] / 2**20:.0f} MiB (goal < 1536 MiB)")

    reopen = [reopen_once(archive, work / "ours.duckdb") for _ in range(args.repeat)]
    assert all(r["reused"] for r in reopen), "the store was not reused"
    reopen_s = statistics.median(r["ours"] for r in reopen)
    connect_s = statistics.median(r["baseline"] for r in reopen)
    events = summary["ours"][1]
    peak_mib = summary["ours"][2] / 2**20
    base_rate = summary["baseline"][1] / summary["baseline"][0]
    report(
        [
            Figure(
                f"ingest throughput ({events / 1e6:.1f} M events)",
                ratio, "×", "≥ 0.5", ratio >= 0.5,
                f"read_ndjson {base_rate:,.0f} ev/s; ours {events / summary['ours'][0]:,.0f}",
                ratio,
            ),
            Figure(
                f"ingest peak memory ({events / 1e6:.1f} M events)", peak_mib, "MiB",
                "< 1536 MiB", peak_mib < 1536,
                f"read_ndjson {summary['baseline'][2] / 2**20:,.0f} MiB",
                peak_mib / (summary["baseline"][2] / 2**20),
            ),
            Figure(
                "reopen an ingested archive", reopen_s, "s", "< 1 s", reopen_s < 1.0,
                f"duckdb.connect + count {connect_s * 1000:.0f} ms", reopen_s / connect_s,
            ),
        ]
    )  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
