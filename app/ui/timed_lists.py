"""Lists of things that happened at a time (actions, console, network), kept in step with the
:class:`~app.state.time_cursor.TimeCursor`.

Each list observes the cursor: the row of "now" is highlighted and kept in view, rows in the
future are greyed, and in "up to now" mode rows after the current time are hidden. Clicking
a row moves the cursor (with the list's own source name, so the list ignores the echo).

Why every cursor move repaints every row whose played state flipped (not just the old and
new current rows): a seek jumps over many rows at once, and a view that is only told about
two of them keeps painting the others in their old shade — and scrolling then blits that
stale paint around (the "torn" rows users saw).
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.state.time_cursor import TimeCursor
from app.ui.layout_memory import remember_splitter
from app.ui.theme import colour

_Index = QModelIndex | QPersistentModelIndex
_ENSURE_VISIBLE = QAbstractItemView.ScrollHint.EnsureVisible
USER_SCROLL_GRACE_S = 4.0  # after the user scrolls a list, it stops following the cursor
PLAYED_ROLE = Qt.ItemDataRole.UserRole + 1
"""Model role: True when the row's moment has been played (is at or before the cursor)."""
FUTURE_ALPHA = 120  # coloured rows (errors, loads) not yet played are drawn this faint
_SHADING_ROLES = [
    Qt.ItemDataRole.ForegroundRole,
    Qt.ItemDataRole.BackgroundRole,
    Qt.ItemDataRole.FontRole,
    PLAYED_ROLE,
]


def format_offset(ms: int) -> str:
    sign = "-" if ms < 0 else ""
    ms = abs(ms)
    minutes, rest = divmod(ms, 60_000)
    return f"{sign}{minutes}:{rest / 1000:04.1f}"


def format_clock(ms: int) -> str:
    moment = datetime.fromtimestamp(ms / 1000, tz=UTC)
    return moment.strftime("%H:%M:%S.") + f"{ms % 1000:03d}"


def page_of(url: str | None) -> str:
    if not url:
        return ""
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


@dataclass(frozen=True)
class TimedRow:
    """One row: its time, its cells, and how it looks."""

    ts_ms: int
    cells: tuple[str, ...]
    tooltip: str = ""
    kind: str = ""  # "error", "warn", "load", "failed" … for colour
    record: Any = None  # what the row shows (for the list's details pane)


_COLOURS = {"error": "error", "failed": "error", "warn": "warn", "load": "load"}


