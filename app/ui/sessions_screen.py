"""The Sessions tab: every session of the selection, rated, one double-click from its replay.

The list follows the investigation's one selection like every other view; the sessions and
their experience ratings (satisfying / tolerable / frustrating, against the archive's Apdex
thresholds) are queried as one task, so a filter change on a large archive never freezes
the window. The first list arrives with the archive (queried by the ingest's worker) and is
shown at once, unrated, until its ratings arrive.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.analysis.experience import rate_sessions
from app.state.navigation import CompareWith, Destination, ShowReplay, ShowSessions
from app.state.open_archive import ArchiveState
from app.state.search_index import SEARCH_LANE
from app.store.queries import sessions as session_queries
from app.store.queries.sessions import SessionSummary
from app.store.search import QuerySyntaxError, ensure_index, sessions_matching
from app.store.store import SessionStore
from app.ui.archive_screen import ArchiveScreen, ScreenModels
from app.ui.session_table import SessionTableModel, SessionTableView


def sessions_where(store: SessionStore, query: str) -> frozenset[str] | str:
    """The ids of the sessions where the full-text ``query`` holds, or why it cannot run.

    On the search lane: the index is built there first if it is not ready yet."""
    try:
        return frozenset(sessions_matching(ensure_index(store), query))
    except QuerySyntaxError as exc:
        return str(exc)


def with_ratings(sessions: list[SessionSummary], ratings: dict[str, str]) -> list[SessionSummary]:
    """``sessions`` with their user-experience rating filled in."""
    return [s.rated(ratings.get(s.session_id)) for s in sessions]


class SessionsScreen(ArchiveScreen):
    """The session list of the open archive under the current selection."""

    listed = Signal()
    """The list now shows the current selection, rated."""
    destination = ShowSessions

    def __init__(self, models: ScreenModels, parent: QWidget | None = None) -> None:
        super().__init__(models, parent)
        self._list_number = 0
        self.model = SessionTableModel(self)
        self.table = SessionTableView()
        self.table.setModel(self.model)
        self.table.doubleClicked.connect(self._replay_row)
        self.table.activated.connect(self._replay_row)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Find a user or session (any part of the id)…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.model.set_search)
        self.search.setToolTip("Enter replays the first session listed")
        self.search.returnPressed.connect(lambda: self._replay_row(self.model.index(0, 0)))
        self.where = ""  # the full-text query the list is limited to ("" for none)
        self.where_chip = QToolButton()  # "Sessions where: QUERY ✕"; a click removes it
        self.where_chip.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.where_chip.clicked.connect(lambda: self.set_where(""))
        self.where_chip.hide()
        row = QHBoxLayout()
        row.addWidget(self.search, 1)
        row.addWidget(self.where_chip)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)

    def archive_opened(self, state: ArchiveState) -> None:
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.model.set_sessions(state.sessions)  # at once, rated when the ratings arrive
        self.table.fit_columns()
        self.refresh(sessions=state.sessions)

    def archive_closed(self) -> None:
        self._list_number += 1
        self.set_where("")
        self.model.set_sessions([])

    def set_where(self, query: str) -> None:
        """List only the sessions where the full-text ``query`` holds ("" lists all again)."""
        self.where = query = query.strip()
        self.where_chip.setVisible(bool(query))
        if not query:
            self.model.set_only(None)
            return
        self.where_chip.setText(f"Sessions where: {query}  ✕")
        self.where_chip.setToolTip("Finding the sessions…")

        def show(found: frozenset[str] | str) -> None:
            if self.where != query:
                return  # another filter (or none) was asked for meanwhile
            if isinstance(found, str):  # the query cannot be read: say why, list nothing
                self.model.set_only(frozenset())
                self.where_chip.setToolTip(f"{found}\nClick to show every session again")
                return
            self.model.set_only(found)
            self.where_chip.setToolTip(
                f"{len(found):,} sessions where {query} — click to show every session again"
            )

        self.query(lambda store: sessions_where(store, query), show, lane=SEARCH_LANE)

    def current_table(self) -> QAbstractItemView | None:
        return self.table

    def selection_changed(self) -> None:
        self.refresh()

    def arrive(self, destination: Destination) -> None:
        """Sorted by the asked column, worst or largest first, and searched as asked."""
        if not isinstance(destination, ShowSessions):
            return
        columns = range(self.model.columnCount())
        titles = [self.model.headerData(c, Qt.Orientation.Horizontal) for c in columns]
        if destination.sort in titles:
            self.table.sortByColumn(titles.index(destination.sort), Qt.SortOrder.DescendingOrder)
        self.search.setText(destination.search)
        self.set_where(destination.where)

    def refresh(self, sessions: list[SessionSummary] | None = None) -> None:
        """List (unless ``sessions`` is the list already) and rate the selection's sessions."""
        if self.state is None:
            return
        f, thresholds = self.selection.filter, self.state.thresholds.by_type
        self._list_number += 1
        number = self._list_number

        def query(store: SessionStore) -> list[SessionSummary]:
            listed = (
                sessions if sessions is not None else session_queries.summaries(store.cursor(), f)
            )
            return with_ratings(listed, rate_sessions(store, f, thresholds))

        def show(rated: list[SessionSummary]) -> None:
            if number == self._list_number:
                self.model.set_sessions(rated)
                self.listed.emit()

        self.query(query, show)

    def row_menu(self, row: int) -> QMenu:
        """A session's context menu: replay it, or compare it with one that went right."""
        sid = self.model.summary(row).session_id
        menu = QMenu(self)
        menu.addAction("▶ Replay", lambda: self.navigate(ShowReplay(sid)))
        menu.addAction(
            "Compare with a successful session…", lambda: self.navigate(CompareWith(sid))
        )
        return menu

    def _context_menu(self, at: QPoint) -> None:
        index = self.table.indexAt(at)
        if index.isValid():
            self.row_menu(index.row()).exec(self.table.viewport().mapToGlobal(at))

    def _replay_row(self, index: QModelIndex) -> None:
        if index.isValid():
            self.navigate(ShowReplay(self.model.summary(index.row()).session_id))
