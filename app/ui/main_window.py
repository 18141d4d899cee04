"""The main window: open an archive (menu, recent list, drop), watch it ingest, list sessions.

Why it is built this way: opening a file must never freeze or crash the window. The ingest
runs on a worker thread (see :mod:`app.ui.ingest_worker`) and reports through queued signals;
a file that cannot be read leaves whatever was shown before and says why; problems that cost
only part of the data are listed in a banner above the table instead of a modal dialog.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, Qt, QThread, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QStyle,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app import __version__
from app.analysis.apdex import ApdexThresholds
from app.analysis.experience import rate_sessions
from app.archive.problems import UnreadableFile
from app.export.session_recording import write_rrweb
from app.state.selection import Selection
from app.store.filters import SessionFilter
from app.store.store import SessionStore, SessionSummary
from app.ui.apdex_dialog import ApdexDialog, save_thresholds, saved_thresholds
from app.ui.background import background
from app.ui.dashboard import Dashboard
from app.ui.errors_view import ErrorsScreen
from app.ui.export_job import FORMATS, ExportJob, run_with_progress
from app.ui.filter_bar import FilterBar
from app.ui.findings_view import FindingsScreen
from app.ui.goals_dialog import GoalsDialog, save_goals, saved_goals
from app.ui.ingest_worker import IngestRun, IngestWorker, OpenedArchive
from app.ui.layout_memory import restore_window, save_window
from app.ui.problems_view import ProblemsScreen
from app.ui.session_table import SessionTableModel, SessionTableView
from app.ui.settings import APP_NAME, NEXT_TURN_MS, app_settings
from app.ui.sql_view import SqlScreen
from app.ui.table_export import export_table
from app.ui.theme import Appearance, apply_appearance, saved_appearance
from app.ui.versions import component_versions

if TYPE_CHECKING:
    from app.ui.replay_screen import ReplayScreen

log = logging.getLogger(__name__)

RECENT_KEY = "recent_files"
MAX_RECENT = 10
FILE_FILTER = "Session recordings (*.webreplay *.json *.ndjson *.jsonl *.gz);;All files (*)"
EMPTY_TEXT = "Open a session archive (File › Open or drop a file here)"


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


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


class WarningBanner(QFrame):
    """A quiet, non-modal strip above the table saying that part of the archive was lost."""

    details_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("warningBanner")
        self.setStyleSheet(
            "#warningBanner { background: #fff4e5; border: 1px solid #f0c36d;"
            " border-radius: 4px; }"
            "#warningBanner QLabel { color: #5f3b00; background: transparent; }"
        )
        icon = QLabel(self)
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(size)
        )
        self.label = QLabel(self)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.plain_text = ""
        self.details_button = QPushButton("Details…", self)
        self.details_button.clicked.connect(self.details_requested)
        close = QToolButton(self)
        close.setAutoRaise(True)
        close.setText("✕")
        close.setToolTip("Hide this message")
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.details_button)
        layout.addWidget(close)

    def show_problems(self, file_name: str, problems: list[str]) -> None:
        headline = f"{plural(len(problems), 'problem')} while reading {file_name}"
        first = problems[0] if problems else ""
        if len(first) > 160:
            first = first[:157] + "…"
        more = " (and more)" if len(problems) > 1 else ""
        self.plain_text = f"{headline} — {first}{more}"
        self.label.setText(
            f"<b>{html.escape(headline)}</b> — {html.escape(first)}{html.escape(more)}"
        )
        self.label.setAccessibleName(self.plain_text)
        self.show()


class ProblemsDialog(QDialog):
    """Lists every reading problem; non-modal, so the investigator can keep working."""

    def __init__(self, file_name: str, problems: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Problems while reading {file_name}")
        self.problems = list(problems)
        intro = QLabel(
            f"{plural(len(problems), 'problem')} while reading {file_name}. "
            "The rest of the archive was read; the sessions named here are missing "
            "or incomplete.",
            self,
        )
        intro.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setSpacing(2)
        self.list.addItems(self.problems)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)
        close.setFocus()
        copy = buttons.addButton("Copy All", QDialogButtonBox.ButtonRole.ActionRole)
        copy.setToolTip("Copy every problem to the clipboard, one per line")
        copy.clicked.connect(self.copy_all)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.resize(680, 360)

    def text(self) -> str:
        return "\n".join(self.problems)

    def copy_all(self) -> None:
        QGuiApplication.clipboard().setText(self.text())


def _with_ratings(sessions: list[SessionSummary], ratings: dict[str, str]) -> list[SessionSummary]:
    """``sessions`` with their user-experience rating filled in."""
    return [replace(s, experience=ratings.get(s.session_id)) for s in sessions]


class MainWindow(QMainWindow):
    """The first window: the session list of one archive."""

    store_opened = Signal(object)  # SessionStore
    open_failed = Signal(str)  # message naming the file and the problem
    ingest_progress = Signal(float, str)  # fraction 0..1, message (GUI thread)
    ingest_cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store: SessionStore | None = None
        self.current_path: Path | None = None
        self.last_error: str | None = None
        self._problems: list[str] = []
        self._problems_dialog: ProblemsDialog | None = None
        self._runs: dict[int, IngestRun] = {}
        self._active: int | None = None
        self._next_run = 0
        self._remember: dict[int, bool] = {}

        self._export_job: ExportJob | None = None
        self.instance_server: QObject | None = None  # set by app.ui.application.launch

        self.setWindowTitle(APP_NAME)
        self.setAcceptDrops(True)
        self.resize(1100, 680)
        self._build_menus()
        self._build_central()
        self._build_status_bar()
        self._show_empty(EMPTY_TEXT)
        restore_window(self)

    # ---- construction --------------------------------------------------------------------
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.open_action = QAction("&Open…", self)
        self.open_action.setShortcut(QKeySequence("Ctrl+O"))
        self.open_action.triggered.connect(self.choose_file)
        file_menu.addAction(self.open_action)

        self.recent_menu = QMenu("Open &Recent", self)
        self.recent_menu.setToolTipsVisible(True)
        self.recent_menu.aboutToShow.connect(self._rebuild_recent_menu)
        file_menu.addMenu(self.recent_menu)
        self.clear_recent_action = QAction("&Clear Recent", self)
        self.clear_recent_action.triggered.connect(self.clear_recent_files)

        file_menu.addSeparator()
        self.export_action = QAction("&Export Findings…", self)
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.setEnabled(False)
        self.export_action.triggered.connect(lambda: self.choose_export())
        file_menu.addAction(self.export_action)
        self.csv_action = QAction("Export Table as &CSV…", self)
        self.csv_action.setEnabled(False)
        self.csv_action.triggered.connect(self.choose_csv)
        file_menu.addAction(self.csv_action)
        self.rrweb_action = QAction("Export Session as &rrweb Recording…", self)
        self.rrweb_action.setEnabled(False)
        self.rrweb_action.triggered.connect(self.choose_rrweb)
        file_menu.addAction(self.rrweb_action)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        investigation = self.menuBar().addMenu("&Investigation")
        self.apdex_action = QAction("&Apdex Thresholds…", self)
        self.apdex_action.setEnabled(False)
        self.apdex_action.triggered.connect(self.edit_thresholds)
        investigation.addAction(self.apdex_action)
        self.goals_action = QAction("Conversion &Goals…", self)
        self.goals_action.setEnabled(False)
        self.goals_action.triggered.connect(self.edit_goals)
        investigation.addAction(self.goals_action)

        view_menu = self.menuBar().addMenu("&View")
        appearance = view_menu.addMenu("&Appearance")
        self.appearance_actions: dict[Appearance, QAction] = {}
        group = QActionGroup(self)
        labels = {
            Appearance.SYSTEM: "Follow the &System",
            Appearance.LIGHT: "&Light",
            Appearance.DARK: "&Dark",
        }
        current = saved_appearance()
        for choice, label in labels.items():
            action = QAction(label, self, checkable=True)
            action.setChecked(choice is current)
            action.triggered.connect(lambda _c=False, c=choice: apply_appearance(c))
            group.addAction(action)
            appearance.addAction(action)
            self.appearance_actions[choice] = action

        help_menu = self.menuBar().addMenu("&Help")
        self.shortcuts_action = QAction("&Keyboard Shortcuts", self)
        self.shortcuts_action.setShortcut(QKeySequence("F1"))
        self.shortcuts_action.triggered.connect(self.show_shortcuts)
        help_menu.addAction(self.shortcuts_action)
        help_menu.addSeparator()
        about_action = QAction(f"&About {APP_NAME}", self)
        about_action.setMenuRole(QAction.MenuRole.AboutRole)
        about_action.triggered.connect(self.show_about)
        help_menu.addAction(about_action)
        self._rebuild_recent_menu()

    def _build_central(self) -> None:
        self.empty_label = QLabel(EMPTY_TEXT)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        font = self.empty_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.empty_label.setFont(font)
        self.empty_label.setEnabled(False)  # greyed: a hint, not content
        self.empty_open_button = QPushButton("Open File…")
        self.empty_open_button.clicked.connect(self.choose_file)
        self.empty_page = QWidget()
        empty_layout = QVBoxLayout(self.empty_page)
        empty_layout.addStretch(1)
        empty_layout.addWidget(self.empty_label)
        empty_layout.addSpacing(12)
        empty_layout.addWidget(self.empty_open_button, 0, Qt.AlignmentFlag.AlignHCenter)
        empty_layout.addStretch(1)

        self.banner = WarningBanner()
        self.banner.details_requested.connect(self.show_problems)
        self.banner.hide()
        self.model = SessionTableModel(self)
        self.table = SessionTableView()
        self.table.setModel(self.model)

        table_page = QWidget()
        layout = QVBoxLayout(table_page)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.table, 1)

        self.thresholds = self.archive_thresholds = ApdexThresholds()
        self.manifest_goals: list[dict] = []
        self.selection = Selection(self)
        self.selection.changed.connect(self._filter_sessions)
        self.dashboard = Dashboard(self.selection)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.problems_screen = ProblemsScreen(self.selection)
        self.errors_screen = ErrorsScreen(self.selection)
        self.problems_screen.error_requested.connect(lambda key: self.show_error_group(key))
        self.problems_screen.users_requested.connect(
            lambda key: self.show_error_group(key, users=True)
        )
        self.errors_screen.replay_requested.connect(self.replay_session)
        self.tabs.addTab(self.dashboard, "Dashboard")
        self.tabs.addTab(self.problems_screen, "Problems")
        self.tabs.addTab(self.errors_screen, "Errors")
        self.tabs.addTab(table_page, "Sessions")
        self.findings_screen = FindingsScreen()
        self.findings_screen.open_requested.connect(self.replay_session)
        self.findings_screen.export_requested.connect(self.choose_export)
        self.tabs.addTab(self.findings_screen, "Findings")
        self.sql_screen = SqlScreen()
        self.tabs.addTab(self.sql_screen, "SQL")
        self.replay_screen: ReplayScreen | None = None  # made on first use: it starts Chromium
        self.table.doubleClicked.connect(self._replay_row)
        self.table.activated.connect(self._replay_row)

        self.tabs.currentChanged.connect(self._tab_changed)
        archive_page = QWidget()  # the warnings banner concerns the whole archive: above the tabs
        archive_layout = QVBoxLayout(archive_page)
        archive_layout.setContentsMargins(0, 0, 0, 0)
        archive_layout.setSpacing(0)
        archive_layout.addWidget(self.banner)
        self.filter_bar = FilterBar(self.selection)  # narrows every investigation view
        self.filter_bar.setContentsMargins(8, 6, 8, 2)
        archive_layout.addWidget(self.filter_bar)
        archive_layout.addWidget(self.tabs, 1)

        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.empty_page)
        self.pages.addWidget(archive_page)
        self.setCentralWidget(self.pages)

    def _tab_changed(self, index: int) -> None:
        page = self.tabs.widget(index)
        if page is self.findings_screen:
            self.findings_screen.reload()  # findings are added in the replay screen
        # the filter narrows the investigation views; SQL and one session's replay ignore it
        self.filter_bar.setVisible(
            page not in (self.sql_screen, self.replay_screen, self.findings_screen)
        )

    def show_sessions(self) -> None:
        """Bring the session list to the front."""
        self.tabs.setCurrentWidget(self.table.parentWidget())

    def _filter_sessions(self, f: SessionFilter, _source: str) -> None:
        """The session list follows the investigation's selection like every other view."""
        if self.store is not None:
            self.model.set_sessions(self._rated(self.store.session_summaries(f), f))

    def _rated(self, sessions: list[SessionSummary], f: SessionFilter) -> list[SessionSummary]:
        """Sessions with their user-experience rating (against the dashboard's thresholds)."""
        if self.store is None:
            return sessions
        return _with_ratings(sessions, rate_sessions(self.store, f, self.thresholds.by_type))

    def _rate_in_background(self, store: SessionStore, sessions: list[SessionSummary]) -> None:
        """Fill the session list with each session's rating, queried off the GUI thread."""
        f, thresholds = self.selection.filter, self.thresholds.by_type

        def show(ratings: dict[str, str]) -> None:
            if self.store is store and not store.closed:
                self.model.set_sessions(_with_ratings(sessions, ratings))

        background().submit(lambda: rate_sessions(store, f, thresholds), show, owner=self)

    def _announce(self, store: SessionStore) -> None:
        if self.store is store and not store.closed:
            self.store_opened.emit(store)

    def _replay_row(self, index: QModelIndex) -> None:
        if index.isValid():
            self.replay_session(self.model.summary(index.row()).session_id)

    def edit_thresholds(self) -> None:
        """Let the user change the Apdex thresholds of this archive (remembered per archive)."""
        if self.store is None:
            return
        dialog = ApdexDialog(self.thresholds, self.archive_thresholds, self)
        if dialog.exec():
            self.apply_thresholds(dialog.thresholds())

    def choose_export(self, finding_ids: list[str] | None = None) -> None:
        """Ask for a format and a file, then export findings (default: all of the archive's)."""
        if self.store is None or self.current_path is None:
            return
        formats = list(FORMATS.values())
        label, ok = QInputDialog.getItem(self, "Export findings", "Format:", formats, 0, False)
        if not ok:
            return
        fmt = next(k for k, v in FORMATS.items() if v == label)
        path, _ = QFileDialog.getSaveFileName(
            self, "Export findings", str(Path.home() / f"findings.{fmt}"), label
        )
        if path:
            mask = (
                QMessageBox.question(
                    self, "Export findings", "Mask personal data (typed values, marked text)?"
                )
                != QMessageBox.StandardButton.No
            )
            self.export_findings(fmt, Path(path), list(finding_ids or []), mask)

    def export_findings(
        self, fmt: str, out: Path, finding_ids: list[str], mask: bool = True
    ) -> ExportJob | None:
        """Export findings (all of the archive's when ``finding_ids`` is empty) off the GUI
        thread, behind a progress dialog with Cancel."""
        if self.current_path is None:
            return None
        job = ExportJob(self.current_path, fmt, out, finding_ids, mask, self)
        job.finished.connect(self._export_done)
        self._export_job = job
        self._export_dialog = run_with_progress(job, self)
        return job

    def current_table(self) -> QAbstractItemView | None:
        """The table on the current tab (the one a CSV export writes)."""
        page = self.tabs.currentWidget()
        if page is self.table.parentWidget():
            return self.table
        if page is self.sql_screen:
            return self.sql_screen.table
        if page is self.errors_screen:
            lower = self.errors_screen.lower.currentIndex()
            return self.errors_screen.users if lower == 1 else self.errors_screen.top
        if page is self.replay_screen and self.replay_screen is not None:
            current = self.replay_screen.tabs.currentWidget()
            return getattr(current, "table", None)
        if page is self.problems_screen:
            return self.problems_screen.status_table
        return None

    def choose_csv(self) -> None:
        view = self.current_table()
        if view is None:
            self.set_status("This tab has no table to export")
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "Export table as CSV", str(Path.home() / "table.csv"), "CSV (*.csv)"
        )
        if path:
            count = export_table(view, path)
            self.set_status(f"Exported {count:,} rows to {path}")

    def choose_rrweb(self) -> None:
        screen = self.replay_screen
        if self.store is None or screen is None or screen.detail is None:
            return
        sid = screen.detail.session_id
        path, _ = QFileDialog.getSaveFileName(
            self, "Export session", str(Path.home() / f"{sid}.json"), "rrweb recording (*.json)"
        )
        if path:
            count = write_rrweb(self.store, sid, path, mask=True)
            self.set_status(f"Exported session {sid} ({count:,} events, personal data masked)")

    def _export_done(self, ok: bool, message: str) -> None:
        self._export_job = None
        if ok:
            self.set_status(f"Exported {message}")
        elif message != "Export cancelled":
            self.show_error("Export failed", message)
        else:
            self.set_status(message)

    def edit_goals(self) -> None:
        """Show the archive's goals and let the user add their own (remembered per archive)."""
        if self.store is None:
            return
        key = str(self.store.info().get("content_key", ""))
        dialog = GoalsDialog(self.manifest_goals, saved_goals(key), self)
        if dialog.exec():
            save_goals(key, dialog.own_goals)
            self.dashboard.set_goals(dialog.goals())

    def apply_thresholds(self, thresholds: ApdexThresholds) -> None:
        """Rate every view against new thresholds and remember them for this archive."""
        if self.store is None:
            return
        self.thresholds = thresholds
        save_thresholds(str(self.store.info().get("content_key", "")), thresholds)
        self.dashboard.set_thresholds(thresholds)
        self.problems_screen.thresholds = thresholds
        self.problems_screen.refresh()
        self._filter_sessions(self.selection.filter, "thresholds")

    def show_error_group(self, key: str, *, users: bool = False) -> None:
        """The Errors screen on one error group: its details, or the users it impacted."""
        self.tabs.setCurrentWidget(self.errors_screen)
        self.errors_screen.select_group(key)
        self.errors_screen.lower.setCurrentIndex(1 if users else 0)

    def replay_session(self, session_id: str, at_ms: int | None = None) -> bool:
        """Open the replay screen on a session of the open archive (at ``at_ms`` if given)."""
        if self.store is None:
            return False
        if self.replay_screen is None:
            from app.ui.replay_screen import ReplayScreen

            self.replay_screen = ReplayScreen()
            self.tabs.addTab(self.replay_screen, "Replay")
        if not self.replay_screen.open_session(self.store, session_id):
            self.show_error("Cannot replay", f"Session {session_id} is not in this archive.")
            return False
        self.rrweb_action.setEnabled(True)
        if at_ms is not None:  # the player seeks to the cursor once the session has loaded
            self.replay_screen.cursor.set_time(int(at_ms), "investigation")
        self.tabs.setCurrentWidget(self.replay_screen)
        self.replay_screen.view.setFocus()
        return True

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.status_label = QLabel()
        bar.addWidget(self.status_label, 1)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setFixedWidth(220)
        self.progress_bar.setFormat("%p%")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop reading the file; nothing is kept")
        self.cancel_button.clicked.connect(self.cancel_ingest)
        bar.addPermanentWidget(self.progress_bar)
        bar.addPermanentWidget(self.cancel_button)
        self._set_busy(False)

    # ---- state helpers -------------------------------------------------------------------
    @property
    def status_text(self) -> str:
        return self.status_label.text()

    def set_status(self, text: str) -> None:
        self.status_label.setText(text)

    def _show_empty(self, text: str) -> None:
        """The page shown while no archive is open: a hint, or what is being opened."""
        self.empty_label.setText(text)
        self.empty_open_button.setVisible(text == EMPTY_TEXT)
        self.pages.setCurrentWidget(self.empty_page)

    def _set_busy(self, busy: bool) -> None:
        self.progress_bar.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.cancel_button.setEnabled(busy)
        if busy:
            self.progress_bar.setValue(0)

    @property
    def is_ingesting(self) -> bool:
        """True while the ingest the window waits for is running."""
        return self._active is not None

    @property
    def running_ingests(self) -> int:
        """Worker threads not yet ended, including abandoned ones still stopping."""
        return len(self._runs)

    # ---- opening -------------------------------------------------------------------------
    def choose_file(self) -> None:
        start = str(self.current_path.parent) if self.current_path else ""
        name, _ = QFileDialog.getOpenFileName(self, "Open session archive", start, FILE_FILTER)
        if name:
            self.open_file(name)

    def open_files(self, paths: Sequence[str | Path]) -> None:
        """Files handed over by the system or a later launch: open the first, come forward.

        The window investigates one archive at a time; further files are named in the status
        bar rather than silently dropped. No files: just come to the front.
        """
        self.bring_to_front()
        if not paths:
            return
        self.open_file(paths[0])
        if len(paths) > 1:
            others = ", ".join(Path(p).name for p in paths[1:])
            self.set_status(
                f"Opening {Path(paths[0]).name}; one archive at a time — not opened: {others}"
            )

    def open_path(self, name: str) -> None:
        """One file from the system (a macOS open event)."""
        self.open_files([Path(name)])

    def bring_to_front(self) -> None:
        """Un-minimise, raise and activate the window (a second launch asked for it)."""
        if self.isMinimized():
            self.setWindowState(self.windowState() & ~Qt.WindowState.WindowMinimized)
        self.show()
        self.raise_()
        self.activateWindow()

    def open_file(self, path: str | Path, *, remember: bool = True) -> None:
        """Start ingesting ``path`` on a worker thread; a running ingest is cancelled first.

        ``remember=False`` keeps the file out of the recent list (the demo archive).
        """
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
        self._remember[run] = remember
        self._active = run
        self._set_busy(True)
        self.set_status(f"Opening {path.name}…")
        if self.store is None:
            self._show_empty(f"Opening {path.name}…")
        thread.start()

    def cancel_ingest(self) -> None:
        """The Cancel button: ask the running ingest to stop (it reports back when it has)."""
        if self._active is None:
            return
        self._runs[self._active].worker.cancel()
        self.cancel_button.setEnabled(False)
        self.set_status("Cancelling…")

    def _abandon_active(self) -> None:
        """Cancel the running ingest without reporting it; its late signals are ignored."""
        if self._active is not None:
            self._runs[self._active].worker.cancel()
            self._active = None

    def _on_progress(self, run: int, fraction: float, message: str) -> None:
        if run != self._active:
            return
        self.progress_bar.setValue(round(max(0.0, min(fraction, 1.0)) * 1000))
        if self.cancel_button.isEnabled():
            self.set_status(message)
        self.ingest_progress.emit(fraction, message)

    def _on_succeeded(self, run: int, opened: OpenedArchive) -> None:
        if run != self._active:
            opened.store.close()
            return
        self._active = None
        self._set_busy(False)
        if self.store is not None:
            # the screens are given the new store over the next turns: until then none may
            # query the old one, which is closed now
            for view in (self.dashboard, self.problems_screen, self.errors_screen, self.sql_screen):
                view.store = None
            background().wait()  # a query of the old store may still be running
            self.store.close()
        self.store = opened.store
        self.current_path = opened.path
        self.last_error = None
        self.selection.clear("open")
        self.filter_bar.set_values(self.store.attribute_values())
        info = self.store.info()
        self.archive_thresholds = ApdexThresholds.from_manifest(info.get("manifest"))
        self.thresholds = saved_thresholds(
            str(info.get("content_key", "")), self.archive_thresholds
        )
        self.apdex_action.setEnabled(True)
        self.export_action.setEnabled(True)
        self.csv_action.setEnabled(True)
        self.goals_action.setEnabled(True)
        self.manifest_goals = [
            g
            for g in (info.get("manifest") or {}).get("conversion_goals") or []
            if isinstance(g, dict)
        ]
        self.problems_screen.thresholds = self.thresholds
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.dashboard.hold_charts()  # they paint one by one once filled
        self.pages.setCurrentIndex(1)
        self.tabs.setCurrentWidget(self.dashboard)  # step 1 of an investigation
        self.table.fit_columns()
        self.setWindowTitle(f"{opened.path.name} — {APP_NAME}")
        self._problems = [describe_warning(sid, message) for sid, message in opened.warnings]
        if self._problems_dialog is not None:
            self._problems_dialog.close()
            self._problems_dialog = None
        if self._problems:
            self.banner.show_problems(opened.path.name, self._problems)
        else:
            self.banner.hide()
        self.set_status(plural(len(opened.sessions), "session"))
        if self._remember.get(run, True):
            self.add_recent_file(opened.path)
        store, key = self.store, str(info.get("content_key", ""))
        own = saved_goals(key)
        steps: list[Callable[[], object]] = [
            lambda: self.dashboard.set_store(
                store, self.thresholds, [*self.manifest_goals, *own] if own else None
            ),
            lambda: self._rate_in_background(store, opened.sessions),
            lambda: self.problems_screen.set_store(store),
            lambda: self.errors_screen.set_store(store, refresh=False),
            self.errors_screen.refresh_chart,
            lambda: self.errors_screen.refresh_table(select_first=False),
            self.errors_screen.select_first,
            lambda: self.sql_screen.set_store(store),
            lambda: self.findings_screen.set_archive(key),
        ]
        QTimer.singleShot(NEXT_TURN_MS, self, lambda: self._fill_screens(store, steps))

    def _fill_screens(self, store: SessionStore, steps: list[Callable[[], object]]) -> None:
        """Fill the other screens one per turn of the event loop, then announce the store.

        Why: each screen's first queries take tens of milliseconds on a large archive; done
        in one go they would freeze the window (the dashboard, shown first, is filled before).
        A newer archive opened meanwhile ends the sequence.
        """
        if self.store is not store or store.closed:
            return
        if not steps:
            # Through the background queue, so that it comes after every result queued
            # before it (the queue keeps its order).
            background().submit(lambda: None, lambda _: self._announce(store), owner=self)
            return
        steps[0]()
        QTimer.singleShot(NEXT_TURN_MS, self, lambda: self._fill_screens(store, steps[1:]))

    def _on_failed(self, run: int, exc: BaseException) -> None:
        if run != self._active:
            return
        self._active = None
        self._set_busy(False)
        path = self._runs[run].worker.path
        if not isinstance(exc, UnreadableFile | OSError):
            log.error("Opening %s failed", path, exc_info=exc)
        message = describe_failure(path, exc)
        self.last_error = message
        self._restore_view()
        self.set_status(f"Could not open {path.name}")
        self.open_failed.emit(message)
        self.show_error(f"Cannot open {path.name}", message)

    def _on_cancelled(self, run: int) -> None:
        if run != self._active:
            return
        self._active = None
        self._set_busy(False)
        self._restore_view()
        self.set_status("Cancelled")
        self.ingest_cancelled.emit()

    def _restore_view(self) -> None:
        """After a failed or cancelled open, show again what was there before."""
        if self.store is None:
            self._show_empty(EMPTY_TEXT)

    def _on_done(self, run: int) -> None:
        """The worker has finished; end its thread and drop the references."""
        entry = self._runs.pop(run, None)
        self._remember.pop(run, None)
        if entry is not None:
            entry.thread.quit()
            entry.thread.wait()
            entry.thread.deleteLater()

    def show_error(self, title: str, text: str) -> None:
        """Tell the user a file could not be opened (tests replace this to avoid the dialog)."""
        QMessageBox.warning(self, title, text)

    # ---- problems banner -----------------------------------------------------------------
    @property
    def problems(self) -> list[str]:
        return list(self._problems)

    def show_problems(self) -> None:
        if not self._problems:
            return
        name = self.current_path.name if self.current_path else "the archive"
        if self._problems_dialog is None:
            self._problems_dialog = ProblemsDialog(name, self._problems, self)
        self._problems_dialog.show()
        self._problems_dialog.raise_()
        self._problems_dialog.activateWindow()

    # ---- recent files --------------------------------------------------------------------
    _recent: list[str] | None = None  # what this window last wrote (the write may be pending)

    def recent_files(self) -> list[str]:
        if self._recent is not None:
            return list(self._recent)
        value = app_settings().value(RECENT_KEY, [])
        if isinstance(value, str):  # QSettings returns a lone entry as a plain string
            value = [value]
        return [str(item) for item in (value or []) if item]

    def add_recent_file(self, path: str | Path) -> None:
        entry = str(Path(path).resolve())
        files = ([entry] + [f for f in self.recent_files() if f != entry])[:MAX_RECENT]
        self._write_recent(files)

    def clear_recent_files(self) -> None:
        self._write_recent([])

    def _write_recent(self, files: list[str]) -> None:
        """Remember ``files`` now, write them to the settings on the background worker.

        Why: the settings file is flushed to disk when written, and right after an ingest
        the disk is busy with the new store — a write on the GUI thread waited up to a
        tenth of a second for it.
        """
        self._recent = files

        def write() -> None:
            settings = app_settings()
            if files:
                settings.setValue(RECENT_KEY, files)
            else:
                settings.remove(RECENT_KEY)

        background().submit(write, lambda _: None)
        self._rebuild_recent_menu()

    def _rebuild_recent_menu(self) -> None:
        """Refill Open Recent; files that have gone away are listed but disabled."""
        menu = self.recent_menu
        menu.clear()
        files = self.recent_files()
        if not files:
            placeholder = menu.addAction("No recent files")
            placeholder.setEnabled(False)
        for number, name in enumerate(files, start=1):
            path = Path(name)
            label = path.name.replace("&", "&&")
            prefix = f"&{number}  " if number < 10 else "1&0  "
            action = menu.addAction(f"{prefix}{label}")
            action.setData(name)
            exists = path.exists()
            action.setEnabled(exists)
            action.setToolTip(name if exists else f"{name} (no longer exists)")
            if not exists:
                action.setText(f"{prefix}{label} (missing)")
            action.triggered.connect(lambda _checked=False, p=name: self.open_file(p))
        menu.addSeparator()
        menu.addAction(self.clear_recent_action)
        self.clear_recent_action.setEnabled(bool(files))

    # ---- drag and drop -------------------------------------------------------------------
    @staticmethod
    def _dropped_file(event: QDropEvent | QDragEnterEvent | QDragMoveEvent) -> Path | None:
        mime = event.mimeData()
        if mime is None or not mime.hasUrls():
            return None
        for url in mime.urls():
            if url.isLocalFile():
                return Path(url.toLocalFile())
        return None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_file(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self._dropped_file(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        path = self._dropped_file(event)
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.open_file(path)

    # ---- about and closing ---------------------------------------------------------------
    def about_text(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(name)}&nbsp;&nbsp;</td><td>{html.escape(version)}</td></tr>"
            for name, version in component_versions().items()
        )
        return (
            f"<h3>{APP_NAME} {__version__}</h3>"
            "<p>An offline investigator for exported web-session archives: what went wrong, "
            "for whom, and the replay of the moment it did. Nothing leaves this computer.</p>"
            f"<table>{rows}</table>"
        )

    def show_about(self) -> None:
        box = QMessageBox(self)
        box.setWindowTitle(f"About {APP_NAME}")
        box.setIconPixmap(self.windowIcon().pixmap(64, 64))
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(self.about_text())
        copy = box.addButton("Copy Versions", QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Close)
        box.exec()
        if box.clickedButton() is copy:
            QGuiApplication.clipboard().setText(
                "\n".join(f"{k}: {v}" for k, v in component_versions().items())
            )

    def show_shortcuts(self) -> None:
        from app.ui.shortcuts_dialog import ShortcutsDialog

        ShortcutsDialog(self.menuBar(), self).exec()

    # ---- closing -------------------------------------------------------------------------
    def running_work(self) -> str:
        """What closing the window now would stop ("" when nothing runs)."""
        if self.is_ingesting:
            return "An archive is still being read. Quitting stops reading it (nothing is kept)."
        if self._export_job is not None:
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
        """Stop every ingest and export and close the store; called when the window closes."""
        self._active = None
        if self._export_job is not None:
            self._export_job.cancel()
            self._export_job = None
        if self.replay_screen is not None:
            self.replay_screen.shutdown()
        for run in list(self._runs.values()):
            if not run.stop():
                log.warning("ingest thread %s did not stop in time", run.thread.objectName())
        self._runs.clear()
        if self._problems_dialog is not None:
            self._problems_dialog.close()
        if self.store is not None:
            background().wait()
            self.store.close()
            self.store = None

    def closeEvent(self, event: QCloseEvent) -> None:
        work = self.running_work()
        if work and not self.confirm_close(work):
            event.ignore()
            return
        save_window(self)
        self.shutdown()
        super().closeEvent(event)
