"""The one task runner: store and disk work off the GUI thread, results back on it.

Why one runner: every screen queries the store, and each used to keep the GUI thread free
its own way (timers chained by hand, nested closures, a background queue). One runner
gives every screen the same rules:

* **Lanes.** Work runs on named lanes, one worker thread each, first in first out, so a
  screen's steps keep their order. Heavy work that must not hold up the screens' queries
  (preparing a six-hour replay, a user's SQL) goes on a lane of its own.
* **Owners and generations.** A task names the widget (or object) it works for; once the
  owner is deleted its result is dropped. A task bound to a store is *retired* with it:
  queued work is skipped, running work is interrupted (DuckDB's ``interrupt()``), late
  results are dropped, and the store is closed on a worker once nothing uses it, so
  switching archives never blocks the GUI thread.
* **One result per event-loop turn.** Results that arrive together are handed over one per
  turn (their handlers fill tables and draw charts; back to back they would add up).
  :meth:`TaskRunner.in_turns` runs GUI-thread steps the same way.
* **Failures are never lost.** A failing task's error reaches its ``failed`` handler with
  the traceback attached; every failure is logged with it.

The runner knows nothing of widgets or DuckDB: a store is anything with ``interrupt()``
and ``close()`` (see :class:`app.store.store.SessionStore`).
"""

from __future__ import annotations

import itertools
import logging
import threading
import traceback
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

import shiboken6
from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

log = logging.getLogger(__name__)

DEFAULT_LANE = "store"
INTERRUPT_EVERY_S = 0.05
INTERRUPT_RETRIES = 100  # a cancelled task's query is interrupted for up to 5 s
CLOSE_LANE = "close"
NEXT_TURN_MS = 8
"""Pause between steps handed to the GUI thread: a real timer (unlike 0 ms, which Qt may
run back to back with the next step) lets input, painting and other timers in between."""


class Interruptible(Protocol):
    """What the runner needs of a store: stop a thread's query, close when unused."""

    def interrupt(self, thread_id: int | None = None) -> None: ...

    def close(self) -> None: ...


class TaskCancelled(Exception):
    """Raised into nobody: the marker of a task that was cancelled or retired."""


@dataclass(eq=False)
class Task:
    """A handle on submitted work; :meth:`cancel` drops it, interrupting it if it runs."""

    number: int
    name: str
    lane: str
    store: Interruptible | None
    owner: QObject | None
    then: Callable[[Any], None] | None
    failed: Callable[[BaseException], None] | None
    work: Callable[[], Any]
    dropped: Callable[[], None] | None = None
    cancelled: bool = False
    done: bool = False
    thread_id: int | None = None  # the worker thread running it (None while queued)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def cancel(self) -> None:
        """Skip the task if queued, interrupt its query if running; its result is dropped."""
        with self._lock:
            self.cancelled = True
        self._interrupt(INTERRUPT_RETRIES)

    def _interrupt(self, retries: int) -> None:
        """Interrupt the running query, again a moment later until the task has ended.

        Why again: a task may be between two statements (or about to start its first)
        when it is cancelled; DuckDB's interrupt reaches only a statement that runs. The
        interrupt is sent under the task's lock: the task cannot end meanwhile, so it
        never reaches a query of the next task on the same thread.
        """
        with self._lock:
            if self.done or self.thread_id is None or self.store is None:
                return
            try:
                self.store.interrupt(self.thread_id)
            except Exception:  # a store closed meanwhile has nothing left to interrupt
                log.debug("interrupting %s failed", self.name, exc_info=True)
        if retries > 0:
            timer = threading.Timer(INTERRUPT_EVERY_S, self._interrupt, (retries - 1,))
            timer.daemon = True
            timer.start()

    @property
    def live(self) -> bool:
        """True while its result would still be delivered."""
        return not self.cancelled and (self.owner is None or shiboken6.isValid(self.owner))


def describe(error: BaseException) -> str:
    """The error with its traceback, as logged and as shown under "Details"."""
    return "".join(traceback.format_exception(type(error), error, error.__traceback__))


