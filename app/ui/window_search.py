"""Search in the window: the box above the tabs (Ctrl+K), and the index built behind it.

Why on its own: the window only makes this and says when its screens have filled; the index
build then starts (the dashboard comes first), its progress shows in the status bar
("Indexing for search… 42 %"), and the box asks for what the user types. The Sessions tab's
"sessions where …" filter and the Replay tab's find bar run their own searches on the same
lane (see :mod:`app.state.search_index`).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow

from app.state.navigation import Navigation
from app.state.open_archive import OpenArchive
from app.state.search_index import SearchIndexer
from app.state.tasks import TaskRunner
from app.ui.screen_tabs import ScreenTabs
from app.ui.search_box import SearchBox

READY_MESSAGE_MS = 4_000


class WindowSearch(QObject):
    """The search box, the background index build and its status-bar line."""

    def __init__(
        self,
        archive: OpenArchive,
        tasks: TaskRunner,
        navigation: Navigation,
        window: QMainWindow,
        tabs: ScreenTabs,
    ) -> None:
        super().__init__(window)
        self.indexer = SearchIndexer(archive, tasks, self)
        self.box = SearchBox(archive, tasks, self.indexer, navigation, window)
        self.status = QLabel()
        self.status.setToolTip("The archive is being indexed so that its text can be searched")
        window.statusBar().addPermanentWidget(self.status)
        tabs.set_corner(self.box)
        self.status.hide()
        self.action = QAction("&Search Sessions…", self)  # listed by Help › Shortcuts (F1)
        self.action.setShortcut(QKeySequence("Ctrl+K"))
        self.action.triggered.connect(self.box.focus_box)
        menus = [a.menu() for a in window.menuBar().actions() if a.menu() is not None]
        investigation = [m for m in menus if m.title() == "&Investigation"]
        (investigation[0] if investigation else window).addAction(self.action)
        self.indexer.progressed.connect(self._progressed)
        self.indexer.ready.connect(lambda _index: self._finished("Search index ready"))
        self.indexer.stopped.connect(self._stopped)
        self.indexer.reset.connect(self.status.hide)

    def screens_filled(self) -> None:
        """The dashboard is usable: index the archive now."""
        self.indexer.start()

    def _progressed(self, fraction: float) -> None:
        self.status.setText(f"Indexing for search… {fraction:.0%}")
        self.status.show()

    def _finished(self, text: str) -> None:
        self.status.setText(text)
        self.status.show()

        def hide() -> None:  # the line goes after a moment, unless it has changed
            if self.status.text() == text:
                self.status.hide()

        QTimer.singleShot(READY_MESSAGE_MS, self.status, hide)

    def _stopped(self, why: str) -> None:
        if why == "cancelled":
            self.status.hide()
        else:
            self._finished(f"Search is not available: {why}")
