"""SQL: read-only DuckDB SQL over the open archive's store, with saved queries.

The store runs user SQL on a read-only connection with file access switched off (see
``app/store/store.py``), so nothing typed here can change the store or touch other files.
Saved queries live in the user's settings (they are about the schema, not one archive);
a few examples come with the app.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.state.open_archive import OpenArchive
from app.state.settings import app_settings
from app.state.tasks import Task, TaskRunner, describe
from app.store.store import QUERY_CANCELLED, QueryError, SessionStore, UserQuery
from app.ui.layout_memory import remember_splitter

SAVED_KEY = "sql/saved_queries"
PAGE_ROWS = 200
"""Rows read per page: the first screenful and more, as the table scrolls."""
SQL_LANE = "sql"
COUNT_LANE = "sql-count"
TABLES_HINT = (
    "Tables: sessions, events, actions, errors, requests, vitals, goals, idle_periods, "
    "source_maps, archive_info, ingest_warnings. Rows are read as you scroll: "
    "give aggregates an ORDER BY so every page follows the same order."
)
EXAMPLES = {
    "Sessions and conversions per day": (
        "SELECT CAST(s.started_at AS DATE) AS day, count(*) AS sessions,\n"
        "       count(DISTINCT g.session_id) AS converted\n"
        "FROM sessions s LEFT JOIN goals g USING (session_id)\nGROUP BY day ORDER BY day"
    ),
    "Errors by message": (
        "SELECT message, count(*) AS occurrences, count(DISTINCT session_id) AS sessions,\n"
        "       min(ts) AS first_seen, max(ts) AS last_seen\n"
        "FROM errors GROUP BY message ORDER BY occurrences DESC"
    ),
    "Slowest XHR actions": (
        "SELECT name, count(*) AS n, median(duration_ms) AS median_ms,\n"
        "       quantile_cont(duration_ms, 0.9) AS p90_ms\n"
        "FROM actions WHERE type = 'xhr' GROUP BY name ORDER BY p90_ms DESC LIMIT 20"
    ),
}


class ResultModel(QAbstractTableModel):
    """The rows read so far; asks for the next page when the view scrolls to the end.

    Why pages: a table shows a screenful, and ``SELECT * FROM events`` may be millions of
    rows. The screen fetches each page as a task and hands it to :meth:`add_page`.
    """

    more_wanted = Signal()
    """The view reached the last row read while the result has more."""

    def __init__(self) -> None:
        super().__init__()
        self.columns: list[str] = []
        self.rows: list[tuple[Any, ...]] = []
        self.complete = True  # every row has been read (or no more will be)
        self.fetching = False  # a page is on its way

    def set_result(self, columns: list[str], rows: list[tuple[Any, ...]], complete: bool) -> None:
        self.beginResetModel()
        self.columns, self.rows = columns, list(rows)
        self.complete, self.fetching = complete, False
        self.endResetModel()

    def add_page(self, rows: list[tuple[Any, ...]], complete: bool) -> None:
        self.fetching = False
        self.complete = complete
        if rows:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(rows) - 1)
            self.rows.extend(rows)
            self.endInsertRows()

    def stop_fetching(self) -> None:
        """No more pages (the query was cancelled or failed)."""
        self.complete, self.fetching = True, False

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self.complete and not self.fetching

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self.fetching = True
            self.more_wanted.emit()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        value = self.rows[index.row()][index.column()]
        return "NULL" if value is None else str(value)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.columns[section]
        return section + 1


SQL_SHORTCUTS = {
    "Ctrl+Return": "Run the query (in the editor)",
    "Esc": "Cancel the running query",
}


class SqlScreen(QWidget):
    """The SQL tab: the user's query runs as tasks, a page at a time, and can be cancelled.

    Why tasks: a user query may take seconds or minutes; on the GUI thread it froze the
    window. The query and its pages run on lane :data:`SQL_LANE` (a long query does not
    hold up the other screens' queries on the store lane), its count on
    :data:`COUNT_LANE` (scrolling does not wait for the count).
    """

    def __init__(
        self,
        tasks: TaskRunner,
        parent: QWidget | None = None,
        archive: OpenArchive | None = None,
    ) -> None:
        super().__init__(parent)
        self.tasks = tasks
        if archive is not None:  # queries the open archive's store, none once it closes
            archive.opened.connect(lambda state: self.set_store(state.store))
            archive.closed.connect(lambda: self.set_store(None))
        self.store: SessionStore | None = None
        self.query: UserQuery | None = None
        self._running: list[Task] = []  # the current query's tasks (run, page, count)
        self._total: int | None = None
        self._elapsed_ms = 0.0
        self.editor = QPlainTextEdit()
        self.editor.setFont(QFont("monospace"))
        self.editor.setPlaceholderText("SELECT … FROM sessions / events / actions / errors / …")
        self.run_button = QPushButton("Run (Ctrl+Enter)")
        self.run_button.clicked.connect(self.run)
        self.run_button.setEnabled(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the running query (Esc)")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setEnabled(False)
        run_keys, cancel_keys = SQL_SHORTCUTS
        QShortcut(QKeySequence(run_keys), self.editor, activated=self.run)
        QShortcut(
            QKeySequence(cancel_keys),
            self,
            activated=self.cancel,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )
        self.save_button = QPushButton("Save…")
        self.save_button.clicked.connect(self._save_current)
        self.delete_button = QPushButton("Delete")
        self.delete_button.clicked.connect(self._delete_selected)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # DuckDB echoes the query: "<" stays
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._show_status(TABLES_HINT)
        self.model = ResultModel()
        self.model.more_wanted.connect(self._fetch_more)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.saved = QListWidget()
        self.saved.itemActivated.connect(self._load_item)
        self.saved.itemClicked.connect(self._load_item)

        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(QLabel("<b>Saved queries</b>"))
        ll.addWidget(self.saved, 1)
        ll.addWidget(self.delete_button)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.editor, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.status, 1)
        rl.addLayout(buttons)
        rl.addWidget(self.table, 3)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([260, 1100])
        remember_splitter(splitter, "sql")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(splitter)
        self._reload_saved()
        first = next(iter(EXAMPLES.values()))
        self.editor.setPlainText(first)

    def current_table(self) -> QAbstractItemView | None:
        """What File › Export Table as CSV writes: the rows read so far."""
        return self.table

    def set_store(self, store: SessionStore | None) -> None:
        """Query ``store`` from now on; None (no archive) clears the result and disables Run."""
        if store is self.store:
            return
        self._stop()
        self.store = store
        self.model.set_result([], [], complete=True)
        self.run_button.setEnabled(store is not None)
        self._show_status(TABLES_HINT)

    def run(self) -> None:
        """Run the editor's query: its first page as soon as it is ready, the count apart."""
        store = self.store
        if store is None:
            self._show_status("Open an archive first.")
            return
        self._stop()
        self.model.set_result([], [], complete=True)
        sql = self.editor.toPlainText()
        started = time.perf_counter()

        def first_page() -> tuple[UserQuery, list[tuple[Any, ...]]]:
            query = store.open_query(sql)
            return query, query.fetch_page(0, PAGE_ROWS)

        def shown(result: tuple[UserQuery, list[tuple[Any, ...]]]) -> None:
            self._elapsed_ms = (time.perf_counter() - started) * 1000
            self._first_page(store, *result)

        self._submit(first_page, shown, store, SQL_LANE, "sql")
        self._show_status("Running…")

    def cancel(self) -> None:
        """Stop the running query (Cancel, Esc): it is interrupted, the rows read stay."""
        if not self._running:
            return
        self._stop()
        self.model.stop_fetching()
        self._show_status(
            f"{QUERY_CANCELLED} ({len(self.model.rows):,} rows read)"
            if self.model.rows
            else QUERY_CANCELLED
        )

    def _first_page(self, store: SessionStore, query: UserQuery, rows: list[tuple]) -> None:
        self.query = query
        complete = len(rows) < PAGE_ROWS
        self.model.set_result(query.columns, rows, complete=complete)
        self.table.resizeColumnsToContents()
        if complete:
            self._total = len(rows)
        else:
            self._submit(query.count, self._counted, store, COUNT_LANE, "sql count")
        self._show_rows()

    def _fetch_more(self) -> None:
        query, store = self.query, self.store
        if query is None or store is None:
            self.model.stop_fetching()
            return
        offset = len(self.model.rows)

        def added(rows: list[tuple[Any, ...]]) -> None:
            self.model.add_page(rows, complete=len(rows) < PAGE_ROWS)
            self._show_rows()

        self._submit(
            lambda: query.fetch_page(offset, PAGE_ROWS), added, store, SQL_LANE, "sql page"
        )

    def _counted(self, total: int) -> None:
        self._total = total
        self._show_rows()

    def _failed(self, error: BaseException) -> None:
        self._stop()
        self.model.stop_fetching()
        self._show_status(str(error) if isinstance(error, QueryError) else describe(error), True)

    def _submit(
        self,
        work: Callable[[], Any],
        then: Callable[[Any], None],
        store: SessionStore,
        lane: str,
        name: str,
    ) -> None:
        """Run one step of the current query; :meth:`cancel` and :meth:`run` stop it."""
        task = self.tasks.submit(
            work, then, self._failed, owner=self, store=store, lane=lane, name=name
        )
        self._running = [t for t in self._running if not t.done] + [task]
        self.cancel_button.setEnabled(True)

    def _stop(self) -> None:
        """Cancel the current query's tasks (interrupting the one running) and forget it."""
        for task in self._running:
            task.cancel()
        self._running = []
        self.query = None
        self._total = None
        self.cancel_button.setEnabled(False)

    def _show_rows(self) -> None:
        self._running = [t for t in self._running if not t.done]
        read = len(self.model.rows)
        total = read if self.model.complete else self._total
        if total is None:
            text = f"{read:,} rows so far, counting…"
        elif read < total:
            text = f"{read:,} of {total:,} rows"
        else:
            text = f"{total:,} rows"
        self._show_status(f"{text} in {self._elapsed_ms:.0f} ms")
        busy = total is None or (self.model.fetching and read < total)
        self.cancel_button.setEnabled(busy)

    def _show_status(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color: #c92a2a" if error else "")

    # ---------------------------------------------------------------- saved queries

    def saved_queries(self) -> dict[str, str]:
        text = app_settings().value(SAVED_KEY, "")
        try:
            saved = json.loads(str(text)) if text else {}
        except ValueError:
            saved = {}
        return saved if isinstance(saved, dict) else {}

    def save_query(self, name: str, sql: str) -> None:
        saved = self.saved_queries()
        saved[name] = sql
        app_settings().setValue(SAVED_KEY, json.dumps(saved))
        self._reload_saved()

    def _save_current(self) -> None:
        name, ok = QInputDialog.getText(self, "Save query", "Name:")
        if ok and name.strip():
            self.save_query(name.strip(), self.editor.toPlainText())

    def _delete_selected(self) -> None:
        item = self.saved.currentItem()
        saved = self.saved_queries()
        if item is not None and item.text() in saved:
            del saved[item.text()]
            app_settings().setValue(SAVED_KEY, json.dumps(saved))
            self._reload_saved()

    def _reload_saved(self) -> None:
        self.saved.clear()
        for name, sql in {**EXAMPLES, **self.saved_queries()}.items():
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, sql)
            item.setToolTip(sql)
            if name in EXAMPLES:
                item.setForeground(Qt.GlobalColor.darkBlue)
            self.saved.addItem(item)

    def _load_item(self, item: QListWidgetItem) -> None:
        self.editor.setPlainText(str(item.data(Qt.ItemDataRole.UserRole)))
