"""Replay › Export as Playwright Test… and a finding's "Export as Playwright Test…" button.

Why on its own: the window only puts the action in its Replay menu and hands over the
replay screen and the findings screen; what a test is made of comes from the store (the
session's times, its recorded origin) and the findings database (the session's findings,
to choose a range), both read as one task, and the test is written by a task on the disk
lane — the window stays responsive throughout. Like the rrweb export, the action follows
the replayed session: it is disabled while none is shown, and when the archive changes
(the replay screen closes its session then) until a session of the new archive is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from app.export.reproduction import origin_of
from app.reproduce import GeneratedTest, write_test
from app.state.open_archive import OpenArchive
from app.state.tasks import TaskRunner
from app.store.findings import Finding, FindingsError, FindingsStore
from app.store.queries import replay as replay_queries
from app.store.store import SessionStore
from app.ui.reproduction_dialog import (
    FORMAT_LABELS,
    ReproductionDialog,
    ReproductionRequest,
    ReproductionSubject,
)

if TYPE_CHECKING:
    from app.ui.replay_screen import ReplayScreen  # its import loads the web engine

CurrentSession = Callable[[], tuple[SessionStore, str] | None]
UNLOCATED_SHOWN = 12


def read_subject(store: SessionStore, session_id: str) -> ReproductionSubject:
    """The session's times, origin and findings (on a worker: a query and the findings file).

    Findings that cannot be read leave the range to the whole session; the test can still
    be exported.
    """
    detail = replay_queries.detail(store.cursor(), session_id)
    if detail is None:
        raise ValueError(f"session {session_id} is not in this archive")
    key = str(store.info().get("content_key", ""))
    try:
        findings = sorted(FindingsStore().for_archive(key, session_id), key=lambda f: f.ts_ms)
    except FindingsError:
        findings = []
    origin = next((origin_of(a.url) for a in detail.actions if origin_of(a.url)), "")
    return ReproductionSubject(
        session_id, detail.user_id, detail.start_ms, detail.end_ms, origin, findings
    )


def unlocated_message(path: Path, test: GeneratedTest) -> str:
    """What the user must know about a test whose steps could not all be located."""
    listed = [f"• {step}" for step in test.unlocated[:UNLOCATED_SHOWN]]
    if len(test.unlocated) > UNLOCATED_SHOWN:
        listed.append(f"… and {len(test.unlocated) - UNLOCATED_SHOWN} more")
    return (
        f"{path.name} was written, but {len(test.unlocated)} of its {test.steps} steps could "
        "not be located in the recorded page; the test fails at each of them, saying why:\n\n"
        + "\n".join(listed)
    )


class ReproductionActions(QObject):
    """The Replay menu's test export and the work behind it."""

    status = Signal(str)
    """A line for the status bar."""
    error = Signal(str, str)
    """(title, message) — an export failed, or wrote a test with steps it could not locate."""
    written = Signal(object, object)
    """(path, GeneratedTest) — a test was written."""
    dialog_opened = Signal(object)
    """(ReproductionDialog) — the dialog is shown (tests drive it from here)."""

    def __init__(
        self,
        archive: OpenArchive,
        tasks: TaskRunner,
        current_session: CurrentSession,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.archive, self.tasks = archive, tasks
        self.current_session = current_session
        self.parent_widget = parent
        self.dialog: ReproductionDialog | None = None
        self.action = QAction("Export as &Playwright Test…", self)
        self.action.triggered.connect(lambda: self.choose())
        self.action.setEnabled(False)
        archive.closed.connect(self._archive_closed)

    def follow(self, replay: ReplayScreen) -> None:
        """Follow the replay screen: its session enables the action, its findings panel's
        button opens the dialog on a finding."""
        replay.session_opened.connect(lambda _sid: self.session_shown(True))
        replay.session_closed.connect(lambda: self.session_shown(False))
        replay.findings.reproduce_requested.connect(self.choose_for_finding)

    def session_shown(self, shown: bool) -> None:
        """A session is (or is no longer) replayed: only then can the menu export it."""
        self.action.setEnabled(shown)

    def _archive_closed(self) -> None:
        self.action.setEnabled(False)
        if self.dialog is not None:  # its session belonged to the archive that went
            self.dialog.reject()

    # ---- choosing ------------------------------------------------------------------------
    def choose(self) -> None:
        """The dialog for the replayed session, the whole session preselected."""
        shown = self.current_session()
        if shown is not None:
            self._open_dialog(shown[0], shown[1], None)

    def choose_for_finding(self, finding: Finding) -> None:
        """The dialog for a finding's session, the range that reproduces it preselected."""
        store = self.archive.store
        if store is not None:
            self._open_dialog(store, finding.session_id, finding.id)

    def _open_dialog(self, store: SessionStore, session_id: str, finding_id: str | None) -> None:
        def show(subject: ReproductionSubject) -> None:
            if store is not self.archive.store:
                return  # the archive changed while the session was read
            dialog = ReproductionDialog(subject, finding_id, self.parent_widget)
            self.dialog = dialog

            def chosen() -> None:
                if dialog.chosen is not None:
                    self.export(store, session_id, dialog.chosen)

            dialog.accepted.connect(chosen)
            dialog.finished.connect(lambda _code: self._dialog_closed(dialog))
            dialog.open()  # window-modal, without a nested event loop
            self.dialog_opened.emit(dialog)

        def failed(exc: BaseException) -> None:
            self.error.emit("Cannot export the session", f"Session {session_id}: {exc}")

        self.tasks.submit(
            lambda: read_subject(store, session_id),
            show,
            failed,
            owner=self,
            store=store,
            lane="findings",
            name="reproduction subject",
        )

    def _dialog_closed(self, dialog: ReproductionDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    # ---- writing -------------------------------------------------------------------------
    def export(self, store: SessionStore, session_id: str, request: ReproductionRequest) -> None:
        """Write the test of ``session_id`` as ``request`` says, as a task on the disk lane."""
        path, options = request.path, request.options
        label = FORMAT_LABELS[options.format]

        def done(test: GeneratedTest) -> None:
            self.status.emit(f"Wrote {path} ({test.steps} steps, {label})")
            if test.unlocated:
                self.error.emit("Some steps could not be located", unlocated_message(path, test))
            self.written.emit(path, test)

        def failed(exc: BaseException) -> None:
            self.status.emit(f"Could not write {path.name}")
            self.error.emit("Export failed", f"{path}: {exc}")

        self.status.emit(f"Writing {path.name} from session {session_id}…")
        self.tasks.submit(
            lambda: write_test(store, session_id, path, options),
            done,
            failed,
            owner=self,
            store=store,
            lane="disk",
            name="export as Playwright test",
        )