class TaskRunner(QObject):
    """Runs :class:`Task`\\ s on worker lanes and delivers their results on the GUI thread."""

    failure = Signal(str, object)
    """(task name, exception) — any task failed; the window may show it, it is logged anyway."""
    idle = Signal()
    """Nothing queued, running, waiting for delivery or in turns (checked after each step)."""

    _finished = Signal(object, object, object)  # task, result, error (queued from workers)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lanes: dict[str, QThreadPool] = {}
        self._numbers = itertools.count(1)
        self._tasks: dict[int, Task] = {}  # submitted, not yet delivered
        self._arrived: deque[tuple[Task, Any, BaseException | None]] = deque()
        self._retiring: list[Interruptible] = []
        self._turns = 0  # step sequences still running on the GUI thread
        self._lock = threading.Lock()
        self._finished.connect(self._deliver)  # queued: emitted on worker threads
        # Made here, on the GUI thread: a retired store is closed from the worker whose task
        # ended last, and a pool (a child of this object) cannot be created on a worker.
        self._pool(CLOSE_LANE)

    # ---- submitting ----------------------------------------------------------------------
    def submit(
        self,
        work: Callable[[], Any],
        then: Callable[[Any], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
        *,
        owner: QObject | None = None,
        store: Interruptible | None = None,
        lane: str = DEFAULT_LANE,
        name: str = "",
        dropped: Callable[[], None] | None = None,
    ) -> Task:
        """Run ``work()`` on ``lane``; then ``then(result)`` on the GUI thread.

        ``failed(error)`` replaces ``then`` when ``work`` raises (the error is logged with
        its traceback either way). When the task is cancelled or ``store`` is retired,
        ``dropped()`` is called instead, if given (for work someone waits on, such as a
        web request). Nothing is called once ``owner`` is deleted.
        """
        task = Task(
            next(self._numbers),
            name or getattr(work, "__qualname__", "task"),
            lane,
            store,
            owner,
            then,
            failed,
            work,
            dropped,
        )
        with self._lock:
            if store is not None and store in self._retiring:
                task.cancelled = True
            self._tasks[task.number] = task
        self._pool(lane).start(lambda: self._run(task))
        return task

    def in_turns(
        self,
        steps: Iterable[Callable[[], object]],
        *,
        owner: QObject | None = None,
        store: Interruptible | None = None,
    ) -> None:
        """Run GUI-thread ``steps`` one per event-loop turn, in order.

        The sequence ends early when ``owner`` is deleted or ``store`` is retired. Why:
        filling a screen takes tens of milliseconds per part; in one go they freeze the
        window.
        """
        pending = deque(steps)
        if not pending:
            return
        self._turns += 1

        def step() -> None:
            alive = owner is None or shiboken6.isValid(owner)
            if alive and not self._is_retired(store) and pending:
                try:
                    pending.popleft()()
                except Exception as exc:
                    self._report("step", exc)
                    pending.clear()
                if pending and (owner is None or shiboken6.isValid(owner)):
                    self._after_turn(step, owner)
                    return
            self._turns -= 1
            self._check_idle()

        self._after_turn(step, owner)

    # ---- stores --------------------------------------------------------------------------
    def retire(self, store: Interruptible) -> None:
        """Stop every task of ``store`` and close it once no worker uses it.

        Never waits: queued tasks are skipped when their turn comes, the running ones are
        interrupted, and the store is closed on a worker after the last of them ends.
        """
        with self._lock:
            if store in self._retiring:
                return
            self._retiring.append(store)
            tasks = [t for t in self._tasks.values() if t.store is store]
        for task in tasks:  # all marked first: a queued one may start the moment the
            with task._lock:  # running one is interrupted
                task.cancelled = True
        for task in tasks:
            task.cancel()
        self._close_when_unused(store)

    def _close_when_unused(self, store: Interruptible) -> None:
        with self._lock:
            if store not in self._retiring:
                return
            busy = any(t.store is store and not t.done for t in self._tasks.values())
            if busy:
                return  # the last task to end calls this again
            self._retiring.remove(store)
        # Closing a store checkpoints nothing (it is read-only) but may wait for its
        # cursors' threads: done on a worker, never on the GUI thread.
        self._pool(CLOSE_LANE).start(lambda: _close(store))

    def _is_retired(self, store: Interruptible | None) -> bool:
        if store is None:
            return False
        with self._lock:
            return store in self._retiring or bool(getattr(store, "closed", False))

    # ---- running -------------------------------------------------------------------------
    def _pool(self, lane: str) -> QThreadPool:
        pool = self._lanes.get(lane)
        if pool is None:
            pool = QThreadPool(self)
            pool.setMaxThreadCount(1)
            pool.setExpiryTimeout(-1)  # keep the thread (and its store cursors) alive
            self._lanes[lane] = pool
        return pool

    def _run(self, task: Task) -> None:
        with task._lock:
            skip = task.cancelled
            if not skip:
                task.thread_id = threading.get_ident()
        result: Any = None
        error: BaseException | None = None
        if skip:
            error = TaskCancelled(task.name)
        else:
            try:
                result = task.work()
            except BaseException as exc:  # handed to the GUI thread, never lost
                error = exc
        with task._lock:
            task.done = True
            task.thread_id = None
        if not shiboken6.isValid(self):
            return  # the runner (its window) is gone: nobody is left to hand results to
        self._finished.emit(task, result, error)
        if task.store is not None:
            self._close_when_unused(task.store)

    def _deliver(self, task: Task, result: Any, error: BaseException | None) -> None:
        self._arrived.append((task, result, error))
        if len(self._arrived) == 1:
            QTimer.singleShot(1, self, self._hand_over_one)

    def _hand_over_one(self) -> None:
        task, result, error = self._arrived.popleft()
        if self._arrived:
            QTimer.singleShot(1, self, self._hand_over_one)
        with self._lock:
            self._tasks.pop(task.number, None)
        try:
            if task.owner is not None and not shiboken6.isValid(task.owner):
                return  # its window was closed meanwhile
            # an interrupted query of a retired store is a drop, not a failure
            retired = error is not None and self._is_retired(task.store)
            if task.cancelled or isinstance(error, TaskCancelled) or retired:
                if task.dropped is not None:
                    task.dropped()
            elif error is not None:
                self._report(task.name, error)
                if task.failed is not None:
                    task.failed(error)
            elif task.then is not None:
                task.then(result)
        except Exception as exc:  # a handler's bug must not stop the deliveries after it
            self._report(f"{task.name} (result handler)", exc)
        finally:
            self._check_idle()

    def _after_turn(self, step: Callable[[], None], owner: QObject | None) -> None:
        # Bound to the runner, not the owner: a step whose owner has gone must still run,
        # to end its sequence (the runner would never be idle again otherwise).
        QTimer.singleShot(NEXT_TURN_MS, self, step)

    def _report(self, name: str, error: BaseException) -> None:
        log.error("task %s failed:\n%s", name, describe(error).rstrip())
        self.failure.emit(name, error)

    # ---- state ---------------------------------------------------------------------------
    def busy(self) -> bool:
        """True while anything is queued, running, waiting for delivery or in turns."""
        with self._lock:
            return bool(self._tasks) or bool(self._arrived) or self._turns > 0

    def _check_idle(self) -> None:
        if not self.busy():
            self.idle.emit()

    def cancel_all(self) -> None:
        """Cancel every task (quitting); running queries are interrupted."""
        with self._lock:
            tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Cancel everything and wait for the workers to end (only when quitting)."""
        self.cancel_all()
        with self._lock:
            stores = list(self._retiring)
        done = all(pool.waitForDone(timeout_ms) for pool in list(self._lanes.values()))
        for store in stores:
            _close(store)
        return done


def _close(store: Interruptible) -> None:
    try:
        store.close()
    except Exception:
        log.warning("closing a retired store failed", exc_info=True)
