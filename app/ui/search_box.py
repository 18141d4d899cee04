"""The search box above the tabs (Ctrl+K): what users saw, typed and logged, across sessions.

Results come as you type: ~150 ms after the last key the query runs as a task on the search
lane (a newer query cancels the older; its late result is dropped), and the hits are listed
under the box. Arrow keys move in the list, Enter opens the replay a second before the hit
(or, on the last row, makes the hits the Sessions tab's filter), Escape closes the list. A
query the engine cannot read shows its message in the list, never a dialog. Until the
archive's index is ready the list says so and the query waits for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget

from app.state.navigation import Navigation, ShowReplay, ShowSessions
from app.state.open_archive import ArchiveState, OpenArchive
from app.state.search_index import SEARCH_LANE, SearchIndexer
from app.state.tasks import Task, TaskRunner
from app.store.search import Hit, QuerySyntaxError, SearchIndex, SearchResult
from app.ui.search_popup import SESSIONS_ROW, SearchPopup, SessionLabel, session_labels

DEBOUNCE_MS = 150
HIT_LIMIT = 50
LEAD_MS = 1_000
"""A hit's replay opens this much before it, so the moment itself is seen arriving."""
PLACEHOLDER = "Search what users saw, typed, logged… (Ctrl+K)"


@dataclass(frozen=True)
class Found:
    """What one query found: its hits and in how many sessions, or why it could not run."""

    query: str
    result: SearchResult | None = None
    sessions: int = 0
    error: str = ""


def run_query(index: SearchIndex, query: str, limit: int = HIT_LIMIT) -> Found:
    """The hits (best first) and the number of sessions where ``query`` holds."""
    try:
        result = index.search(query, limit=limit, order="relevance")
        sessions = len(index.sessions_matching(query)) if result.total else 0
    except QuerySyntaxError as exc:  # the user's to fix: shown in the list
        return Found(query, error=str(exc))
    return Found(query, result, sessions)


class SearchBox(QLineEdit):
    """The box; its popup lives on ``host`` (the window) so it may overlay the tabs."""

    def __init__(
        self,
        archive: OpenArchive,
        tasks: TaskRunner,
        indexer: SearchIndexer,
        navigation: Navigation,
        host: QWidget,
    ) -> None:
        super().__init__()
        self.archive, self.tasks, self.indexer, self.navigation = (
            archive, tasks, indexer, navigation,
        )  # fmt: skip
        self.setPlaceholderText(PLACEHOLDER)
        self.setClearButtonEnabled(True)
        self.setMinimumWidth(360)  # the whole placeholder shows
        self.setMaximumWidth(420)
        self.setEnabled(False)
        self.popup = SearchPopup(host)
        self.popup.chosen.connect(self.choose)
        self.labels: dict[str, SessionLabel] = {}
        self.found: Found | None = None
        self.waiting = ""  # the query that waits for the index
        self._task: Task | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.run)
        self.textEdited.connect(lambda _text: self._timer.start())
        self.textChanged.connect(self._changed)
        host.installEventFilter(self)
        archive.opened.connect(self._opened)
        archive.closed.connect(self._closed)
        indexer.progressed.connect(self._indexing)
        indexer.ready.connect(lambda _index: self._index_ready())
        indexer.stopped.connect(self._index_stopped)

    # ---- archive -------------------------------------------------------------------------
    def _opened(self, state: ArchiveState) -> None:
        self.labels = session_labels(state.sessions)
        self.setEnabled(True)

    def _closed(self) -> None:
        """Another archive: nothing typed for the old one stays."""
        self._cancel()
        self.waiting = ""
        self.found = None
        self.clear()
        self.popup.hide()
        self.labels = {}
        self.setEnabled(False)

    # ---- querying ------------------------------------------------------------------------
    def _changed(self, text: str) -> None:
        if not text.strip():
            self._timer.stop()
            self._cancel()
            self.waiting, self.found = "", None
            self.popup.hide()
        elif not self._timer.isActive():
            self._timer.start()  # set in code (tests, history): run it too

    def run(self) -> None:
        """Run the typed query now (the debounce timer calls this)."""
        self._timer.stop()
        query = self.text().strip()
        store = self.archive.store
        if not query or store is None:
            return
        self._cancel()
        index = self.indexer.index
        if index is None:
            self.waiting = query
            self._indexing(self.indexer.fraction)
            self.indexer.start()  # typed before the dashboard filled: index now
            return
        self.waiting = ""
        self._task = self.tasks.submit(
            lambda: run_query(index, query),
            self._show,
            lambda error: self._show(Found(query, error=f"The search failed: {error}")),
            owner=self,
            store=store,
            lane=SEARCH_LANE,
            name="SearchBox.query",
        )

    def _cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def _show(self, found: Found) -> None:
        self._task = None
        if found.query != self.text().strip():
            return  # typed on meanwhile; the newer query is coming
        self.found = found
        if found.error:
            self.popup.show_message(found.error)
        elif found.result is not None:
            self.popup.show_hits(found.query, found.result, found.sessions, self.labels)
        if self.hasFocus() or self.popup.isVisible():
            self.popup.place_under(self)

    def _indexing(self, fraction: float) -> None:
        if self.waiting:
            self.popup.show_message(
                f"Indexing… {fraction:.0%} — the results show when the index is ready"
            )
            self.popup.place_under(self)

    def _index_ready(self) -> None:
        if self.waiting and self.waiting == self.text().strip():
            self.run()

    def _index_stopped(self, why: str) -> None:
        if self.waiting and why != "cancelled":
            self.popup.show_message(f"Search is not available: {why}")
            self.popup.place_under(self)

    # ---- choosing ------------------------------------------------------------------------
    def choose(self, row: Hit | str | None) -> None:
        """Open a hit's replay a second before it, or make the hits the session filter."""
        if isinstance(row, Hit):
            self.popup.hide()
            self.navigation.go(ShowReplay(row.session_id, row.ts_ms - LEAD_MS))
        elif row == SESSIONS_ROW and self.found is not None:
            self.popup.hide()
            self.navigation.go(ShowSessions(where=self.found.query))

    def focus_box(self) -> None:
        """Ctrl+K: the box, its text selected, its list shown again."""
        self.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.selectAll()
        if self.found is not None or self.waiting:
            self.popup.place_under(self)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.popup.isVisible():
            self.popup.move_current(1 if key == Qt.Key.Key_Down else -1)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self._timer.isActive() or self.found is None:
                self.run()  # Enter before the results came: run now
            elif self.popup.isVisible():
                self.choose(self.popup.current_row())
            else:
                self.popup.place_under(self)
        elif key == Qt.Key.Key_Escape and self.popup.isVisible():
            self.popup.hide()
        else:
            super().keyPressEvent(event)

    def focusOutEvent(self, event: object) -> None:
        super().focusOutEvent(event)  # type: ignore[arg-type]
        self.popup.hide()  # the list takes no focus: clicking a row keeps it here

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self.popup.isVisible():
            QTimer.singleShot(0, self, lambda: self.popup.place_under(self))
        return False
