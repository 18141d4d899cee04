"""Problems — the tutorial's step 2: what went wrong, since when, and what it cost.

Left, the problems of the selection (see :mod:`app.analysis.problems` for the
definitions); right, the selected one: kinds, status, time span, root-cause candidate,
business impact (users, sessions, conversions lost), the affected / recovered / monitored
table, the pages and user actions it touched, and its impacted sessions — most frustrated
first, each one click from its replay at the error. Buttons lead to the error's analysis,
its impacted users and the worst-hit session's replay; the screen asks
:class:`~app.state.navigation.Navigation` to go there, the window routes it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.analysis.problems import Problem, detect_problems
from app.state.navigation import CompareWith, Destination, ShowErrors, ShowProblems, ShowReplay
from app.state.open_archive import ArchiveState
from app.store.queries.impact import ImpactedSession, impacted_sessions
from app.store.store import SessionStore
from app.ui.archive_screen import ArchiveScreen, ScreenModels
from app.ui.impacted_table import ImpactedSessionsTable
from app.ui.layout_memory import remember_splitter
from app.ui.rich_text import escape
from app.ui.tables import read_whole
from app.ui.theme import colour_hex


def when(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%d %b %H:%M UTC")


class ProblemsScreen(ArchiveScreen):
    destination = ShowProblems

    def __init__(self, models: ScreenModels, parent: QWidget | None = None) -> None:
        super().__init__(models, parent)
        self.problems: list[Problem] = []

        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setSpacing(2)
        self.list.currentRowChanged.connect(self._show)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_table = QTableWidget(0, 4)
        self.status_table.setHorizontalHeaderLabels(["Items", "Affected", "Recovered", "Monitored"])
        self.status_table.verticalHeader().hide()
        self.status_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.status_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self._fit_status = read_whole(self.status_table, 1, 6)  # as tall as its rows
        self.impacted = ImpactedSessionsTable()
        self.impacted.replay_requested.connect(
            lambda sid, at: self.navigate(ShowReplay.at_error(sid, at))
        )
        self.impacted.compare_requested.connect(lambda sid: self.navigate(CompareWith(sid)))
        self.impacted_title = QLabel()
        self.touched = QLabel()
        self.touched.setWordWrap(True)
        self.touched.setTextFormat(Qt.TextFormat.RichText)
        self.touched.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.replay_button = QPushButton("▶ Replay the most impacted session at the error")
        self.replay_button.setToolTip("The session at the top of the impacted list")
        self.replay_button.clicked.connect(lambda: self.impacted.replay_row(0))
        self.compare_button = QPushButton("Compare it with a successful session…")
        self.compare_button.setToolTip(
            "The most impacted session against one of the same path that went right: "
            "where they part ways (or right-click any impacted session)"
        )
        self.compare_button.clicked.connect(lambda: self.impacted.compare_row(0))
        self.error_button = QPushButton("Analyse the error…")
        self.users_button = QPushButton("Impacted users…")
        self.error_button.clicked.connect(self._request_error)
        self.users_button.clicked.connect(self._request_users)
        self.empty = QLabel("No problem found in the selection.")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)

        details = QWidget()
        dl = QVBoxLayout(details)
        dl.addWidget(self.heading)
        buttons = QHBoxLayout()
        buttons.addWidget(self.replay_button)
        buttons.addWidget(self.compare_button)
        buttons.addWidget(self.error_button)
        buttons.addWidget(self.users_button)
        buttons.addStretch(1)
        dl.addLayout(buttons)
        dl.addWidget(self.impacted_title)
        dl.addWidget(self.impacted, 3)
        affected = QHBoxLayout()
        items = QVBoxLayout()
        items.addWidget(QLabel("<b>Affected items</b>"))
        items.addWidget(self.status_table)
        items.addStretch(1)
        affected.addLayout(items, 3)
        affected.addWidget(self.touched, 2)
        dl.addLayout(affected, 1)
        self.details = details

        splitter = QSplitter()
        splitter.addWidget(self.list)
        splitter.addWidget(details)
        splitter.setSizes([280, 1000])
        remember_splitter(splitter, "problems")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.empty)
        layout.addWidget(splitter, 1)
        self.splitter = splitter

    def selection_changed(self) -> None:
        self.refresh()

    def archive_opened(self, state: ArchiveState) -> None:
        self.refresh()

    def archive_closed(self) -> None:
        self._refresh_number += 1
        self._fill([])
        self.impacted.set_sessions([])

    def arrive(self, destination: Destination) -> None:
        if isinstance(destination, ShowProblems):
            self.show_problem(destination.title)

    def show_problem(self, title: str | None = None) -> None:
        """Select the problem titled ``title`` (else the first open one), now or as soon as
        the problems are listed."""
        self._wanted = title
        self._select_wanted()

    _wanted: str | None = None

    def _select_wanted(self) -> None:
        titles = [p.title for p in self.problems]
        if self._wanted in titles:
            row = titles.index(self._wanted)
        else:
            row = next((i for i, p in enumerate(self.problems) if p.is_open), 0)
        if self.problems and row != self.list.currentRow():
            self.list.setCurrentRow(row)

    def current_table(self) -> QAbstractItemView | None:
        return self.status_table

    def refresh(self) -> None:
        """Detect the selection's problems off the GUI thread (shared with the dashboard's
        detection through its cache), then list them."""
        self._refresh_number += 1
        number = self._refresh_number
        if self.state is None:
            self._fill([])
            return
        f, thresholds = self.selection.filter, self.state.thresholds

        def show(found: list[Problem]) -> None:
            if number == self._refresh_number:
                self._fill(found)

        self.query(lambda store: detect_problems(store, f, thresholds), show)

    _refresh_number = 0

    def _fill(self, problems: list[Problem]) -> None:
        self.problems = problems
        self.list.blockSignals(True)
        self.list.clear()
        for problem in self.problems:
            state = "OPEN" if problem.is_open else "closed"
            item = QListWidgetItem(
                f"{state} · {problem.title}\n{', '.join(problem.kinds)}\n"
                f"{problem.users_affected} users affected · since {when(problem.start_ms)}"
            )
            item.setForeground(
                Qt.GlobalColor.darkRed if problem.is_open else Qt.GlobalColor.darkGreen
            )
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.empty.setVisible(not self.problems)
        self.splitter.setVisible(bool(self.problems))
        if self.problems:
            self.list.setCurrentRow(0)
            self._show(0)
            self._select_wanted()

    @property
    def current(self) -> Problem | None:
        row = self.list.currentRow()
        return self.problems[row] if 0 <= row < len(self.problems) else None

    def _show(self, row: int) -> None:
        if not 0 <= row < len(self.problems):
            return
        p = self.problems[row]
        colour, red = colour_hex("error" if p.is_open else "good"), colour_hex("error")
        state = "Open" if p.is_open else "Closed"
        self.heading.setText(
            f"<h2 style='margin:0'>{escape(p.title)}</h2>"
            f"<p><span style='color:{colour}; font-weight:bold'>{state}</span> · "
            f"{escape(', '.join(p.kinds))}<br>"
            f"{when(p.start_ms)} – {when(p.end_ms)}</p>"
            f"<p><b>Root cause candidate:</b> {escape(p.root_cause)}</p>"
            f"<p style='font-size:large'><b>Business impact:</b> "
            f"<span style='color:{red}'><b>{p.users_affected}</b> users</span> · "
            f"<b>{len(p.sessions)}</b> sessions · "
            f"<b>{p.conversions_lost:.0f}</b> conversions lost</p>"
        )
        self.status_table.setRowCount(len(p.status))
        for r, row_data in enumerate(p.status):
            values = [row_data.item, row_data.affected, row_data.recovered, row_data.monitored]
            for c, value in enumerate(values):
                cell = QTableWidgetItem("–" if value is None else str(value))
                if c:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.status_table.setItem(r, c, cell)
        self._fit_status()
        pages = "".join(f"<li>{escape(u)} ({n})</li>" for u, n in p.pages[:8])
        actions = "".join(f"<li>{escape(a)} ({n})</li>" for a, n in p.actions[:8])
        self.touched.setText(
            f"<b>Affected pages</b><ul>{pages or '<li>–</li>'}</ul>"
            f"<b>Affected user actions</b><ul>{actions or '<li>–</li>'}</ul>"
        )
        self.error_button.setEnabled(p.error_key is not None)
        self.users_button.setEnabled(p.error_key is not None)
        self._list_impacted(p)

    def _list_impacted(self, p: Problem) -> None:
        """The problem's sessions, most frustrated first (a task), in the impacted table."""
        self.impacted.set_sessions([])
        self.replay_button.setEnabled(False)
        self.compare_button.setEnabled(False)
        self.impacted_title.setText(f"<b>Impacted sessions</b> ({len(p.sessions):,}) · listing…")
        moments = {sid: p.first_error_ms.get(sid) for sid in p.sessions}

        def query(store: SessionStore) -> list[ImpactedSession]:
            return impacted_sessions(store.cursor(), moments)

        def show(found: list[ImpactedSession]) -> None:
            if self.current is p:
                self.impacted.set_sessions(found)
                self.replay_button.setEnabled(bool(found))
                self.compare_button.setEnabled(bool(found))
                self.impacted_title.setText(
                    f"<b>Impacted sessions</b> ({len(found):,}) · most frustrated first"
                )

        self.query(query, show)

    def _request_error(self) -> None:
        if self.current and self.current.error_key:
            self.navigate(ShowErrors(self.current.error_key))

    def _request_users(self) -> None:
        if self.current and self.current.error_key:
            self.navigate(ShowErrors(self.current.error_key, users=True))
