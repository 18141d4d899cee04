"""The open archive as a model: what is open, and its lifecycle, for every screen to observe.

Why a model: nine screens, the menus and the status bar all depend on which archive is
open. When each was told by the window in turn, a screen the window forgot kept the old
archive (the Replay tab went on showing a session of the previous file, and its export
queried the new store with the old session id). Now every screen subscribes here and
resets itself on :attr:`OpenArchive.closed` and fills itself on :attr:`OpenArchive.opened`;
no screen needs to know another exists.

Lifecycle: ``closed → opening → opened → (opening the next → closed → opened) …``. A file
that cannot be read, or a cancelled open, leaves the archive that was open before. The
ingest runs on a thread of its own (:mod:`app.state.ingest_worker`), which also runs the
first queries, so the GUI thread never waits on DuckDB when an archive opens; the old store
is handed to the task runner to be closed once its queries have stopped, never waited for.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from app.analysis.apdex import ApdexThresholds
from app.archive.problems import UnreadableFile
from app.state.ingest_worker import IngestRun, IngestWorker, OpenedArchive
from app.state.settings import save_goals, save_thresholds, saved_goals, saved_thresholds
from app.state.tasks import TaskRunner
from app.store.queries.sessions import SessionSummary
from app.store.store import SessionStore

log = logging.getLogger(__name__)


class Phase(enum.Enum):
    CLOSED = "closed"
    OPENING = "opening"  # an ingest runs; an archive may still be open meanwhile
    OPENED = "opened"


def describe_failure(path: Path, exc: BaseException) -> str:
    """One line naming the file and the problem, whatever the exception."""
    if isinstance(exc, UnreadableFile):
        return str(exc)
    if isinstance(exc, OSError) and exc.strerror:
        return f"{path.name}: {exc.strerror}"
    detail = str(exc).strip() or type(exc).__name__
    return f"{path.name}: {detail}"


def describe_warning(session_id: str | None, message: str) -> str:
    return f"Session {session_id}: {message}" if session_id else message


@dataclass(frozen=True)
class ArchiveState:
    """One open archive: its store and what the screens need to know of it.

    Immutable: a change (new thresholds, goals) is a new state, announced by a signal, so a
    screen holding the old one can tell it is stale by comparing.
    """

    path: Path
    store: SessionStore
    info: dict[str, Any]
    sessions: list[SessionSummary]
    warnings: list[str]
    attribute_values: dict[str, list[str]]
    manifest_thresholds: ApdexThresholds
    thresholds: ApdexThresholds
    manifest_goals: list[dict[str, Any]] = field(default_factory=list)
    own_goals: list[dict[str, Any]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def content_key(self) -> str:
        """The archive's content hash: the key of everything remembered per archive."""
        return str(self.info.get("content_key", ""))

    @property
    def source_name(self) -> str:
        return str(self.info.get("source_name", ""))

    @property
    def goals(self) -> list[dict[str, Any]]:
        """The manifest's conversion goals, then the user's own."""
        return [*self.manifest_goals, *self.own_goals]


def archive_state(opened: OpenedArchive) -> ArchiveState:
    """The state of a freshly ingested archive, with the user's saved choices applied."""
    manifest = opened.info.get("manifest") or {}
    key = str(opened.info.get("content_key", ""))
    archive_thresholds = ApdexThresholds.from_manifest(manifest)
    goals = manifest.get("conversion_goals") if isinstance(manifest, dict) else None
    return ArchiveState(
        path=opened.path,
        store=opened.store,
        info=opened.info,
        sessions=opened.sessions,
        warnings=[describe_warning(sid, message) for sid, message in opened.warnings],
        attribute_values=opened.attribute_values,
        manifest_thresholds=archive_thresholds,
        thresholds=saved_thresholds(key, archive_thresholds),
        manifest_goals=[g for g in goals or [] if isinstance(g, dict)],
        own_goals=saved_goals(key),
    )


