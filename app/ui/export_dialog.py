"""File › Export Findings…: one dialog for the format, the file and what is masked.

Why one dialog: exporting took three (a format picker, the save dialog, a "Mask personal
data?" question), and the masking question came last, after the user had stopped reading.
Here everything a report depends on is on one page, with the last export's choices
already filled in (they are remembered in the user's settings), so exporting again is one
click on Export.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.export.masking import ReportMasking
from app.state.settings import ExportChoices, save_export_choices, saved_export_choices
from app.ui.save_to import SaveTo, export_buttons

FORMATS = {"html": "HTML report (*.html)", "md": "Markdown (*.md)", "pdf": "PDF (*.pdf)"}
DEFAULT_NAME = "findings"


class ExportFindingsDialog(QDialog):
    """Format, destination and masking of a findings report; ``choices()`` when accepted."""

    def __init__(self, what: str, parent: QWidget | None = None) -> None:
        """``what`` says which findings are exported ("All findings of this archive")."""
        super().__init__(parent)
        self.setWindowTitle("Export Findings")
        self.setMinimumWidth(560)  # the title and the path are read whole, never elided
        saved = saved_export_choices()

        self.format = QComboBox()
        for key, label in FORMATS.items():
            self.format.addItem(label.split(" (")[0], key)
        self.format.setCurrentIndex(max(0, self.format.findData(saved.format)))
        default = str(Path.home() / f"{DEFAULT_NAME}.{saved.format}")
        self.save_to = SaveTo(saved.path or default, self._browse)
        self.path, self.replaces = self.save_to.path, self.save_to.replaces

        self.mask = QCheckBox("Mask personal data (typed values, marked text, query strings)")
        self.mask.setChecked(saved.mask)
        self.keep_user_ids = QCheckBox("Keep user ids (otherwise each user is a pseudonym)")
        self.keep_user_ids.setChecked(saved.keep_user_ids)
        self.statement = QLabel()
        self.statement.setWordWrap(True)

        form = QFormLayout()
        form.addRow("Format:", self.format)
        form.addRow("Save to:", self.save_to)
        form.addRow("", self.replaces)
        form.addRow("Privacy:", self.mask)
        form.addRow("", self.keep_user_ids)
        self.buttons, self.export_button = export_buttons(self, self._accept)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(what))
        layout.addLayout(form)
        layout.addWidget(self.statement)
        layout.addWidget(self.buttons)

        self.format.currentIndexChanged.connect(self._format_changed)
        self.path.textChanged.connect(self._refresh)
        self.mask.toggled.connect(self._refresh)
        self.keep_user_ids.toggled.connect(self._refresh)
        self._refresh()

    def choices(self) -> ExportChoices:
        return ExportChoices(
            format=str(self.format.currentData()),
            path=self.path.text().strip(),
            mask=self.mask.isChecked(),
            keep_user_ids=self.mask.isChecked() and self.keep_user_ids.isChecked(),
        )

    def _format_changed(self) -> None:
        """The file follows the format: ``findings.html`` becomes ``findings.pdf``."""
        text = self.path.text().strip()
        if text:
            self.path.setText(str(Path(text).with_suffix(f".{self.format.currentData()}")))

    def _browse(self) -> None:
        fmt = str(self.format.currentData())
        name, _ = QFileDialog.getSaveFileName(
            self, "Export findings to", self.path.text(), FORMATS[fmt],
            options=QFileDialog.Option.DontConfirmOverwrite,  # this dialog says it replaces
        )  # fmt: skip
        if not name:
            return
        suffix = Path(name).suffix.lstrip(".").lower()
        if suffix in FORMATS:
            self.format.setCurrentIndex(self.format.findData(suffix))
        else:
            name = f"{name}.{fmt}"
        self.path.setText(name)

    def _refresh(self) -> None:
        choice = self.choices()
        self.keep_user_ids.setEnabled(choice.mask)
        self.save_to.refresh()
        masking = ReportMasking(choice.mask, choice.keep_user_ids)
        self.statement.setText(f"The report will say: {masking.statement()}")
        self.export_button.setEnabled(bool(choice.path))

    def _accept(self) -> None:
        choice = self.choices()
        path = Path(choice.path).expanduser()
        if path.suffix.lstrip(".").lower() != choice.format:
            path = path.with_suffix(f".{choice.format}")
        chosen = ExportChoices(choice.format, str(path), choice.mask, choice.keep_user_ids)
        save_export_choices(chosen)
        self._chosen = chosen
        self.accept()

    _chosen: ExportChoices | None = None

    @property
    def chosen(self) -> ExportChoices | None:
        """What was exported with (set when Export was clicked)."""
        return self._chosen
