"""The sessions a problem hit, most frustrated first, each one click from its replay.

Why a widget of its own: the investigation's last step is "pick an impacted user and watch
the moment" — a person should see the worst-hit sessions at the top (time stuck on a
spinner, rage and error clicks, errors), find a named user by typing any part of the id,
and start the replay at the error with the button on that row, without selecting first.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.store.queries.impact import ImpactedSession
from app.ui.session_table import format_duration
from app.ui.tables import read_only_table

COLUMNS = ["User", "When (UTC)", "Stuck", "Frustrations", "Errors", "Converted", "At the error"]
MAX_ROWS = 200  # a row has a button; the search finds any user beyond the first rows


class ImpactedSessionsTable(QWidget):
    """Impacted sessions with a search box and a "Replay at the error" button per row."""

    replay_requested = Signal(str, "qint64")
    """(session id, epoch ms of the problem in it)"""
    compare_requested = Signal(str)
    """(session id) — compare it with a session that went right (its context menu)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sessions: list[ImpactedSession] = []
        self.search = QLineEdit()
        self.search.setPlaceholderText("Find a user or session (any part of the id)…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _text: self._fill())
        self.table = read_only_table(COLUMNS)
        self.table.setToolTip(
            "Most frustrated first: time stuck (waiting on a loading indicator…), then "
            "frustration signals, then errors. Double-click or ▶ to replay at the error."
        )
        self.table.doubleClicked.connect(lambda index: self.replay_row(index.row()))
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.more = QLabel()
        self.more.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.more)

    def set_sessions(self, sessions: Sequence[ImpactedSession]) -> None:
        self.sessions = list(sessions)
        self._fill()

    def shown(self) -> list[ImpactedSession]:
        """The sessions listed, top to bottom (after the search)."""
        needle = self.search.text().strip().lower()
        return [
            s
            for s in self.sessions
            if not needle or needle in (s.user_id or "").lower() or needle in s.session_id.lower()
        ]

    def replay_button(self, row: int) -> QPushButton:
        button = self.table.cellWidget(row, len(COLUMNS) - 1)
        assert isinstance(button, QPushButton)
        return button

    def _fill(self) -> None:
        shown = self.shown()
        rows = shown[:MAX_ROWS]
        self.table.setRowCount(len(rows))
        for row, s in enumerate(rows):
            cells = [
                s.user_id or "(anonymous)",
                datetime.fromtimestamp(s.at_ms / 1000, UTC).strftime("%d %b %H:%M:%S"),
                format_duration(s.stuck_ms) if s.stuck_ms else "–",
                str(s.frustrations),
                str(s.errors),
                "yes" if s.converted else "no",
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(f"session {s.session_id}")
                if col >= 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(row, col, item)
            button = QPushButton("▶ Replay")
            button.setToolTip(f"Replay {s.session_id} from 3 s before the problem")
            button.clicked.connect(lambda _=False, row=row: self.replay_row(row))
            self.table.setCellWidget(row, len(COLUMNS) - 1, button)
        hidden = len(shown) - len(rows)
        self.more.setText(f"{hidden:,} more — search to find them" if hidden else "")
        self.more.setVisible(hidden > 0)

    def row_menu(self, row: int) -> QMenu:
        """What can be done with a listed session: replay it, compare it with one that
        went right."""
        menu = QMenu(self)
        menu.addAction("▶ Replay at the error", lambda: self.replay_row(row))
        menu.addAction("Compare with a successful session…", lambda: self.compare_row(row))
        return menu

    def _context_menu(self, at: QPoint) -> None:
        row = self.table.rowAt(at.y())
        if row >= 0:
            self.row_menu(row).exec(self.table.viewport().mapToGlobal(at))

    def compare_row(self, row: int) -> None:
        shown = self.shown()
        if 0 <= row < len(shown):
            self.compare_requested.emit(shown[row].session_id)

    def replay_row(self, row: int) -> None:
        shown = self.shown()
        if 0 <= row < len(shown):
            self.replay_requested.emit(shown[row].session_id, shown[row].at_ms)
