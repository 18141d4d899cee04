"""Video clips of a replay: seek to each frame, grab it, paint the pointer, encode off-thread.

Why this shape: a QtWebEngine view belongs to the GUI thread, so the frames are grabbed
there, one step per event-loop turn (the window stays responsive); encoding, the slow part,
runs on a lane of the task runner, in order. At most :data:`AHEAD` grabbed frames wait for
the encoder, so a slow encoder slows the grabbing instead of filling the memory. The view
is the player itself, off-screen at the clip's size, so a frame of the clip is the frame
the ``frame`` command renders at the same time (plus the painted cursor and caption).
The player loads windows of events (issue 23): a clip from t0 to t1 reads the checkpoint
before t0 and the events on to t1, a window at a time, whatever the session's length; each
frame is grabbed once the page has applied its seek (it ticks with the seek's number),
which may wait for the window there.

A cancelled or failed export removes its temporary file: nothing appears under the target
name (see :class:`app.export.video.VideoWriter`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import shiboken6
from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QImage

from app.export.clip_plan import ClipRange, PlannedFrame, plan_frames
from app.export.video import VideoWriter, even_size
from app.replay.clip_overlay import PageBox, paint_overlay
from app.replay.events import store_events
from app.replay.scheme import WindowsProvider
from app.replay.store_windows import acquire, masked_windows, release
from app.replay.view import ReplayView
from app.replay.windows import SessionWindows
from app.state.tasks import TaskRunner
from app.store.queries import replay as replay_queries
from app.store.queries.pointer import pointer_trail
from app.store.store import SessionStore

log = logging.getLogger(__name__)

ENCODE_LANE = "clip-encode"
AHEAD = 6
LOAD_TIMEOUT_MS = 60_000
POLL_MS = 4
WARM_UP_MS = 400
"""After loading, the player lays the page out and builds the replayed document once: the
first frame waits for it (two animation frames, enough after any later seek, were not)."""
WARM_UP_SEQ = -1
"""The number of the seek to the first frame made on loading (frames count from 1)."""
HIDE_REPLAY_CURSOR = (
    "(() => { const s = document.createElement('style');"
    " s.textContent = '.replayer-mouse, .replayer-mouse-tail { display: none !important; }';"
    " document.head.appendChild(s); })()"
)
# After a seek: two animation frames (the page is laid out and painted), then say where the
# recorded page is drawn. The answer is read by polling window.clipPainted (a string: a JS
# array reached Python as an empty string).
AFTER_PAINT = """(() => {
  window.clipPainted = null;
  requestAnimationFrame(() => requestAnimationFrame(() => {
    const frame = document.getElementById('frame');
    const rect = frame.getBoundingClientRect();
    window.clipPainted = [%d, rect.left, rect.top, rect.width / (frame.offsetWidth || 1)].join(' ');
  }));
})()"""


def plan_clip(store: SessionStore, clip: ClipRange) -> list[PlannedFrame]:
    """The frames of ``clip`` from the store (run on a worker: it queries)."""
    cur = store.cursor()
    detail = replay_queries.detail(cur, clip.session_id)
    if detail is None:
        raise ValueError(f"there is no session '{clip.session_id}' in this file")
    trail = pointer_trail(cur, clip.session_id, clip.start_ms, clip.end_ms)
    return plan_frames(
        clip,
        session_start_ms=detail.start_ms,
        positions=trail.positions,
        clicks=trail.clicks,
        actions=[(a.ts_ms, a.name) for a in detail.actions],
        idle=detail.idle,
    )


class ClipExport(QObject):
    """One clip being exported; :meth:`start` it, :meth:`cancel` stops it (no file is left)."""

    progressed = Signal(float, str)
    finished = Signal(bool, str)
    """(succeeded, the written path or what went wrong — "Export cancelled" when cancelled)"""

    def __init__(
        self,
        store: SessionStore,
        clip: ClipRange,
        fmt: str,
        out: Path,
        tasks: TaskRunner,
        *,
        mask: bool = True,
        windows: WindowsProvider | None = None,
        parent: QObject | None = None,
    ) -> None:
        """``windows`` serves the player's windows (by default the store's, its own)."""
        super().__init__(parent)
        self.store, self.clip, self.fmt, self.out, self.tasks = store, clip, fmt, out, tasks
        self.mask = mask
        self.windows = windows
        self.own_windows: SessionWindows | None = None  # the store's, held while the clip runs
        self.seeking: PlannedFrame | None = None  # the frame sought and not yet grabbed
        self.seek_applied = False  # the page has applied the seek to `seeking`
        self.warming = False
        self.size = even_size(clip.size)
        self.frames: list[PlannedFrame] = []
        self.writer: VideoWriter | None = None
        self.view: ReplayView | None = None
        self.first_ms = 0
        self.next_index = 0
        self.waiting = 0  # frames handed to the encoder, not yet encoded
        self.encoded = 0
        self.done = False
        self.cancelled = False
        self.has_loaded = False
        self.load_timer = QTimer(self)
        self.load_timer.setSingleShot(True)
        self.load_timer.setInterval(LOAD_TIMEOUT_MS)
        self.load_timer.timeout.connect(lambda: self._fail("the player did not load in time"))

    # ---- running ---------------------------------------------------------------------
    def start(self) -> None:
        self.progressed.emit(0.0, "Preparing the clip")
        self.tasks.submit(
            lambda: plan_clip(self.store, self.clip), self._planned, self._failed,
            owner=self, store=self.store, name="plan a clip",
        )  # fmt: skip

    def cancel(self) -> None:
        """Stop now: the grabbing ends at once, the encoder drops what it had written."""
        if self.done:
            return
        self.cancelled = True
        self._end(False, "Export cancelled")

    def _planned(self, frames: list[PlannedFrame]) -> None:
        if self.done:
            return
        self.frames = frames
        self.writer = VideoWriter(self.out, self.fmt, self.clip.fps, self.size)
        view = ReplayView(self.tasks)
        # Shown (the engine paints only a shown view) but never on the screen.
        view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        view.resize(*self.size)
        windows = self.windows
        if windows is None:
            self.own_windows = acquire(self.store)
            windows = self.own_windows.window
        if self.mask:
            windows = masked_windows(windows)
        view.set_events_provider(store_events(self.store), self.store, windows)
        view.session_loaded.connect(self._loaded)
        view.bridge.ticked.connect(self._ticked)
        view.bridge.failed.connect(self._page_error)
        self.view = view
        view.show()
        view.show_session(self.clip.session_id)
        self.load_timer.start()

    def _page_error(self, message: str) -> None:
        if not self.has_loaded:  # after loading, a replayed page's own errors are its business
            self._fail(f"the player failed: {message}")

    def _loaded(self, first_ms: float, _last_ms: float) -> None:
        if self.done or self.view is None or self.has_loaded:
            return  # a later part of a long session arrived: the clip is under way
        self.has_loaded = True
        self.load_timer.stop()
        self.first_ms = int(first_ms)
        self.view.page().runJavaScript(HIDE_REPLAY_CURSOR, 0)
        if self.frames:  # warm up where the clip starts (the window there may take a while)
            self.view.bridge.seek_requested.emit(self._offset(self.frames[0]), WARM_UP_SEQ, False)
        else:
            QTimer.singleShot(WARM_UP_MS, self, self._step)

    def _ticked(self, _offset: float, seq: int) -> None:
        """The page has applied seek ``seq``: warm up after the first, else wait for paint."""
        if self.done or self.view is None:
            return
        if seq == WARM_UP_SEQ and not self.warming:
            self.warming = True
            QTimer.singleShot(WARM_UP_MS, self, self._step)
        elif self.seeking is not None and seq == self.seeking.index + 1 and not self.seek_applied:
            self.seek_applied = True
            frame = self.seeking
            self.view.page().runJavaScript(AFTER_PAINT % (frame.index + 1), 0)
            QTimer.singleShot(POLL_MS, self, lambda: self._poll(frame))

    def _offset(self, frame: PlannedFrame) -> float:
        return float(max(0, frame.at_ms - self.first_ms))

    def _step(self) -> None:
        """Seek to the next frame (or finish); the grab follows once the page has painted."""
        if self.done or self.view is None:
            return
        if self.next_index >= len(self.frames):
            if self.waiting == 0:
                self._finish()
            return  # the last encoded frame calls this again
        if self.waiting >= AHEAD:
            return  # an encoded frame calls this again
        if self.seeking is not None:
            return  # a frame is on its way: its grab steps on
        frame = self.seeking = self.frames[self.next_index]
        self.seek_applied = False
        self.view.bridge.seek_requested.emit(self._offset(frame), frame.index + 1, False)

    def _poll(self, frame: PlannedFrame) -> None:
        if self.done or self.view is None:
            return
        self.view.page().runJavaScript(
            "window.clipPainted", 0, lambda box: self._painted(frame, box)
        )

    def _painted(self, frame: PlannedFrame, answer: Any) -> None:
        if self.done or self.view is None:
            return
        box = str(answer or "").split()
        if len(box) != 4 or box[0] != str(frame.index + 1):
            QTimer.singleShot(POLL_MS, self, lambda: self._poll(frame))
            return
        image = self.view.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
        width, height = self.size
        if (image.width(), image.height()) != (width, height):
            image = image.scaled(width, height, Qt.AspectRatioMode.IgnoreAspectRatio,
                                 Qt.TransformationMode.SmoothTransformation)  # fmt: skip
        paint_overlay(image, frame, PageBox(float(box[1]), float(box[2]), float(box[3])))
        pixels = rgb_array(image)
        self.seeking = None
        self.next_index += 1
        self.waiting += 1
        writer = self.writer
        assert writer is not None
        self.tasks.submit(
            lambda: writer.add(pixels), self._encoded, self._failed,
            owner=self, lane=ENCODE_LANE, name="encode a clip frame",
        )  # fmt: skip
        QTimer.singleShot(0, self, self._step)

    def _encoded(self, _result: object) -> None:
        if self.done:
            return  # cancelled or failed meanwhile: finished has been emitted
        self.waiting -= 1
        self.encoded += 1
        total = max(1, len(self.frames))
        self.progressed.emit(0.02 + 0.96 * self.encoded / total,
                             f"Frame {self.encoded} of {total}")  # fmt: skip
        if self.waiting == AHEAD - 1 or self.next_index >= len(self.frames):
            self._step()

    def _finish(self) -> None:
        writer = self.writer
        assert writer is not None
        self.progressed.emit(0.99, "Writing the file")
        self.tasks.submit(
            writer.finish, lambda path: self._end(True, str(path)), self._failed,
            owner=self, lane=ENCODE_LANE, name="finish a clip",
        )  # fmt: skip

    def _failed(self, error: BaseException) -> None:
        self._fail(str(error) or type(error).__name__)

    def _fail(self, message: str) -> None:
        if not self.done:
            self._end(False, message)

    def _end(self, ok: bool, message: str) -> None:
        """Emit ``finished`` once and let the view go; a failed clip's file goes too."""
        if self.done:
            return
        self.done = True
        self.load_timer.stop()
        if not ok and self.writer is not None:
            self.writer.abort()  # waits for the frame being encoded, if any (see VideoWriter)
        view, self.view = self.view, None
        if view is not None and shiboken6.isValid(view):
            view.set_events_provider(None)
            view.shutdown()
            view.deleteLater()
        if self.own_windows is not None:
            release(self.own_windows)
            self.own_windows = None
        self.finished.emit(ok, message)


