"""Store queries off the GUI thread, their results handed back on it.

Why: on a large archive a screen's queries take tens of milliseconds each, and while they
run on the GUI thread the window cannot repaint or answer. A view submits the query part
of its work here and gets the result back as a call on the GUI thread, where it fills its
widgets.

One worker thread, first in first out: results arrive in the order the work was
submitted, so a sequence of steps (open an archive → fill every screen → announce it)
keeps its order whether a step ran here or on the GUI thread. The store gives each thread
its own cursor (see :class:`app.store.store.SessionStore`).
"""

from __future__ import annotations

import itertools
import logging
from collections import deque
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, QTimer, Signal

log = logging.getLogger(__name__)


_Waiting = tuple[Callable[[Any], None], Callable[[BaseException], None], "QObject | None"]


class BackgroundQueries(QObject):
    """Runs callables on one worker thread; delivers each result on the GUI thread."""

    _finished = Signal(int, object, object)  # token, result, error

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._pool.setExpiryTimeout(-1)  # keep the thread (and its store cursors) alive
        self._tokens = itertools.count()
        self._waiting: dict[int, _Waiting] = {}
        self._arrived: deque[tuple[int, Any, BaseException | None]] = deque()
        self._finished.connect(self._deliver)  # queued: emitted from the worker thread

    def submit(
        self,
        work: Callable[[], Any],
        then: Callable[[Any], None],
        failed: Callable[[BaseException], None] | None = None,
        *,
        owner: QObject | None = None,
    ) -> None:
        """Run ``work()`` on the worker thread, then ``then(result)`` on the GUI thread.

        ``failed(error)`` is called instead when ``work`` raises (by default the error is
        logged: a query of a store closed meanwhile is not worth a dialog). With ``owner``
        (the widget the result is for), nothing is called once the owner has been deleted.
        """
        token = next(self._tokens)
        self._waiting[token] = (then, failed or _log_failure, owner)
        self._pool.start(lambda: self._run(token, work))

    def _run(self, token: int, work: Callable[[], Any]) -> None:
        try:
            result = work()
        except BaseException as exc:  # handed to the GUI thread, not lost
            self._finished.emit(token, None, exc)
        else:
            self._finished.emit(token, result, None)

    def _deliver(self, token: int, result: Any, error: BaseException | None) -> None:
        # One result per turn of the event loop: results that arrive together would otherwise
        # be handled back to back, and their handlers (filling tables, drawing charts) add up.
        self._arrived.append((token, result, error))
        if len(self._arrived) == 1:
            QTimer.singleShot(1, self._hand_over_one)

    def _hand_over_one(self) -> None:
        token, result, error = self._arrived.popleft()
        if self._arrived:
            QTimer.singleShot(1, self._hand_over_one)
        then, failed, owner = self._waiting.pop(token)
        if owner is not None and not shiboken6.isValid(owner):
            return  # its window was closed meanwhile
        if error is None:
            then(result)
        else:
            failed(error)

    def busy(self) -> bool:
        return bool(self._waiting)

    def wait(self, timeout_ms: int = -1) -> bool:
        """Block until the worker is idle (before closing a store it may be querying)."""
        return self._pool.waitForDone(timeout_ms)


def _log_failure(error: BaseException) -> None:
    log.warning("background query failed: %s", error)


_shared: BackgroundQueries | None = None


def background() -> BackgroundQueries:
    """The application's one background query runner (created on first use)."""
    global _shared
    if _shared is None:
        _shared = BackgroundQueries(QCoreApplication.instance())
    return _shared
