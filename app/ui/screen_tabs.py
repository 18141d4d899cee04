"""The window's tabs, with a header strip between the tab bar and the pages.

Why not a ``QTabWidget``: the filter bar narrows only the investigation screens, so it shows
on some tabs and not on others. Above a tab widget, its coming and going moved the tab bar
up and down — a click aimed at a tab landed in the filter field. Here the tab bar stays put
at the top and the header (the filter bar) sits *under* it, above the page it filters.
The API is the part of ``QTabWidget``'s the window uses, so screens and tests are unchanged.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QStackedWidget, QTabBar, QVBoxLayout, QWidget


class ScreenTabs(QWidget):
    """A tab bar, an optional header under it, and one page per tab."""

    currentChanged = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bar = QTabBar()
        self.bar.setDocumentMode(True)
        self.bar.setExpanding(False)
        self.bar.setDrawBase(True)
        self.pages = QStackedWidget()
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(0)
        self._top = QHBoxLayout()  # the tab bar, and at its right the corner (search box)
        self._top.setContentsMargins(0, 0, 6, 0)
        self._top.addWidget(self.bar)
        self._top.addStretch(1)
        self._layout.addLayout(self._top)
        self._layout.addWidget(self.pages, 1)
        self.bar.currentChanged.connect(self._switch)
        for keys, step in (("Ctrl+Tab", 1), ("Ctrl+Shift+Tab", -1), ("Ctrl+PgDown", 1),
                           ("Ctrl+PgUp", -1)):  # fmt: skip
            QShortcut(QKeySequence(keys), self, lambda step=step: self._step(step))

    def set_header(self, header: QWidget) -> None:
        """Put ``header`` between the tab bar and the pages (shown or hidden by its owner)."""
        self._layout.insertWidget(1, header)  # 0 is the tab bar's row

    def set_corner(self, corner: QWidget) -> None:
        """Put ``corner`` at the right end of the tab bar's row (the search box)."""
        self._top.addWidget(corner)

    # ---- QTabWidget's API, as far as the window uses it ---------------------------------
    def addTab(self, page: QWidget, title: str) -> int:
        self.pages.addWidget(page)
        return self.bar.addTab(title)

    def count(self) -> int:
        return self.bar.count()

    def widget(self, index: int) -> QWidget | None:
        return self.pages.widget(index)

    def indexOf(self, page: QWidget) -> int:
        return self.pages.indexOf(page)

    def tabText(self, index: int) -> str:
        return self.bar.tabText(index)

    def currentIndex(self) -> int:
        return self.bar.currentIndex()

    def currentWidget(self) -> QWidget | None:
        return self.pages.currentWidget()

    def setCurrentIndex(self, index: int) -> None:
        self.bar.setCurrentIndex(index)

    def setCurrentWidget(self, page: QWidget) -> None:
        index = self.pages.indexOf(page)
        if index >= 0:
            self.bar.setCurrentIndex(index)

    def _switch(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        self.currentChanged.emit(index)

    def _step(self, step: int) -> None:
        if self.count():
            self.setCurrentIndex((self.currentIndex() + step) % self.count())
