"""Big-file benchmark: a 1 GB rrweb NDJSON file and a 1 GB PostHog export, each ingested
within the memory goal (issue 23: "a 1 GB input file ingested with peak memory < 1.5 GB").

Run: ``.venv/bin/python tests/benchmarks/bench_bigfile.py [--mb 1024] [--workdir DIR]``

It writes both files (the heavy session's events, :mod:`tests.big_inputs`) once into
``--workdir``, then measures, each in a process of its own so that its peak resident memory
(``ru_maxrss``) is its alone:

* baseline: DuckDB's own ``CREATE TABLE … AS SELECT … FROM read_ndjson`` of the NDJSON file
  (the baseline of the ingest benchmark), into a fresh database file;
* ours: ``ingest_file`` of each file into a fresh store, counting the progress reports and
  the longest wait between two of them (progress must keep moving through one big file).

Rows: peak memory of each ingest (goal < 1536 MiB, the baseline's peak beside it) and its
throughput in events per second against the baseline's (reported; the issue sets no goal:
a single-file recording is parsed in Python to derive its RUM records, an archive is not).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))
from figures import Figure, report  # noqa: E402

GOAL_MIB = 1536

CHILD = r"""
import json, resource, sys, time
kind, src, db = sys.argv[1], sys.argv[2], sys.argv[3]
start = time.perf_counter()
reports = []
if kind == "baseline":
    import duckdb
    con = duckdb.connect(db)
    con.execute(
        "CREATE TABLE events AS SELECT * FROM read_ndjson(?, columns={'type': 'TINYINT', "
        "'timestamp': 'DOUBLE', 'data': 'JSON'}, maximum_object_size=268435456)",
        [src],
    )
    n = con.execute("SELECT count(*) FROM events").fetchone()[0]
    con.close()
else:
    from app.store.ingest import ingest_file
    def progress(fraction, message):
        reports.append((time.perf_counter() - start, fraction, message))
    ingest_file(src, db, force=True, progress=progress)
    import duckdb
    with duckdb.connect(db, read_only=True) as con:
        n = con.execute("SELECT count(*) FROM events").fetchone()[0]
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
marks = [(0.0, "start")] + [(t, m) for t, _, m in reports] + [(seconds, "end")]
wait, after = max((b[0] - a[0], a[1]) for a, b in zip(marks, marks[1:]))
print(json.dumps({"seconds": seconds, "events": n, "peak_bytes": usage.ru_maxrss * 1024,
                  "reports": len(reports), "longest_wait": wait, "wait_after": after,
                  "first_report": reports[0][0] if reports else seconds,
                  "fractions": sorted({round(f, 2) for _, f, _ in reports})}))
"""


def run_child(kind: str, src: Path, db: Path) -> dict:
    """One measured run in a fresh process; its JSON summary."""
    db.unlink(missing_ok=True)
    out = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(src), str(db)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=1024, help="size of each file (MiB)")
    parser.add_argument(
        "--workdir", type=Path, default=None, help="keep the files here (default: removed)"
    )
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="ri-bench-bigfile-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        return measure(work, args.mb)
    finally:
        if args.workdir is None:  # two 1 GB files and their stores: not left in /tmp
            shutil.rmtree(work, ignore_errors=True)


def measure(work: Path, mb: int) -> int:
    """Write the files into ``work`` unless there, run the children, report the rows."""
    from tests.big_inputs import write_posthog_export, write_rrweb_ndjson

    size = mb * 2**20
    inputs = {
        "rrweb NDJSON": (work / f"big-{mb}MiB.ndjson", write_rrweb_ndjson),
        "PostHog export": (work / f"big-{mb}MiB.ph-recording.json", write_posthog_export),
    }
    for path, write in inputs.values():
        if not path.exists():
            started = time.perf_counter()
            events = write(path, size)
            print(f"wrote {path.name}: {events:,} events in {time.perf_counter() - started:.0f} s")
    ndjson = inputs["rrweb NDJSON"][0]
    with open("/proc/loadavg") as load:
        print(f"load average before: {load.read().split()[:3]}")
    baseline = run_child("baseline", ndjson, work / "baseline.duckdb")
    base_rate = baseline["events"] / baseline["seconds"]
    base_mib = baseline["peak_bytes"] / 2**20
    print(
        f"baseline  read_ndjson {baseline['events']:,} events {baseline['seconds']:.1f} s "
        f"{base_rate:,.0f} ev/s peak {base_mib:,.0f} MiB"
    )
    figures = []
    for label, (path, _) in inputs.items():
        ours = run_child("ours", path, work / "ours.duckdb")
        rate = ours["events"] / ours["seconds"]
        peak = ours["peak_bytes"] / 2**20
        file_mb = path.stat().st_size / 2**20
        print(
            f"{label:15s} {file_mb:,.0f} MiB {ours['events']:,} events {ours['seconds']:.1f} s "
            f"{rate:,.0f} ev/s peak {peak:,.0f} MiB; {ours['reports']:,} progress reports, "
            f"first after {ours['first_report']:.1f} s, "
            f"longest wait {ours['longest_wait']:.1f} s (after {ours['wait_after']!r}), "
            f"fractions {ours['fractions'][:3]}…{ours['fractions'][-3:]}"
        )
        figures += [
            Figure(
                f"{file_mb:,.0f} MiB {label} ingest peak memory",
                peak, "MiB", f"< {GOAL_MIB} MiB", peak < GOAL_MIB,
                f"read_ndjson {base_mib:,.0f} MiB", peak / base_mib,
            ),
            Figure(
                f"{file_mb:,.0f} MiB {label} ingest throughput",
                rate / base_rate, "×", "(reported)", True,
                f"read_ndjson {base_rate:,.0f} ev/s; ours {rate:,.0f} ev/s, progress every "
                f"≤ {ours['longest_wait']:.1f} s", rate / base_rate,
            ),
            Figure(
                f"{file_mb:,.0f} MiB {label} first progress report",
                ours["first_report"], "s", "(reported)", True,
                f"read_ndjson runs {baseline['seconds']:.0f} s without any",
                ours["first_report"] / baseline["seconds"],
            ),
        ]  # fmt: skip
    with open("/proc/loadavg") as load:
        print(f"load average after: {load.read().split()[:3]}")
    report(figures)
    return 0 if all(f.met for f in figures) else 1


if __name__ == "__main__":
    raise SystemExit(main())
