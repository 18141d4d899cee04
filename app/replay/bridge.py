"""The Python end of the QWebChannel between the window and the player page.

Python → page goes through signals (sent at once, unlike batched property updates); page →
Python through slots. Bulk data never crosses the channel: the page fetches events from the
``replay:`` scheme. Every seek carries a sequence number that the page echoes in its ticks,
so a tick produced before the latest seek can be recognised and dropped.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)


class PlayerBridge(QObject):
    """Registered as ``bridge`` on the player page's web channel."""

    # ---- to the page --------------------------------------------------------------------
    load_requested = Signal(str)
    """(events URL) — replace the replayer with one for these events."""
    seek_requested = Signal(float, int, bool)
    """(offset ms from the first event, sequence number, play afterwards)."""
    pause_requested = Signal()
    speed_requested = Signal(float)
    skip_inactive_requested = Signal(bool)
    highlight_requested = Signal(int)
    """(recorded node id, or -1 for none) — outline an element of the replayed page."""
    search_outline_requested = Signal(int)
    """(recorded node id, or -1 for none) — outline the element of a search hit (drawn apart
    from the clicked element's outline, and kept until another hit or none is asked for)."""

    # ---- from the page, re-emitted for Python observers ----------------------------------
    ready = Signal()
    loaded = Signal(float, float)
    """(first event epoch ms, last event epoch ms) of the loaded stream."""
    ticked = Signal(float, int)
    """(offset ms, sequence number of the seek it follows) while playing."""
    finished = Signal()
    failed = Signal(str)
    """A JavaScript error on the player page, or events that could not be replayed."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.is_ready = False
        self.errors: list[str] = []

    @Slot()
    def page_ready(self) -> None:
        self.is_ready = True
        self.ready.emit()

    @Slot(float, float)
    def page_loaded(self, first_ms: float, last_ms: float) -> None:
        self.loaded.emit(first_ms, last_ms)

    @Slot(float, int)
    def page_tick(self, offset_ms: float, seq: int) -> None:
        self.ticked.emit(offset_ms, seq)

    @Slot()
    def page_finished(self) -> None:
        self.finished.emit()

    @Slot(str)
    def page_error(self, message: str) -> None:
        # logged, not only kept: a failed seek or window leaves a trace in the user's log
        # (and in a failing test's captured log), where the page's console is quiet
        log.warning("the player page reported: %s", message)
        self.errors.append(message)
        self.failed.emit(message)
