"""Investigation query benchmark: every dashboard and list query, on the demo, at 1,000 and at
10,000 sessions, against the targets (100 ms on the demo and at 1,000, 1 s at 10,000).

Run: ``.venv/bin/python tests/benchmarks/bench_queries.py [--sessions 1000 10000]``

The large archive is the synthetic sample (``app/archive/sample.py``) with ``--sessions``
sessions, written and ingested once into a temporary folder. Each query runs once to warm
up and is then timed as the median of ``--repeat`` runs; the printout gives each time and
its ratio to the target (below 1.0 is within it), as well as the time of one
``SELECT count(*) FROM events`` in the same run as a baseline of the machine's speed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from app.analysis.apdex import ApdexThresholds  # noqa: E402
from app.analysis.errors import top_errors  # noqa: E402
from app.analysis.experience import rate_sessions  # noqa: E402
from app.analysis.problems import detect_problems  # noqa: E402
from app.archive.sample import write_sample_archive  # noqa: E402
from app.store.demo import demo_archive_path  # noqa: E402
from app.store.filters import SessionFilter  # noqa: E402
from app.store.open import open_store  # noqa: E402
from app.store.queries import apdex as apdex_queries  # noqa: E402
from app.store.queries import errors as error_queries  # noqa: E402
from app.store.queries import goals as goal_queries  # noqa: E402
from app.store.queries import overview as overview_queries  # noqa: E402
from app.store.queries import sessions as session_queries  # noqa: E402
from app.store.store import SessionStore  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from figures import Figure  # noqa: E402
from figures import report as report_figures  # noqa: E402


def queries(store: SessionStore) -> dict[str, Callable[[], Any]]:
    f = SessionFilter()
    thresholds = ApdexThresholds.from_manifest(store.info().get("manifest")).by_type
    goals = (store.info().get("manifest") or {}).get("conversion_goals") or []
    overview = overview_queries.summary(store.cursor(), f)
    span = max(1, (overview.last_ms or 0) - (overview.first_ms or 0))
    half = SessionFilter(start_ms=(overview.first_ms or 0) + span // 2)
    key = next(iter(g.key for g in error_queries.groups(store.cursor(), f, 1)), "")
    width = max(60_000, span // 120)
    return {
        "overview": lambda: overview_queries.summary(store.cursor(), f),
        "apdex by type": lambda: apdex_queries.by_type(store.cursor(), f, thresholds),
        "time series (120 buckets)": lambda: overview_queries.timeseries(
            store.cursor(), f, width, thresholds
        ),
        "goal completions": lambda: goal_queries.completions(store.cursor(), f, goals),
        "session list": lambda: session_queries.summaries(store.cursor(), f),
        "session list, second half": lambda: session_queries.summaries(store.cursor(), half),
        "experience ratings": lambda: rate_sessions(store, f, thresholds),
        "error groups": lambda: error_queries.groups(store.cursor(), f, 10),
        "top 10 errors with flags": lambda: top_errors(store, f),
        "error group sessions": lambda: error_queries.group_sessions(store.cursor(), f, key),
        "problems": lambda: detect_problems(store, f),
    }


def measure(store: SessionStore, repeat: int) -> dict[str, float]:
    out = {}
    for name, run in queries(store).items():
        run()
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            run()
            times.append(time.perf_counter() - started)
        out[name] = statistics.median(times) * 1000
    return out


def report(title: str, store: SessionStore, target_ms: float, repeat: int) -> Figure:
    started = time.perf_counter()
    store.query("SELECT count(*) FROM events")
    baseline = (time.perf_counter() - started) * 1000
    sessions = overview_queries.summary(store.cursor(), SessionFilter()).sessions
    print(f"\n{title}: {sessions:,} sessions; target {target_ms:.0f} ms per query; "
          f"baseline count(*) over events {baseline:.1f} ms")  # fmt: skip
    times = measure(store, repeat)
    for name, ms in times.items():
        ratio = ms / target_ms
        print(f"  {name:<28} {ms:8.1f} ms   {ratio:5.2f} × target{'' if ratio <= 1 else '  OVER'}")
    slowest = max(times, key=times.__getitem__)
    worst = times[slowest]
    goal = f"< {target_ms:.0f} ms" if target_ms < 1000 else f"< {target_ms / 1000:.0f} s"
    return Figure(
        f"slowest of {len(times)} queries, {title} ({slowest})",
        worst, "ms", goal, worst < target_ms, f"count(*) over events {baseline:.1f} ms",
        worst / baseline if baseline else None,
    )  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--events", type=int, default=60, help="events per synthetic session")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    figures = []
    with tempfile.TemporaryDirectory(prefix="bench-queries-") as tmp:
        folder = Path(tmp)
        demo, _ = open_store(demo_archive_path(), folder / "demo.db")
        with demo:
            figures.append(report("demo (300 sessions)", demo, 100, args.repeat))
        for count in args.sessions:
            archive = write_sample_archive(
                folder / f"s{count}.webreplay", sessions=count, events_per_session=args.events
            )
            large, _ = open_store(archive, folder / f"s{count}.db")
            with large:
                target = 100 if count <= 1_000 else 1000
                figures.append(report(f"{count:,} sessions", large, target, args.repeat))
    report_figures(figures)
    return 0 if all(f.met for f in figures) else 1


if __name__ == "__main__":
    raise SystemExit(main())
