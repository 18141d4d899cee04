"""Long sessions (issue 23): opening and seeking a 6-hour session with windowed loading,
against plain rrweb over the whole recording in the same run where it can load it.

Run: ``.venv/bin/python tests/benchmarks/bench_long.py [--heavy-minutes 360] [--seeks 100]``

It writes the heavy session (``tests/heavy_session.py``, ~10 events/s, no checkouts) as an
rrweb NDJSON file, ingests it into a store (the app's ``open_store``), and in one
QtWebEngine view (offscreen) opens it the app's way — ``SessionWindows``: the player holds
the window around the cursor — measuring:

* GUI blocked while opening: the longest gap between the beats of a 5 ms QTimer, from
  ``show_session`` to the first frame (the page's ``page_loaded`` after its first window);
* first frame: ``show_session`` → ``page_loaded``;
* the checkpoint child's time to cover the session (it runs in the background);
* seeks: ``--seeks`` paused seeks to random targets anywhere in the session (and as many in
  its first 60 minutes), from the emitted seek to the tick the page echoes (a seek outside
  the window includes reading the window from the store and building the replayer);
* the renderer process's memory (RSS of the child with ``--type=renderer``, from /proc)
  after opening and after the seeks.

Plain rrweb (the whole recording as recorded, one Replayer) is measured the same way when
the JSON is at most ``--plain-max-mb`` (default 150): beyond, it is not attempted (a single
``replay:`` answer of that size is what once crashed QtWebEngine) and the row says so. The
first-60-minutes row is always against plain rrweb in the same run: a Replayer holding the
session's first 60 minutes only (as ``bench_seek`` measures it), ``--plain-seeks`` seeks.

``--breakdown`` prints where the seeks that loaded a window spent their time (median and p95
of each part): the store's read of the window, the answer's headers, its body, the JSON
parse, the replayer built, the checkpoint's snapshot rebuilt, and the catch-up to the target.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_seek import Player, percentile, start_qt  # noqa: E402
from figures import Figure, report  # noqa: E402

OUT = REPO / "tests" / "benchmarks" / "out"


def renderer_rss_mib() -> float:
    """RSS of this process's QtWebEngine renderer(s), in MiB.

    A renderer is a descendant with ``--type=renderer`` — or, as here, a process forked by a
    zygote (its parent's command line has ``--type=zygote``): Chromium's zygote forks the
    renderers, which keep its command line."""
    children: dict[int, list[int]] = {}
    commands: dict[int, bytes] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            commands[int(entry.name)] = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    total = 0.0
    stack = [(pid, os.getpid()) for pid in children.get(os.getpid(), [])]
    while stack:
        pid, parent = stack.pop()
        stack.extend((child, pid) for child in children.get(pid, []))
        zygote_child = b"--type=zygote" in commands.get(parent, b"")
        if b"--type=renderer" in commands.get(pid, b"") or zygote_child:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
    return total


class Bench(Player):
    """bench_seek's player (one ReplayView, the event loop pumped by hand) with a heartbeat."""

    def __init__(self, app: Any) -> None:
        from PySide6.QtCore import QTimer

        super().__init__(app)
        self.beats: list[float] = []
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(lambda: self.beats.append(time.perf_counter()))

    def open(self, session_id: str) -> tuple[float, float, float, float]:
        """(first frame s, longest GUI block ms, first ms, last ms)."""
        self.loaded.clear()
        self.beats = [time.perf_counter()]
        self.timer.start()
        start = time.perf_counter()
        self.view.show_session(session_id)
        self.pump_until(lambda: bool(self.loaded), 900)
        first_frame = time.perf_counter() - start
        self.timer.stop()
        self.beats.append(time.perf_counter())
        block = max(b - a for a, b in zip(self.beats, self.beats[1:], strict=False))
        first, last = self.loaded[-1]
        return first_frame, block * 1000, first, last

    def seek_ms(self, offset: float) -> float:
        return self.seek(offset) * 1000

    def plain_first_hour(
        self, store: Any, session_id: str, first: float, hour: float, rng: Any, args: Any
    ) -> float:
        """Seek p95 (ms) of plain rrweb — one Replayer over the recording as recorded, as in
        bench_seek — holding the session's first ``hour`` ms only: the baseline of the
        first-60-minutes row where the whole session is too big for plain rrweb."""
        from app.replay import scheme
        from app.store.queries import replay_window

        payload = replay_window.events_between_json(
            store.cursor(), session_id, None, int(first), int(first + hour)
        )
        scheme.SPLIT_ABOVE_BYTES = 1 << 40  # whole, as bench_seek serves it
        self.view.set_events_provider(lambda sid, window_id: self.payloads[sid])
        self.load("plain-first-hour", payload, 0)
        self.seek_ms(hour)  # warm-up, as for the windowed seeks
        targets = [rng.uniform(0, hour) for _ in range(args.plain_seeks)]
        return percentile([self.seek_ms(t) for t in targets], 0.95)

    def breakdown_marks(self, windows: Any) -> tuple[int, int]:
        """Where the page's and the store's timing lists stand before a run of seeks."""
        return int(self.js("window.windowTimings.length")), len(windows.read_ms)

    def print_breakdown(
        self, label: str, walls: list[float], windows: Any, marks: tuple[int, int], show: bool
    ) -> int:
        """How many of the seeks since ``marks`` loaded a window; with ``show``, where their
        time went (median and p95 of each part, in ms)."""
        timings = json.loads(self.js("JSON.stringify(window.windowTimings)"))[marks[0] :]
        reads = list(windows.read_ms)[marks[1] :]
        if show and timings:
            rows = {
                "whole seek (Python: emit → echoed tick)": walls,
                "store read of the window (Python)": reads,
                "until the answer's headers (read + scheme + IPC)": [t["headers"] for t in timings],
                "body transfer": [t["body"] for t in timings],
                "JSON parse": [t["parse"] for t in timings],
                "replayer built (defuse, index, constructor)": [t["build"] for t in timings],
                "checkpoint snapshot rebuilt": [t["rebuild"] for t in timings],
                "catch-up to the target (incrementals, diff, hover, scroll)": [
                    t["catchUp"] for t in timings
                ],
                "events in the window (count)": [t["events"] for t in timings],
            }
            print(f"Seek breakdown, {label} ({len(timings)} windows){'':14} median      p95")
            for name, values in rows.items():
                print(
                    f"  {name:<60} {percentile(values, 0.5):8.1f} {percentile(values, 0.95):8.1f}"
                )
        return len(timings)

    def close(self) -> None:
        super().close()
        self.tasks.shutdown()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--heavy-minutes", type=float, default=360)
    parser.add_argument("--rate", type=float, default=10)
    parser.add_argument("--seeks", type=int, default=100)
    parser.add_argument("--plain-max-mb", type=float, default=150)
    parser.add_argument("--plain-seeks", type=int, default=20)
    parser.add_argument("--seed", type=int, default=23)
    parser.add_argument("--triples", type=int, default=100, help="A → B → A checks")
    parser.add_argument("--breakdown", action="store_true", help="print where the seeks' time goes")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("REPLAY_INVESTIGATOR_CACHE", str(OUT / "cache"))

    from tests.heavy_session import heavy_ndjson

    minutes = args.heavy_minutes
    path = heavy_ndjson(OUT, minutes, args.rate)
    size_mb = path.stat().st_size / 1e6
    app = start_qt()
    from app.replay.events import store_events
    from app.replay.windows import SessionWindows
    from app.store.open import open_store
    from app.store.queries import sessions as session_queries

    started = time.perf_counter()
    store, _ = open_store(path)
    print(f"Store ready in {time.perf_counter() - started:.0f} s", flush=True)
    session_id = session_queries.summaries(store.cursor())[0].session_id
    windows = SessionWindows(store)
    bench = Bench(app)
    figures: list[Figure] = []
    rng = random.Random(args.seed)
    try:
        bench.view.set_events_provider(store_events(store), store, windows.window)
        first_frame, block_ms, first, last = bench.open(session_id)
        duration = last - first
        rss_open = renderer_rss_mib()
        print(f"Windowed: first frame {first_frame:.2f} s, GUI blocked ≤ {block_ms:.0f} ms")
        started = time.perf_counter()
        stream = windows._stream(session_id, None)
        assert stream is not None
        bench.pump_until(lambda: (stream.index.refresh(), stream.index.done)[1], 3600)
        checkpoints_s = time.perf_counter() - started
        print(f"Checkpoints covered the session {checkpoints_s:.0f} s after opening")
        bench.seek_ms(duration)  # warm-up
        marks = bench.breakdown_marks(windows)
        anywhere = [bench.seek_ms(rng.uniform(0, duration)) for _ in range(args.seeks)]
        rss_seeks = renderer_rss_mib()
        loaded = bench.print_breakdown("anywhere", anywhere, windows, marks, args.breakdown)
        print(f"{loaded} of {args.seeks} seeks anywhere loaded a window")
        hour = min(duration, 3_600_000)
        marks = bench.breakdown_marks(windows)
        first_hour = [bench.seek_ms(rng.uniform(0, hour)) for _ in range(args.seeks)]
        loaded = bench.print_breakdown("first 60 min", first_hour, windows, marks, args.breakdown)
        print(f"{loaded} of {args.seeks} seeks in the first 60 min loaded a window")
        p95_any, p95_hour = percentile(anywhere, 0.95), percentile(first_hour, 0.95)
        identical = 0
        for _ in range(args.triples):  # exact seeks: A → B → A gives the same document
            a, b = rng.uniform(0, duration), rng.uniform(0, duration)
            bench.seek_ms(a)
            before = bench.js("window.replayFingerprint()")
            bench.seek_ms(b)
            bench.seek_ms(a)
            identical += bench.js("window.replayFingerprint()") == before
        label = f"{minutes:g} min heavy session ({size_mb:,.0f} MB)"
        plain = "plain rrweb: not attempted"
        plain_p95: float | None = None
        if size_mb <= args.plain_max_mb:
            bench.view.set_events_provider(store_events(store), store)
            plain_frame, plain_block, _f, _l = bench.open(session_id)
            targets = [rng.uniform(0, duration) for _ in range(args.plain_seeks)]
            plain_p95 = percentile([bench.seek_ms(t) for t in targets], 0.95)
            plain = (
                f"plain rrweb: first frame {plain_frame:.2f} s, GUI blocked {plain_block:.0f} ms, "
                f"seek p95 {plain_p95:.0f} ms, renderer {renderer_rss_mib():,.0f} MiB"
            )
        else:
            plain += f" ({size_mb:,.0f} MB of JSON > --plain-max-mb {args.plain_max_mb:g})"
        print(plain)
        if duration <= hour and plain_p95 is not None:
            plain_hour, plain_hour_p95 = plain, plain_p95  # the whole session is its first hour
        else:
            plain_hour_p95 = bench.plain_first_hour(store, session_id, first, hour, rng, args)
            plain_hour = f"plain rrweb over the first 60 min only: seek p95 {plain_hour_p95:.0f} ms"
        print(plain_hour)
        figures = [
            Figure(f"open {label}: GUI blocked", block_ms, "ms", "< 100 ms", block_ms < 100, plain),
            Figure(f"open {label}: first frame", first_frame, "s", "< 1.5 s", first_frame < 1.5),
            Figure(
                f"seek p95 anywhere in {label}",
                p95_any,
                "ms",
                "≤ 150 ms",
                p95_any <= 150,
                plain,
                None if plain_p95 is None else p95_any / plain_p95,
            ),
            Figure(
                f"seek p95 in the first 60 min of {label}",
                p95_hour,
                "ms",
                "≤ 100 ms",
                p95_hour <= 100,
                plain_hour,
                p95_hour / plain_hour_p95,
            ),
            Figure(
                f"renderer RSS after {args.seeks} seeks ({label})",
                rss_seeks,
                "MiB",
                "≤ 1 GB",
                rss_seeks <= 1024,
                f"after opening {rss_open:,.0f} MiB (growth {rss_seeks - rss_open:+,.0f} MiB)",
            ),
        ]
        figures.append(
            Figure(
                f"A→B→A identical document, random triples ({label})",
                identical,
                f"of {args.triples}",
                f"{args.triples} of {args.triples}",
                identical == args.triples,
            )
        )
        print(f"Checkpoint child: {checkpoints_s:.0f} s to cover {minutes:g} min (background)")
    finally:
        bench.close()
        windows.stop()
        store.close()
    report(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
