"""CSV of whatever table the user is looking at: what the table shows, as it is sorted."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import QAbstractItemView

from app.export.tables import write_csv


def table_contents(view: QAbstractItemView) -> tuple[list[str], list[list[str]]]:
    """Header titles and the displayed text of every row (hidden rows left out)."""
    model: QAbstractItemModel = view.model()
    columns = [
        str(model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) or "")
        for c in range(model.columnCount())
    ]
    rows = []
    for r in range(model.rowCount()):
        if getattr(view, "isRowHidden", lambda _r: False)(r):
            continue
        rows.append([
            str(model.data(model.index(r, c), Qt.ItemDataRole.DisplayRole) or "")
            for c in range(model.columnCount())
        ])  # fmt: skip
    return columns, rows


def export_table(view: QAbstractItemView, path: str | Path) -> int:
    columns, rows = table_contents(view)
    return write_csv(path, columns, rows)
