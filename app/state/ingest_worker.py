"""Run an ingest on a worker thread and report back through queued Qt signals.

Why: an ingest can take minutes; the window must keep painting, show progress and accept
Cancel meanwhile. The worker also opens the finished store and runs the first queries
(session list, warnings, facts, filter values), so the GUI thread never waits on DuckDB
when an archive opens. Every signal carries the run's number, so a run given up on
can be ignored.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

from app.store.ingest import IngestCancelled, IngestJob, IngestResult
from app.store.lake import is_lake, open_session_store
from app.store.lake_location import lake_url
from app.store.queries import sessions as session_queries
from app.store.queries.sessions import SessionSummary
from app.store.store import SessionStore

PROGRESS_INTERVAL_S = 0.04  # at most ~25 progress updates a second reach the GUI


@dataclass
class OpenedArchive:
    """Everything the window needs to show an archive, gathered off the GUI thread."""

    path: Path
    result: IngestResult
    store: SessionStore
    sessions: list[SessionSummary]
    warnings: list[tuple[str | None, str]]
    info: dict[str, Any]
    attribute_values: dict[str, list[str]]


class IngestWorker(QObject):
    """Ingests one file; lives on its own :class:`QThread`."""

    progressed = Signal(int, float, str)  # run, fraction 0..1, message
    succeeded = Signal(int, object)  # run, OpenedArchive
    failed = Signal(int, object)  # run, exception
    cancelled = Signal(int)  # run
    done = Signal(int)  # run; always the last signal

    def __init__(self, run: int, path: Path) -> None:
        super().__init__()
        self.run_id = run
        self.path = path
        self._cancel = threading.Event()
        self._last_emit = 0.0
        self.job = IngestJob(path, progress=self._on_progress)

    def cancel(self) -> None:
        """Ask the ingest to stop; safe from any thread."""
        self._cancel.set()
        self.job.cancel()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def _on_progress(self, fraction: float, message: str) -> None:
        """Called on the worker thread by the ingest; throttled so the GUI queue stays short."""
        now = time.monotonic()
        if fraction < 1.0 and now - self._last_emit < PROGRESS_INTERVAL_S:
            return
        self._last_emit = now
        self.progressed.emit(self.run_id, float(fraction), message)

    @Slot()
    def run(self) -> None:
        """Ingest, open the store and read what the window shows first."""
        try:
            store: SessionStore
            if is_lake(self.path) or lake_url(self.path):  # a lake is read in place
                store = open_session_store(self.path)
                result = IngestResult(self.path, "lake", 0, reused=True)
            else:
                result = self.job.run()
                if self.cancel_requested:
                    raise IngestCancelled(f"ingest of {self.path.name} was cancelled")
                store = SessionStore(result.db_path)
            try:
                opened = OpenedArchive(
                    self.path,
                    result,
                    store,
                    session_queries.summaries(store.cursor()),
                    store.warnings(),
                    store.info(),
                    session_queries.attribute_values(store.cursor()),
                )
            except BaseException:
                store.close()
                raise
        except IngestCancelled:
            self.cancelled.emit(self.run_id)
        except Exception as exc:  # every failure is reported to the window, never raised
            self.failed.emit(self.run_id, exc)
        else:
            self.succeeded.emit(self.run_id, opened)
        finally:
            # Hand the object back to the GUI thread so it is deleted there, not here.
            self.moveToThread(QCoreApplication.instance().thread())
            self.done.emit(self.run_id)


@dataclass
class IngestRun:
    """A worker and the thread it runs on; held until the thread has ended."""

    worker: IngestWorker
    thread: QThread

    def stop(self, timeout_ms: int = 30_000) -> bool:
        """Cancel and wait for the thread to end; True when it did."""
        self.worker.cancel()
        self.thread.quit()
        return self.thread.wait(timeout_ms)
