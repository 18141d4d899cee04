"""The Funnels tab's step editor: the steps in order, and what the archive offers to add.

Why offered values: typing ``action:click on 'Go to checkout'`` right is hard; the archive
already knows its pages, action names and goals (``app.store.queries.funnels.step_choices``),
so the value box lists them for the chosen kind and still accepts any text (a page pattern
such as ``/product/*``).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.store.queries.funnels import KINDS, FunnelStep, parse_step


class FunnelStepsEditor(QWidget):
    """A list of steps with Add, Remove, Up and Down, and the optional time limit."""

    changed = Signal()
    """The steps or the limit changed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choices: dict[str, list[str]] = {kind: [] for kind in KINDS}
        self.list = QListWidget()
        self.list.setMaximumHeight(96)
        self.kind = QComboBox()
        self.kind.addItems(list(KINDS))
        self.kind.currentTextChanged.connect(self._offer)
        self.value = QComboBox()
        self.value.setEditable(True)
        self.value.setMinimumContentsLength(28)
        self.value.lineEdit().setPlaceholderText("/product/*, click on 'Cart', purchase")
        self.add = QPushButton("Add step")
        self.add.clicked.connect(self._add)
        self.value.lineEdit().returnPressed.connect(self._add)
        self.remove = QPushButton("Remove")
        self.remove.clicked.connect(lambda: self._take(self.list.currentRow()))
        self.up = QPushButton("Up")
        self.up.clicked.connect(lambda: self._move(-1))
        self.down = QPushButton("Down")
        self.down.clicked.connect(lambda: self._move(1))
        self.within = QSpinBox()
        self.within.setRange(0, 24 * 60)
        self.within.setSuffix(" min")
        self.within.setSpecialValueText("no limit")
        self.within.setToolTip("Every step within this time of the first one (0: no limit)")
        self.within.valueChanged.connect(lambda _v: self.changed.emit())

        adding = QHBoxLayout()
        adding.addWidget(self.kind)
        adding.addWidget(self.value, 1)
        adding.addWidget(self.add)
        adding.addSpacing(12)
        adding.addWidget(QLabel("Within"))
        adding.addWidget(self.within)
        moving = QVBoxLayout()
        for button in (self.up, self.down, self.remove):
            moving.addWidget(button)
        moving.addStretch(1)
        rows = QHBoxLayout()
        rows.addWidget(self.list, 1)
        rows.addLayout(moving)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("<b>Steps</b>, in order within a session"))
        layout.addLayout(rows)
        layout.addLayout(adding)

    def steps(self) -> list[FunnelStep]:
        return [parse_step(self.list.item(i).text()) for i in range(self.list.count())]

    def limit_ms(self) -> int | None:
        return self.within.value() * 60_000 or None

    def set_steps(self, steps: list[FunnelStep], *, quiet: bool = False) -> None:
        self.list.clear()
        self.list.addItems([step.text for step in steps])
        if not quiet:
            self.changed.emit()

    def set_choices(self, choices: dict[str, list[str]]) -> None:
        """The archive's pages, action names and goals, offered by kind."""
        self.choices = {kind: list(choices.get(kind, [])) for kind in KINDS}
        self._offer(self.kind.currentText())

    def _offer(self, kind: str) -> None:
        text = self.value.currentText()
        self.value.clear()
        self.value.addItems(self.choices.get(kind, []))
        self.value.setEditText(text)

    def _add(self) -> None:
        value = self.value.currentText().strip()
        if value:
            self.list.addItem(FunnelStep(self.kind.currentText(), value).text)
            self.value.setEditText("")
            self.changed.emit()

    def _take(self, row: int) -> None:
        if row >= 0:
            self.list.takeItem(row)
            self.changed.emit()

    def _move(self, by: int) -> None:
        row = self.list.currentRow()
        if row < 0 or not 0 <= row + by < self.list.count():
            return
        item = self.list.takeItem(row)
        self.list.insertItem(row + by, item)
        self.list.setCurrentRow(row + by)
        self.changed.emit()
