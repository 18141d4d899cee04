"""Run every benchmark and print one table: figure, goal, same-run baseline, ratio, met.

Run: ``.venv/bin/python tests/benchmarks/run_all.py [--quick] [--log-dir DIR]``

Full scale (the default) is what the goals are stated for: ingest of 10,000 sessions and
5 million events, queries at 1,000 and 10,000 sessions, seeks in a 60-minute heavy session,
the window benchmark ingesting 2,000 sessions (and filtering 10,000 sessions of 50 events,
replaying the 60-minute heavy session), search, ranking comparisons, funnels and click maps
over 10,000 sessions, a 20-second clip at 1280×800 and 10 fps, a 1 GB rrweb NDJSON file
and a 1 GB PostHog export ingested within 1.5 GB. About 35 minutes on 2 cores.
``--quick`` runs everything at a tenth of the scale (figures then do not speak for the goals).
Each script's own printout goes to ``DIR/<script>.log``; the table is printed at the end.
Exit status 0 when every goal is met.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from figures import OUT_ENV, load, print_table  # noqa: E402

FULL = {
    "bench_ingest.py": ["--sessions", "10000", "--events", "500", "--repeat", "3"],
    "bench_queries.py": ["--sessions", "1000", "10000"],
    "bench_seek.py": ["--minutes", "60"],
    "bench_window.py": [
        "--sessions", "2000", "--events", "500",
        "--heavy-minutes", "60", "--filter-sessions", "10000", "--filter-events", "50",
    ],
    "bench_three_clicks.py": ["--repeat", "3"],
    "bench_search.py": ["--sessions", "10000", "--events", "500", "--repeat", "3"],
    "bench_compare.py": ["--sessions", "10000", "--repeat", "5"],
    "bench_funnels.py": ["--sessions", "10000", "--repeat", "5"],
    "bench_maps.py": ["--sessions", "10000", "--repeat", "3"],
    "bench_clips.py": ["--seconds", "20", "--repeat", "3"],
    "bench_lake.py": ["--sessions", "10000", "--copies", "10", "--repeat", "3"],
    "bench_long.py": ["--heavy-minutes", "360"],
    "bench_bigfile.py": ["--mb", "1024"],
}  # fmt: skip
QUICK = {
    "bench_ingest.py": ["--sessions", "1000", "--events", "500", "--repeat", "1"],
    "bench_queries.py": ["--sessions", "1000"],
    "bench_seek.py": ["--minutes", "6"],
    "bench_window.py": [
        "--sessions", "200", "--events", "500", "--repeat", "1",
        "--heavy-minutes", "6", "--filter-sessions", "1000", "--filter-events", "50",
    ],
    "bench_three_clicks.py": ["--repeat", "1"],
    "bench_search.py": ["--sessions", "1000", "--events", "500", "--repeat", "1"],
    "bench_compare.py": ["--sessions", "1000", "--repeat", "3"],
    "bench_funnels.py": ["--sessions", "1000", "--repeat", "3"],
    "bench_maps.py": ["--sessions", "1000", "--repeat", "3"],
    "bench_clips.py": ["--seconds", "10", "--repeat", "1"],
    "bench_lake.py": ["--sessions", "1000", "--copies", "10", "--repeat", "1"],
    "bench_long.py": ["--heavy-minutes", "36", "--seeks", "30", "--triples", "20"],
    "bench_bigfile.py": ["--mb", "100"],
}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the scale")
    parser.add_argument("--log-dir", type=Path, default=None)
    args = parser.parse_args()
    logs = args.log_dir or Path(tempfile.mkdtemp(prefix="ri-bench-logs-"))
    logs.mkdir(parents=True, exist_ok=True)
    out = logs / "figures.jsonl"
    out.unlink(missing_ok=True)
    env = dict(os.environ, **{OUT_ENV: str(out)})
    failed = []
    for script, script_args in (QUICK if args.quick else FULL).items():
        started = time.monotonic()
        print(f"{script} {' '.join(script_args)} …", end=" ", flush=True)
        with (logs / f"{Path(script).stem}.log").open("w") as log:
            result = subprocess.run(
                [sys.executable, str(HERE / script), *script_args],
                stdout=log, stderr=subprocess.STDOUT, env=env, check=False,
            )  # fmt: skip
        print(f"{time.monotonic() - started:.0f} s (exit {result.returncode})", flush=True)
        if result.returncode not in (0, 1):  # 1: ran, some goal not met
            failed.append(script)
    figures = load(out)
    print_table(figures)
    print(f"\nlogs: {logs}")
    if failed:
        print(f"FAILED TO RUN: {', '.join(failed)} (see their logs)")
    return 0 if figures and all(f.met for f in figures) and not failed else 1


if __name__ == "__main__":
    raise SystemExit(main())
