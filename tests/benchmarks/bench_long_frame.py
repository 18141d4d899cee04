"""A frame of a long session's last minute (issue 23): windows against the whole session.

Run: ``.venv/bin/python tests/benchmarks/bench_long_frame.py [--heavy-minutes 360]``

It reuses (or writes) the heavy session of ``bench_long.py`` (``tests/heavy_session.py``,
~10 events/s) and its store, and renders frames the way the ``frame`` command and report
frames do (:func:`app.replay.frames.render_frames`, offscreen), at moments in the session's
last minute:

* windowed (the app's way): the page gets the window at the session's start, then the one
  at each moment (the checkpoint before it and a few seconds after), read from the store;
  measured: wall time for the frames (the player's page included) and the events handed to
  the page (the sum over the windows), twice: the first run computes the session's
  checkpoints unless they are cached (``--cold`` drops them first), the second reads them;
* whole (the player before windows): the whole session handed to the page in parts, when
  its JSON is at most ``--whole-max-mb`` (default 150; beyond, a page holding the whole
  recording is what issue 23 is about, and the row says it was not attempted).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_seek import start_qt  # noqa: E402
from figures import Figure, report  # noqa: E402

OUT = REPO / "tests" / "benchmarks" / "out"
FRAME_GOAL_S = 5.0
"""A frame of the last minute of six hours in seconds, not in the session's decoding time."""


class Counted:
    """A provider that counts the events it hands to the page (windows or whole)."""

    def __init__(self, provide: Any, events_of: Any) -> None:
        self.provide, self.events_of, self.events = provide, events_of, 0

    def __call__(self, *args: Any) -> bytes:
        data = self.provide(*args)
        self.events += self.events_of(data)
        return data


def render(store: Any, session_id: str, moments: list[int], **kwargs: Any) -> float:
    from app.replay.frames import render_frames

    with tempfile.TemporaryDirectory(prefix="bench-frame-") as folder:
        started = time.perf_counter()
        render_frames(store, session_id, moments, Path(folder), (1280, 800), **kwargs)
        return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--heavy-minutes", type=float, default=360)
    parser.add_argument("--rate", type=float, default=10)
    parser.add_argument("--frames", type=int, default=3, help="moments in the last minute")
    parser.add_argument("--whole-max-mb", type=float, default=150)
    parser.add_argument(
        "--cold", action="store_true", help="drop the cached checkpoints before the first run"
    )
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("REPLAY_INVESTIGATOR_CACHE", str(OUT / "cache"))

    from tests.heavy_session import heavy_ndjson

    minutes = args.heavy_minutes
    path = heavy_ndjson(OUT, minutes, args.rate)
    size_mb = path.stat().st_size / 1e6
    start_qt()
    from app.replay.events import store_events
    from app.replay.store_windows import windows_of
    from app.store.open import open_store
    from app.store.queries import replay_window
    from app.store.queries import sessions as session_queries

    started = time.perf_counter()
    store, _ = open_store(path)
    print(f"Store ready in {time.perf_counter() - started:.0f} s", flush=True)
    label = f"{minutes:g} min heavy session ({size_mb:,.0f} MB)"
    try:
        session_id = session_queries.summaries(store.cursor())[0].session_id
        span = replay_window.session_span(store.cursor(), session_id)
        assert span is not None
        _first, last = span
        total = store.cursor().execute("SELECT count(*) FROM events").fetchone()[0]
        step = 60_000 // max(1, args.frames)
        moments = [last - 60_000 + step // 2 + i * step for i in range(args.frames)]

        def window_events(data: bytes) -> int:
            return len(json.loads(data)["events"])

        checkpoints = Path(store.db_path).with_name(Path(store.db_path).stem + ".checkpoints")
        if args.cold:
            shutil.rmtree(checkpoints, ignore_errors=True)
        first_run = "cached" if checkpoints.exists() and any(checkpoints.iterdir()) else "computed"
        runs = []
        for _ in range(2):  # the first may compute the checkpoints; the second reads them
            with windows_of(store) as windows:
                counted = Counted(windows.window, window_events)
                seconds = render(store, session_id, moments, windows=counted)
            runs.append((seconds, counted.events))
            print(f"windowed: {args.frames} frames in {seconds:.2f} s, "
                  f"{counted.events:,} of {total:,} events handed to the page")  # fmt: skip
        whole = "whole session: not attempted"
        ratio = None
        if size_mb <= args.whole_max_mb:
            counted = Counted(store_events(store), lambda data: len(json.loads(data)))
            seconds = render(store, session_id, moments, whole_events=counted)
            whole = f"whole session: {seconds:.2f} s, {counted.events:,} events handed to the page"
            ratio = runs[-1][0] / seconds
        else:
            whole += f" ({size_mb:,.0f} MB of JSON > --whole-max-mb {args.whole_max_mb:g})"
        print(whole)
        (cold_s, cold_events), (warm_s, warm_events) = runs
        figures = [
            Figure(
                f"{args.frames} frames of the last minute of {label}, windowed",
                warm_s,
                "s",
                f"< {FRAME_GOAL_S:g} s",
                warm_s < FRAME_GOAL_S,
                f"{whole}; first run (checkpoints {first_run}) {cold_s:.2f} s",
                ratio,
            ),
            Figure(
                f"events handed to the page for those frames ({label})",
                warm_events,
                f"of {total:,}",
                "a window's, not the session's",
                warm_events < total / 20 and cold_events == warm_events,
            ),
        ]
    finally:
        store.close()
    report(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
