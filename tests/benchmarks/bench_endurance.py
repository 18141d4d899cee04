"""Endurance benchmark: one process opens and closes many archives and replays many
sessions; its memory must stay flat.

Run: ``.venv/bin/python tests/benchmarks/bench_endurance.py [--archives 50] [--replays 200]``

In one real main window (offscreen Qt, private cache and data folders):

* **opening and closing archives** — ``--archives`` different synthetic archives (plus the
  demo) are opened one after the other through the window, as a user would (ingest, every
  screen filled, the previous store closed);
* **replaying sessions** — ``--replays`` sessions of the demo archive are replayed one after
  the other in the window's replay screen, each until the player reports it loaded.

Memory is the resident set of the app's process *and* its QtWebEngine helper processes
(the renderer holds the replayed page). The figure is the growth from the end of a warm-up
(the first tenth: caches fill, the browser engine starts) to the end; baseline: the resident
set after the warm-up. Goal: growth below 10 % of it — memory flat, not proportional to the
work done.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_window import child_env, wait_until  # noqa: E402
from figures import Figure, report  # noqa: E402

GROWTH_GOAL = 0.10
T = TypeVar("T")


def rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def process_tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss_bytes(pid)
        todo.extend(children.get(pid, []))
    return total


def settle(app: object) -> int:
    """Let deferred deletions and the browser engine finish, then measure."""
    deadline = time.perf_counter() + 1.0
    wait_until(app, lambda: time.perf_counter() > deadline)
    gc.collect()
    return process_tree_rss(os.getpid())


def measure(app: object, what: str, items: list[T], step: Callable[[T], None]) -> tuple[int, int]:
    """Run ``step`` on every item; memory after the first tenth (the warm-up) and at the end."""
    warm = max(1, len(items) // 10)
    started = time.perf_counter()
    for n, item in enumerate(items, 1):
        step(item)
        if n == warm:
            warm_rss = settle(app)
    end_rss = settle(app)
    print(
        f"{len(items)} {what} in {time.perf_counter() - started:.0f} s; memory after {warm}: "
        f"{warm_rss / 2**20:.0f} MiB, after all: {end_rss / 2**20:.0f} MiB"
    )
    return warm_rss, end_rss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archives", type=int, default=50)
    parser.add_argument("--replays", type=int, default=200)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="ri-endurance-"))
    os.environ.update(child_env(folder))

    from app.replay.engine import allow_root_without_sandbox, prepare_web_engine

    allow_root_without_sandbox()
    prepare_web_engine()
    from app.archive.sample import write_sample_archive
    from app.store.demo import demo_archive_path
    from app.store.queries import sessions as session_queries
    from app.ui.application import make_application
    from app.ui.main_window import MainWindow

    app = make_application()
    window = MainWindow()
    window.confirm_close = lambda: True  # type: ignore[method-assign]
    window.resize(1400, 900)
    window.show()
    opened: list[object] = []
    window.store_opened.connect(opened.append)

    def open_and_wait(path: Path) -> None:
        opened.clear()
        window.open_file(path, remember=False)
        wait_until(app, lambda: bool(opened), 300)

    archives = [
        write_sample_archive(
            folder / f"a{n:03d}.webreplay", sessions=40 + n % 7, events_per_session=300, seed=n
        )
        for n in range(args.archives)
    ]
    opens = measure(app, "archives opened", archives, open_and_wait)

    open_and_wait(demo_archive_path())
    store = window.store
    assert store is not None
    sessions = [s.session_id for s in session_queries.summaries(store.cursor())]
    window.replay_session(sessions[0])
    screen = window.replay_screen
    assert screen is not None
    loaded: list[str] = []
    screen.view.session_loaded.connect(lambda *a: loaded.append("x"))

    def replay_and_wait(session_id: str) -> None:
        loaded.clear()
        window.replay_session(session_id)
        wait_until(app, lambda: bool(loaded), 120)

    chosen = [sessions[n % len(sessions)] for n in range(1, args.replays + 1)]
    replays = measure(app, "sessions replayed", chosen, replay_and_wait)
    window.close()

    figures = []
    for name, (before, after) in (
        (f"memory growth: {args.archives} archives opened", opens),
        (f"memory growth: {args.replays} sessions replayed", replays),
    ):
        growth = (after - before) / 2**20
        figures.append(
            Figure(
                name, growth, "MiB", f"< {GROWTH_GOAL:.0%} of warm",
                after - before < GROWTH_GOAL * before,
                f"after warm-up {before / 2**20:,.0f} MiB", (after - before) / before,
            )
        )  # fmt: skip
    report(figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