class OpenArchive(QObject):
    """Which archive is open; opens the next one; tells every observer."""

    opening = Signal(object)
    """(Path) — reading a file has started (the current archive, if any, stays open)."""
    progressed = Signal(float, str)
    """(fraction 0..1, message) — of the running open."""
    opened = Signal(object)
    """(ArchiveState) — a new archive is open; screens fill themselves from it."""
    closed = Signal()
    """The archive open until now is gone; screens drop everything of it (comes first)."""
    failed = Signal(object, str)
    """(Path, message naming the file and the problem) — the open failed; nothing changed."""
    cancelled = Signal()
    """The open was cancelled; nothing changed."""
    changed = Signal(object)
    """(ArchiveState) — thresholds or goals of the open archive changed."""

    def __init__(self, tasks: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.current: ArchiveState | None = None
        self.last_error: str | None = None
        self._runs: dict[int, IngestRun] = {}
        self._active: int | None = None
        self._next_run = 0

    # ---- what is open --------------------------------------------------------------------
    @property
    def phase(self) -> Phase:
        if self._active is not None:
            return Phase.OPENING
        return Phase.CLOSED if self.current is None else Phase.OPENED

    @property
    def store(self) -> SessionStore | None:
        return self.current.store if self.current is not None else None

    @property
    def is_opening(self) -> bool:
        return self._active is not None

    @property
    def running_ingests(self) -> int:
        """Ingest threads not yet ended, including abandoned ones still stopping."""
        return len(self._runs)

    # ---- opening -------------------------------------------------------------------------
    def open(self, path: str | Path) -> None:
        """Start reading ``path`` on a thread of its own; a running open is abandoned."""
        path = Path(path)
        self._abandon_active()
        self._next_run += 1
        run = self._next_run
        worker = IngestWorker(run, path)
        thread = QThread(self)
        thread.setObjectName(f"ingest-{run}")
        worker.moveToThread(thread)
        worker.progressed.connect(self._on_progress)
        worker.succeeded.connect(self._on_succeeded)
        worker.failed.connect(self._on_failed)
        worker.cancelled.connect(self._on_cancelled)
        worker.done.connect(self._on_done)
        thread.started.connect(worker.run)
        self._runs[run] = IngestRun(worker, thread)
        self._active = run
        self.opening.emit(path)
        thread.start()

    def cancel(self) -> None:
        """Stop the running open (it reports :attr:`cancelled` once it has stopped)."""
        if self._active is not None:
            self._runs[self._active].worker.cancel()

    def _abandon_active(self) -> None:
        """Cancel the running open without reporting it; its late signals are ignored."""
        if self._active is not None:
            self._runs[self._active].worker.cancel()
            self._active = None

    def _on_progress(self, run: int, fraction: float, message: str) -> None:
        if run == self._active:
            self.progressed.emit(fraction, message)

    def _on_succeeded(self, run: int, opened: OpenedArchive) -> None:
        if run != self._active:
            self.tasks.retire(opened.store)
            return
        self._active = None
        try:
            state = archive_state(opened)
        except Exception as exc:  # damaged settings must not lose the archive
            log.exception("reading the saved choices of %s failed", opened.path)
            self.tasks.retire(opened.store)
            self._fail(opened.path, exc)
            return
        self._close_current()
        self.current = state
        self.last_error = None
        self.opened.emit(state)

    def _on_failed(self, run: int, exc: BaseException) -> None:
        if run != self._active:
            return
        self._active = None
        self._fail(self._runs[run].worker.path, exc)

    def _fail(self, path: Path, exc: BaseException) -> None:
        if not isinstance(exc, UnreadableFile | OSError):
            log.error("Opening %s failed", path, exc_info=exc)
        self.last_error = describe_failure(path, exc)
        self.failed.emit(path, self.last_error)

    def _on_cancelled(self, run: int) -> None:
        if run == self._active:
            self._active = None
            self.cancelled.emit()

    def _on_done(self, run: int) -> None:
        """The worker has finished; end its thread and drop the references."""
        entry = self._runs.pop(run, None)
        if entry is not None:
            entry.thread.quit()
            entry.thread.wait()  # the worker's last signal is out: the thread is ending
            entry.thread.deleteLater()

    # ---- closing -------------------------------------------------------------------------
    def close(self) -> None:
        """Close the open archive (screens reset; the store closes once its queries stop)."""
        self._close_current()

    def _close_current(self) -> None:
        if self.current is None:
            return
        store, self.current = self.current.store, None
        self.closed.emit()  # observers let go of the store first …
        self.tasks.retire(store)  # … then its queries are stopped and it is closed

    def shutdown(self) -> None:
        """Stop every ingest and close the store (the window is closing)."""
        self._active = None
        for run in list(self._runs.values()):
            if not run.stop():
                log.warning("ingest thread %s did not stop in time", run.thread.objectName())
        self._runs.clear()
        self._close_current()

    # ---- the user's choices for this archive ---------------------------------------------
    def set_thresholds(self, thresholds: ApdexThresholds) -> None:
        """Rate every view against new thresholds, remembered for this archive."""
        if self.current is None or thresholds == self.current.thresholds:
            return
        save_thresholds(self.current.content_key, thresholds)
        self._change(replace(self.current, thresholds=thresholds))

    def set_own_goals(self, goals: list[dict[str, Any]]) -> None:
        """Replace the user's conversion goals of this archive, remembered for it."""
        if self.current is None:
            return
        save_goals(self.current.content_key, goals)
        self._change(replace(self.current, own_goals=list(goals)))

    def _change(self, state: ArchiveState) -> None:
        self.current = state
        self.changed.emit(state)
