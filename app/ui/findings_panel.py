"""Findings of the session being replayed: mark the current moment (B), edit, delete, go back.

A finding is a moment with a title, a note, a severity and tags, saved at once in the
findings database (:class:`~app.store.findings.FindingsStore`, one transaction per change).
The panel lists the session's findings; double-clicking one moves the shared time cursor
there, and ``changed`` tells the replay screen to redraw the timeline's finding markers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.state.tasks import TaskRunner
from app.state.time_cursor import TimeCursor
from app.store.findings import SEVERITIES, Finding, FindingsError, FindingsStore
from app.ui.tables import read_only_table
from app.ui.timed_lists import format_offset

SOURCE = "findings"


class FindingDialog(QDialog):
    """Title, note, severity and tags of a finding at a given moment."""

    def __init__(self, finding: Finding, moment: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Finding")
        self.finding = finding
        self.title = QLineEdit(finding.title)
        self.title.setPlaceholderText("What went wrong here")
        self.note = QPlainTextEdit(finding.note)
        self.note.setPlaceholderText("What the user did, what they expected, what happened")
        self.severity = QComboBox()
        self.severity.addItems(list(SEVERITIES))
        self.severity.setCurrentText(finding.severity)
        self.tags = QLineEdit(", ".join(finding.tags))
        self.tags.setPlaceholderText("checkout, postal code")
        self.error = QLabel()
        self.error.setStyleSheet("color: #c92a2a")
        form = QFormLayout()
        form.addRow("Moment", QLabel(moment))
        form.addRow("Title", self.title)
        form.addRow("Note", self.note)
        form.addRow("Severity", self.severity)
        form.addRow("Tags", self.tags)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(520, 360)

    def edited(self) -> Finding:
        tags = tuple(t.strip() for t in self.tags.text().split(",") if t.strip())
        return replace(
            self.finding,
            title=self.title.text().strip(),
            note=self.note.toPlainText().strip(),
            severity=self.severity.currentText(),
            tags=tags,
        )

    def _accept(self) -> None:
        if not self.title.text().strip():
            self.error.setText("Give the finding a title.")
            return
        self.accept()


def ask_and_save(
    finding: Finding,
    moment: str,
    parent: QWidget,
    opened: Callable[[FindingDialog], object] | None = None,
) -> Finding | None:
    """Show the finding dialog for ``finding`` (``opened`` hears it before it shows, for
    tests) and save what the user accepts; a failure to save is said in a message box."""
    dialog = FindingDialog(finding, moment, parent)
    if opened is not None:
        opened(dialog)
    if not dialog.exec():
        return None
    try:
        return FindingsStore().save(dialog.edited())
    except (FindingsError, ValueError) as exc:
        QMessageBox.warning(parent, "Finding not saved", str(exc))
        return None


class FindingsPanel(QWidget):
    changed = Signal()
    reproduce_requested = Signal(object)
    """(Finding) — export the session as a test that reproduces this finding"""

    def __init__(
        self,
        cursor: TimeCursor,
        store: FindingsStore | None,
        parent: QWidget | None = None,
        tasks: TaskRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self.cursor = cursor
        self.store = store
        self.tasks = tasks
        self.archive_key = self.archive_name = self.session_id = ""
        self.start_ms = 0
        self.findings: list[Finding] = []
        self.suggest = lambda _t: ""  # the title offered for a new finding at a moment
        self.table = read_only_table(["Time", "Severity", "Title"], stretch=2)
        self.table.cellDoubleClicked.connect(lambda row, _c: self.go_to(row))
        self.add_button = QPushButton("Add finding here (B)")
        self.add_button.clicked.connect(self.add_at_cursor)
        self.edit_button = QPushButton("Edit…")
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button = QPushButton("Delete")
        self.delete_button.clicked.connect(self.delete_selected)
        self.test_button = QPushButton("Export Test…")  # short: the panel is a side pane
        self.test_button.setToolTip(
            "Export the session up to this finding as a runnable Playwright test"
        )
        self.test_button.clicked.connect(self.reproduce_selected)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.test_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._selection_changed()

    def set_session(
        self, archive_key: str, archive_name: str, session_id: str, start_ms: int
    ) -> None:
        self.archive_key, self.archive_name = archive_key, archive_name
        self.session_id, self.start_ms = session_id, start_ms
        self.add_button.setEnabled(bool(session_id) and self.store is not None)
        self.reload()

    def unavailable(self, problem: str) -> None:
        """The findings database cannot be opened: say so instead of failing the replay."""
        for button in (self.add_button, self.edit_button, self.delete_button):
            button.setEnabled(False)
            button.setToolTip(f"Findings are unavailable: {problem}")

    def reload(self) -> None:
        """Read the session's findings again — as a task when there is a runner (the
        findings file is a DuckDB database; opening it costs tens of milliseconds)."""
        store, key, session_id = self.store, self.archive_key, self.session_id
        self._reload_number += 1
        number = self._reload_number
        if store is None or not session_id:
            self._show([])
            return
        if self.tasks is None:
            self._show(store.for_archive(key, session_id))
            return

        def show(found: list[Finding]) -> None:
            if number == self._reload_number:
                self._show(found)

        self.tasks.submit(
            lambda: store.for_archive(key, session_id), show, owner=self, lane="findings"
        )

    _reload_number = 0

    def _show(self, findings: list[Finding]) -> None:
        self.findings = findings
        self.table.setRowCount(len(self.findings))
        for row, f in enumerate(self.findings):
            cells = [format_offset(f.ts_ms - self.start_ms), f.severity, f.title]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(f.note or f.title)
                self.table.setItem(row, col, item)
        self.changed.emit()

    def add_at_cursor(self, *, ask: bool = True) -> Finding | None:
        """A new finding at the cursor's moment (the dialog unless ``ask`` is False)."""
        if not self.session_id or self.store is None:
            return None
        t = self.cursor.time()
        finding = Finding(
            archive_key=self.archive_key,
            archive_name=self.archive_name,
            session_id=self.session_id,
            ts_ms=t,
            title=self.suggest(t),
        )
        return self._edit(finding) if ask else self._save(finding)

    def _edit(self, finding: Finding) -> Finding | None:
        dialog = FindingDialog(finding, format_offset(finding.ts_ms - self.start_ms), self)
        if not dialog.exec():
            return None
        return self._save(dialog.edited())

    def _save(self, finding: Finding) -> Finding | None:
        if self.store is None:
            return None
        try:
            saved = self.store.save(finding)
        except Exception as exc:  # the user's work: say why it was not saved, keep the app up
            QMessageBox.warning(self, "Finding not saved", f"{self.store.path}: {exc}")
            return None
        # listed at once (it is saved), then read again in the background
        kept = [f for f in self.findings if f.id != saved.id]
        self._show(sorted([*kept, saved], key=lambda f: (f.ts_ms, f.id)))
        self.reload()
        return saved

    def selected(self) -> Finding | None:
        rows = self.table.selectionModel().selectedRows()
        return self.findings[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        self.test_button.setEnabled(self.selected() is not None)

    def reproduce_selected(self) -> None:
        finding = self.selected()
        if finding is not None:
            self.reproduce_requested.emit(finding)

    def edit_selected(self) -> None:
        finding = self.selected()
        if finding is not None:
            self._edit(finding)

    def delete_selected(self) -> None:
        finding = self.selected()
        if finding is not None and self.store is not None:
            self.store.delete(finding.id)
            self._show([f for f in self.findings if f.id != finding.id])
            self.reload()

    def go_to(self, row: int) -> None:
        if 0 <= row < len(self.findings):
            self.cursor.set_time(self.findings[row].ts_ms, SOURCE)
