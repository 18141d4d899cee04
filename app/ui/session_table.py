"""The session list: one row per ingested session, sortable by the real values.

Why the model sorts itself: a proxy that compares display strings would put "1:06:40" before
"9:59" and "10" errors before "2". Sorting the Python list by typed keys is correct and,
unlike a proxy calling ``data()`` per comparison, stays fast for 100k sessions. ``Qt.UserRole``
still returns the same typed key, so a filter proxy added later can sort the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QBrush, QFont, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QProxyStyle,
    QStyle,
    QStyleOption,
    QTableView,
    QWidget,
)

from app.store.queries.overview import USER_ACTIONS
from app.store.queries.sessions import SessionSummary
from app.ui.theme import colour

SORT_ROLE = Qt.ItemDataRole.UserRole
EXPERIENCE_COLOURS = {"satisfying": "good", "tolerable": "tolerable", "frustrating": "error"}
EXPERIENCE_ORDER = {"satisfying": 0, "tolerable": 1, "frustrating": 2}
_EPOCH = datetime(1970, 1, 1)
_ModelIndex = QModelIndex | QPersistentModelIndex


def format_duration(ms: int | None) -> str:
    """``65_000`` → ``"1:05"``, ``3_725_000`` → ``"1:02:05"``; unknown → empty."""
    if ms is None:
        return ""
    seconds = max(int(ms), 0) // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def format_start(moment: datetime | None) -> str:
    """Start time as ``YYYY-MM-DD HH:MM:SS`` (the store gives naive UTC)."""
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment is not None else ""


def _text(value: str | None) -> str:
    return value or ""


def _text_key(value: str | None) -> str:
    return (value or "").casefold()


def _number_key(value: int | None) -> float:
    return float("-inf") if value is None else float(value)


def _time_key(moment: datetime | None) -> float:
    return float("-inf") if moment is None else (moment - _EPOCH).total_seconds()


@dataclass(frozen=True)
class Column:
    title: str
    display: Callable[[SessionSummary], str]
    key: Callable[[SessionSummary], Any]
    numeric: bool = False
    tooltip: str = ""


COLUMNS: tuple[Column, ...] = (
    Column(
        "User",
        lambda s: _text(s.user_id),
        lambda s: _text_key(s.user_id),
        tooltip="The user id the recording names (hover a cell for the session id)",
    ),
    Column(
        "Start (UTC)",
        lambda s: format_start(s.started_at),
        lambda s: _time_key(s.started_at),
        tooltip="When the session started, in UTC",
    ),
    Column(
        "Duration",
        lambda s: format_duration(s.duration_ms),
        lambda s: _number_key(s.duration_ms),
        numeric=True,
        tooltip="From the first to the last recorded moment",
    ),
    Column(
        "Pages",
        lambda s: str(s.pages),
        lambda s: s.pages,
        numeric=True,
        tooltip="Distinct pages loaded",
    ),
    Column(
        "Actions",
        lambda s: str(s.actions),
        lambda s: s.actions,
        numeric=True,
        tooltip=USER_ACTIONS,
    ),
    Column(
        "Errors",
        lambda s: str(s.errors),
        lambda s: s.errors,
        numeric=True,
        tooltip="JavaScript errors recorded in the session",
    ),
    Column(
        "UX",
        lambda s: _text(s.experience),
        lambda s: EXPERIENCE_ORDER.get(s.experience or "", -1),
        tooltip="User experience: satisfying, tolerable or frustrating (weights of the rated "
        "actions by Apdex and of the JavaScript errors; see app/analysis/experience.py)",
    ),
    Column("Browser", lambda s: _text(s.browser), lambda s: _text_key(s.browser)),
    Column("OS", lambda s: _text(s.os), lambda s: _text_key(s.os)),
    Column("Country", lambda s: _text(s.country), lambda s: _text_key(s.country)),
)


def _alignment(column: Column) -> Qt.AlignmentFlag:
    """Numbers right-aligned so digits line up; text left-aligned."""
    horizontal = Qt.AlignmentFlag.AlignRight if column.numeric else Qt.AlignmentFlag.AlignLeft
    return horizontal | Qt.AlignmentFlag.AlignVCenter


COLUMN_INDEX = {column.title: index for index, column in enumerate(COLUMNS)}
ERRORS_COLUMN = COLUMN_INDEX["Errors"]
EXPERIENCE_COLUMN = COLUMN_INDEX["UX"]


FIT_ROWS = 100  # rows measured when columns are fitted to their contents


class SessionTableModel(QAbstractTableModel):
    """Read-only table over a list of :class:`SessionSummary`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._all: list[SessionSummary] = []  # every session, in the current sort order
        self._rows: list[SessionSummary] = []  # those the search matches
        self._needle = ""
        self._only: frozenset[str] | None = None  # the "sessions where …" filter's ids
        self._bold = QFont()
        self._bold.setBold(True)

    # ---- content -------------------------------------------------------------------------
    def set_sessions(self, sessions: Sequence[SessionSummary]) -> None:
        """Replace all rows (a new archive was opened)."""
        self.beginResetModel()
        self._all = list(sessions)
        self._rows = self._matching()
        self.endResetModel()

    def set_search(self, text: str) -> None:
        """Show only sessions whose user or session id contains ``text`` (any case)."""
        needle = text.strip().lower()
        if needle != self._needle:
            self.beginResetModel()
            self._needle = needle
            self._rows = self._matching()
            self.endResetModel()

    def set_only(self, session_ids: frozenset[str] | None) -> None:
        """Show only these sessions (a full-text search's), or every one again (None)."""
        if session_ids != self._only:
            self.beginResetModel()
            self._only = session_ids
            self._rows = self._matching()
            self.endResetModel()

    def _matching(self) -> list[SessionSummary]:
        needle, only = self._needle, self._only
        rows = self._all if only is None else [s for s in self._all if s.session_id in only]
        if not needle:
            return list(rows)
        return [
            s for s in rows if needle in (s.user_id or "").lower() or needle in s.session_id.lower()
        ]

    def summary(self, row: int) -> SessionSummary:
        return self._rows[row]

    def sessions(self) -> list[SessionSummary]:
        """Every session of the list (the search aside)."""
        return list(self._all)

    # ---- QAbstractTableModel -------------------------------------------------------------
    def rowCount(self, parent: _ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        summary = self._rows[index.row()]
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.display(summary)
        if role == SORT_ROLE:
            return column.key(summary)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _alignment(column)
        if index.column() == ERRORS_COLUMN and summary.errors > 0:
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(colour("error"))
            if role == Qt.ItemDataRole.FontRole:
                return self._bold
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and index.column() == EXPERIENCE_COLUMN
            and summary.experience in EXPERIENCE_COLOURS
        ):
            return QBrush(colour(EXPERIENCE_COLOURS[summary.experience]))
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 0:
            return f"Session {summary.session_id}"
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        column = COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tooltip or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _alignment(column)
        return None

    def flags(self, index: _ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by the typed key; ties keep start order so the result is stable."""
        if not 0 <= column < len(COLUMNS):
            return
        key = COLUMNS[column].key
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        old_rows = [index.row() for index in persistent]
        order_rows = sorted(
            range(len(self._rows)),
            key=lambda row: key(self._rows[row]),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )
        new_position = {old: new for new, old in enumerate(order_rows)}
        self._rows = [self._rows[row] for row in order_rows]
        self._all.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        self.changePersistentIndexList(
            persistent,
            [
                self.index(new_position[row], index.column())
                for row, index in zip(old_rows, persistent, strict=True)
            ],
        )
        self.layoutChanged.emit()


class _RoomyCellStyle(QProxyStyle):
    """Wider text margins in cells and headers, for this table only.

    Why: with the default 3-4 px a right-aligned number ("Errors") runs into the
    left-aligned text of the next column ("Browser"). A proxy style keeps the platform
    look, which a style sheet on header sections would replace.
    """

    MARGIN = 5

    def pixelMetric(
        self,
        metric: QStyle.PixelMetric,
        option: QStyleOption | None = None,
        widget: QWidget | None = None,
    ) -> int:
        if metric in (QStyle.PixelMetric.PM_HeaderMargin, QStyle.PixelMetric.PM_FocusFrameHMargin):
            return self.MARGIN
        return super().pixelMetric(metric, option, widget)


class SessionTableView(QTableView):
    """The session table with the look the investigator expects: sortable, row selection."""

    MAX_INITIAL_WIDTH = 280

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fit_pending = False
        self._style = _RoomyCellStyle()  # held here: setStyle does not take ownership
        self.setStyle(self._style)
        self.horizontalHeader().setStyle(self._style)
        self.setSortingEnabled(True)
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setCornerButtonEnabled(False)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setHighlightSections(False)
        header.setSortIndicatorShown(True)
        # Fit columns to the first rows only: every row of 10,000 sessions would take seconds
        # of the GUI thread, and the widest values are as likely in 200 rows as in all.
        header.setResizeContentsPrecision(FIT_ROWS)

    def fit_columns(self) -> None:
        """Fit the columns to a new archive now, or when the view is first laid out."""
        self._fit_pending = True
        if self.isVisible():
            self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._fit_pending and self.isVisible():
            # In a turn of its own: measuring the rows is not cheap, and a resize comes
            # amid a layout that has its own work to do.
            QTimer.singleShot(0, self, lambda: self._fit() if self._fit_pending else None)

    def showEvent(self, event: QShowEvent) -> None:
        """A table filled while its tab was hidden fits itself once laid out and shown."""
        super().showEvent(event)
        if self._fit_pending:
            QTimer.singleShot(0, self, lambda: self._fit() if self._fit_pending else None)

    def _fit(self) -> None:
        """Size columns to their contents once per archive, then fit them into the view.

        Why: contents-sized columns plus a little room read best, but a long user id or
        country must not push the last column out of sight behind a horizontal scroll bar.
        When the columns are too wide together, each gives up part of its room beyond its
        header title, in proportion to that room.
        """
        self._fit_pending = False
        self.resizeColumnsToContents()
        header = self.horizontalHeader()
        count = header.count()
        if count == 0:
            return
        padding = self.fontMetrics().horizontalAdvance("00")  # a little room to grow
        widths = [
            min(self.columnWidth(column) + padding, self.MAX_INITIAL_WIDTH)
            for column in range(count)
        ]
        floors = [min(header.sectionSizeHint(column), widths[column]) for column in range(count)]
        # The stretching last section never gets narrower than its title: the others give way.
        floors[-1] = widths[-1] = max(widths[-1], header.sectionSizeHint(count - 1))
        available = self.viewport().width()
        excess = sum(widths) - available
        if excess > 0:
            slack = [width - floor for width, floor in zip(widths, floors, strict=True)]
            total_slack = sum(slack)
            if total_slack > 0:
                cut = min(excess, total_slack)
                widths = [
                    width - -(-cut * room // total_slack)  # round up, so the sum fits
                    for width, room in zip(widths, slack, strict=True)
                ]
        for column in range(count - 1):  # the last section stretches into what is left
            self.setColumnWidth(column, widths[column])