class TimedTableModel(QAbstractTableModel):
    """Rows sorted by time; optionally only those up to the current time."""

    def __init__(self, headers: Sequence[str], parent: Any = None) -> None:
        super().__init__(parent)
        self._headers = list(headers)
        self._rows: list[TimedRow] = []
        self._times: list[int] = []
        self._visible = 0
        self._up_to_now = False
        self._now = 0
        self.current_row = -1
        self.origin_ms = 0

    # ---- content -----------------------------------------------------------------------
    def set_rows(self, rows: Sequence[TimedRow], origin_ms: int) -> None:
        self.beginResetModel()
        self._rows = sorted(rows, key=lambda r: r.ts_ms)
        self._times = [r.ts_ms for r in self._rows]
        self.origin_ms = origin_ms
        self._visible = self._limit()
        self.current_row = self._current()
        self.endResetModel()

    def row_at(self, row: int) -> TimedRow:
        return self._rows[row]

    def total_rows(self) -> int:
        return len(self._rows)

    # ---- time --------------------------------------------------------------------------
    def set_up_to_now(self, enabled: bool) -> None:
        self._up_to_now = enabled
        self._apply_limit()

    def set_now(self, t_ms: int) -> int:
        """Follow the cursor; returns the current row (-1 before the first).

        Every row whose played state flips (its time lies between the old and the new
        "now", either direction) and the old and new current rows are announced changed.
        """
        played_before = bisect.bisect_right(self._times, self._now)
        self._now = t_ms
        self._apply_limit()
        played = bisect.bisect_right(self._times, t_ms)
        self.current_row = played - 1
        # Rows [min, max) flipped; the current row is the one before each boundary.
        first = max(min(played_before, played) - 1, 0)
        last = min(max(played_before, played), self._visible) - 1
        if played != played_before and first <= last:
            self.dataChanged.emit(
                self.index(first, 0), self.index(last, self.columnCount() - 1), _SHADING_ROLES
            )
        return self.current_row

    def _current(self) -> int:
        return bisect.bisect_right(self._times, self._now) - 1

    def _limit(self) -> int:
        return bisect.bisect_right(self._times, self._now) if self._up_to_now else len(self._rows)

    def _apply_limit(self) -> None:
        limit = self._limit()
        if limit > self._visible:
            self.beginInsertRows(QModelIndex(), self._visible, limit - 1)
            self._visible = limit
            self.endInsertRows()
        elif limit < self._visible:
            self.beginRemoveRows(QModelIndex(), limit, self._visible - 1)
            self._visible = limit
            self.endRemoveRows()

    # ---- Qt model API ------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._visible

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._headers[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self._visible:
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row.cells[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.tooltip or None
        if role == PLAYED_ROLE:
            return row.ts_ms <= self._now
        if role == Qt.ItemDataRole.ForegroundRole:
            future = row.ts_ms > self._now
            if row.kind in _COLOURS:
                tint = QColor(colour(_COLOURS[row.kind]))
                if future:
                    tint.setAlpha(FUTURE_ALPHA)
                return QBrush(tint)
            if future:
                return QBrush(colour("muted"))
        if role == Qt.ItemDataRole.BackgroundRole and index.row() == self.current_row:
            return QBrush(colour("current_row"))
        if role == Qt.ItemDataRole.FontRole and index.row() == self.current_row:
            font = QFont()
            font.setBold(True)
            return font
        return None


class _RowsTable(QTableView):
    """A table that scrolls to a row without scrolling sideways.

    Why: a click on a cell made it current and Qt scrolled to show that cell whole — in a
    narrow panel the table jumped sideways and hid the Time column.
    """

    def scrollTo(self, index: _Index, hint: QAbstractItemView.ScrollHint = _ENSURE_VISIBLE) -> None:
        sideways = self.horizontalScrollBar().value()
        super().scrollTo(index, hint)
        self.horizontalScrollBar().setValue(sideways)


class TimedListView(QWidget):
    """A :class:`TimedTableModel` in a table, following the cursor, click to seek.

    With ``details`` a pane under the table shows the selected row in full (text that can be
    selected and copied), since a one-line cell can only show a message's start.
    """

    def __init__(
        self,
        cursor: TimeCursor,
        source: str,
        headers: Sequence[str],
        *,
        up_to_now_toggle: bool = True,
        pre_roll_ms: int = 0,
        stretch_column: int = -1,
        empty_text: str = "Nothing recorded in this session",
        details: Callable[[TimedRow], str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.cursor = cursor
        self.pre_roll_ms = pre_roll_ms
        self.source = source
        self.model = TimedTableModel(headers, self)
        self.table = _RowsTable()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        stretch = stretch_column % len(headers)
        header.setStretchLastSection(stretch == len(headers) - 1)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        self.table.clicked.connect(self._on_clicked)
        self.table.activated.connect(self._on_clicked)
        self.table.verticalScrollBar().sliderPressed.connect(self._user_scrolled)
        self._last_user_scroll = 0.0
        self.empty_label = QLabel(empty_text)
        self.empty_label.setEnabled(False)
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.up_to_now = QCheckBox("Up to now")
        self.up_to_now.setToolTip("Show only what happened up to the current moment")
        self.up_to_now.toggled.connect(self.model.set_up_to_now)
        self.count_label = QLabel()
        self.count_label.setEnabled(False)
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 0)
        bar.addWidget(self.up_to_now)
        bar.addStretch(1)
        bar.addWidget(self.count_label)
        if up_to_now_toggle:
            layout.addLayout(bar)  # first, with or without rows: it never moves
        self._render_details = details
        self.details: QPlainTextEdit | None = None
        body: QWidget = self.table
        if details is not None:
            self.details = QPlainTextEdit()
            self.details.setReadOnly(True)
            self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
            self.details.setPlaceholderText("Select a row to see it in full")
            self.table.selectionModel().currentRowChanged.connect(self.refresh_details)
            body = QSplitter(Qt.Orientation.Vertical)
            body.addWidget(self.table)
            body.addWidget(self.details)
            body.setStretchFactor(0, 3)
            body.setStretchFactor(1, 2)
            body.setChildrenCollapsible(False)
            remember_splitter(body, f"replay-{source}")
        self.body = body
        layout.addWidget(body, 1)
        layout.addWidget(self.empty_label, 1)
        cursor.time_changed.connect(self._on_time_changed)
        self._show_empty(True)

    def set_rows(
        self, rows: Sequence[TimedRow], origin_ms: int, widths: Sequence[int] = ()
    ) -> None:
        self.model.set_rows(rows, origin_ms)
        self.model.set_now(self.cursor.time())
        self._show_empty(not rows)
        self.count_label.setText(f"{len(rows)}")
        for column, width in enumerate(widths):
            self.table.setColumnWidth(column, width)
        self.refresh_details()

    def _show_empty(self, empty: bool) -> None:
        """Without rows the message takes the table's place; the bar above stays put."""
        self.empty_label.setVisible(empty)
        self.body.setVisible(not empty)
        self.up_to_now.setEnabled(not empty)

    def selected_row(self) -> TimedRow | None:
        index = self.table.selectionModel().currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.row_at(index.row())

    def refresh_details(self, *_: object) -> None:
        """Show the selected row in the details pane (again: what it shows may have grown);
        with none selected, the row at the cursor — the pane follows the replay."""
        if self.details is None or self._render_details is None:
            return
        row = self.selected_row()
        if row is None and 0 <= self.model.current_row < self.model.rowCount():
            row = self.model.row_at(self.model.current_row)
        self.details.setPlainText("" if row is None else self._render_details(row))

    def _user_scrolled(self) -> None:
        self._last_user_scroll = time.monotonic()

    def _on_time_changed(self, t_ms: int, source: str) -> None:
        before = self.model.current_row
        current = self.model.set_now(t_ms)
        if current != before and source != self.source:
            # the replay moved on: the details follow it rather than a row chosen earlier
            self.table.selectionModel().clear()
            self.refresh_details()
        following = time.monotonic() - self._last_user_scroll > USER_SCROLL_GRACE_S
        if 0 <= current < self.model.rowCount() and following and source != self.source:
            self.table.scrollTo(
                self.model.index(current, 0), QAbstractItemView.ScrollHint.EnsureVisible
            )

    def _on_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.seek_to_row(index.row())

    def seek_to_row(self, row: int) -> None:
        self.cursor.set_time(self.model.row_at(row).ts_ms - self.pre_roll_ms, self.source)
