"""What every export dialog ends with: where the file goes, and the Export button.

Why shared: the findings report and the generated test are exported from dialogs built the
same way — a path the user can type or browse to, a line that warns when the export will
replace a file, Export and Cancel — and both should read and behave alike.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)


class SaveTo(QWidget):
    """A path field with Browse…, and (shown by ``refresh``) "the export replaces it"."""

    def __init__(
        self, path: str, browse: Callable[[], None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.path = QLineEdit(path)
        self.browse = QPushButton("Browse…")
        self.browse.clicked.connect(browse)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.path, 1)
        row.addWidget(self.browse)
        self.replaces = QLabel("A file of this name exists: the export replaces it.")
        self.replaces.setWordWrap(True)

    def text(self) -> str:
        return self.path.text().strip()

    def refresh(self) -> None:
        """Say whether the export would replace a file."""
        text = self.text()
        self.replaces.setVisible(bool(text) and Path(text).expanduser().is_file())


def export_buttons(
    dialog: QDialog, export: Callable[[], None]
) -> tuple[QDialogButtonBox, QPushButton]:
    """Export (calls ``export``) and Cancel, and the Export button (to disable it)."""
    ok = QDialogButtonBox.StandardButton.Ok
    buttons = QDialogButtonBox(ok | QDialogButtonBox.StandardButton.Cancel)
    button = buttons.button(ok)
    button.setText("Export")
    buttons.accepted.connect(export)
    buttons.rejected.connect(dialog.reject)
    return buttons, button
