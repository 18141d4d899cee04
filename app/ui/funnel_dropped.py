"""The sessions that dropped off after a funnel step, each one click from its replay at the
moment it left (a little before its last action, so the user's last steps are seen)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QPushButton, QTableWidgetItem, QVBoxLayout, QWidget

from app.store.queries.funnels import DroppedSession
from app.ui.session_table import format_duration
from app.ui.tables import read_only_table

COLUMNS = ["Session", "User", "Left at (UTC)", "After the step", "Replay"]
MAX_ROWS = 300


class DroppedSessionsTable(QWidget):
    replay_requested = Signal(str, "qint64")
    """(session id, epoch ms it left at)"""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sessions: list[DroppedSession] = []
        self.title = QLabel("Click a step's <b>dropped</b> count to list the sessions that left")
        self.title.setWordWrap(True)
        self.table = read_only_table(COLUMNS, stretch=1)
        self.table.setToolTip("▶ (or a double-click) replays the session where it left")
        self.table.doubleClicked.connect(lambda index: self.replay_row(index.row()))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)

    def set_sessions(self, title: str, sessions: Sequence[DroppedSession]) -> None:
        self.sessions = list(sessions)
        shown = self.sessions[:MAX_ROWS]
        more = f" (first {MAX_ROWS} shown)" if len(self.sessions) > MAX_ROWS else ""
        self.title.setText(f"{title}: {len(self.sessions)} sessions{more}, latest first")
        self.table.setRowCount(len(shown))
        for row, session in enumerate(shown):
            left = datetime.fromtimestamp(session.left_ms / 1000, UTC)
            cells = (
                session.session_id,
                session.user_id or "",
                left.strftime("%d %b %H:%M:%S"),
                format_duration(session.left_ms - session.reached_ms),
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
            button = QPushButton("▶ where it left")
            button.clicked.connect(lambda _c=False, r=row: self.replay_row(r))
            self.table.setCellWidget(row, len(COLUMNS) - 1, button)

    def clear(self) -> None:
        self.sessions = []
        self.table.setRowCount(0)
        self.title.setText("Click a step's <b>dropped</b> count to list the sessions that left")

    def current(self) -> DroppedSession | None:
        row = self.table.currentRow()
        return self.sessions[row] if 0 <= row < len(self.sessions) else None

    def replay_button(self, row: int) -> QPushButton:
        button = self.table.cellWidget(row, len(COLUMNS) - 1)
        assert isinstance(button, QPushButton)
        return button

    def replay_row(self, row: int) -> None:
        if 0 <= row < min(len(self.sessions), MAX_ROWS):
            session = self.sessions[row]
            self.replay_requested.emit(session.session_id, session.left_ms)
