"""JavaScript errors — the tutorial's steps 3 to 5.

Top: errors and user actions on one timeline (shared time axis). Middle: the Top-10 table
(occurrences, users, sessions, first and last seen, flags — their definitions in the
tooltips, see :mod:`app.analysis.errors`). Below, for the selected error: its details
(message, pages, browsers, the stack trace resolved through the archive's source maps, the
user action it occurred in) and the impacted users — searchable, sortable — with their
sessions and a Replay button that opens a session a moment before the error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.analysis.apdex import ApdexThresholds
from app.analysis.errors import FLAG_DEFINITIONS, RankedError, top_errors
from app.analysis.sourcemaps import SourceMap, archive_source_maps, resolve_stack, stack_text
from app.state.navigation import Destination, ShowErrors, ShowReplay
from app.state.open_archive import ArchiveState
from app.store.findings import Finding, error_title
from app.store.queries import errors as error_queries
from app.store.queries import overview as overview_queries
from app.store.queries.errors import AffectedSession, ErrorGroup
from app.store.queries.overview import Bucket
from app.store.store import SessionStore
from app.ui import charts
from app.ui.archive_screen import ArchiveScreen, ScreenModels
from app.ui.findings_panel import ask_and_save
from app.ui.layout_memory import remember_splitter
from app.ui.rich_text import escape
from app.ui.tables import read_only_table, read_whole
from app.ui.theme import colour, restyle_plots

TOP_COLUMNS = ["JavaScript error", "Occurrences", "Users", "Sessions", "First seen", "Last seen",
               "Flags"]  # fmt: skip
TOP_ROWS = 10


def when(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S")


class SortableItem(QTableWidgetItem):
    """A cell that sorts by a value of its own (numbers as numbers)."""

    def __init__(self, text: str, key: object) -> None:
        super().__init__(text)
        self.key = key

    def __lt__(self, other: QTableWidgetItem) -> bool:
        if isinstance(other, SortableItem):
            return self.key < other.key  # type: ignore[operator]
        return super().__lt__(other)


class ErrorsScreen(ArchiveScreen):
    destination = ShowErrors

    def __init__(self, models: ScreenModels, parent: QWidget | None = None) -> None:
        super().__init__(models, parent)
        self._wanted: tuple[str, bool] | None = None  # a group asked for before it was listed
        self._table_number = 0
        self._details_number = 0
        self.ranked: list[RankedError] = []
        self.affected: list[AffectedSession] = []
        self._maps: dict[str, SourceMap] = {}

        self.actions_plot = self._plot("actions / min")
        self.errors_plot = self._plot("errors / min")
        self.errors_plot.setMinimumHeight(120)  # with its time axis
        self.errors_plot.setXLink(self.actions_plot)
        self.actions_plot.getAxis("bottom").setStyle(showValues=False)
        self.actions_plot.setLabel("bottom", "")

        self.top = read_only_table(TOP_COLUMNS)
        flags_tip = "\n".join(f"{name}: {text}" for name, text in FLAG_DEFINITIONS.items())
        self.top.horizontalHeaderItem(len(TOP_COLUMNS) - 1).setToolTip(flags_tip)
        self.top.horizontalHeaderItem(0).setToolTip(
            "Errors are grouped by their message (numbers and URLs aside) and top stack frame"
        )
        self.top.itemSelectionChanged.connect(self._selected)
        self.top.doubleClicked.connect(lambda _index: self.lower.setCurrentIndex(1))  # its users
        self._fit_top = read_whole(self.top, 3, TOP_ROWS)

        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.stack = QPlainTextEdit()
        self.stack.setReadOnly(True)
        self.stack.setFont(QFont("monospace"))
        self.stack.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        details_page = QWidget()
        dl = QVBoxLayout(details_page)
        dl.addWidget(self.details)
        dl.addWidget(QLabel("<b>Stack trace</b> (resolved through the archive's source maps)"))
        dl.addWidget(self.stack, 1)

        self.user_search = QLineEdit()
        self.user_search.setPlaceholderText("Find a user…")
        self.user_search.setClearButtonEnabled(True)
        self.user_search.textChanged.connect(self._filter_users)
        self.users = read_only_table(["User", "Sessions", "First error (UTC)", "Converted"])
        self.users.setSortingEnabled(True)
        self.users.itemSelectionChanged.connect(self._user_selected)
        self.sessions = read_only_table(["Session", "First error (UTC)", "Errors", "Browser"])
        self.sessions.doubleClicked.connect(lambda _i: self._replay())
        self.replay_button = QPushButton("Replay session at the error")
        self.replay_button.setEnabled(False)
        self.replay_button.clicked.connect(self._replay)
        self.finding_button = QPushButton("Add finding at the error…")
        self.finding_button.setEnabled(False)
        self.finding_button.clicked.connect(self._add_finding)
        self.sessions.itemSelectionChanged.connect(self._session_selected)
        users_page = QWidget()
        ul = QHBoxLayout(users_page)
        left = QVBoxLayout()
        left.addWidget(self.user_search)
        left.addWidget(self.users, 1)
        right = QVBoxLayout()
        right.addWidget(QLabel("Sessions of the selected user with this error"))
        right.addWidget(self.sessions, 1)
        session_buttons = QHBoxLayout()
        session_buttons.addStretch(1)
        session_buttons.addWidget(self.finding_button)
        session_buttons.addWidget(self.replay_button)
        right.addLayout(session_buttons)
        ul.addLayout(left, 3)
        ul.addLayout(right, 2)

        self.lower = QTabWidget()
        self.lower.addTab(details_page, "Error details")
        self.lower.addTab(users_page, "Impacted users")

        chart_pane = QWidget()
        cl = QVBoxLayout(chart_pane)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.setSpacing(0)
        cl.addWidget(self.actions_plot)
        cl.addWidget(self.errors_plot)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        for part in (chart_pane, self.top, self.lower):  # the Top 10 is as tall as its rows
            splitter.addWidget(part)
        splitter.setSizes([260, 260, 420])
        remember_splitter(splitter, "errors")
        page = QWidget()  # scrolls as a whole in a window too short for its parts' minimums
        layout = QVBoxLayout(page)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(QLabel("<b>JavaScript errors versus user actions</b> · Top 10 errors"))
        layout.addWidget(splitter, 1)
        self.page = QScrollArea(widgetResizable=True, frameShape=QFrame.Shape.NoFrame)
        self.page.setWidget(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.page)

    def changeEvent(self, event: QEvent) -> None:
        """Charts are drawn in palette colours: restyle them when light/dark changes."""
        if event.type() == QEvent.Type.PaletteChange:
            restyle_plots(self)
        super().changeEvent(event)

    @staticmethod
    def _plot(unit: str) -> pg.PlotWidget:
        plot = charts.time_plot(unit)
        plot.setMouseEnabled(x=True, y=False)
        plot.getAxis("left").setWidth(60)
        plot.setMinimumHeight(90)
        return plot

    # ---------------------------------------------------------------- data

    def selection_changed(self) -> None:
        self.refresh()

    def archive_opened(self, state: ArchiveState) -> None:
        """The chart, then the Top 10 (each a task), then the source maps for the stacks."""
        self._maps = {}
        self.refresh()
        self.query(archive_source_maps, self._set_maps)

    def archive_changed(self, state: ArchiveState) -> None:
        pass  # thresholds and goals change nothing shown here

    def archive_closed(self) -> None:
        self._table_number += 1
        self._details_number += 1
        self._maps, self.ranked, self.affected, self._wanted = {}, [], [], None
        self.actions_plot.clear()
        self.errors_plot.clear()
        self.top.setRowCount(0)
        self._clear_details("")

    def current_table(self) -> QAbstractItemView | None:
        return self.users if self.lower.currentIndex() == 1 else self.top

    def _set_maps(self, maps: dict[str, SourceMap]) -> None:
        self._maps = maps
        if self.current is not None:
            self._selected()  # the stack shown before the maps arrived was left minified

    def refresh(self) -> None:
        self.refresh_chart()
        self.refresh_table()

    def arrive(self, destination: Destination) -> None:
        if isinstance(destination, ShowErrors) and destination.key:
            self.show_group(destination.key, users=destination.users)

    def show_group(self, key: str, *, users: bool = False) -> None:
        """Select an error group and show its details or its impacted users.

        Asked before the Top 10 has arrived, it is done as soon as it does.
        """
        self.lower.setCurrentIndex(1 if users else 0)
        if not self.select_group(key):
            self._wanted = (key, users)

    def refresh_chart(self) -> None:
        """Errors versus user actions over time, for the selection (queried off the GUI
        thread, drawn when the figures arrive)."""
        f = self.selection.filter

        def query(store: SessionStore) -> tuple[tuple[int, int], int, list[Bucket]] | None:
            span = charts.shown_span(overview_queries.time_span(store.cursor()), f)
            if span is None:
                return None
            width = charts.bucket_width(max(1, span[1] - span[0]))
            return (
                span,
                width,
                overview_queries.timeseries(store.cursor(), f, width, ApdexThresholds().by_type),
            )

        def draw(figures: tuple[tuple[int, int], int, list[Bucket]] | None) -> None:
            if figures is not None:
                self._draw(*figures)

        self.query(query, draw)

    def refresh_table(self) -> None:
        """The Top 10 (a task) and, through its first row, the details and impacted users."""
        f = self.selection.filter
        self._table_number += 1
        number = self._table_number

        def fill(ranked: list[RankedError]) -> None:
            if number == self._table_number:
                self._fill_table(ranked)

        self.query(lambda store: top_errors(store, f), fill)

    def _fill_table(self, ranked: list[RankedError]) -> None:
        self.ranked = ranked
        self.top.setSortingEnabled(False)
        self.top.setRowCount(len(self.ranked))
        self._fit_top()
        for row, item in enumerate(self.ranked):
            g = item.group
            cells = [
                SortableItem(g.message, g.message),
                SortableItem(f"{g.occurrences:,}", g.occurrences),
                SortableItem(f"{g.users:,}", g.users),
                SortableItem(f"{g.sessions:,}", g.sessions),
                SortableItem(when(g.first_ms), g.first_ms),
                SortableItem(when(g.last_ms), g.last_ms),
                SortableItem(", ".join(item.flags), ", ".join(item.flags)),
            ]
            cells[0].setToolTip(g.message)
            cells[-1].setToolTip(
                "\n".join(f"{n}: {FLAG_DEFINITIONS[n]}" for n in item.flags) or "no flag"
            )
            if item.flags:
                cells[-1].setForeground(colour("error", self.palette()))  # light or dark
            for col, cell in enumerate(cells):
                if col:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                cell.setData(Qt.ItemDataRole.UserRole, g.key)
                self.top.setItem(row, col, cell)
        wanted, self._wanted = self._wanted, None
        if wanted is not None and self.select_group(wanted[0]):
            self.lower.setCurrentIndex(1 if wanted[1] else 0)
        elif self.ranked:
            self.top.selectRow(0)
        else:
            self._clear_details("No JavaScript error in the selection.")

    def _clear_details(self, text: str) -> None:
        self.details.setText(text)
        self.stack.clear()
        self.users.setRowCount(0)
        self.sessions.setRowCount(0)
        self.replay_button.setEnabled(False)
        self.finding_button.setEnabled(False)

    def _draw(self, span: tuple[int, int], width: int, buckets: list[Bucket]) -> None:
        scale, unit = charts.rate_scale(width, "actions")
        xs = np.array([(b.start_ms + width / 2) / 1000 for b in buckets])
        self.actions_plot.clear()
        self.errors_plot.clear()
        actions = np.array([sum(b.actions.values()) / scale for b in buckets])
        self.actions_plot.plot(xs, actions, pen=pg.mkPen(charts.TYPE_COLOURS["xhr"], width=2))
        self.actions_plot.setLabel("left", unit)
        charts.y_range(self.actions_plot, float(actions.max(initial=0)))
        errors = np.array([b.errors / scale for b in buckets])
        self.errors_plot.addItem(pg.BarGraphItem(
            x=xs, height=errors, width=charts.bar_width(width), brush=charts.ERROR_COLOUR, pen=None
        ))  # fmt: skip
        self.errors_plot.setLabel("left", charts.rate_scale(width, "errors")[1])
        self.errors_plot.setLabel("bottom", charts.time_label(width))
        charts.y_range(self.errors_plot, float(errors.max(initial=0)))
        whole = charts.x_range(span, [b.start_ms for b in buckets], width)
        self.errors_plot.setXRange(*whole, padding=0.01)

    # ---------------------------------------------------------------- selection

    def select_group(self, key: str) -> bool:
        for row in range(self.top.rowCount()):
            item = self.top.item(row, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == key:
                self.top.selectRow(row)
                return True
        return False

    @property
    def current(self) -> RankedError | None:
        items = self.top.selectedItems()
        if not items:
            return None
        key = items[0].data(Qt.ItemDataRole.UserRole)
        return next((r for r in self.ranked if r.group.key == key), None)

    def _selected(self) -> None:
        """Details and impacted users of the selected group, queried as one task."""
        ranked = self.current
        if ranked is None:
            return
        g, f, maps = ranked.group, self.selection.filter, self._maps
        self._details_number += 1
        number = self._details_number

        def query(store: SessionStore) -> _Details:
            con = store.cursor()
            return _Details(
                error_queries.group_breakdown(con, f, g.key, "page"),
                error_queries.group_breakdown(con, f, g.key, "browser"),
                error_queries.group_breakdown(con, f, g.key, "action"),
                resolve_stack(g.stack, maps),
                error_queries.group_sessions(con, f, g.key),
            )

        def show(details: _Details) -> None:
            if number == self._details_number:
                self._show_details(g, details)

        self.query(query, show)

    def _show_details(self, g: ErrorGroup, found: _Details) -> None:
        cause, cause_n = found.actions[0] if found.actions else ("unknown", 0)
        self.details.setText(
            f"<h3 style='margin:0'>{escape(g.message)}</h3>"
            f"<p><b>Caused by the user action</b> <code style='font-size:large'>"
            f"{escape(cause)}</code> ({cause_n} of {g.occurrences} occurrences)</p>"
            f"<p><b>Pages:</b> {_counts(found.pages)}<br>"
            f"<b>Browsers:</b> {_counts(found.browsers)}<br>"
            f"<b>Top frame:</b> {escape(g.top_frame or 'none')}</p>"
        )
        heading = g.stack.splitlines()[0] if g.stack else g.message
        self.stack.setPlainText(stack_text(heading, found.frames))
        self.affected = found.affected
        self._fill_users()

    def _fill_users(self) -> None:
        by_user: dict[str, list[AffectedSession]] = {}
        for session in self.affected:
            by_user.setdefault(session.user_id or "(anonymous)", []).append(session)
        self.users.setSortingEnabled(False)
        self.users.setRowCount(len(by_user))
        for row, (user, sessions) in enumerate(by_user.items()):
            first = min(s.first_error_ms for s in sessions)
            converted = any(s.converted for s in sessions)
            cells = [
                SortableItem(user, user.lower()),
                SortableItem(str(len(sessions)), len(sessions)),
                SortableItem(when(first), first),
                SortableItem("yes" if converted else "no", converted),
            ]
            for col, cell in enumerate(cells):
                cell.setData(Qt.ItemDataRole.UserRole, user)
                self.users.setItem(row, col, cell)
        self.users.setSortingEnabled(True)
        self.users.sortItems(2, Qt.SortOrder.DescendingOrder)  # most recent first, not Z→A
        self._filter_users(self.user_search.text())
        self.sessions.setRowCount(0)
        self.replay_button.setEnabled(False)

    def _filter_users(self, text: str) -> None:
        needle = text.strip().lower()
        for row in range(self.users.rowCount()):
            item = self.users.item(row, 0)
            self.users.setRowHidden(row, bool(needle) and needle not in item.text().lower())

    def select_user(self, user_id: str) -> bool:
        for row in range(self.users.rowCount()):
            if self.users.item(row, 0).text() == user_id:
                self.users.selectRow(row)
                return True
        return False

    def _user_selected(self) -> None:
        items = self.users.selectedItems()
        if not items:
            return
        user = items[0].data(Qt.ItemDataRole.UserRole)
        mine = [s for s in self.affected if (s.user_id or "(anonymous)") == user]
        self.sessions.setRowCount(len(mine))
        for row, s in enumerate(mine):
            cells = [s.session_id, when(s.first_error_ms), str(s.occurrences), s.browser or ""]
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, (s.session_id, s.first_error_ms))
                self.sessions.setItem(row, col, cell)
        if mine:
            self.sessions.selectRow(0)

    def _session_selected(self) -> None:
        chosen = bool(self.sessions.selectedItems())
        self.replay_button.setEnabled(chosen)
        self.finding_button.setEnabled(chosen)

    def _add_finding(self) -> None:
        """A finding at the selected session's first occurrence of this error."""
        items, ranked, state = self.sessions.selectedItems(), self.current, self.state
        if not items or ranked is None or state is None:
            return
        session_id, at = items[0].data(Qt.ItemDataRole.UserRole)
        finding = Finding(
            archive_key=state.content_key,
            archive_name=state.source_name,
            session_id=session_id,
            ts_ms=int(at),
            title=error_title(ranked.group.message),
            note=f"{len(self.affected)} sessions affected; top frame {ranked.group.top_frame}",
        )
        ask_and_save(finding, when(int(at)), self)

    def _replay(self) -> None:
        items = self.sessions.selectedItems()
        if items:
            session_id, at = items[0].data(Qt.ItemDataRole.UserRole)
            self.navigate(ShowReplay.at_error(session_id, int(at)))


def _counts(pairs: list[tuple[str, int]]) -> str:
    return ", ".join(f"{escape(v)} ({n})" for v, n in pairs[:6]) or "–"


@dataclass(frozen=True)
class _Details:
    """What the details of one error group queried (on a worker)."""

    pages: list[tuple[str, int]]
    browsers: list[tuple[str, int]]
    actions: list[tuple[str, int]]
    frames: list[Any]
    affected: list[AffectedSession]
