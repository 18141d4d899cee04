"""Apdex thresholds per action type, edited in the app and remembered per archive.

The archive's manifest may set thresholds; the user may override them here (Dynatrace's
defaults are 3 s tolerated and 12 s frustrating). The choice is saved in the settings under
the archive's content key, so reopening the same export brings it back.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.analysis.apdex import ApdexThresholds
from app.store.queries.apdex import ACTION_TYPES

NAMES = {"load": "Load actions", "xhr": "XHR actions", "custom": "Custom actions (API)"}


class ApdexDialog(QDialog):
    def __init__(
        self,
        current: ApdexThresholds,
        archive_default: ApdexThresholds,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Apdex thresholds")
        self.archive_default = archive_default
        grid = QGridLayout()
        grid.addWidget(QLabel("<b>Satisfied below</b>"), 0, 1)
        grid.addWidget(QLabel("<b>Frustrated above</b>"), 0, 2)
        self.spins: dict[str, tuple[QDoubleSpinBox, QDoubleSpinBox]] = {}
        for row, kind in enumerate(ACTION_TYPES, start=1):
            tolerated, frustrating = (self._spin(), self._spin())
            grid.addWidget(QLabel(NAMES[kind]), row, 0)
            grid.addWidget(tolerated, row, 1)
            grid.addWidget(frustrating, row, 2)
            self.spins[kind] = (tolerated, frustrating)
        self.show_thresholds(current)
        self.error = QLabel()
        self.error.setStyleSheet("color: #c92a2a")
        reset = QPushButton("Archive defaults")
        reset.clicked.connect(lambda: self.show_thresholds(self.archive_default))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.addButton(reset, QDialogButtonBox.ButtonRole.ResetRole)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Actions with a JavaScript error always count as frustrated."))
        layout.addLayout(grid)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    @staticmethod
    def _spin() -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setRange(0.1, 600.0)
        spin.setDecimals(1)
        spin.setSingleStep(0.5)
        spin.setSuffix(" s")
        return spin

    def show_thresholds(self, thresholds: ApdexThresholds) -> None:
        for kind, (tolerated, frustrating) in self.spins.items():
            low, high = thresholds.by_type[kind]
            tolerated.setValue(low / 1000)
            frustrating.setValue(high / 1000)

    def thresholds(self) -> ApdexThresholds:
        """The edited thresholds; ValueError when one type's pair is inconsistent."""
        result = ApdexThresholds()
        for kind, (tolerated, frustrating) in self.spins.items():
            result = result.with_type(
                kind, round(tolerated.value() * 1000), round(frustrating.value() * 1000)
            )
        return result

    def _accept(self) -> None:
        try:
            self.thresholds()
        except ValueError as exc:
            self.error.setText(str(exc).capitalize())
            return
        self.accept()
