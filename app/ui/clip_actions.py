"""Replay › Export Clip… and the Findings tab's "Export Clip…": a video of a replay range.

Why on its own: the window only puts the action in its Replay menu and hands over the
replay and findings screens. The session's times and findings are read as one task, the
dialog chooses the range, and the clip is rendered by :class:`app.replay.clips.ClipExport`
(grabbing one frame per event-loop turn, encoding on a task lane) behind a progress dialog
whose Cancel stops it and leaves no file. Like the other exports, the menu action follows
the replayed session; when the replay shows one, its moment and the finding selected in
its findings panel choose the range the dialog offers first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.state.open_archive import OpenArchive
from app.state.tasks import TaskRunner
from app.store.findings import Finding
from app.store.store import SessionStore
from app.ui.clip_dialog import ClipDialog, ClipRequest, ClipSubject
from app.ui.reproduction_actions import read_subject

if TYPE_CHECKING:
    from app.replay.clips import ClipExport
    from app.ui.replay_screen import ReplayScreen  # its import loads the web engine

CurrentSession = Callable[[], tuple[SessionStore, str] | None]


def read_clip_subject(
    store: SessionStore,
    session_id: str,
    now_ms: int | None,
    marked: tuple[int, int] | None = None,
) -> ClipSubject:
    """The session's times and findings (on a worker), as the test export reads them."""
    subject = read_subject(store, session_id)
    return ClipSubject(
        session_id, subject.start_ms, subject.end_ms, subject.findings, now_ms, marked
    )


class ClipActions(QObject):
    """The Replay menu's clip export, the Findings tab's button, and the job behind them."""

    status = Signal(str)
    error = Signal(str, str)
    dialog_opened = Signal(object)
    """(ClipDialog) — shown (tests drive it from here)."""
    finished = Signal(bool, str)
    """(succeeded, the path or what went wrong) — a clip export ended."""

    def __init__(
        self, archive: OpenArchive, tasks: TaskRunner, current_session: CurrentSession,
        parent: QWidget,
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self.archive, self.tasks, self.current_session = archive, tasks, current_session
        self.parent_widget = parent
        self.replay: ReplayScreen | None = None
        self.dialog: ClipDialog | None = None
        self.job: ClipExport | None = None
        self.progress: QProgressDialog | None = None
        self.action = QAction("Export &Clip…", self)
        self.action.setShortcut(QKeySequence("Ctrl+Shift+E"))
        self.action.setToolTip("The replay of a range as a video (MP4, WebM) or an animated GIF")
        self.action.triggered.connect(lambda: self.choose())
        self.action.setEnabled(False)
        archive.closed.connect(self._archive_closed)

    def follow(self, replay: ReplayScreen) -> None:
        """Follow the replay screen: its session enables the action, its moment and selected
        finding choose the range offered first."""
        self.replay = replay
        replay.session_opened.connect(lambda _sid: self.action.setEnabled(True))
        replay.session_closed.connect(lambda: self.action.setEnabled(False))

    def _archive_closed(self) -> None:
        self.action.setEnabled(False)
        self.cancel()
        if self.dialog is not None:
            self.dialog.reject()

    def choose(self) -> None:
        """The dialog for the replayed session, around its moment (or its selected finding)."""
        shown = self.current_session()
        if shown is None:
            return
        now = self.replay.cursor.time() if self.replay is not None else None
        marked = self.replay.cursor.marked() if self.replay is not None else None
        selected = self.replay.findings.selected() if self.replay is not None else None
        self._open_dialog(shown[0], shown[1], now, selected.id if selected else None, marked)

    def choose_for_finding(self, finding: Finding) -> None:
        """The dialog for a finding's session, 5 s before to 5 s after it."""
        store = self.archive.store
        if store is not None:
            self._open_dialog(store, finding.session_id, None, finding.id)

    def _open_dialog(
        self,
        store: SessionStore,
        session_id: str,
        now_ms: int | None,
        finding_id: str | None,
        marked: tuple[int, int] | None = None,
    ) -> None:
        def show(subject: ClipSubject) -> None:
            if store is not self.archive.store:
                return  # the archive changed while the session was read
            dialog = self.dialog = ClipDialog(subject, finding_id, self.parent_widget)
            dialog.accepted.connect(lambda: dialog.chosen and self.export(store, dialog.chosen))
            dialog.finished.connect(lambda _code: self._dialog_closed(dialog))
            dialog.open()  # window-modal, without a nested event loop
            self.dialog_opened.emit(dialog)

        def failed(exc: BaseException) -> None:
            self.error.emit("Cannot export a clip", f"Session {session_id}: {exc}")

        self.tasks.submit(
            lambda: read_clip_subject(store, session_id, now_ms, marked), show, failed,
            owner=self, store=store, lane="findings", name="clip subject",
        )  # fmt: skip

    def _dialog_closed(self, dialog: ClipDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def export(self, store: SessionStore, request: ClipRequest) -> ClipExport:
        """Render and encode the clip behind a progress dialog with Cancel."""
        from app.replay.clips import ClipExport  # loads the web engine

        self.cancel()
        job = self.job = ClipExport(store, request.clip, request.format, request.path,
                                    self.tasks, mask=request.mask, parent=self)  # fmt: skip
        progress = self.progress = QProgressDialog(
            "Preparing the clip…", "Cancel", 0, 1000, self.parent_widget
        )
        progress.setWindowTitle("Export Clip")
        progress.setMinimumDuration(0)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.canceled.connect(job.cancel)
        job.progressed.connect(lambda f, m: (progress.setValue(int(f * 1000)),
                                             progress.setLabelText(m)))  # fmt: skip
        job.finished.connect(lambda ok, message: self._done(job, progress, ok, message))
        self.status.emit(f"Exporting a clip of session {request.clip.session_id}…")
        job.start()
        progress.show()
        return job

    def _done(self, job: ClipExport, progress: QProgressDialog, ok: bool, message: str) -> None:
        progress.close()
        progress.deleteLater()
        if self.job is job:
            self.job = self.progress = None
        job.deleteLater()
        if ok:
            self.status.emit(f"Exported {message}")
        elif message == "Export cancelled":
            self.status.emit("Clip export cancelled: no file was written")
        else:
            self.error.emit("Clip export failed", message)
        self.finished.emit(ok, message)

    def cancel(self) -> None:
        """Stop a running clip export (the window closes, the archive changes)."""
        if self.job is not None:
            self.job.cancel()
