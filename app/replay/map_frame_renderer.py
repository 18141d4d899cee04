"""A map's frame rendered without blocking the window: the replay driven by its signals.

Why not :func:`app.replay.frames.render_frames`: it waits for each step in a loop of its own
(``processEvents`` and sleeps), which is fine for the command line and an export's job but
stalled the window about 2 s per map. Here every step is a callback from the event loop —
the session loaded (``session_loaded``), the seek applied (``runJavaScript`` answers), the
page settled (a single-shot timer), the element boxes found — so the GUI thread keeps
running between them; each step says how far it got (:attr:`MapFrameRenderer.progressed`).

A render asked for while another runs replaces it: the older one's late callbacks carry its
run number and are ignored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from app.replay.events import store_events
from app.replay.frames import SETTLE_MS
from app.replay.map_image import map_frame_from

if TYPE_CHECKING:
    from app.replay.view import ReplayView
    from app.state.tasks import TaskRunner
    from app.store.store import SessionStore

LOAD_TIMEOUT_MS = 60_000


@dataclass(frozen=True)
class _Run:
    number: int
    session_id: str
    at_ms: int
    selectors: list[str]


class MapFrameRenderer(QObject):
    """Renders one map frame at a time in a hidden replay view of its own."""

    progressed = Signal(str)
    """(what it is doing, for a placeholder)"""
    rendered = Signal(object)
    """(MapFrame) the frame of the latest render asked for."""
    failed = Signal(str)

    def __init__(
        self, tasks: TaskRunner, size: tuple[int, int] = (1280, 800), parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.tasks, self.size = tasks, size
        self.view: ReplayView | None = None
        self._store: SessionStore | None = None
        self._run: _Run | None = None
        self._runs = 0
        self._loads = 0
        """Sessions asked of the player and not loaded yet: only the last load is ours (the
        player's ``loaded`` does not say which session it loaded)."""
        self._timeout = QTimer(self)
        self._timeout.setSingleShot(True)
        self._timeout.timeout.connect(lambda: self._fail("the player did not load the session"))
        self._asked: str | None = None
        """The session last asked of the view: asked again, it is not loaded again (the
        player would not say ``loaded`` twice, and a run would wait for nothing)."""
        self._first_ms: float | None = None
        """Its first event's time once loaded (None while it loads)."""

    @property
    def busy(self) -> bool:
        return self._run is not None

    def render(
        self, store: SessionStore, session_id: str, at_ms: int, selectors: list[str]
    ) -> None:
        """Start rendering ``session_id`` at ``at_ms`` with the boxes of ``selectors``;
        :attr:`rendered` or :attr:`failed` follows (returns at once)."""
        view = self._view()
        if store is not self._store:
            view.set_events_provider(store_events(store), store)
            self._store = store
            self._forget_session()
        self._runs += 1
        run = self._run = _Run(self._runs, session_id, at_ms, list(selectors))
        if session_id == self._asked:  # the view has it, or is loading it: no second load
            if self._first_ms is not None:
                self._seek(run, self._first_ms)
            return  # (the load under way serves the latest run)
        self._asked, self._first_ms = session_id, None
        self.progressed.emit(f"Loading session {session_id} into the replay…")
        self._timeout.start(LOAD_TIMEOUT_MS)
        # a player not ready yet keeps only the last session asked: one load to come
        self._loads = self._loads + 1 if view.bridge.is_ready else 1
        view.show_session(session_id)

    def prepare(self) -> None:
        """Make the replay view now. Why ahead: a web view's first construction takes about
        0.3 s of the GUI thread (its profile, its page, the player loading), which the first
        map would otherwise wait for; the window calls this once, when the tab first shows."""
        self._view()

    def cancel(self) -> None:
        self._run = None
        self._timeout.stop()

    def _forget_session(self) -> None:
        self._asked, self._first_ms = None, None

    def release(self) -> None:
        """Forget the archive (it is closing): its events are gone. The view stays, ready
        for the next archive's maps."""
        self.cancel()
        self._loads = 0
        self._forget_session()
        if self.view is not None and self._store is not None:
            self.view.clear_session()
        self._store = None

    def shutdown(self) -> None:
        """Drop the view (the archive is closing, or the screen going)."""
        self.cancel()
        self._forget_session()
        view, self.view, self._store = self.view, None, None
        if view is not None:
            view.set_events_provider(None)
            view.shutdown()
            view.deleteLater()

    # ---- the steps, each a callback of the event loop --------------------------------------
    def _view(self) -> ReplayView:
        if self.view is None:
            from app.replay.view import ReplayView

            view = ReplayView(self.tasks)
            # shown (the engine paints only a shown view) but never put on the screen
            view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
            view.resize(*self.size)
            view.session_loaded.connect(self._loaded)
            view.bridge.failed.connect(self._fail)
            view.show()
            self.view = view
        return self.view

    def _loaded(self, first_ms: float, _last_ms: float) -> None:
        self._loads = max(0, self._loads - 1)
        run, view = self._run, self.view
        if self._loads:
            return
        self._first_ms = first_ms
        if run is not None and view is not None:
            self._seek(run, first_ms)

    def _seek(self, run: _Run, first_ms: float) -> None:
        assert self.view is not None
        self._timeout.stop()
        self.progressed.emit("Seeking to the moment of the frame…")
        self.view.bridge.seek_requested.emit(float(max(0, run.at_ms - int(first_ms))), 1, False)
        self._js("window.replayTime()", run, lambda _value: self._seeked(run))

    def _seeked(self, run: _Run) -> None:
        self.progressed.emit("Letting the page settle…")
        QTimer.singleShot(SETTLE_MS, self, lambda: self._grab(run))

    def _grab(self, run: _Run) -> None:
        if run is not self._run or self.view is None:
            return
        image = self.view.grab().toImage()
        self.progressed.emit("Finding the clicked elements in the frame…")
        code = f"JSON.stringify(window.replayBoxes({json.dumps(run.selectors)}))"
        self._js(code, run, lambda found: self._boxes(run, image, found))

    def _boxes(self, run: _Run, image: Any, found: Any) -> None:
        layout = json.loads(found) if isinstance(found, str) and found else None
        self._run = None
        self.rendered.emit(map_frame_from(image, layout))

    def _js(self, code: str, run: _Run, then: Any) -> None:
        """Run ``code`` in the player; ``then(value)`` if ``run`` is still the latest."""
        assert self.view is not None
        self.view.page().runJavaScript(
            code, 0, lambda value: then(value) if run is self._run else None
        )

    def _fail(self, message: str) -> None:
        if self._run is None:
            return
        self.cancel()
        self._loads = 0
        self._forget_session()
        self.failed.emit(message)
