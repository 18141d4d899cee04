"""The filter bar above the investigation views: range, page, browser, OS, country, release,
user. It writes to the shared :class:`~app.state.selection.Selection` and follows it."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from app.state.selection import Selection
from app.store.filters import SessionFilter

SOURCE = "filter-bar"
CHOICES = (("browser", "All browsers"), ("os", "All systems"), ("country", "All countries"),
           ("release", "All releases"))  # fmt: skip


def format_range(f: SessionFilter) -> str:
    if f.start_ms is None or f.end_ms is None:
        return "All time"
    start = datetime.fromtimestamp(f.start_ms / 1000, UTC)
    end = datetime.fromtimestamp(f.end_ms / 1000, UTC)
    same_day = start.date() == end.date()
    return (
        f"{start:%d %b %H:%M} – {end:%H:%M} UTC"
        if same_day
        else (f"{start:%d %b %H:%M} – {end:%d %b %H:%M} UTC")
    )


class FilterBar(QWidget):
    def __init__(self, selection: Selection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.selection = selection
        self.range_label = QLabel("All time")
        self.range_label.setToolTip("Drag across any chart to select a time range; click to clear")
        self.clear_range = QPushButton("Clear range")
        self.clear_range.clicked.connect(lambda: selection.clear_range(SOURCE))
        self.combos: dict[str, QComboBox] = {}
        self.page = QLineEdit()
        self.page.setPlaceholderText("Page URL contains…")
        self.user = QLineEdit()
        self.user.setPlaceholderText("User contains…")
        for name, edit in (("page", self.page), ("user", self.user)):
            edit.setClearButtonEnabled(True)
            edit.editingFinished.connect(
                lambda name=name, edit=edit: selection.set_attribute(name, edit.text(), SOURCE)
            )
        self.reset = QPushButton("Reset filters")
        self.reset.clicked.connect(lambda: selection.clear(SOURCE))

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Range:"))
        layout.addWidget(self.range_label)
        layout.addWidget(self.clear_range)
        layout.addSpacing(12)
        layout.addWidget(self.page, 2)
        for name, everything in CHOICES:
            combo = QComboBox()
            combo.addItem(everything, None)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.currentIndexChanged.connect(
                lambda _i, name=name, combo=combo: selection.set_attribute(
                    name, combo.currentData(), SOURCE
                )
            )
            self.combos[name] = combo
            layout.addWidget(combo)
        layout.addWidget(self.user, 2)
        layout.addWidget(self.reset)
        selection.changed.connect(self._follow)
        self._follow(selection.filter, "")

    def set_values(self, values: dict[str, list[str]]) -> None:
        """The choices of each list (the distinct values of the open archive)."""
        for name, combo in self.combos.items():
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for value in values.get(name, []):
                combo.addItem(value, value)
            combo.setCurrentIndex(max(0, combo.findData(getattr(self.selection.filter, name))))
            combo.blockSignals(False)

    def _follow(self, f: SessionFilter, _source: str) -> None:
        """Show the selection, whoever changed it (signals are blocked: no echo)."""
        self.range_label.setText(format_range(f))
        self.clear_range.setEnabled(f.start_ms is not None)
        self.reset.setEnabled(not f.is_empty)
        for name, combo in self.combos.items():
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(getattr(f, name))))
            combo.blockSignals(False)
        for name, edit in (("page", self.page), ("user", self.user)):
            if edit.text() != (getattr(f, name) or ""):
                edit.setText(getattr(f, name) or "")