def rgb_array(image: QImage) -> np.ndarray:
    """An RGB888 image's pixels as a ``height × width × 3`` array (a copy)."""
    width, height = image.width(), image.height()
    data = np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes())
    rows = data.reshape(height, image.bytesPerLine())
    return rows[:, : width * 3].reshape(height, width, 3).copy()


def export_clip(
    store: SessionStore,
    clip: ClipRange,
    fmt: str,
    out: Path,
    *,
    mask: bool = True,
    progress: Callable[[float, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    windows: WindowsProvider | None = None,
) -> Path:
    """Export a clip and wait for it (the command line, tests); needs a QApplication.
    ``windows``: the player's windows (the store's by default; see :class:`ClipExport`).

    Raises :class:`ValueError` with the reason when the export fails, and
    ``InterruptedError`` when ``cancelled()`` turned true (no file is left then).
    """
    runner = TaskRunner()
    job = ClipExport(store, clip, fmt, out, runner, mask=mask, windows=windows)
    result: list[tuple[bool, str]] = []
    loop = QEventLoop()
    job.finished.connect(lambda ok, message: (result.append((ok, message)), loop.quit()))
    if progress is not None:
        job.progressed.connect(progress)
    watch = QTimer()
    watch.setInterval(20)
    watch.timeout.connect(lambda: job.cancel() if cancelled is not None and cancelled() else None)
    watch.start()
    job.start()
    if not result:
        loop.exec()
    watch.stop()
    runner.shutdown()  # waits for the encoder lane: a cancelled clip's file is gone by now
    job.deleteLater()
    runner.deleteLater()
    ok, message = result[0]
    if ok:
        return Path(message)
    if job.cancelled:
        raise InterruptedError(message)
    raise ValueError(message)


def export_clip_with_qt(*args: Any, **kwargs: Any) -> Path:
    """:func:`export_clip` for the command line: starts a headless QApplication first."""
    from app.replay.frames import start_qt

    start_qt()
    return export_clip(*args, **kwargs)
