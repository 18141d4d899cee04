"""The list under the search box: a status line, the hits, and "show these sessions".

Why a child of the window rather than a ``Qt.Popup`` window: a popup window takes the
keyboard, and the user is still typing in the box. This one never takes focus; the box
hands it the arrow keys and Enter (:meth:`SearchPopup.move_current`, ``current_row``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QLabel,
    QListView,
    QVBoxLayout,
    QWidget,
)

from app.store.queries.sessions import SessionSummary
from app.store.search import Hit, SearchResult
from app.ui.hit_text import HTML_ROLE, RichTextDelegate, kind_tag, snippet_html
from app.ui.rich_text import escape
from app.ui.timed_lists import format_clock, format_offset

ROW_ROLE = Qt.ItemDataRole.UserRole + 21
"""Model role: the row's :class:`Hit`, or :data:`SESSIONS_ROW` for the footer."""
SESSIONS_ROW = "sessions"
POPUP_WIDTH = 640
POPUP_MAX_HEIGHT = 460


@dataclass(frozen=True)
class SessionLabel:
    """What a hit's row says of its session."""

    user: str
    start_ms: int | None


def session_labels(sessions: list[SessionSummary]) -> dict[str, SessionLabel]:
    def start(summary: SessionSummary) -> int | None:
        moment: datetime | None = summary.started_at
        if moment is None:
            return None
        return round(moment.replace(tzinfo=UTC).timestamp() * 1000)

    return {s.session_id: SessionLabel(s.user_id or "Anonymous user", start(s)) for s in sessions}


def hit_heading(hit: Hit, label: SessionLabel | None) -> str:
    """``user · session s1 · +1:23.4 · 14:02:11.250 UTC  [typed]`` as rich text."""
    user = label.user if label is not None else "?"
    when = f"{format_clock(hit.ts_ms)} UTC"
    if label is not None and label.start_ms is not None:
        when = f"+{format_offset(hit.ts_ms - label.start_ms)} · {when}"
    return (
        f"<b>{escape(user)}</b> · session {escape(hit.session_id)} · {when}"
        f"&nbsp;&nbsp;{kind_tag(hit.kind)}"
    )


def plural(count: int, word: str, words: str = "") -> str:
    return f"{count:,} {word if count == 1 else (words or word + 's')}"


class SearchPopup(QFrame):
    """Hits of the query typed in the box; the box drives it."""

    chosen = Signal(object)
    """(Hit or :data:`SESSIONS_ROW`) — a row was clicked."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.status.setContentsMargins(6, 4, 6, 2)
        self.model = QStandardItemModel(self)
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setItemDelegate(RichTextDelegate(self.list, wrap=True))
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setUniformItemSizes(False)
        self.list.clicked.connect(lambda index: self.chosen.emit(index.data(ROW_ROLE)))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(1, 1, 1, 1)
        layout.setSpacing(0)
        layout.addWidget(self.status)
        layout.addWidget(self.list, 1)
        self.hide()

    # ---- content -------------------------------------------------------------------------
    def show_message(self, text: str) -> None:
        """Only a line of text (indexing, no matches, a syntax error)."""
        self.model.clear()
        self.status.setText(text)
        self.list.hide()

    def show_hits(
        self, query: str, found: SearchResult, sessions: int, labels: dict[str, SessionLabel]
    ) -> None:
        self.model.clear()
        if not found.hits:
            self.show_message(f"Nothing matches {query}")
            return
        shown = len(found.hits)
        more = f" — the best {shown:,} shown" if found.total > shown else ""
        self.status.setText(
            f"{plural(found.total, 'match', 'matches')} in {plural(sessions, 'session')}{more}"
        )
        for hit in found.hits:
            item = QStandardItem(f"{hit.session_id} {hit.kind} {hit.snippet}")
            item.setData(
                f"{hit_heading(hit, labels.get(hit.session_id))}<br>{snippet_html(hit)}", HTML_ROLE
            )
            item.setData(hit, ROW_ROLE)
            item.setToolTip(hit.snippet)
            self.model.appendRow(item)
        if sessions:
            text = f"Show the {plural(sessions, 'session')} where {query} in the Sessions tab"
            item = QStandardItem(text)
            item.setData(f"<b>→ {escape(text)}</b>", HTML_ROLE)
            item.setData(SESSIONS_ROW, ROW_ROLE)
            self.model.appendRow(item)
        self.list.show()
        self.list.setCurrentIndex(self.model.index(0, 0))

    # ---- the box's keys ------------------------------------------------------------------
    def move_current(self, step: int) -> None:
        rows = self.model.rowCount()
        if rows == 0:
            return
        row = self.list.currentIndex().row()
        row = (row + step) % rows if row >= 0 else (0 if step > 0 else rows - 1)
        self.list.setCurrentIndex(self.model.index(row, 0))

    def current_row(self) -> Hit | str | None:
        index: QModelIndex = self.list.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def place_under(self, anchor: QWidget) -> None:
        """Show under ``anchor``, right edges aligned, within the window."""
        parent = self.parentWidget()
        if parent is None:
            return
        bottom_right = anchor.mapTo(parent, QPoint(anchor.width(), anchor.height()))
        width = min(max(POPUP_WIDTH, anchor.width()), parent.width() - 8)
        left = max(4, bottom_right.x() - width)
        room = parent.height() - bottom_right.y() - 8
        content = self.status.sizeHint().height() + 4
        if self.list.isVisible() or self.model.rowCount():
            content += sum(
                self.list.sizeHintForRow(r) for r in range(min(self.model.rowCount(), 12))
            )
            content += 6
        self.setGeometry(left, bottom_right.y() + 2, width, max(30, min(content, room)))
        self.show()
        self.raise_()
