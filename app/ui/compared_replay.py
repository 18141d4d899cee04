"""One of the two replays of the Compare tab: a player, its controller and its timeline.

Why its own widget: the two sides are the same thing with a different cursor (the pair's
one cursor on the left, the cursor that follows it through the alignment on the right).
Each side has its own player page and controller (one player page per view), so each
plays at its own pace, and loads its session window by window (issue 23) from the store's
shared windows; its timeline shows the session's actions and errors and marks the
first divergence, and seeks like the replay tab's timeline does.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.replay.controller import ReplayController
from app.replay.events import PlayerEvents
from app.replay.store_windows import StoreWindows
from app.replay.view import ReplayView
from app.state.settings import app_settings, site_assets_key
from app.state.tasks import TaskRunner
from app.state.time_cursor import TimeCursor
from app.store.queries.replay import SessionDetail
from app.store.store import SessionStore
from app.ui.rich_text import escape
from app.ui.timed_lists import format_clock, format_offset
from app.ui.timeline import TimelineData, TimelineMarker, TimelineWidget

DIVERGENCE_KIND = "divergence"


def side_markers(detail: SessionDetail, divergence_ms: int | None, label: str) -> TimelineData:
    """The session's actions, loads and errors, and the first divergence when it has one."""
    markers = [
        TimelineMarker(a.ts_ms, "load" if a.type == "load" else "action", a.name)
        for a in detail.actions
    ]
    markers += [TimelineMarker(e.ts_ms, "error", e.message) for e in detail.errors]
    if divergence_ms is not None:
        markers.append(TimelineMarker(divergence_ms, DIVERGENCE_KIND, label))
    return TimelineData(
        detail.start_ms, detail.end_ms, markers, detail.activity_ms, detail.idle, detail.gaps
    )


class ComparedReplay(QWidget):
    """A titled player above its timeline, bound to ``cursor``."""

    def __init__(self, tasks: TaskRunner, cursor: TimeCursor, parent: QWidget | None = None):
        super().__init__(parent)
        self.cursor = cursor
        self.detail: SessionDetail | None = None
        self.view = ReplayView(tasks)
        self.events = PlayerEvents()
        self.windows = StoreWindows()  # loaded window by window, as the Replay tab's player
        self.controller = ReplayController(cursor, self.view.bridge, self)
        self.timeline = TimelineWidget(cursor)
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.timeline)

    def show_session(
        self, store: SessionStore, detail: SessionDetail, title: str, timeline: TimelineData
    ) -> None:
        """Load ``detail``'s session into the player (its cursor's range becomes the
        session's) and draw ``timeline``."""
        self.detail = detail
        key = str(store.info().get("content_key", ""))
        self.view.set_site_assets_allowed(
            app_settings().value(site_assets_key(key), False, type=bool)
        )
        self.view.set_events_provider(
            self.events.store_provider(store), store, self.windows.of(store).window
        )
        self.controller.unload()
        self.controller.set_clicks(detail.clicks)
        self.cursor.set_range(detail.start_ms, detail.end_ms)
        self.title.setText(
            f"{title}<br><small>{escape(detail.user_id or 'Anonymous user')} · session "
            f"{escape(detail.session_id)} · {format_clock(detail.start_ms)} UTC · "
            f"{format_offset(detail.end_ms - detail.start_ms)}</small>"
        )
        self.timeline.set_data(timeline)
        window = detail.windows[0][0] if len(detail.windows) > 1 else None
        self.view.show_session(detail.session_id, window)

    def loaded(self) -> bool:
        """True once the player holds the session (and follows its cursor)."""
        return self.controller.first_ms is not None

    def clear(self) -> None:
        """Show nothing (the archive the session belonged to has gone)."""
        self.cursor.set_playing(False)
        self.controller.unload()
        self.view.clear_session()
        self.windows.stop()
        self.detail = None
        self.title.setText("")
        self.cursor.set_range(0, 0)
        self.timeline.set_data(TimelineData(0, 0))

    def shutdown(self) -> None:
        self.cursor.set_playing(False)
        self.events.stop()
        self.windows.stop()
        self.view.shutdown()
