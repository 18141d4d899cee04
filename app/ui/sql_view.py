"""SQL: read-only DuckDB SQL over the open archive's store, with saved queries.

The store runs user SQL on a read-only connection with file access switched off (see
``app/store/store.py``), so nothing typed here can change the store or touch other files.
Saved queries live in the user's settings (they are about the schema, not one archive);
a few examples come with the app.
"""

from __future__ import annotations

import json
import time
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
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

from app.state.settings import app_settings
from app.store.store import QueryError, QueryResult, SessionStore
from app.ui.layout_memory import remember_splitter

SAVED_KEY = "sql/saved_queries"
MAX_ROWS_SHOWN = 10_000
TABLES_HINT = (
    "Tables: sessions, events, actions, errors, requests, vitals, goals, idle_periods, "
    "source_maps, archive_info, ingest_warnings"
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
    def __init__(self) -> None:
        super().__init__()
        self.result = QueryResult([], [])

    def set_result(self, result: QueryResult) -> None:
        self.beginResetModel()
        self.result = QueryResult(result.columns, result.rows[:MAX_ROWS_SHOWN])
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.result.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.result.columns)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        value = self.result.rows[index.row()][index.column()]
        return "NULL" if value is None else str(value)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.result.columns[section]
        return section + 1


SQL_SHORTCUTS = {"Ctrl+Return": "Run the query (in the editor)"}


class SqlScreen(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store: SessionStore | None = None
        self.editor = QPlainTextEdit()
        self.editor.setFont(QFont("monospace"))
        self.editor.setPlaceholderText("SELECT … FROM sessions / events / actions / errors / …")
        self.run_button = QPushButton("Run (Ctrl+Enter)")
        self.run_button.clicked.connect(self.run)
        (keys,) = SQL_SHORTCUTS
        QShortcut(QKeySequence(keys), self.editor, activated=self.run)
        self.save_button = QPushButton("Save…")
        self.save_button.clicked.connect(self._save_current)
        self.delete_button = QPushButton("Delete")
        self.delete_button.clicked.connect(self._delete_selected)
        self.status = QLabel(TABLES_HINT)
        self.status.setWordWrap(True)
        self.model = ResultModel()
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

    def set_store(self, store: SessionStore | None) -> None:
        self.store = store

    def run(self) -> None:
        if self.store is None:
            self.status.setText("Open an archive first.")
            return
        started = time.perf_counter()
        try:
            result = self.store.query(self.editor.toPlainText())
        except QueryError as exc:
            self.status.setText(f"<span style='color:#c92a2a'>{exc}</span>")
            return
        self.model.set_result(result)
        self.table.resizeColumnsToContents()
        elapsed = (time.perf_counter() - started) * 1000
        shown = "" if len(result.rows) <= MAX_ROWS_SHOWN else f" (first {MAX_ROWS_SHOWN:,} shown)"
        self.status.setText(f"{len(result.rows):,} rows{shown} in {elapsed:.0f} ms")

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
