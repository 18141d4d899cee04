"""Every finding of the open archive: open one at its moment, choose some to export."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.store.findings import Finding, FindingsError, FindingsStore
from app.ui.tables import read_only_table


class FindingsScreen(QWidget):
    open_requested = Signal(str, "qint64")
    """(session id, epoch ms) — replay this session at this moment"""
    export_requested = Signal(list)
    """(finding ids) — export these findings"""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.archive_key = ""
        self.findings: list[Finding] = []
        columns = ["Export", "When (UTC)", "Session", "Severity", "Title"]
        self.table = read_only_table(columns, stretch=4)
        self.table.cellDoubleClicked.connect(lambda row, _c: self.open_row(row))
        self.open_button = QPushButton("Open in replay")
        self.open_button.clicked.connect(lambda: self.open_row(self.table.currentRow()))
        self.export_button = QPushButton("Export checked…")
        self.export_button.clicked.connect(lambda: self.export_requested.emit(self.checked_ids()))
        self.message = QLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def set_archive(self, archive_key: str) -> None:
        self.archive_key = archive_key
        self.reload()

    def reload(self) -> None:
        try:
            self.findings = FindingsStore().for_archive(self.archive_key)
        except FindingsError as exc:
            self.findings = []
            self.message.setText(f"Findings are unavailable: {exc}")
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
            for col, text in enumerate((when, f.session_id, f.severity, f.title), start=1):
                item = QTableWidgetItem(text)
                item.setToolTip(f.note or f.title)
                self.table.setItem(row, col, item)
        self.export_button.setEnabled(bool(self.findings))
        self.open_button.setEnabled(bool(self.findings))

    def checked_ids(self) -> list[str]:
        return [
            f.id
            for row, f in enumerate(self.findings)
            if self.table.item(row, 0).checkState() == Qt.CheckState.Checked
        ]

    def open_row(self, row: int) -> None:
        if 0 <= row < len(self.findings):
            finding = self.findings[row]
            self.open_requested.emit(finding.session_id, finding.ts_ms)
