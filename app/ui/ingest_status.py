"""The status bar: a line of news, and the running open's progress with its Cancel button.

It observes the open archive: progress and Cancel show only while a file is read.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QStatusBar

from app.state.open_archive import OpenArchive


class IngestStatus:
    """Fills ``bar`` (the window's status bar) and follows ``archive``."""

    def __init__(self, archive: OpenArchive, bar: QStatusBar) -> None:
        self.archive = archive
        self.label = QLabel()
        bar.addWidget(self.label, 1)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setFixedWidth(220)
        self.progress_bar.setFormat("%p%")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop reading the file; nothing is kept")
        self.cancel_button.clicked.connect(self.cancel)
        bar.addPermanentWidget(self.progress_bar)
        bar.addPermanentWidget(self.cancel_button)
        self._set_busy(False)
        archive.opening.connect(self._opening)
        archive.progressed.connect(self._progressed)
        archive.opened.connect(lambda _state: self._set_busy(False))
        archive.failed.connect(lambda _path, _message: self._set_busy(False))
        archive.cancelled.connect(self._cancelled)

    def cancel(self) -> None:
        """The Cancel button: ask the running open to stop (it reports back when it has)."""
        if self.archive.is_opening:
            self.archive.cancel()
            self.cancel_button.setEnabled(False)
            self.label.setText("Cancelling…")

    def _opening(self, path: Path) -> None:
        self._set_busy(True)
        self.label.setText(f"Opening {path.name}…")

    def _progressed(self, fraction: float, message: str) -> None:
        self.progress_bar.setValue(round(max(0.0, min(fraction, 1.0)) * 1000))
        if self.cancel_button.isEnabled():
            self.label.setText(message)

    def _cancelled(self) -> None:
        self._set_busy(False)
        self.label.setText("Cancelled")

    def _set_busy(self, busy: bool) -> None:
        self.progress_bar.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.cancel_button.setEnabled(busy)
        if busy:
            self.progress_bar.setValue(0)
