"""The warnings banner: part of the archive could not be read — said once, not in the way.

A quiet strip above the tabs (not a modal dialog: the rest of the archive is there to
investigate) with "Details…" listing every problem. It observes the open archive: each new
archive replaces the message, closing one hides it.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.state.open_archive import ArchiveState, OpenArchive


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


class WarningBanner(QFrame):
    """A quiet, non-modal strip above the table saying that part of the archive was lost."""

    details_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("warningBanner")
        self.setStyleSheet(
            "#warningBanner { background: #fff4e5; border: 1px solid #f0c36d;"
            " border-radius: 4px; }"
            "#warningBanner QLabel { color: #5f3b00; background: transparent; }"
        )
        icon = QLabel(self)
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(size)
        )
        self.label = QLabel(self)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.plain_text = ""
        self.details_button = QPushButton("Details…", self)
        self.details_button.clicked.connect(self.details_requested)
        close = QToolButton(self)
        close.setAutoRaise(True)
        close.setText("✕")
        close.setToolTip("Hide this message")
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.details_button)
        layout.addWidget(close)

    def show_problems(self, file_name: str, problems: list[str]) -> None:
        headline = f"{plural(len(problems), 'problem')} while reading {file_name}"
        first = problems[0] if problems else ""
        if len(first) > 160:
            first = first[:157] + "…"
        more = " (and more)" if len(problems) > 1 else ""
        self.plain_text = f"{headline} — {first}{more}"
        self.label.setText(
            f"<b>{html.escape(headline)}</b> — {html.escape(first)}{html.escape(more)}"
        )
        self.label.setAccessibleName(self.plain_text)
        self.show()


class ProblemsDialog(QDialog):
    """Lists every reading problem; non-modal, so the investigator can keep working."""

    def __init__(self, file_name: str, problems: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Problems while reading {file_name}")
        self.problems = list(problems)
        intro = QLabel(
            f"{plural(len(problems), 'problem')} while reading {file_name}. "
            "The rest of the archive was read; the sessions named here are missing "
            "or incomplete.",
            self,
        )
        intro.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setSpacing(2)
        self.list.addItems(self.problems)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)
        close.setFocus()
        copy = buttons.addButton("Copy All", QDialogButtonBox.ButtonRole.ActionRole)
        copy.setToolTip("Copy every problem to the clipboard, one per line")
        copy.clicked.connect(self.copy_all)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.resize(680, 360)

    def text(self) -> str:
        return "\n".join(self.problems)

    def copy_all(self) -> None:
        QGuiApplication.clipboard().setText(self.text())


class ArchiveBanner(WarningBanner):
    """The banner of the open archive, with its problems dialog."""

    def __init__(self, archive: OpenArchive, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.file_name = ""
        self.problems: list[str] = []
        self.dialog: ProblemsDialog | None = None
        self.details_requested.connect(self.show_dialog)
        archive.opened.connect(self._opened)
        archive.closed.connect(self._closed)
        self.hide()

    def _opened(self, state: ArchiveState) -> None:
        self.file_name, self.problems = state.name, list(state.warnings)
        if self.problems:
            self.show_problems(state.name, self.problems)

    def _closed(self) -> None:
        self.problems = []
        if self.dialog is not None:
            self.dialog.close()
            self.dialog = None
        self.hide()

    def show_dialog(self) -> None:
        if not self.problems:
            return
        if self.dialog is None:
            self.dialog = ProblemsDialog(self.file_name, self.problems, self.window())
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
