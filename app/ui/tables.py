"""The read-only tables of the investigation screens, set up one way."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget


def read_only_table(columns: list[str], stretch: int = 0) -> QTableWidget:
    """A read-only, row-selecting table: column ``stretch`` takes the room, the others fit."""
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(columns)
    table.verticalHeader().hide()
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    return table


def read_whole(table: QTableWidget, least: int, most: int) -> Callable[[], None]:
    """Make ``table`` a list read whole: compact rows, no horizontal scroll bar (its stretching
    column elides), and exactly as tall as its rows, between ``least`` and ``most`` of them.
    Returns what fits the height again; call it whenever the rows change.

    Why: a ranked list (the Top 10) is read whole; left to a splitter it got the room of two
    rows at the default window size, and a short list would keep room it does not need.
    """
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 6)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def fit() -> None:
        rows = min(max(table.rowCount(), least), most)
        header = table.horizontalHeader().sizeHint().height()
        frame = 2 * table.frameWidth()
        table.setFixedHeight(rows * table.verticalHeader().defaultSectionSize() + header + frame)

    fit()
    return fit
