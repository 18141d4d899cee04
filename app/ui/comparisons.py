"""Comparing a session with one that went right: from any entry point to the Compare tab.

Why on its own: the window must stay a shell. Screens ask for :class:`CompareWith` (the
Sessions list's context menu, an impacted session's, the Replay menu) or
:class:`ShowComparison` through navigation; this object answers both — the candidates
dialog (ranked by a task), then the comparison and both sessions read as one task, and the
Compare tab made on first use (it starts two players). The tab's sessions belong to the
open archive: when it closes, the tab empties and an open dialog is dismissed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from app.compare import counterparts
from app.compare.model import Candidate
from app.state.navigation import CompareWith, Destination, ShowComparison
from app.state.open_archive import OpenArchive
from app.state.tasks import TaskRunner
from app.store.findings import Finding
from app.ui.compared_pair import ComparedPair, read_pair
from app.ui.counterpart_dialog import CounterpartDialog
from app.ui.findings_panel import ask_and_save
from app.ui.screen_tabs import ScreenTabs

if TYPE_CHECKING:
    from app.ui.compare_screen import CompareScreen  # loads the web engine
    from app.ui.replay_screen import ReplayScreen

CANDIDATES = 5
LANE = "compare"


class Comparisons(QObject):
    """The candidates dialog, the Compare tab and the Replay menu's action."""

    status = Signal(str)
    """A line for the status bar."""
    error = Signal(str, str)
    """(title, message) — a comparison could not be made."""
    dialog_opened = Signal(object)
    """(CounterpartDialog) — the candidates dialog is shown (tests drive it from here)."""
    shown = Signal(object)
    """(CompareScreen) — a comparison is shown in the Compare tab."""
    finding_dialog_opened = Signal(object)
    """(FindingDialog) — a finding with this comparison is being added (tests drive it)."""

    def __init__(
        self,
        archive: OpenArchive,
        tasks: TaskRunner,
        tabs: ScreenTabs,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.archive, self.tasks, self.tabs = archive, tasks, tabs
        self.parent_widget = parent
        self.screen: CompareScreen | None = None  # made on first use: it starts two players
        self.dialog: CounterpartDialog | None = None
        self.replay: ReplayScreen | None = None  # whose session the Replay menu compares
        self.action = QAction("&Compare with a Successful Session…", self)
        self.action.setToolTip("The first step where this session and one that went right differ")
        self.action.setEnabled(False)
        self.action.triggered.connect(self._compare_replayed)
        archive.closed.connect(self._archive_closed)

    def follow(self, replay: ReplayScreen) -> None:
        """The Replay menu's action compares the replayed session (enabled while one is)."""
        self.replay = replay
        replay.session_opened.connect(lambda _sid: self.action.setEnabled(True))
        replay.session_closed.connect(lambda: self.action.setEnabled(False))

    def _compare_replayed(self) -> None:
        shown = self.replay.current_session() if self.replay is not None else None
        if shown is not None:
            self.choose(shown[1])

    def route(self, to: Destination) -> bool:
        """Show ``to`` when it is a comparison's destination; False when it is not one."""
        if isinstance(to, CompareWith):
            self.choose(to.session_id)
        elif isinstance(to, ShowComparison):
            self.show(to.session_id, to.other_id)
        else:
            return False
        return True

    # ---- choosing the other session ------------------------------------------------------
    def choose(self, session_id: str) -> None:
        """The candidates dialog for ``session_id``; choosing one opens the comparison."""
        store = self.archive.store
        if store is None:
            return
        if self.dialog is not None:
            self.dialog.reject()
        dialog = self.dialog = CounterpartDialog(session_id, self.parent_widget)
        dialog.accepted.connect(lambda: dialog.chosen and self.show(session_id, dialog.chosen))
        dialog.finished.connect(lambda _code: self._dialog_closed(dialog))

        def listed(found: list[Candidate]) -> None:
            if self.dialog is dialog:
                dialog.set_candidates(found)

        self.tasks.submit(
            lambda: counterparts(store, session_id, CANDIDATES),
            listed,
            lambda exc: self.dialog is dialog and dialog.set_failed(str(exc)),
            owner=dialog,
            store=store,
            lane=LANE,
            name="compare candidates",
        )
        dialog.open()  # window-modal, without a nested event loop
        self.dialog_opened.emit(dialog)

    def _dialog_closed(self, dialog: CounterpartDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    # ---- showing the comparison ----------------------------------------------------------
    def show(self, session_id: str, other: str | None = None) -> None:
        """Compare ``session_id`` with ``other`` (the best candidate when None) in the tab."""
        store = self.archive.store
        if store is None:
            return

        def arrived(pair: ComparedPair) -> None:
            self.status.emit(f"Compared {session_id} with {pair.right.session_id}")
            if store is self.archive.store:
                screen = self._screen()
                screen.show_pair(store, pair)
                self.tabs.setCurrentWidget(screen)
                screen.setFocus()
                self.shown.emit(screen)

        def failed(exc: BaseException) -> None:
            self.status.emit(f"Could not compare {session_id}")
            self.error.emit("Cannot compare", f"Session {session_id}: {exc}")

        self.status.emit(f"Comparing {session_id} with {other or 'the best candidate'}…")
        self.tasks.submit(
            lambda: read_pair(store, session_id, other),
            arrived,
            failed,
            owner=self,
            store=store,
            lane=LANE,
            name="compare sessions",
        )

    def _screen(self) -> CompareScreen:
        if self.screen is None:
            from app.ui.compare_screen import CompareScreen

            self.screen = CompareScreen(self.tasks)
            self.screen.finding_requested.connect(self.add_finding)
            self.tabs.addTab(self.screen, "Compare")
        return self.screen

    def add_finding(self, session_id: str, at_ms: int, title: str, other_id: str) -> None:
        """The finding dialog for a finding that carries the comparison; saved when accepted."""
        state = self.archive.current
        if state is None:
            return
        finding = Finding(
            archive_key=state.content_key,
            archive_name=state.source_name,
            session_id=session_id,
            ts_ms=at_ms,
            title=title,
            note=f"Compared with {other_id}, a session that went right on the same path.",
            compared_with=other_id,
        )
        moment = datetime.fromtimestamp(at_ms / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        if ask_and_save(finding, moment, self.parent_widget, self.finding_dialog_opened.emit):
            self.status.emit(f"Finding saved on {session_id}, compared with {other_id}")

    def _archive_closed(self) -> None:
        self.action.setEnabled(False)
        if self.dialog is not None:
            self.dialog.reject()
        if self.screen is not None:
            self.screen.close_pair()

    def shutdown(self) -> None:
        if self.screen is not None:
            self.screen.shutdown()
