""" "Compare with a successful session…": the best candidates, why they match, or any session.

Why a dialog: the engine proposes sessions that reached a goal without an error on the same
path, most similar first, but the investigator may know better (a colleague's test session,
the same user's earlier visit), so any session id can be typed instead. The candidates are
ranked by a task; the dialog opens at once and says so while they are found.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.compare.model import Candidate
from app.ui.tables import read_only_table

COLUMNS = ["Session", "User", "Score", "Release", "Browser", "Why it matches"]


def candidate_cells(c: Candidate) -> list[str]:
    """One candidate as a row: who, how similar, and the reasons in words."""
    release = c.release or "–"
    browser = c.browser or "–"
    return [
        c.session_id,
        c.user_id or "(anonymous)",
        f"{c.score:.0%}",
        f"{release} ({'same' if c.same_release else 'other'})",
        f"{browser} ({'same' if c.same_browser else 'other'})",
        c.why,
    ]


class CounterpartDialog(QDialog):
    """Pick the session to compare ``session_id`` with; :attr:`chosen` holds the answer."""

    def __init__(self, session_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session_id = session_id
        self.candidates: list[Candidate] = []
        self.chosen: str | None = None
        self.setWindowTitle(f"Compare {session_id} with a successful session")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.resize(1180, 380)  # the reasons read whole
        self.intro = QLabel(
            "Finding sessions of the same path that reached a goal without an error…"
        )
        self.intro.setWordWrap(True)
        self.table = read_only_table(COLUMNS, stretch=len(COLUMNS) - 1)
        self.table.doubleClicked.connect(lambda _index: self._accept_row())
        self.by_id = QLineEdit()
        self.by_id.setPlaceholderText("any session id of this archive")
        self.by_id.setClearButtonEnabled(True)
        self.by_id.textChanged.connect(lambda _text: self._update_ok())
        form = QFormLayout()
        form.addRow("Or pick a session by id:", self.by_id)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Compare")
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.table.itemSelectionChanged.connect(self._update_ok)
        self._update_ok()

    def set_candidates(self, candidates: list[Candidate]) -> None:
        """List the proposed sessions, best first, and select the best."""
        self.candidates = list(candidates)
        self.table.setRowCount(len(self.candidates))
        for row, c in enumerate(self.candidates):
            for column, text in enumerate(candidate_cells(c)):
                item = QTableWidgetItem(text)
                item.setToolTip(c.why)
                if column == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(row, column, item)
        if self.candidates:
            self.intro.setText(
                f"The {len(self.candidates)} sessions most like {self.session_id} that reached "
                "a goal without an error, most similar first (score: how alike the two "
                "sequences of actions are):"
            )
            self.table.selectRow(0)
        else:
            self.intro.setText(
                "No session of the same path reached a goal without an error. "
                "Pick a session by id to compare with it anyway."
            )
        self._update_ok()

    def set_failed(self, message: str) -> None:
        self.intro.setText(f"Could not rank candidates: {message}. Pick a session by id.")

    def _selected(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.candidates[rows[0].row()].session_id if rows else None

    def _update_ok(self) -> None:
        self.ok.setEnabled(bool(self.by_id.text().strip()) or self._selected() is not None)

    def _accept(self) -> None:
        self.chosen = self.by_id.text().strip() or self._selected()
        if self.chosen:
            self.accept()

    def _accept_row(self) -> None:
        self.by_id.clear()
        self._accept()
