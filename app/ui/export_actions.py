"""File › Export…: findings as a report, the current tab's table as CSV, a session as rrweb.

Why on its own: the window only builds the menu; what is exported comes from whoever
offers it — the open archive, the current tab's table (each screen's ``current_table()``),
the replayed session — so no export needs to know any screen's widgets. Reports are
written by a child process (see :mod:`app.ui.export_job`), the rrweb recording by a task on
the disk lane; the window stays responsive throughout.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QFileDialog, QProgressDialog, QWidget

from app.export.session_recording import write_rrweb
from app.state.open_archive import OpenArchive
from app.state.tasks import TaskRunner
from app.store.store import SessionStore
from app.ui.export_dialog import ExportFindingsDialog
from app.ui.export_job import ExportJob, run_with_progress
from app.ui.table_export import export_table

if TYPE_CHECKING:
    from app.ui.replay_screen import ReplayScreen  # its import loads the web engine

CurrentTable = Callable[[], QAbstractItemView | None]
CurrentSession = Callable[[], tuple[SessionStore, str] | None]


class ExportActions(QObject):
    """The export actions of the File menu and the work behind them."""

    status = Signal(str)
    """A line for the status bar."""
    error = Signal(str, str)
    """(title, message) — an export failed."""

    def __init__(
        self,
        archive: OpenArchive,
        tasks: TaskRunner,
        current_table: CurrentTable,
        current_session: CurrentSession,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.archive, self.tasks = archive, tasks
        self.current_table, self.current_session = current_table, current_session
        self.parent_widget = parent
        self.job: ExportJob | None = None
        self.dialog: QProgressDialog | None = None
        self.export_dialog: ExportFindingsDialog | None = None

        self.findings_action = QAction("&Export Findings…", self)
        self.findings_action.setShortcut(QKeySequence("Ctrl+E"))
        self.findings_action.triggered.connect(lambda: self.choose_findings())
        self.csv_action = QAction("Export Table as &CSV…", self)
        self.csv_action.triggered.connect(self.choose_csv)
        self.rrweb_action = QAction("Export Session as &rrweb Recording…", self)
        self.rrweb_action.triggered.connect(self.choose_rrweb)
        for action in self.actions:
            action.setEnabled(False)
        archive.opened.connect(lambda _state: self._archive_open(True))
        archive.closed.connect(lambda: self._archive_open(False))

    @property
    def actions(self) -> list[QAction]:
        return [self.findings_action, self.csv_action, self.rrweb_action]

    def _archive_open(self, is_open: bool) -> None:
        self.findings_action.setEnabled(is_open)
        self.csv_action.setEnabled(is_open)
        self.session_shown(is_open and self.current_session() is not None)

    def follow(self, replay: ReplayScreen) -> None:
        """Follow the replay screen: the session it shows is the one exported as rrweb."""
        replay.session_opened.connect(lambda _sid: self.session_shown(True))
        replay.session_closed.connect(lambda: self.session_shown(False))

    def session_shown(self, shown: bool) -> None:
        """A session is (or is no longer) replayed: only then can it be exported."""
        self.rrweb_action.setEnabled(shown)

    # ---- findings ------------------------------------------------------------------------
    def choose_findings(self, finding_ids: list[str] | None = None) -> None:
        """The Export Findings dialog (format, file, masking — the last choices filled in);
        its Export runs the export (of all the archive's findings unless ``finding_ids``)."""
        if self.archive.current is None:
            return
        ids = list(finding_ids or [])
        what = f"The {len(ids)} checked finding(s)" if ids else "All findings of this archive"
        dialog = ExportFindingsDialog(f"{what}, as one report.", self.parent_widget)
        self.export_dialog = dialog

        def chosen() -> None:
            choice = dialog.chosen
            if choice is not None:
                self.export_findings(
                    choice.format, Path(choice.path), ids, choice.mask,
                    keep_user_ids=choice.keep_user_ids,
                )  # fmt: skip

        dialog.accepted.connect(chosen)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()  # window-modal, without a nested event loop

    def export_findings(
        self,
        fmt: str,
        out: Path,
        finding_ids: list[str],
        mask: bool = True,
        *,
        keep_user_ids: bool = False,
    ) -> ExportJob | None:
        """Export findings (all of the archive's when ``finding_ids`` is empty) in a child
        process, behind a progress dialog with Cancel."""
        if self.archive.current is None:
            return None
        job = ExportJob(
            self.archive.current.path, fmt, out, finding_ids, mask, self,
            keep_user_ids=keep_user_ids,
        )  # fmt: skip
        job.finished.connect(self._findings_done)
        self.job = job
        self.dialog = run_with_progress(job, self.parent_widget)
        return job

    def _findings_done(self, ok: bool, message: str) -> None:
        self.job = None
        if ok:
            self.status.emit(f"Exported {message}")
        elif message != "Export cancelled":
            self.error.emit("Export failed", message)
        else:
            self.status.emit(message)

    def cancel(self) -> None:
        """Stop a running findings export (the window is closing)."""
        if self.job is not None:
            self.job.cancel()
            self.job = None

    # ---- tables and sessions -------------------------------------------------------------
    def choose_csv(self) -> None:
        view = self.current_table()
        if view is None:
            self.status.emit("This tab has no table to export")
            return
        path, _ = QFileDialog.getSaveFileName(
            self.parent_widget, "Export table as CSV", str(Path.home() / "table.csv"), "CSV (*.csv)"
        )
        if path:
            count = export_table(view, path)
            self.status.emit(f"Exported {count:,} rows to {path}")

    def choose_rrweb(self) -> None:
        shown = self.current_session()
        if shown is None:
            return
        sid = shown[1]
        path, _ = QFileDialog.getSaveFileName(
            self.parent_widget,
            "Export session",
            str(Path.home() / f"{sid}.json"),
            "rrweb recording (*.json)",
        )
        if path:
            self.export_rrweb(Path(path))

    def export_rrweb(self, out: Path) -> None:
        """Write the replayed session as an rrweb recording (personal data masked), as a task."""
        shown = self.current_session()
        if shown is None:
            return
        store, sid = shown

        def done(count: int) -> None:
            self.status.emit(f"Exported session {sid} ({count:,} events, personal data masked)")

        def failed(exc: BaseException) -> None:
            self.error.emit("Export failed", f"{out.name}: {exc}")

        self.status.emit(f"Exporting session {sid}…")
        self.tasks.submit(
            lambda: write_rrweb(store, sid, out, mask=True),
            done,
            failed,
            owner=self,
            store=store,
            lane="disk",
            name="export session as rrweb",
        )
