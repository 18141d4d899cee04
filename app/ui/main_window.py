"""The main window: a shell that builds the menus and tabs and wires the models to them.

Why a shell: what is open lives in :class:`~app.state.open_archive.OpenArchive`, store and
disk work goes through the one :class:`~app.state.tasks.TaskRunner`, and each screen
observes both itself (:class:`~app.ui.archive_screen.ArchiveScreen`). The window only
connects one screen's requests ("replay this session", "show this error") to another's
public methods, shows the open's progress, and answers the desktop (files dropped or handed
over, closing). Opening a file never freezes or crashes it: a file that cannot be read
leaves what was shown before and says why.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app import collector
from app.analysis.apdex import ApdexThresholds
from app.state.navigation import Destination, Navigation, ShowErrors, ShowReplay
from app.state.open_archive import ArchiveState, OpenArchive
from app.state.selection import Selection
from app.state.settings import APP_NAME
from app.state.tasks import TaskRunner
from app.store.store import SessionStore
from app.ui.archive_banner import ArchiveBanner, plural
from app.ui.archive_definitions import ArchiveDefinitions
from app.ui.archive_screen import ArchiveScreen, ScreenModels
from app.ui.clip_actions import ClipActions
from app.ui.comparisons import Comparisons
from app.ui.dashboard import Dashboard
from app.ui.desktop_files import DesktopFiles
from app.ui.errors_view import ErrorsScreen
from app.ui.export_actions import ExportActions
from app.ui.filter_bar import FilterBar
from app.ui.findings_view import FindingsScreen
from app.ui.funnel_screen import FunnelScreen
from app.ui.help_menu import AppearanceMenu, EmptyPage, HelpMenu
from app.ui.ingest_status import IngestStatus
from app.ui.layout_memory import restore_window, save_window
from app.ui.maps_screen import MapsScreen
from app.ui.moment_links import MomentLinks
from app.ui.problems_view import ProblemsScreen
from app.ui.recent_files import RecentFiles
from app.ui.reproduction_actions import ReproductionActions
from app.ui.screen_tabs import ScreenTabs
from app.ui.sessions_screen import SessionsScreen
from app.ui.sql_view import SqlScreen
from app.ui.versions import about_html
from app.ui.window_search import WindowSearch

if TYPE_CHECKING:
    from app.ui.replay_screen import ReplayScreen

FILE_FILTER = "Session recordings (*.webreplay *.json *.ndjson *.jsonl *.gz);;All files (*)"
EMPTY_TEXT = "Open a session archive or a folder of recordings (File › Open, or drop it here)"


class MainWindow(DesktopFiles, ArchiveDefinitions, QMainWindow):
    """One archive at a time: the dashboard, the investigation screens, the replay."""

    store_opened = Signal(object)
    """(SessionStore) — an archive is open and every screen has been filled from it."""
    open_failed = Signal(str)
    """(message naming the file and the problem)"""

    def __init__(self, tasks: TaskRunner | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks or TaskRunner(self)
        self.archive = OpenArchive(self.tasks, self)
        self.selection = Selection(self)
        self.navigation = Navigation(self)
        self.navigation.requested.connect(self._navigate)
        self.instance_server: QObject | None = None  # set by app.ui.application.launch
        self._announce: SessionStore | None = None  # the store to announce once screens fill
        self.tasks.idle.connect(self._screens_filled)
        self.tasks.failure.connect(self._task_failed)

        self.setWindowTitle(APP_NAME)
        self.setAcceptDrops(True)
        self.resize(1100, 680)
        self._build_screens()
        self._build_menus()
        self.status = IngestStatus(self.archive, self.statusBar())
        self.search = WindowSearch(self.archive, self.tasks, self.navigation, self, self.tabs)
        self._wire_archive()
        self._show_empty(EMPTY_TEXT)
        restore_window(self)

    # ---- construction --------------------------------------------------------------------
    def _build_screens(self) -> None:
        models = ScreenModels(self.archive, self.tasks, self.selection, self.navigation)
        self.dashboard = Dashboard(models)
        self.problems_screen = ProblemsScreen(models)
        self.errors_screen = ErrorsScreen(models)
        self.sessions = SessionsScreen(models)
        self.findings_screen = FindingsScreen(models)
        self.sql_screen = SqlScreen(self.tasks, archive=self.archive)
        self.replay_screen: ReplayScreen | None = None  # made on first use: it starts Chromium
        self.screens: tuple[ArchiveScreen, ...] = (
            self.dashboard, self.problems_screen, self.errors_screen, self.sessions,
            FunnelScreen(models), MapsScreen(models), self.findings_screen,
        )  # fmt: skip
        self.tabs = ScreenTabs()
        titles = ("Dashboard", "Problems", "Errors", "Sessions", "Funnels", "Maps", "Findings")
        for screen, title in zip((*self.screens, self.sql_screen), (*titles, "SQL"), strict=True):
            self.tabs.addTab(screen, title)
        self.dashboard.define_goals_requested.connect(lambda: self.edit_goals())
        self.tabs.currentChanged.connect(self._tab_changed)

        self.banner = ArchiveBanner(self.archive)
        self.filter_bar = FilterBar(self.selection)  # narrows every investigation view
        self.filter_bar.setContentsMargins(8, 6, 8, 2)
        self.tabs.set_header(self.filter_bar)  # under the tab bar: the tabs never move
        archive_page = QWidget()  # the banner concerns the whole archive: above the tabs
        layout = QVBoxLayout(archive_page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)

        self.empty_page = EmptyPage(EMPTY_TEXT)
        self.empty_page.open_button.clicked.connect(self.choose_file)
        self.empty_label = self.empty_page.label
        self.empty_open_button = self.empty_page.open_button
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.empty_page)
        self.pages.addWidget(archive_page)
        self.setCentralWidget(self.pages)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.open_action = self._action("&Open…", self.choose_file, "Ctrl+O")
        file_menu.addAction(self.open_action)
        self.open_folder_action = self.make_open_folder_action()
        file_menu.addAction(self.open_folder_action)
        self.add_lake_actions(file_menu)
        self.recent = RecentFiles(self.tasks, self)
        self.recent.open_requested.connect(self.open_file)
        file_menu.addMenu(self.recent.menu)
        file_menu.addSeparator()
        self.exports = ExportActions(
            self.archive, self.tasks, self.current_table, self._replayed_session, self
        )
        self.findings_screen.export_requested.connect(self.exports.choose_findings)
        for action in self.exports.actions:
            file_menu.addAction(action)
        self.reproduction = ReproductionActions(
            self.archive, self.tasks, self._replayed_session, self
        )  # Replay › Export as Playwright Test…, and a finding's button
        self.findings_screen.reproduce_requested.connect(self.reproduction.choose_for_finding)
        self.clips = ClipActions(self.archive, self.tasks, self._replayed_session, self)
        self.findings_screen.clip_requested.connect(self.clips.choose_for_finding)
        self.comparing = Comparisons(self.archive, self.tasks, self.tabs, self)  # Compare tab
        self.links = MomentLinks(self)  # Copy Link to This Moment, and following links
        self.exporters = (self.exports, self.reproduction, self.clips, self.comparing, self.links)
        for exporter in self.exporters:
            exporter.status.connect(self.set_status)
            exporter.error.connect(self.show_error)
        file_menu.addSeparator()
        quit_action = self._action("&Quit", self.close, "Ctrl+Q")
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        file_menu.addAction(quit_action)

        self.appearance = AppearanceMenu(self)
        self.appearance_actions = self.appearance.actions
        self.help = HelpMenu(self)
        self.shortcuts_action = self.help.shortcuts_action
        investigation = self.menuBar().addMenu("&Investigation")
        self.apdex_action = self._action("&Apdex Thresholds…", self.edit_thresholds)
        self.goals_action = self._action("Conversion &Goals…", self.edit_goals)
        for action in (self.apdex_action, self.goals_action):
            action.setEnabled(False)
            investigation.addAction(action)

        replay_menu = self.menuBar().addMenu("&Replay")
        replay_menu.addActions(
            [self.reproduction.action, self.clips.action, self.comparing.action, self.links.action]
        )
        self.menuBar().addMenu("&View").addMenu(self.appearance.menu)
        self.menuBar().addMenu(self.help.menu)

    def _action(self, text: str, slot: object, keys: str = "") -> QAction:
        action = QAction(text, self)
        if keys:
            action.setShortcut(QKeySequence(keys))
        action.triggered.connect(slot)
        return action

    def _wire_archive(self) -> None:
        self.archive.opening.connect(self._opening)
        self.archive.opened.connect(self._opened)
        self.archive.closed.connect(self._closed)
        self.archive.failed.connect(self._failed)
        self.archive.cancelled.connect(self._restore_view)

    # ---- the open archive ----------------------------------------------------------------
    @property
    def store(self) -> SessionStore | None:
        return self.archive.store

    @property
    def current_path(self) -> Path | None:
        return self.archive.current.path if self.archive.current else None

    @property
    def thresholds(self) -> ApdexThresholds:
        current = self.archive.current
        return current.thresholds if current else ApdexThresholds()

    @property
    def is_ingesting(self) -> bool:
        return self.archive.is_opening

    def _opening(self, path: Path) -> None:
        if self.archive.current is None:
            self._show_empty(f"Opening {path.name}…")

    def _opened(self, state: ArchiveState) -> None:
        self.selection.clear("open")
        self.filter_bar.set_values(state.attribute_values)
        self.apdex_action.setEnabled(True)
        self.goals_action.setEnabled(True)
        self.pages.setCurrentIndex(1)
        self.tabs.setCurrentWidget(self.dashboard)  # step 1 of an investigation
        self.setWindowTitle(f"{state.name} — {APP_NAME}")
        self.set_status(plural(len(state.sessions), "session"))
        if self._remember:
            self.recent.add(state.path)
        self._announce = state.store

    def _screens_filled(self) -> None:
        """The task runner is idle: every screen has shown the new archive."""
        store, self._announce = self._announce, None
        if store is not None and store is self.store:
            collector.freeze_survivors()  # what lives now lives as long as the archive
            self.search.screens_filled()  # the dashboard is usable: index for search now
            self.store_opened.emit(store)

    def _task_failed(self, name: str, error: BaseException) -> None:
        """Background work failed: say so (the traceback is in the log file)."""
        self.set_status(f"Something failed in the background ({name}: {error}); see the log")

    def _closed(self) -> None:
        self._announce = None
        self.apdex_action.setEnabled(False)
        self.goals_action.setEnabled(False)

    def _failed(self, path: Path, message: str) -> None:
        self._restore_view()
        self.set_status(f"Could not open {path.name}")
        self.open_failed.emit(message)
        self.show_error(f"Cannot open {path.name}", message)

    def _restore_view(self) -> None:
        """After a failed or cancelled open, show again what was there before."""
        if self.archive.current is None:
            self._show_empty(EMPTY_TEXT)

    def _show_empty(self, text: str) -> None:
        """The page shown while no archive is open: a hint, or what is being opened."""
        self.empty_page.show_text(text, offer_open=text == EMPTY_TEXT)
        self.pages.setCurrentWidget(self.empty_page)

    @property
    def status_text(self) -> str:
        return self.status.label.text()

    def set_status(self, text: str) -> None:
        self.status.label.setText(text)

    def show_error(self, title: str, text: str) -> None:
        """Tell the user something failed (tests replace this to avoid the dialog)."""
        QMessageBox.warning(self, title, text)

    # ---- opening -------------------------------------------------------------------------
    _remember = True

    def choose_file(self) -> None:
        start = str(self.current_path.parent) if self.current_path else ""
        name, _ = QFileDialog.getOpenFileName(self, "Open session archive", start, FILE_FILTER)
        if name:
            self.open_file(name)

    def open_file(self, path: str | Path, *, remember: bool = True) -> None:
        """Start reading ``path`` (a running open is abandoned); ``remember=False`` keeps it
        out of the recent list (the self-test, benchmarks)."""
        self._remember = remember
        self.archive.open(path)

    # ---- between screens -----------------------------------------------------------------
    def _tab_changed(self, index: int) -> None:
        page = self.tabs.widget(index)
        apart = (self.sql_screen, self.replay_screen, self.findings_screen, self.comparing.screen)
        self.filter_bar.setVisible(page not in apart)  # the filter narrows the investigation

    def current_table(self) -> QAbstractItemView | None:
        """The table on the current tab (the one a CSV export writes)."""
        page = self.tabs.currentWidget()
        offer = getattr(page, "current_table", None)
        return offer() if callable(offer) else None

    def show_sessions(self) -> None:
        self.tabs.setCurrentWidget(self.sessions)

    def show_error_group(self, key: str, *, users: bool = False) -> None:
        """The Errors screen on one error group: its details, or the users it impacted."""
        self._navigate(ShowErrors(key, users))

    def _navigate(self, to: Destination) -> None:
        """Show what a screen asked for: the destination's screen, then the screen shows it."""
        if isinstance(to, ShowReplay):
            self.replay_session(to.session_id, to.at_ms)
        elif not self.comparing.route(to):  # a comparison's destinations: its own
            screen = next(s for s in self.screens if isinstance(to, s.destination or ()))
            self.tabs.setCurrentWidget(screen)
            screen.arrive(to)

    def replay_session(self, session_id: str, at_ms: int | None = None) -> bool:
        """Open the replay screen on a session of the open archive (at ``at_ms`` if given)."""
        if self.store is None:
            return False
        screen = self.replay_screen
        if screen is None:
            from app.ui.replay_screen import ReplayScreen  # its import loads the web engine

            screen = self.replay_screen = ReplayScreen(self.tasks, archive=self.archive)
            for exporter in (
                self.exports,
                self.reproduction,
                self.clips,
                self.comparing,
                self.links,
            ):
                exporter.follow(screen)  # what the replay shows is what they export
            self.tabs.addTab(screen, "Replay")
        if not screen.open_session(self.store, session_id, at_ms):
            self.show_error("Cannot replay", f"Session {session_id} is not in this archive.")
            return False
        self.tabs.setCurrentWidget(screen)
        screen.setFocus()  # its focus proxy: the player
        return True

    def _replayed_session(self) -> tuple[SessionStore, str] | None:
        return self.replay_screen.current_session() if self.replay_screen else None

    def about_text(self) -> str:
        return about_html()

    # ---- closing -------------------------------------------------------------------------
    def running_work(self) -> str:
        """What closing the window now would stop ("" when nothing runs)."""
        if self.is_ingesting:
            return "An archive is still being read. Quitting stops reading it (nothing is kept)."
        if self.exports.job is not None or self.clips.job is not None:
            return "An export is still running. Quitting stops it (no partial file is left)."
        return ""

    def confirm_close(self, question: str) -> bool:
        """Ask before stopping running work (tests replace this to answer for the user)."""
        box = QMessageBox(QMessageBox.Icon.Question, f"Quit {APP_NAME}?", question, parent=self)
        quit_button = box.addButton("Quit", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("Keep Working", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.exec()
        return box.clickedButton() is quit_button

    def shutdown(self) -> None:
        """Stop every ingest, export and task and close the store (the window closes)."""
        self.exports.cancel()  # a clip export stops with its archive (ClipActions)
        self.comparing.shutdown()
        for screen in self.screens:
            screen.shutdown()
        if self.replay_screen is not None:
            self.replay_screen.shutdown()
        self.archive.shutdown()
        self.tasks.shutdown()

    def closeEvent(self, event: QCloseEvent) -> None:
        work = self.running_work()
        if work and not self.confirm_close(work):
            event.ignore()
            return
        save_window(self)
        self.shutdown()
        super().closeEvent(event)
