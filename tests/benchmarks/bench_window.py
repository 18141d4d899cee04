"""Window benchmark: start-up, first replay frame, and a GUI thread that never freezes.

Run: ``.venv/bin/python tests/benchmarks/bench_window.py [--sessions 2000] [--events 500]``

Measured in one run (offscreen Qt, private cache and data folder):

* **first window after launch** — ``python -m app --self-test`` (the real entry point and
  window, the demo already ingested) reports seconds from process start to the window shown;
  goal < 1.5 s. Baseline: a bare PySide6 script that shows an empty ``QMainWindow``.
* **first replay frame after opening an ingested session** — a fresh replay screen (so
  Chromium's start is included) from ``open_session`` to the player reporting the session
  loaded and rendered; goal < 1 s. Also the second session in the same view. Baseline: the
  bare player page loading in a fresh view.
* **GUI thread blocked** — a 5 ms ``QTimer`` on the GUI thread records the longest gap between
  its ticks while (a) the main window ingests a synthetic archive of ``--sessions`` sessions
  and fills every screen, (b) the user scrubs the timeline of Ashley's session (a seek every
  16 ms), (c) findings are exported as HTML. Goal: no gap over 100 ms. Baseline: the longest
  gap of the same timer while the window is idle.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from figures import Figure, report  # noqa: E402

BARE_WINDOW = r"""
import time
from app.ui.application import seconds_since_process_start
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow(); w.resize(1100, 680); w.show(); app.processEvents()
print(seconds_since_process_start())
"""


def child_env(folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        REPLAY_INVESTIGATOR_CACHE=str(folder / "cache"),
        REPLAY_INVESTIGATOR_DATA=str(folder / "data"),
    )
    if os.geteuid() == 0:
        env["QTWEBENGINE_CHROMIUM_FLAGS"] = "--no-sandbox --disable-gpu"
    return env


def startup(folder: Path, repeat: int) -> Figure:
    env = child_env(folder)
    shot = folder / "self-test.png"
    command = [sys.executable, "-m", "app", "--self-test", str(shot)]
    subprocess.run(command, env=env, cwd=REPO, check=True, capture_output=True)  # ingest once
    ours, bare = [], []
    for _ in range(repeat):
        out = subprocess.run(command, env=env, cwd=REPO, check=True, capture_output=True)
        ours.append(json.loads(out.stdout.decode().strip().splitlines()[-1])["first_window_s"])
        out = subprocess.run(
            [sys.executable, "-c", BARE_WINDOW], env=env, cwd=REPO, check=True,
            capture_output=True,
        )  # fmt: skip
        bare.append(float(out.stdout.decode().strip().splitlines()[-1]))
    value, base = statistics.median(ours), statistics.median(bare)
    print(f"first window: {ours} s; bare QMainWindow: {bare} s")
    return Figure(
        "first window after launch", value, "s", "< 1.5 s", value < 1.5,
        f"bare PySide6 window {base:.2f} s", value / base,
    )  # fmt: skip


class Watchdog:
    """Longest gap between ticks of a fast timer on the GUI thread.

    While a gap lasts longer than ``SAMPLE_AFTER_S`` a background thread samples the GUI
    thread's Python stack every few milliseconds, so :meth:`culprits` can say which code of
    the app the long gaps were spent in (C++ work shows as the Python frame that called it).
    """

    SAMPLE_AFTER_S = 0.04

    def __init__(self, interval_ms: int = 5) -> None:
        import threading

        from PySide6.QtCore import QTimer

        self.timer = QTimer()
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self.last = time.perf_counter()
        self.worst = 0.0
        self.worst_at = 0.0  # when the longest gap began (perf_counter)
        self.samples: dict[str, int] = {}
        self.timeline: list[tuple[float, str]] = []
        self._gui_thread = threading.get_ident()
        self._running = False
        threading.Thread(target=self._sample, daemon=True, name="watchdog-sampler").start()

    def _tick(self) -> None:
        now = time.perf_counter()
        if now - self.last > self.worst:
            self.worst, self.worst_at = now - self.last, self.last
        self.last = now

    def _sample(self) -> None:
        import traceback

        while True:
            time.sleep(0.004)
            if not self._running or time.perf_counter() - self.last < self.SAMPLE_AFTER_S:
                continue
            frame = sys._current_frames().get(self._gui_thread)
            if frame is None:
                continue
            stack = [
                f"{Path(f.filename).name}:{f.lineno} {f.name}"
                for f in traceback.extract_stack(frame)
                if f"{os.sep}app{os.sep}" in f.filename or "pyqtgraph" in f.filename
            ][-3:]
            key = " < ".join(reversed(stack)) or "(outside the app's Python code)"
            self.samples[key] = self.samples.get(key, 0) + 1
            self.timeline.append((time.perf_counter(), key))

    def start(self) -> None:
        self.worst, self.last = 0.0, time.perf_counter()
        self.samples = {}
        self.timeline: list[tuple[float, str]] = []
        self._running = True
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        self._running = False
        return self.worst * 1000

    def culprits(self, top: int = 6) -> str:
        """The code most often running during long gaps (about 4 ms per sample), then what
        ran during the longest gap, in order."""
        ranked = sorted(self.samples.items(), key=lambda kv: -kv[1])[:top]
        lines = [f"  {n * 4:5d} ms  {where}" for where, n in ranked] or ["  (none)"]
        end = self.worst_at + self.worst
        during = [(t, k) for t, k in self.timeline if self.worst_at <= t <= end]
        if during:
            lines.append(f"  the longest gap ({self.worst * 1000:.0f} ms), sample by sample:")
            previous = None
            for t, key in during:
                if key != previous:
                    lines.append(f"    +{(t - self.worst_at) * 1000:4.0f} ms  {key}")
                previous = key
        return "\n".join(lines)


def wait_until(app: object, done: Callable[[], bool], timeout_s: float = 600) -> None:
    from PySide6.QtCore import QCoreApplication, QEventLoop

    deadline = time.monotonic() + timeout_s
    while not done():
        if time.monotonic() > deadline:
            raise TimeoutError("the benchmark step did not finish")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        time.sleep(0.001)


def in_window(folder: Path, sessions: int, events: int) -> list[Figure]:
    os.environ.update(child_env(folder))
    from app.replay.engine import allow_root_without_sandbox, prepare_web_engine

    allow_root_without_sandbox()
    prepare_web_engine()
    from app.archive.sample import write_sample_archive
    from app.store.demo import demo_archive_path
    from app.store.findings import Finding, FindingsStore
    from app.store.open import open_store
    from app.ui.application import make_application
    from app.ui.main_window import MainWindow
    from app.ui.replay_screen import ReplayScreen

    app = make_application()
    figures: list[Figure] = []
    demo_store, _ = open_store(demo_archive_path())
    ashley = next(
        s.session_id for s in demo_store.session_summaries() if s.user_id.startswith("ashley")
    )
    other = demo_store.session_summaries()[0].session_id

    # --- first replay frame ------------------------------------------------------------
    from app.replay.view import ReplayView
    from app.state.tasks import TaskRunner

    started = time.perf_counter()
    tasks = TaskRunner()
    bare = ReplayView(tasks)
    bare.resize(1200, 700)
    bare.show()
    wait_until(app, lambda: bare.bridge.is_ready, 60)
    player_page_s = time.perf_counter() - started
    bare.shutdown()
    bare.deleteLater()

    screen = ReplayScreen(tasks)
    screen.resize(1400, 850)
    screen.show()
    loaded: list[float] = []
    screen.view.session_loaded.connect(lambda *_: loaded.append(time.perf_counter()))
    started = time.perf_counter()
    screen.open_session(demo_store, ashley)
    wait_until(app, lambda: bool(loaded), 60)
    first_frame_s = loaded[0] - started
    loaded.clear()
    started = time.perf_counter()
    screen.open_session(demo_store, other)
    wait_until(app, lambda: bool(loaded), 60)
    second_frame_s = loaded[0] - started
    print(f"first frame {first_frame_s:.2f} s (engine start included), next {second_frame_s:.2f} s")
    figures.append(
        Figure(
            "first replay frame (fresh view)", first_frame_s, "s", "< 1 s", first_frame_s < 1,
            f"bare player page {player_page_s:.2f} s", first_frame_s / player_page_s,
        )
    )  # fmt: skip
    figures.append(
        Figure(
            "next replay frame (same view)", second_frame_s, "s", "< 1 s", second_frame_s < 1,
            f"bare player page {player_page_s:.2f} s", second_frame_s / player_page_s,
        )
    )  # fmt: skip

    # --- GUI thread: idle, scrubbing ---------------------------------------------------------
    dog = Watchdog()
    dog.start()
    deadline = time.perf_counter() + 1.0
    wait_until(app, lambda: time.perf_counter() > deadline)
    idle_ms = dog.stop()

    screen.open_session(demo_store, ashley)
    loaded.clear()
    wait_until(app, lambda: bool(loaded), 60)
    start, end = screen.cursor.start(), screen.cursor.end()
    steps = 150
    dog.start()
    for i in range(steps):
        screen.cursor.set_time(start + (end - start) * i // steps, "timeline")
        until = time.perf_counter() + 0.016
        wait_until(app, lambda u=until: time.perf_counter() > u)
    deadline = time.perf_counter() + 1.0  # and let the last seeks land
    wait_until(app, lambda: time.perf_counter() > deadline)
    scrub_ms = dog.stop()
    print("GUI thread during gaps over 40 ms (scrubbing):\n" + dog.culprits())
    screen.shutdown()
    screen.deleteLater()

    # --- GUI thread: ingest and fill every screen ------------------------------------------
    archive = write_sample_archive(
        folder / f"ingest-{sessions}.webreplay", sessions=sessions, events_per_session=events
    )
    window = MainWindow()
    window.resize(1400, 900)
    window.show()
    settle = time.perf_counter() + 0.5  # the new window's first layout and paint come first
    wait_until(app, lambda: time.perf_counter() > settle)
    opened: list[object] = []
    window.store_opened.connect(opened.append)
    ingested: list[float] = []
    window.archive.progressed.connect(
        lambda fraction, _m: ingested.append(time.perf_counter()) if fraction >= 1 else None
    )
    dog.start()
    began = time.perf_counter()
    window.open_file(archive)
    wait_until(app, lambda: bool(opened))
    filled = time.perf_counter()
    for index in range(window.tabs.count()):  # every screen shown once
        window.tabs.setCurrentIndex(index)
        wait_until(app, lambda: True)
    ingest_ms = dog.stop()
    print(
        f"ingest: longest gap {ingest_ms:.0f} ms began {dog.worst_at - began:.2f} s after the "
        f"open (ingest done {(ingested or [0])[-1] - began:.2f} s, screens filled "
        f"{filled - began:.2f} s)"
    )
    print("GUI thread during gaps over 40 ms (ingest + screens):\n" + dog.culprits())

    # --- GUI thread: export findings ---------------------------------------------------------
    demo_window = MainWindow()
    demo_window.show()
    opened.clear()
    demo_window.store_opened.connect(opened.append)
    demo_window.open_file(demo_archive_path(), remember=False)
    wait_until(app, lambda: bool(opened))
    settle = time.perf_counter() + 1.5  # its dashboard draws and paints after the open
    wait_until(app, lambda: time.perf_counter() > settle)
    key = str(demo_window.store.info().get("content_key", ""))
    FindingsStore().save(
        Finding(key, ashley, demo_store.session_detail(ashley).start_ms + 75_000, "Checkout")
    )
    finished: list[bool] = []
    dog.start()
    job = demo_window.exports.export_findings("html", folder / "report.html", [], True)
    assert job is not None
    job.finished.connect(lambda ok, _m: finished.append(ok))
    wait_until(app, lambda: bool(finished))
    export_ms = dog.stop()
    print("GUI thread during gaps over 40 ms (export):\n" + dog.culprits())
    assert finished == [True], "the export failed"

    for name, value in (
        (f"GUI blocked: ingest {sessions:,} sessions + screens", ingest_ms),
        ("GUI blocked: scrubbing a replay", scrub_ms),
        ("GUI blocked: exporting findings (HTML)", export_ms),
    ):
        figures.append(
            Figure(
                name, value, "ms", "< 100 ms", value < 100,
                f"idle timer gap {idle_ms:.0f} ms", value / max(idle_ms, 1),
            )
        )  # fmt: skip
    for w in (window, demo_window):
        w.close()
    demo_store.close()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=2000)
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-window-") as tmp:
        folder = Path(tmp)
        figures = [startup(folder, args.repeat)]
        figures += in_window(folder, args.sessions, args.events)
        report(figures)
    return 0 if all(f.met for f in figures) else 1


if __name__ == "__main__":
    raise SystemExit(main())
