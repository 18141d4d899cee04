"""The aligned steps of two sessions: one row per step pair, the differences under it.

Why a tree: a matched step's differences (what was typed, a request's status, an error,
text that appeared in one page only) belong *under* that step, readable without leaving
the list; rows of steps only one session has stay rows, blank on the other side, so the two
columns line up like the two sessions did. The first divergence is painted and marked so it
is the first thing seen. Selecting a row (or one of its differences) asks for that step.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from app.compare.model import AlignedStep, Step
from app.ui.theme import colour
from app.ui.timed_lists import format_offset, page_of

COLUMNS = ["", "Time", "Failed session", "Time", "Other session"]
STEP_ROLE = Qt.ItemDataRole.UserRole
DIVERGENCE_MARK = "⚑"
ONLY_MARK = "∅"
DIFFERS_MARK = "≠"


def step_text(step: Step | None) -> str:
    """A step as a cell shows it: its name and, when it has one, its page's path."""
    if step is None:
        return ""
    page = page_of(step.page)
    return f"{step.name}  ·  {page}" if page else step.name


def row_mark(index: int, row: AlignedStep, first_divergence: int | None) -> str:
    """What the narrow first column says of a row: first divergence, only in one, differs."""
    if index == first_divergence:
        return DIVERGENCE_MARK
    if not row.matched:
        return ONLY_MARK
    return DIFFERS_MARK if row.differences else ""


class AlignedStepsView(QTreeWidget):
    """The two sessions' steps side by side; emits :attr:`step_chosen` on selection."""

    step_chosen = Signal(int)
    """(index into the comparison's steps) — the user selected this step (or under it)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.steps: list[AlignedStep] = []
        self.first_divergence: int | None = None
        self.setColumnCount(len(COLUMNS))
        self.setHeaderLabels(COLUMNS)
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(False)
        self.setAlternatingRowColors(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setToolTip(
            f"{DIVERGENCE_MARK} first divergence · {ONLY_MARK} a step only one session has · "
            f"{DIFFERS_MARK} matched, with differences (listed under it). Select a step to "
            "see both replays there."
        )
        header = self.header()
        header.setStretchLastSection(False)
        for column, mode in enumerate(
            (QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.ResizeToContents,
             QHeaderView.ResizeMode.Stretch, QHeaderView.ResizeMode.ResizeToContents,
             QHeaderView.ResizeMode.Stretch)
        ):  # fmt: skip
            header.setSectionResizeMode(column, mode)
        self.currentItemChanged.connect(self._current_changed)
        self.itemClicked.connect(lambda item, _column: self._current_changed(item, None))

    def set_steps(
        self,
        steps: list[AlignedStep],
        first_divergence: int | None,
        start_a_ms: int,
        start_b_ms: int,
    ) -> None:
        """Show ``steps`` (times as offsets into each session) with their differences."""
        self.steps, self.first_divergence = steps, first_divergence
        self.blockSignals(True)
        self.clear()
        bold = QFont(self.font())
        bold.setBold(True)
        highlight = QBrush(colour("current_row"))
        for index, row in enumerate(steps):
            item = QTreeWidgetItem(
                [
                    row_mark(index, row, first_divergence),
                    format_offset(row.a.ts_ms - start_a_ms) if row.a else "",
                    step_text(row.a),
                    format_offset(row.b.ts_ms - start_b_ms) if row.b else "",
                    step_text(row.b),
                ]
            )
            item.setData(0, STEP_ROLE, index)
            item.setToolTip(2, row.a.name if row.a else "(not in the failed session)")
            item.setToolTip(4, row.b.name if row.b else "(not in the other session)")
            for text in row.differences:
                child = QTreeWidgetItem(["", "", f"↳ {text}"])
                child.setData(0, STEP_ROLE, index)
                child.setToolTip(2, text)
                item.addChild(child)
            self.addTopLevelItem(item)
            if index == first_divergence:
                item.setToolTip(0, "The first divergence: where the two sessions part ways")
                for column in range(len(COLUMNS)):
                    item.setFont(column, bold)
                    item.setBackground(column, highlight)
            item.setExpanded(True)
        self.blockSignals(False)

    def select_step(self, index: int) -> None:
        """Make step ``index`` the selected row (and scroll to it); emits :attr:`step_chosen`."""
        item = self.topLevelItem(index)
        if item is not None:
            self.setCurrentItem(item)
            self.scrollToItem(item, QAbstractItemView.ScrollHint.PositionAtCenter)

    def selected_step(self) -> int | None:
        item = self.currentItem()
        return None if item is None else int(item.data(0, STEP_ROLE))

    def _current_changed(self, item: QTreeWidgetItem | None, _previous: object) -> None:
        if item is not None:
            self.step_chosen.emit(int(item.data(0, STEP_ROLE)))
