"""The replay screen: the recorded page, its timeline and controls, and what happened.

Layout: the player (a :class:`~app.replay.view.ReplayView`) above the timeline and the
transport controls; beside them the action list, the console and the network requests.
One :class:`~app.state.time_cursor.TimeCursor` is shared by all of them; none of these
widgets talks to another.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QLabel, QSplitter, QTabWidget, QVBoxLayout, QWidget

from app.analysis.sourcemaps import (
    SourceMap,
    archive_source_maps,
    parse_stack,
    resolve_stack,
    stack_text,
)
from app.replay.controller import ReplayController
from app.replay.events import PlayerEvents
from app.replay.store_windows import StoreWindows
from app.replay.view import ReplayView
from app.state.open_archive import OpenArchive
from app.state.settings import app_settings, site_assets_key
from app.state.tasks import TaskRunner
from app.state.time_cursor import TimeCursor
from app.store.findings import TITLE_LENGTH, FindingsError, FindingsStore, error_title
from app.store.queries import replay as replay_queries
from app.store.queries.replay import ConsoleRow, RequestRow, SessionDetail
from app.store.search import Hit
from app.store.store import SessionStore
from app.ui.find_bar import SETTLE_MS, FindBar
from app.ui.findings_panel import FindingsPanel
from app.ui.hit_text import KIND_TITLES, RichTextDelegate, snippet_html
from app.ui.layout_memory import remember_splitter
from app.ui.replay_controls import STEP_MS, ReplayControls
from app.ui.timed_lists import TimedListView, TimedRow, format_clock, format_offset, page_of
from app.ui.timeline import TimelineData, TimelineMarker, TimelineWidget

ACTION_TYPES = {"load": "Load", "xhr": "XHR", "custom": "Custom"}
TOOLTIP_CHARS = 2000

# Keys of the replay screen and what they do (Help › Keyboard Shortcuts lists them).
REPLAY_SHORTCUTS: dict[str, str] = {
    "Space": "Play or pause",
    "Left": f"Back {STEP_MS // 1000} s",
    "Right": f"Forward {STEP_MS // 1000} s",
    "Shift+Left": "Previous user action",
    "Shift+Right": "Next user action",
    "Ctrl+Left": "Previous error",
    "Ctrl+Right": "Next error",
    "B": "Add a finding at the current moment",
    "Ctrl+F": "Find in this session (text shown, typed, logged…)",
    "F3": "Next hit of the find bar",
    "Shift+F3": "Previous hit of the find bar",
    "[": "Mark the start of a range here (Export Clip offers it; Shift+drag marks too)",
    "]": "Mark the end of the range here",
    "\\": "Clear the marked range",
}


def action_rows(detail: SessionDetail) -> list[TimedRow]:
    """Actions and, inline, the errors that occurred (Dynatrace shows errors in the list)."""
    start = detail.start_ms
    rows = [
        TimedRow(
            a.ts_ms,
            (
                format_offset(a.ts_ms - start),
                ACTION_TYPES.get(a.type, a.type),
                a.name,
                page_of(a.url),
            ),
            tooltip=f"{format_clock(a.ts_ms)} UTC · {a.name}"
            + (f" · {a.duration_ms:,} ms" if a.duration_ms is not None else "")
            + (f"\n{a.target}" if a.target else ""),
            kind="load" if a.type == "load" else "",
        )
        for a in detail.actions
    ]
    rows += [
        TimedRow(
            e.ts_ms,
            (format_offset(e.ts_ms - start), "Error", e.message, page_of(e.url)),
            tooltip=e.stack or e.message,
            kind="error",
        )
        for e in detail.errors
    ]
    return rows


def console_rows(detail: SessionDetail) -> list[TimedRow]:
    """One row per message, all of it (the cell elides what does not fit; the details pane
    and the tooltip show the rest)."""
    return [
        TimedRow(
            c.ts_ms,
            (format_offset(c.ts_ms - detail.start_ms), c.level, " ".join(c.message.split())),
            tooltip=c.message[:TOOLTIP_CHARS],
            kind={"error": "error", "warn": "warn"}.get(c.level, ""),
            record=c,
        )
        for c in detail.console
    ]


def _when(ts_ms: int, start_ms: int) -> str:
    return f"{format_clock(ts_ms)} UTC · {format_offset(ts_ms - start_ms)} into the session"


def console_details(row: ConsoleRow, start_ms: int, maps: dict[str, SourceMap]) -> str:
    """A console message in full with its stack resolved through the archive's source maps
    (the same resolution and rendering as the Errors screen's)."""
    parts = [f"{row.level} · {_when(row.ts_ms, start_ms)}", "", row.message]
    if row.trace:
        first = row.trace.splitlines()[0]
        heading = "" if parse_stack(first) else first  # V8 stacks start with the message
        frames = resolve_stack(row.trace, maps)
        parts += ["", "Stack trace:", stack_text(heading, frames, row.trace)]
    return "\n".join(parts)


def _origin(url: str | None) -> str:
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""


def network_rows(detail: SessionDetail) -> list[TimedRow]:
    """One row per request; a request to the site's own pages' origin shows its path (what
    tells requests apart in a narrow column), any other its full URL."""
    own = {_origin(a.url) for a in detail.actions} - {""}
    return [
        TimedRow(
            r.ts_ms,
            (
                format_offset(r.ts_ms - detail.start_ms),
                r.method or "",
                "" if r.status is None else str(r.status),
                "" if r.duration_ms is None else f"{r.duration_ms:,} ms",
                page_of(r.url) if _origin(r.url) in own else r.url,
            ),
            tooltip=r.url,
            kind="failed" if r.status is not None and (r.status >= 400 or r.status == 0) else "",
            record=r,
        )
        for r in detail.requests
    ]


def request_details(row: RequestRow, start_ms: int) -> str:
    status = "no status" if row.status is None else f"status {row.status}"
    took = "" if row.duration_ms is None else f" · {row.duration_ms:,} ms"
    return f"{row.method or 'GET'} {row.url}\n\n{status}{took} · {_when(row.ts_ms, start_ms)}"


def timeline_data(detail: SessionDetail) -> TimelineData:
    markers = [
        TimelineMarker(a.ts_ms, "load" if a.type == "load" else "action", a.name)
        for a in detail.actions
    ]
    markers += [TimelineMarker(e.ts_ms, "error", e.message) for e in detail.errors]
    markers += [
        TimelineMarker(ts, "frustration", f"{kind}: {what}" if what else kind)
        for ts, kind, what in detail.frustration
    ]
    return TimelineData(
        detail.start_ms, detail.end_ms, markers, detail.activity_ms, detail.idle, detail.gaps
    )


def hit_rows(hits: list[Hit], start_ms: int) -> list[TimedRow]:
    """The find bar's hits as rows of the side list (time, kind, the matched text)."""
    return [
        TimedRow(
            h.ts_ms,
            (format_offset(h.ts_ms - start_ms), KIND_TITLES.get(h.kind, h.kind), h.snippet),
            tooltip=h.snippet,
            record=h,
        )
        for h in hits
    ]


class ReplayScreen(QWidget):
    """Replays one session of the open store."""

    session_opened = Signal(str)
    """(session id) — a session is shown."""
    session_closed = Signal()
    """No session is shown any more (its archive was closed)."""

    def __init__(
        self,
        tasks: TaskRunner,
        cursor: TimeCursor | None = None,
        parent: QWidget | None = None,
        findings: FindingsStore | None = None,
        archive: OpenArchive | None = None,
    ) -> None:
        super().__init__(parent)
        if archive is not None:  # the replayed session goes with its archive
            archive.closed.connect(self.close_session)
        self.cursor = cursor or TimeCursor(self)
        self.findings_problem = ""
        self.store: SessionStore | None = None
        self.tasks = tasks
        self._maps: dict[str, SourceMap] = {}  # the archive's source maps, for console stacks
        self._maps_of: SessionStore | None = None
        self._archive_key = ""
        self.detail: SessionDetail | None = None
        self.view = ReplayView(tasks)
        self.setFocusProxy(self.view)  # the keys (Space, arrows, B) go to the player
        self.player_events = PlayerEvents()  # checkpointed events of the sessions opened last
        self.windows = StoreWindows()  # the player's windows of self.store
        self.controller = ReplayController(self.cursor, self.view.bridge, self)
        self.timeline = TimelineWidget(self.cursor)
        self.controls = ReplayControls(self.cursor)
        self.controls.window_chosen.connect(self._show_window)
        self.controls.site_assets_toggled.connect(self._site_assets_toggled)
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setWordWrap(True)  # a long user id must not widen the window
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)

        self.actions = TimedListView(
            self.cursor,
            "actions",
            ["Time", "Type", "Action", "Page"],
            up_to_now_toggle=False,
            pre_roll_ms=500,
        )
        self.console = TimedListView(
            self.cursor,
            "console",
            ["Time", "Level", "Message"],
            empty_text="No console messages or errors were recorded in this session.",
            details=lambda row: console_details(row.record, self._start_ms(), self._maps),
        )
        self.network = TimedListView(
            self.cursor,
            "network",
            ["Time", "Method", "Status", "Duration", "URL"],
            empty_text="No network requests were recorded in this session.",
            details=lambda row: request_details(row.record, self._start_ms()),
        )
        self.network.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # host … path end
        try:
            findings = findings or FindingsStore()
        except FindingsError as exc:  # the replay still works; the panel says why it cannot
            findings, self.findings_problem = None, str(exc)
        self.findings = FindingsPanel(self.cursor, findings, tasks=tasks)
        self.findings.suggest = self._suggested_title
        self.findings.changed.connect(self._redraw_timeline)
        self.find_bar = FindBar(self.cursor, tasks)  # Ctrl+F
        self.find_bar.hits_changed.connect(self._show_hits)
        self.find_bar.outline_requested.connect(self.view.bridge.search_outline_requested)
        self.find_list = TimedListView(
            self.cursor, "find-list", ["Time", "Kind", "Text"], up_to_now_toggle=False,
            pre_roll_ms=-SETTLE_MS, empty_text="No hits of the find bar's query in this session.",
        )  # fmt: skip
        self.find_list.table.setItemDelegateForColumn(
            2, RichTextDelegate(self.find_list.table, html=self._hit_html)
        )
        self.find_list.table.clicked.connect(
            lambda index: self.find_bar.go_to_hit(self.find_list.model.row_at(index.row()).record)
        )
        self.tabs = QTabWidget()
        self.tabs.addTab(self.actions, "Actions")
        self.tabs.addTab(self.console, "Console")
        self.tabs.addTab(self.network, "Network")
        self.tabs.addTab(self.findings, "Findings")

        player = QWidget()
        player_layout = QVBoxLayout(player)
        player_layout.setContentsMargins(0, 0, 0, 0)
        player_layout.setSpacing(2)
        player_layout.addWidget(self.title)
        player_layout.addWidget(self.find_bar)
        player_layout.addWidget(self.view, 1)
        player_layout.addWidget(self.timeline)
        player_layout.addWidget(self.controls)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(player)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([820, 460])
        remember_splitter(splitter, "replay")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)
        self._shortcuts()

    def _shortcuts(self) -> None:
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        bindings = {
            "Space": self.cursor.toggle_playing,
            "Left": lambda: self.controls.step(-STEP_MS),
            "Right": lambda: self.controls.step(STEP_MS),
            "Shift+Left": self.controls.prev_action.click,
            "Shift+Right": self.controls.next_action.click,
            "Ctrl+Left": self.controls.prev_error.click,
            "Ctrl+Right": self.controls.next_error.click,
            "B": self.findings.add_at_cursor,
            "Ctrl+F": self.find_bar.open_bar,
            "F3": self.find_bar.next,
            "Shift+F3": self.find_bar.previous,
            "[": lambda: self.cursor.mark_edge("start"),
            "]": lambda: self.cursor.mark_edge("end"),
            "\\": lambda: self.cursor.set_marked(None),
        }
        assert bindings.keys() == REPLAY_SHORTCUTS.keys()  # the documented keys are the real ones
        self._bindings = []
        for keys, slot in bindings.items():
            shortcut = QShortcut(QKeySequence(keys), self, context=context)
            shortcut.activated.connect(slot)
            self._bindings.append(shortcut)

    def open_session(self, store: SessionStore, session_id: str, at_ms: int | None = None) -> bool:
        """Show a session of ``store`` (at ``at_ms`` when given); False when it does not exist.

        The player seeks to ``at_ms`` once the session has loaded.
        """
        detail = replay_queries.detail(store.cursor(), session_id)
        if detail is None:
            return False
        self.store, self.detail = store, detail
        self._load_source_maps(store)
        self.controls.setEnabled(True)
        self.timeline.setEnabled(True)
        self._archive_key = str(store.info().get("content_key", ""))
        allowed = app_settings().value(site_assets_key(self._archive_key), False, type=bool)
        self.controls.show_site_assets(allowed)
        self.view.set_site_assets_allowed(allowed)
        self.view.set_events_provider(
            self.player_events.store_provider(store), store, self.windows.of(store).window
        )
        self.controller.unload()
        self.controller.set_clicks(detail.clicks)
        self.cursor.set_range(detail.start_ms, detail.end_ms)
        self.title.setText(
            f"{detail.user_id or 'Anonymous user'} · session {detail.session_id} · "
            f"{format_clock(detail.start_ms)} UTC · "
            f"{format_offset(detail.end_ms - detail.start_ms)}"
        )
        self.actions.set_rows(action_rows(detail), detail.start_ms, (60, 60, 250))
        self.console.set_rows(console_rows(detail), detail.start_ms, (64, 50))
        self.network.set_rows(network_rows(detail), detail.start_ms, (56, 58, 48, 70))
        if self.findings_problem:
            self.findings.unavailable(self.findings_problem)
        self.findings.set_session(
            self._archive_key, str(store.info().get("source_name", "")), session_id, detail.start_ms
        )
        self.find_bar.set_session(store, session_id)  # redraws the timeline
        self.controls.set_marks([a.ts_ms for a in detail.actions], [e.ts_ms for e in detail.errors])
        self.controls.set_windows(detail.windows)
        window = detail.windows[0][0] if len(detail.windows) > 1 else None
        self.view.show_session(session_id, window)
        if at_ms is not None and at_ms >= 0:
            self.cursor.set_time(int(at_ms), "investigation")
        self.session_opened.emit(session_id)
        return True

    def current_session(self) -> tuple[SessionStore, str] | None:
        """The store and id of the session shown (None when none is)."""
        if self.store is None or self.detail is None:
            return None
        return self.store, self.detail.session_id

    def current_table(self) -> QAbstractItemView | None:
        """The list on the current side tab (actions, console, network, findings)."""
        return getattr(self.tabs.currentWidget(), "table", None)

    def close_session(self) -> None:
        """Show no session (its archive has gone): the player, lists and B are emptied."""
        if self.detail is None:
            return
        self.cursor.set_playing(False)
        self.controller.unload()
        self.view.clear_session()
        self.windows.stop()
        self.store, self.detail = None, None
        self._maps, self._maps_of = {}, None
        self.title.setText(
            "No session: the archive it belonged to was closed — double-click a session "
            "in Sessions (or open one from Errors or Findings) to replay it"
        )
        self.controls.setEnabled(False)
        self.timeline.setEnabled(False)
        self.cursor.set_range(0, 0)
        for timed in (self.actions, self.console, self.network):
            timed.set_rows([], 0)
        self.findings.set_session("", "", "", 0)
        self.find_bar.set_session(None, "")
        self.timeline.set_data(TimelineData(0, 0))
        self.controls.set_marks([], [])
        self.controls.set_windows([])
        self.session_closed.emit()

    def _start_ms(self) -> int:
        return self.detail.start_ms if self.detail is not None else 0

    def _load_source_maps(self, store: SessionStore) -> None:
        """Parse the archive's source maps off the GUI thread (once per archive); the console's
        details show minified frames until they arrive, then resolved ones."""
        if store is self._maps_of:
            return
        self._maps, self._maps_of = {}, store

        def arrived(maps: dict[str, SourceMap]) -> None:
            if self._maps_of is store:
                self._maps = maps
                self.console.refresh_details()

        self.tasks.submit(
            lambda: archive_source_maps(store),
            arrived,
            owner=self,
            store=store,
            name="ReplayScreen.source_maps",
        )

    def _redraw_timeline(self) -> None:
        if self.detail is None:
            return
        data = timeline_data(self.detail)
        data.markers.extend(
            TimelineMarker(f.ts_ms, "finding", f"{f.severity}: {f.title}")
            for f in self.findings.findings
        )
        data.markers.extend(
            TimelineMarker(h.ts_ms, "search", f"{KIND_TITLES[h.kind]}: {h.snippet}")
            for h in self.find_bar.hits
        )
        self.timeline.set_data(data)

    def _show_hits(self, hits: list[Hit]) -> None:
        """The find bar's hits: markers on the timeline and the Find list (a side tab while
        the bar is open)."""
        self._redraw_timeline()
        self.find_list.set_rows(hit_rows(hits, self._start_ms()), self._start_ms(), (60, 60))
        showing = self.tabs.indexOf(self.find_list) >= 0
        if self.find_bar.isVisible() and not showing:
            self.tabs.addTab(self.find_list, "Find")
            self.tabs.setCurrentWidget(self.find_list)
        elif not self.find_bar.isVisible() and showing:
            self.tabs.removeTab(self.tabs.indexOf(self.find_list))

    def _hit_html(self, index: QModelIndex | QPersistentModelIndex) -> str | None:
        """The Find list's text cell: the hit's snippet with the match marked."""
        model, row = self.find_list.model, index.row()
        return snippet_html(model.row_at(row).record) if 0 <= row < model.rowCount() else None

    def _suggested_title(self, t_ms: int) -> str:
        """What a finding at ``t_ms`` is probably about: a recent error, else the last action."""
        if self.detail is None:
            return ""
        errors = [e for e in self.detail.errors if t_ms - 15_000 <= e.ts_ms <= t_ms]
        if errors:
            return error_title(errors[-1].message)
        actions = [a for a in self.detail.actions if a.ts_ms <= t_ms]
        return f"After {actions[-1].name}"[:TITLE_LENGTH] if actions else ""

    def _site_assets_toggled(self, allowed: bool) -> None:
        """Remembered per archive: a user who trusts one export's site need not trust all."""
        app_settings().setValue(site_assets_key(self._archive_key), allowed)
        self.view.set_site_assets_allowed(allowed)

    def _show_window(self, window_id: str | None) -> None:
        if self.detail is not None:
            self.controller.unload()
            self.view.show_session(self.detail.session_id, window_id)

    def shutdown(self) -> None:
        self.cursor.set_playing(False)
        self.player_events.stop()
        self.windows.stop()
        self.view.shutdown()
