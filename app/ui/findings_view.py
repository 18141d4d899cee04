"""Every finding of the open archive: open one at its moment, choose some to export.

Findings are added in the replay (another screen), so the list is read again each time this
tab is shown, as a task (the findings file is a DuckDB database of its own).
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.state.navigation import ShowComparison, ShowReplay
from app.state.open_archive import ArchiveState
from app.store.findings import Finding, FindingsError, FindingsStore
from app.ui.archive_screen import ArchiveScreen, ScreenModels
from app.ui.tables import read_only_table


class FindingsScreen(ArchiveScreen):
    export_requested = Signal(list)
    """(finding ids) — export these findings"""
    reproduce_requested = Signal(object)
    """(Finding) — export its session as a test that reproduces it"""
    clip_requested = Signal(object)
    """(Finding) — export a video clip around it"""

    def __init__(self, models: ScreenModels, parent: QWidget | None = None) -> None:
        super().__init__(models, parent)
        self._reload_number = 0
        self.findings: list[Finding] = []
        columns = ["Export", "When (UTC)", "Session", "Severity", "Title", "Compared with"]
        self.table = read_only_table(columns, stretch=4)
        self.table.cellDoubleClicked.connect(lambda row, _c: self.open_row(row))
        self.open_button = QPushButton("Open in replay")
        self.open_button.clicked.connect(lambda: self.open_row(self.table.currentRow()))
        self.compare_button = QPushButton("Open Comparison")
        self.compare_button.setToolTip("The finding's session beside the one it was compared with")
        self.compare_button.clicked.connect(lambda: self.open_comparison(self.table.currentRow()))
        self.table.currentCellChanged.connect(lambda row, *_: self._row_chosen(row))
        self.test_button = QPushButton("Export as Playwright Test…")
        self.test_button.setToolTip("The selected finding's session up to it, as a runnable test")
        self.test_button.clicked.connect(lambda: self.reproduce_row(self.table.currentRow()))
        self.clip_button = QPushButton("Export Clip…")
        self.clip_button.setToolTip(
            "A video of the replay from 5 s before the finding to 5 s after"
        )
        self.clip_button.clicked.connect(lambda: self.clip_row(self.table.currentRow()))
        self.export_button = QPushButton("Export checked…")
        self.export_button.clicked.connect(lambda: self.export_requested.emit(self.checked_ids()))
        self.message = QLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.compare_button)
        buttons.addWidget(self.test_button)
        buttons.addWidget(self.clip_button)
        buttons.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    @property
    def archive_key(self) -> str:
        return self.state.content_key if self.state is not None else ""

    def archive_opened(self, state: ArchiveState) -> None:
        self.reload()

    def archive_changed(self, state: ArchiveState) -> None:
        pass  # thresholds and goals change no finding

    def archive_closed(self) -> None:
        self._reload_number += 1
        self._fill([], "")

    def current_table(self) -> QAbstractItemView | None:
        return self.table

    def showEvent(self, event: QShowEvent) -> None:
        self.reload()  # findings are added in the replay screen
        super().showEvent(event)

    def reload(self) -> None:
        """Read the archive's findings as a task; the list is refilled when they arrive."""
        if self.state is None:
            return
        key = self.state.content_key
        self._reload_number += 1
        number = self._reload_number

        def show(result: list[Finding] | str) -> None:
            if number == self._reload_number:
                if isinstance(result, str):
                    self._fill([], f"Findings are unavailable: {result}")
                else:
                    self._fill(result, None)

        self.tasks.submit(lambda: _read_findings(key), show, owner=self, lane="findings")

    def _fill(self, findings: list[Finding], problem: str | None) -> None:
        self.findings = findings
        if problem is not None:
            self.message.setText(problem)
        else:
            count = len(self.findings)
            self.message.setText(
                f"{count} finding(s) in this archive" if count
                else "No findings yet: press B in a replay to mark a moment."
            )  # fmt: skip
        self.table.setRowCount(len(self.findings))
        for row, f in enumerate(self.findings):
            check = QTableWidgetItem()
            check.setFlags(check.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            check.setCheckState(Qt.CheckState.Checked)
            when = datetime.fromtimestamp(f.ts_ms / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S")
            self.table.setItem(row, 0, check)
            compared = f"compared with {f.compared_with}" if f.compared_with else ""
            texts = (when, f.session_id, f.severity, f.title, compared)
            for col, text in enumerate(texts, start=1):
                item = QTableWidgetItem(text)
                item.setToolTip(f.note or f.title)
                self.table.setItem(row, col, item)
        self.export_button.setEnabled(bool(self.findings))
        self.open_button.setEnabled(bool(self.findings))
        self.test_button.setEnabled(bool(self.findings))
        self.clip_button.setEnabled(bool(self.findings))
        self._row_chosen(self.table.currentRow())

    def checked_ids(self) -> list[str]:
        return [
            f.id
            for row, f in enumerate(self.findings)
            if self.table.item(row, 0).checkState() == Qt.CheckState.Checked
        ]

    def open_row(self, row: int) -> None:
        if 0 <= row < len(self.findings):
            finding = self.findings[row]
            self.navigate(ShowReplay(finding.session_id, finding.ts_ms))

    def _row_chosen(self, row: int) -> None:
        chosen = self.findings[row] if 0 <= row < len(self.findings) else None
        self.compare_button.setEnabled(chosen is not None and bool(chosen.compared_with))

    def open_comparison(self, row: int) -> None:
        """The finding's session and the one it was compared with, in the Compare tab."""
        if 0 <= row < len(self.findings) and self.findings[row].compared_with:
            finding = self.findings[row]
            self.navigate(ShowComparison(finding.session_id, finding.compared_with))

    def clip_row(self, row: int) -> None:
        if 0 <= row < len(self.findings):
            self.clip_requested.emit(self.findings[row])

    def reproduce_row(self, row: int) -> None:
        if 0 <= row < len(self.findings):
            self.reproduce_requested.emit(self.findings[row])


def _read_findings(archive_key: str) -> list[Finding] | str:
    """The archive's findings, or why they cannot be read (on a worker)."""
    try:
        return FindingsStore().for_archive(archive_key)
    except FindingsError as exc:
        return str(exc)
