"""Ctrl+F in the Replay tab: find text in this session, like a browser's find bar.

The query searches the session shown (the same language as the search box). Its hits become
markers on the timeline and a list beside the player (the screen draws both from
:attr:`FindBar.hits_changed`); Enter / Shift+Enter (F3 / Shift+F3 from the player) go to
the next / previous hit after / before the current time: the time cursor moves there and
the element it matched is outlined in the replayed page (``outline_requested``). Escape
closes the bar and takes markers and outline away.
"""

from __future__ import annotations

import bisect

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from app.state.search_index import SEARCH_LANE
from app.state.tasks import Task, TaskRunner
from app.state.time_cursor import TimeCursor
from app.store.search import Hit, QuerySyntaxError, SearchResult, ensure_index
from app.store.store import SessionStore

DEBOUNCE_MS = 150
HIT_LIMIT = 2_000
SOURCE = "find"
SETTLE_MS = 1
"""A hit is shown this much after its moment: the player applies only the events strictly
before the time it is sent to, and the hit's own event must be applied to show its text."""


def hit_time(hit: Hit) -> int:
    """Where the time cursor goes for ``hit``."""
    return hit.ts_ms + SETTLE_MS


def find_in_session(store: SessionStore, session_id: str, query: str) -> SearchResult | str:
    """The session's hits of ``query`` in time order, or why the query cannot run (on the
    search lane: the index is built there first if it is not ready yet)."""
    try:
        index = ensure_index(store)
        return index.search(query, session_id=session_id, limit=HIT_LIMIT, order="time")
    except QuerySyntaxError as exc:
        return str(exc)


class _FindField(QLineEdit):
    """Enter / Shift+Enter step through the hits, Escape closes the bar."""

    def __init__(self, bar: FindBar) -> None:
        super().__init__()
        self.bar = bar

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self.bar.previous() if shift else self.bar.next()
        elif event.key() == Qt.Key.Key_Escape:
            self.bar.close_bar()
        else:
            super().keyPressEvent(event)


class FindBar(QWidget):
    """Find in the session shown; hidden until :meth:`open_bar`."""

    hits_changed = Signal(list)
    """(list[Hit]) — the hits to draw, in time order (empty when the bar closes)."""
    outline_requested = Signal(int)
    """(recorded node id, or -1) — outline this element of the replayed page."""

    def __init__(self, cursor: TimeCursor, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.cursor, self.tasks = cursor, tasks
        self.store: SessionStore | None = None
        self.session_id = ""
        self.hits: list[Hit] = []
        self.total = 0
        self.current = -1
        self._task: Task | None = None
        self.field = _FindField(self)
        self.field.setPlaceholderText("Find in this session: text, typed:, console:, url:…")
        self.field.setClearButtonEnabled(True)
        self.field.textChanged.connect(lambda _text: self._timer.start())
        self.count = QLabel()
        self.count.setTextFormat(Qt.TextFormat.PlainText)
        self.count.setMinimumWidth(90)
        self.previous_button = self._button("▲", "Previous hit (Shift+Enter, Shift+F3)")
        self.previous_button.clicked.connect(self.previous)
        self.next_button = self._button("▼", "Next hit (Enter, F3)")
        self.next_button.clicked.connect(self.next)
        close = self._button("✕", "Close (Escape)")
        close.clicked.connect(self.close_bar)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.addWidget(self.field, 1)
        layout.addWidget(self.count)
        for button in (self.previous_button, self.next_button, close):
            layout.addWidget(button)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.run)
        self.hide()

    def _button(self, text: str, tip: str) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        return button

    # ---- the session ---------------------------------------------------------------------
    def set_session(self, store: SessionStore | None, session_id: str) -> None:
        """Another session (or none): its hits of the query typed, if the bar is open."""
        self.store, self.session_id = store, session_id
        self._set_hits([], 0)
        if self.isVisible() and store is not None:
            self.run()

    def open_bar(self) -> None:
        """Ctrl+F: show the bar, its text selected (its hits again if it had a query)."""
        was_open = self.isVisible()
        self.show()
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()
        if not was_open and self.field.text().strip():
            self.run()

    def close_bar(self) -> None:
        """Escape: hide the bar; markers and outline go with it."""
        self._cancel()
        self.hide()
        self._set_hits([], 0)

    # ---- searching -----------------------------------------------------------------------
    def run(self) -> None:
        self._timer.stop()
        self._cancel()
        query, store, session = self.field.text().strip(), self.store, self.session_id
        if not query or store is None or not self.isVisible():
            self._set_hits([], 0)
            return
        self.count.setText("Searching…")

        def arrived(found: SearchResult | str) -> None:
            if (query, store, session) != (self.field.text().strip(), self.store, self.session_id):
                return
            self._task = None
            if isinstance(found, str):
                self._set_hits([], 0)
                self.count.setText(found)
                self.count.setToolTip(found)
                return
            self._set_hits(found.hits, found.total)

        self._task = self.tasks.submit(
            lambda: find_in_session(store, session, query),
            arrived,
            owner=self,
            store=store,
            lane=SEARCH_LANE,
            name="FindBar.query",
        )

    def _cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def _set_hits(self, hits: list[Hit], total: int) -> None:
        self.hits, self.total, self.current = sorted(hits, key=lambda h: h.ts_ms), total, -1
        self.count.setToolTip("")
        self._show_count()
        self.outline_requested.emit(-1)
        self.hits_changed.emit(self.hits)

    def _show_count(self) -> None:
        if not self.field.text().strip():
            text = ""
        elif not self.hits:
            text = "No matches"
        else:
            shown = self.current + 1 if self.current >= 0 else 0
            text = f"{shown} of {self.total:,}"
            if self.total > len(self.hits):
                text += f" (first {len(self.hits):,})"
        self.count.setText(text)

    # ---- stepping ------------------------------------------------------------------------
    def next(self) -> None:
        """The first hit after the current time (the one after the current hit, if it is
        shown: several hits may share a moment)."""
        if not self.hits:
            return
        now = self.cursor.time()
        if 0 <= self.current < len(self.hits) - 1 and hit_time(self.hits[self.current]) == now:
            self.go(self.current + 1)
            return
        times = [hit_time(h) for h in self.hits]
        index = bisect.bisect_right(times, now)
        self.go(index if index < len(self.hits) else 0)  # past the last: round to the first

    def previous(self) -> None:
        """The last hit before the current time (the one before the current hit)."""
        if not self.hits:
            return
        now = self.cursor.time()
        if 0 < self.current < len(self.hits) and hit_time(self.hits[self.current]) == now:
            self.go(self.current - 1)
            return
        times = [hit_time(h) for h in self.hits]
        index = bisect.bisect_left(times, now) - 1
        self.go(index if index >= 0 else len(self.hits) - 1)

    def go(self, index: int) -> None:
        """Show hit ``index``: the cursor at it, its element outlined."""
        self.current = index
        hit = self.hits[index]
        self.cursor.set_time(hit_time(hit), SOURCE)
        self.outline_requested.emit(hit.node_id if hit.node_id is not None else -1)
        self._show_count()

    def go_to_hit(self, hit: Hit) -> None:
        """A hit chosen in the list."""
        for index, candidate in enumerate(self.hits):
            if candidate is hit:
                self.go(index)
                return
