"""The base of every screen over the open archive: subscribe, reset, fill, query as tasks.

Why a base: each screen must reset itself when its archive goes away and fill itself when
another opens, query only through the one task runner (so nothing slow runs on the GUI
thread and late results of an old archive are dropped), and offer its current table to
File › Export Table as CSV. Written once here, a new screen gets all of it by subclassing
and overriding :meth:`archive_opened` and :meth:`archive_closed`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtWidgets import QAbstractItemView, QWidget

from app.state.navigation import Destination, Navigation
from app.state.open_archive import ArchiveState, OpenArchive
from app.state.selection import Selection
from app.state.tasks import DEFAULT_LANE, Task, TaskRunner
from app.store.store import SessionStore


@dataclass(frozen=True)
class ScreenModels:
    """What every screen observes and works through, built once by the window."""

    archive: OpenArchive
    tasks: TaskRunner
    selection: Selection
    navigation: Navigation = field(default_factory=Navigation)


class ArchiveScreen(QWidget):
    """A tab that shows something of the open archive."""

    destination: type | None = None
    """The kind of :mod:`navigation <app.state.navigation>` destination this screen shows."""

    def __init__(self, models: ScreenModels, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.archive, self.tasks, self.selection = models.archive, models.tasks, models.selection
        self.navigation = models.navigation
        self.state: ArchiveState | None = None
        self.archive.opened.connect(self._opened)
        self.archive.closed.connect(self._closed)
        self.archive.changed.connect(self._changed)
        self.selection.changed.connect(lambda _f, _source: self.selection_changed())

    @property
    def store(self) -> SessionStore | None:
        return self.state.store if self.state is not None else None

    # ---- to override ---------------------------------------------------------------------
    def archive_opened(self, state: ArchiveState) -> None:
        """Fill the screen from ``state`` (queries as tasks: :meth:`query`)."""

    def archive_closed(self) -> None:
        """Drop everything shown of the archive that has gone."""

    def archive_changed(self, state: ArchiveState) -> None:
        """Thresholds or goals changed: by default, fill again."""
        self.archive_opened(state)

    def selection_changed(self) -> None:
        """The investigation's selection (filter bar, dragged range) changed."""

    def current_table(self) -> QAbstractItemView | None:
        """The table File › Export Table as CSV writes when this tab is current."""
        return None

    def arrive(self, destination: Destination) -> None:
        """Show what ``destination`` (of this screen's :attr:`destination` kind) asks for;
        the window has just made this tab current."""

    def shutdown(self) -> None:
        """The window is closing: let go of what outlives a closed archive (a web view's
        renderer must go before the web profile, or Chromium warns at exit)."""

    # ---- for subclasses ------------------------------------------------------------------
    def query(
        self,
        work: Callable[[SessionStore], Any],
        then: Callable[[Any], None],
        failed: Callable[[BaseException], None] | None = None,
        *,
        lane: str = DEFAULT_LANE,
    ) -> Task | None:
        """Run ``work(store)`` off the GUI thread; ``then(result)`` here, unless the archive
        has changed or this screen is gone by then."""
        store = self.store
        if store is None:
            return None
        return self.tasks.submit(
            lambda: work(store),
            then,
            failed,
            owner=self,
            store=store,
            lane=lane,
            name=f"{type(self).__name__}.{getattr(then, '__name__', 'query')}",
        )

    def navigate(self, destination: Destination) -> None:
        """Ask to show ``destination`` (the window routes it; no screen drives another)."""
        self.navigation.go(destination)

    def in_turns(self, *steps: Callable[[], object]) -> None:
        """Run GUI-thread ``steps`` one per event-loop turn while this archive is open."""
        self.tasks.in_turns(steps, owner=self, store=self.store)

    # ---- wiring --------------------------------------------------------------------------
    def _opened(self, state: ArchiveState) -> None:
        self.state = state
        self.archive_opened(state)

    def _closed(self) -> None:
        self.state = None
        self.archive_closed()

    def _changed(self, state: ArchiveState) -> None:
        self.state = state
        self.archive_changed(state)
