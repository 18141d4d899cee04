"""The open archive's search index, built in the background once the screens have filled.

Why a model: the search box, the Sessions screen's "sessions where …" filter and the Replay
tab's find bar all need the index, and building it takes seconds on a large archive. It is
built once per archive by one task, after the dashboard is usable (the window calls
:meth:`SearchIndexer.start` when its screens have filled), with progress for the status bar.
Reading another file, or closing the archive, cancels the build (a user switching archives
wants the CPU for the new one; nothing half-built is kept); if that open fails or is
cancelled, the build of the archive still open starts again.

Every search runs on :data:`SEARCH_LANE`, the lane the build runs on: a lane runs one task
at a time in order, so a search that arrives while the index is being built simply waits
for it, and two builds of one index can never run at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from app.state.open_archive import ArchiveState, OpenArchive
from app.state.tasks import Task, TaskRunner
from app.store.search import IndexCancelled, SearchIndex, ensure_index
from app.store.store import SessionStore

log = logging.getLogger(__name__)

SEARCH_LANE = "search"
"""The lane of the index build and of every search (see the module's docstring)."""


@dataclass
class _Build:
    """One running build: its store, its task, and its run number (late signals of an
    older run are recognised by it)."""

    run: int
    store: SessionStore
    task: Task | None = None


class SearchIndexer(QObject):
    """Builds the open archive's search index in the background and says when it is ready."""

    progressed = Signal(float)
    """(fraction 0..1) of the running build."""
    ready = Signal(object)
    """(SearchIndex) — the open archive's index can be searched."""
    stopped = Signal(str)
    """("cancelled" or the failure's message) — the build ended without an index."""
    reset = Signal()
    """The archive whose index this was is gone (or going): searches must forget it."""

    _worker_progress = Signal(int, float)  # (run, fraction), emitted on the worker thread

    def __init__(self, archive: OpenArchive, tasks: TaskRunner, parent: QObject | None = None):
        super().__init__(parent)
        self.archive, self.tasks = archive, tasks
        self.index: SearchIndex | None = None
        self.fraction = 0.0
        self._build: _Build | None = None
        self._runs = 0
        self._worker_progress.connect(self._on_progress)
        archive.opening.connect(lambda _path: self.cancel())
        archive.closed.connect(self._forget)
        archive.failed.connect(lambda _path, _message: self._resume())
        archive.cancelled.connect(self._resume)

    @property
    def building(self) -> bool:
        return self._build is not None

    def start(self) -> None:
        """Build (or open) the current archive's index unless it is ready or being built."""
        state: ArchiveState | None = self.archive.current
        if state is None or self.index is not None or self._build is not None:
            return
        self._runs += 1
        build = self._build = _Build(self._runs, state.store)
        self.fraction = 0.0
        self.progressed.emit(0.0)

        def check_cancel() -> None:
            if build.task is not None and build.task.cancelled:
                raise IndexCancelled("the archive is being closed")

        def work() -> SearchIndex:
            return ensure_index(
                build.store,
                lambda fraction, _message: self._worker_progress.emit(build.run, fraction),
                check_cancel,
            )

        build.task = self.tasks.submit(
            work,
            lambda index: self._built(build, index),
            lambda error: self._failed(build, error),
            owner=self,
            store=build.store,
            lane=SEARCH_LANE,
            name="SearchIndexer.build",
            dropped=lambda: self._dropped(build),
        )

    def cancel(self) -> None:
        """Stop the running build (its store stays open; nothing of the index is kept)."""
        build, self._build = self._build, None
        if build is not None and build.task is not None:
            build.task.cancel()
            self.stopped.emit("cancelled")

    def _resume(self) -> None:
        """A new file was not opened after all: index the archive that is still open."""
        if self.archive.current is not None and self.index is None:
            self.start()

    def _forget(self) -> None:
        self.cancel()
        self.index = None
        self.reset.emit()

    def _on_progress(self, run: int, fraction: float) -> None:
        if self._build is not None and run == self._build.run:
            self.fraction = fraction
            self.progressed.emit(fraction)

    def _built(self, build: _Build, index: SearchIndex) -> None:
        if build is not self._build or self.archive.store is not build.store:
            return
        self._build, self.index, self.fraction = None, index, 1.0
        self.ready.emit(index)

    def _failed(self, build: _Build, error: BaseException) -> None:
        if build is self._build:
            self._build = None
            self.stopped.emit(str(error) or type(error).__name__)

    def _dropped(self, build: _Build) -> None:
        if build is self._build:  # retired with its store without our asking
            self._build = None
            self.stopped.emit("cancelled")
