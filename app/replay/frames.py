"""Headless frames: the replayed page at chosen moments, as PNG and HTML files.

``replay-investigator frame FILE [--session ID] --at T [--at T …] --out DIR`` renders
``DIR/frame-1.png`` and ``DIR/frame-1.html`` (the replayed document at that moment), then
``frame-2.*`` and so on, in one process with one player. T is epoch milliseconds, an
ISO-8601 time, or ``+SECONDS`` from the session start.

The player loads the session window by window (issue 23): a frame at ``t`` needs only the
checkpoint before ``t`` and the events from there to ``t``, so a frame near the end of a
six-hour session costs one window, not the session.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.archive.model import ms_from_iso
from app.replay.events import store_events
from app.replay.store_windows import windows_of
from app.replay.windows import WAIT_S
from app.store.queries import replay as replay_queries
from app.store.queries import sessions as session_queries
from app.store.store import SessionStore

if TYPE_CHECKING:
    from app.replay.scheme import WindowsProvider
    from app.replay.view import ReplayView
    from app.state.tasks import TaskRunner

SETTLE_MS = 350  # the page paints a moment after the seek returns
SEEK_TIMEOUT_S = WAIT_S + 60


class FrameError(Exception):
    """A bad session or time; the message says which."""


def parse_moment(text: str, start_ms: int) -> int:
    """``1700000000123`` | ``2023-11-14T22:13:20.123Z`` | ``+12.5`` → epoch ms."""
    text = text.strip()
    try:
        if text.startswith("+"):
            return start_ms + round(float(text[1:]) * 1000)
        if text.isdigit():
            return int(text)
        return ms_from_iso(text)
    except ValueError:
        raise FrameError(
            f"'{text}' is not a time: use epoch milliseconds, an ISO-8601 time, or +SECONDS"
        ) from None


@dataclass(frozen=True)
class Frame:
    index: int
    at_ms: int
    png: Path
    html: Path
    layout: dict[str, Any] | None = None
    """With ``selectors``: the player's ``replayBoxes`` answer (element boxes in the
    image's pixels, the replayed viewport's place, scroll and page height)."""


def choose_session(store: SessionStore, session_id: str | None) -> tuple[str, int, int]:
    """The session to render, with its start and end; FrameError when ambiguous or absent."""
    sessions = session_queries.summaries(store.cursor())
    if session_id is None:
        if len(sessions) != 1:
            ids = ", ".join(s.session_id for s in sessions[:10])
            raise FrameError(
                f"the file holds {len(sessions)} sessions; choose one with --session ({ids}"
                + (", …)" if len(sessions) > 10 else ")")
            )
        session_id = sessions[0].session_id
    detail = replay_queries.detail(store.cursor(), session_id)
    if detail is None:
        raise FrameError(f"there is no session '{session_id}' in this file")
    return session_id, detail.start_ms, detail.end_ms


def _wait(app: Any, condition: Callable[[], bool], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        app.processEvents()
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def _run_js(app: Any, view: Any, code: str) -> Any:
    result: dict[str, Any] = {}
    view.page().runJavaScript(code, 0, lambda value: result.setdefault("value", value))
    _wait(app, lambda: "value" in result, 30)
    return result.get("value")


def _pause(app: Any, ms: int) -> None:
    until = time.monotonic() + ms / 1000
    _wait(app, lambda: time.monotonic() >= until, ms / 1000 + 1)


def render_frames(
    store: SessionStore,
    session_id: str,
    moments: list[int],
    out_dir: Path,
    size: tuple[int, int] = (1280, 800),
    windows: WindowsProvider | None = None,
    tasks: TaskRunner | None = None,
    selectors: list[str] | None = None,
    whole_events: Callable[..., bytes] | None = None,
) -> list[Frame]:
    """Render each moment of the session (epoch ms) into ``out_dir``; needs a QApplication.

    ``windows`` serves the player's windows of events (the export masks them this way;
    windows of the store, stopped here, when not given). ``whole_events`` loads the session
    whole instead, as the player did before windows (kept to compare against: tests and
    benchmarks). ``tasks`` prepares the events (a runner of its own, ended here, when not
    given: the command line has no window to share one with). ``selectors``: also ask where
    these elements are in each frame (the click map draws on them).
    """
    if windows is None and whole_events is None:
        with windows_of(store) as own:
            return render_frames(
                store, session_id, moments, out_dir, size, own.window, tasks, selectors
            )
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from app.replay.view import ReplayView
    from app.state.tasks import TaskRunner

    app = QApplication.instance()
    runner = TaskRunner() if tasks is None else tasks
    view = ReplayView(runner)
    # Shown (the engine paints only a shown view) but never put on the screen: on a desktop
    # an export's renderer otherwise covered the window and its progress dialog for seconds.
    view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    view.resize(*size)
    if whole_events is not None:
        view.set_events_provider(whole_events, store)
    else:
        view.set_events_provider(store_events(store), store, windows)
    try:
        return _render(app, view, session_id, moments, out_dir, selectors)
    finally:
        view.set_events_provider(None)
        view.shutdown()
        view.deleteLater()
        app.processEvents()
        if tasks is None:
            runner.shutdown()
            runner.deleteLater()


def _render(
    app: Any,
    view: ReplayView,
    session_id: str,
    moments: list[int],
    out_dir: Path,
    selectors: list[str] | None = None,
) -> list[Frame]:
    loaded: list[tuple[float, float]] = []
    view.session_loaded.connect(lambda first, last: loaded.append((first, last)))
    view.show()
    view.show_session(session_id)
    if not _wait(app, lambda: bool(loaded) or bool(view.bridge.errors), 60):
        raise FrameError("the player did not load the session in time")
    if not loaded:
        raise FrameError(f"the player failed: {view.bridge.errors[0]}")
    first_ms = int(loaded[0][0])
    out_dir.mkdir(parents=True, exist_ok=True)
    frames = []
    applied: list[int] = []  # the page ticks with a seek's number once it has applied it
    view.bridge.ticked.connect(lambda _offset, seq: applied.append(seq))
    for index, at_ms in enumerate(moments, 1):
        view.bridge.seek_requested.emit(float(max(0, at_ms - first_ms)), index, False)
        # A seek outside the page's window waits for the window there, which may wait for
        # the checkpoints' child to pass its time (the first opening of a long session).
        if not _wait(app, lambda index=index: index in applied, SEEK_TIMEOUT_S):
            raise FrameError(f"the player did not reach {at_ms} in time")
        _pause(app, SETTLE_MS)
        html = _run_js(app, view, "window.replayInertHtml()") or ""
        png_path, html_path = out_dir / f"frame-{index}.png", out_dir / f"frame-{index}.html"
        if not view.grab().save(str(png_path)):
            raise FrameError(f"could not write {png_path}")
        html_path.write_text(html, encoding="utf-8")
        layout = None
        if selectors is not None:
            # as JSON text: a returned object does not always cross to Python
            found = _run_js(
                app, view, f"JSON.stringify(window.replayBoxes({json.dumps(selectors)}))"
            )
            layout = json.loads(found) if isinstance(found, str) and found else None
        frames.append(Frame(index, at_ms, png_path, html_path, layout))
    return frames


def run_frame_command(store: SessionStore, session: str | None, at: list[str], out: Path) -> int:
    """The ``frame`` subcommand, given an open store (the CLI opens it)."""
    try:
        session_id, start_ms, end_ms = choose_session(store, session)
        moments = [parse_moment(text, start_ms) for text in at]
        for text, moment in zip(at, moments, strict=True):
            if not start_ms <= moment <= end_ms:
                raise FrameError(
                    f"{text} is outside session {session_id} "
                    f"(it runs from +0 s to +{(end_ms - start_ms) / 1000:.3f} s)"
                )
    except FrameError as exc:
        print(f"replay-investigator: {exc}", file=sys.stderr)
        return 2
    start_qt()
    try:
        frames = render_frames(store, session_id, moments, out)
    except FrameError as exc:
        print(f"replay-investigator: {exc}", file=sys.stderr)
        return 1
    for frame in frames:
        print(f"{frame.png}  {frame.html}")
    return 0


def start_qt() -> None:
    """A QApplication for headless rendering (offscreen when there is no display)."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        from app.replay.engine import allow_root_without_sandbox, prepare_web_engine

        allow_root_without_sandbox()
        prepare_web_engine()
        QApplication([sys.argv[0] if sys.argv else "replay-investigator"])
