"""Links to a moment in the window: "Copy Link to This Moment", and following a link.

Why on its own: the window only hands itself over; the copying (Replay menu, Ctrl+Shift+C,
the context menus of the timeline, the player's controls and both findings tables) and the
following (a link from the command line or a later launch, :mod:`app.ui.single_instance`)
live here. Following a link never freezes the window: the archive is looked for by content
key on the runner's disk lane (:mod:`app.desktop.archive_finder`) — the open archive first,
then recent files and their folders, then the link's path hint, then the user is asked —
and the replay is shown once the archive has opened and every screen is filled.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QTableWidget

from app.desktop.archive_finder import ArchiveSearch, find_archive
from app.export.moment_link import LinkError, MomentLink, parse_link
from app.state.navigation import ShowReplay
from app.store.findings import Finding
from app.store.store import SessionStore
from app.ui.timed_lists import format_clock

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow
    from app.ui.replay_screen import ReplayScreen

COPY_TEXT = "Copy &Link to This Moment"
COPY_KEYS = "Ctrl+Shift+C"
DIALOG_TITLE = "Find the archive of this link…"
ARCHIVE_FILTER = "Session recordings (*.webreplay *.json *.ndjson *.jsonl *.gz);;All files (*)"


class MomentLinks(QObject):
    """Copies links to what the user looks at, and follows links to where they lead."""

    status = Signal(str)
    """A line for the status bar."""
    error = Signal(str, str)
    """(title, message) — a link could not be followed."""
    copied = Signal(str)
    """(link) — put on the clipboard."""
    arrived = Signal(object)
    """(MomentLink) — the replay is shown at the link's session and time."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.replay: ReplayScreen | None = None
        self.action = QAction(COPY_TEXT, self)
        self.action.setShortcut(QKeySequence(COPY_KEYS))
        self.action.setStatusTip("Copy a replay-investigator:// link that opens this moment")
        self.action.triggered.connect(self.copy_current)
        self.pending: MomentLink | None = None  # the link being followed
        self.opening: MomentLink | None = None  # … whose archive is being opened
        window.store_opened.connect(self._store_opened)
        window.archive.failed.connect(lambda *_: setattr(self, "opening", None))
        window.archive.cancelled.connect(lambda *_: setattr(self, "opening", None))
        screen = window.findings_screen
        self._offer_on_table(screen.table, lambda row: _row(screen.findings, row))

    def follow(self, replay: ReplayScreen) -> None:
        """The replay screen exists: its timeline, controls, title and findings panel offer
        the link too."""
        self.replay = replay
        for widget in (replay.timeline.plot, replay.controls, replay.title):
            widget.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
            widget.addAction(self.action)
        panel = replay.findings
        self._offer_on_table(panel.table, lambda row: _row(panel.findings, row))

    # ---- copying -------------------------------------------------------------------------
    def current_link(self) -> MomentLink | None:
        """The moment the user looks at: the replay's time, or the finding selected in the
        Findings tab."""
        page = self.window.tabs.currentWidget()
        screen = self.window.findings_screen
        if page is screen:
            return self.finding_link(_row(screen.findings, screen.table.currentRow()))
        shown = self.replay.current_session() if self.replay is not None else None
        if page is not self.replay or shown is None or self.replay is None:
            return None
        store, session_id = shown
        return MomentLink(_key(store), session_id, int(self.replay.cursor.time()), self._hint())

    def finding_link(self, finding: Finding | None) -> MomentLink | None:
        if finding is None or not finding.archive_key:
            return None
        current = self.window.archive.current
        same = current is not None and current.content_key == finding.archive_key
        hint = self._hint() if same else finding.archive_name
        return MomentLink(finding.archive_key, finding.session_id, int(finding.ts_ms), hint)

    def copy_current(self) -> str:
        """Copy the link to what is shown (the text copied; "" when nothing is)."""
        try:
            link = self.current_link()
        except LinkError as exc:  # an archive without a content key (never written by us)
            self.status.emit(f"No link to this moment: {exc}")
            return ""
        if link is None:
            self.status.emit("No moment to link: replay a session or select a finding")
            return ""
        return self.copy(link)

    def copy(self, link: MomentLink) -> str:
        url = link.url()
        QGuiApplication.clipboard().setText(url)
        self.status.emit(
            f"Copied the link to session {link.session} at {format_clock(link.t_ms)} UTC"
        )
        self.copied.emit(url)
        return url

    def _hint(self) -> str:
        current = self.window.archive.current
        return str(current.path.resolve()) if current is not None else ""

    def _offer_on_table(self, table: QTableWidget, finding_at: _FindingAt) -> None:
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(
            lambda point: self._finding_menu(table, finding_at, point)
        )

    def _finding_menu(self, table: QTableWidget, finding_at: _FindingAt, point: QPoint) -> None:
        link = self.finding_link(finding_at(table.rowAt(point.y())))
        if link is None:
            return
        menu = QMenu(table)
        menu.addAction(COPY_TEXT.replace("&", ""), lambda: self.copy(link))
        menu.popup(table.viewport().mapToGlobal(point))

    # ---- following -----------------------------------------------------------------------
    def open_links(self, links: list[str]) -> None:
        """Links handed over by the desktop: the window follows the last one."""
        if links:
            self.open_link(links[-1])

    def open_link(self, text: str) -> None:
        """Follow a link: find its archive, open it if needed, show the session at the time."""
        try:
            link = parse_link(text)
        except LinkError as exc:
            shown = text if len(text) <= 200 else text[:200] + "…"
            self.error.emit("Cannot open this link", f"{str(exc).capitalize()}.\n\n{shown}")
            return
        self.pending, self.opening = link, None
        current = self.window.archive.current
        if current is not None and current.content_key == link.archive:
            self._arrive(link)
            return
        self.status.emit("Looking for the archive of this link…")
        self._search(link, self.window.recent.files(), link.path, self._found)

    def _search(self, link: MomentLink, places: list[str], hint: str, then: _Then) -> None:
        self.window.tasks.submit(
            lambda: find_archive(link.archive, places, hint),
            lambda search: then(link, search),
            owner=self,
            lane="disk",
            name="find the archive of a link",
        )

    def _found(self, link: MomentLink, search: ArchiveSearch) -> None:
        if link is not self.pending:
            return  # another link came since
        if search.found is not None:
            self._open(link, search.found)
            return
        chosen = self.ask_for_archive(link)
        if not chosen:
            self.pending = None
            self.status.emit("The archive of the link was not found")
            self.error.emit(
                "The archive of this link was not found",
                f"{search.describe(link.archive_name)}\n\nOpen the archive (File › Open) and "
                "follow the link again, or ask for the archive.",
            )
            return
        self._search(link, [chosen], "", lambda lk, found: self._chosen(lk, found, chosen))

    def _chosen(self, link: MomentLink, search: ArchiveSearch, chosen: str) -> None:
        if link is not self.pending:
            return
        if search.found is None:
            self.pending = None
            self.error.emit(
                "Not the archive of this link",
                f"{Path(chosen).name} is not the archive this link was made on: its content "
                f"differs (the link's archive has content key {link.archive}).",
            )
            return
        self._open(link, search.found)

    def ask_for_archive(self, link: MomentLink) -> str:
        """Let the user point at the archive (tests replace this; "" when cancelled)."""
        hinted = Path(link.path) if link.path else None
        folder = hinted.parent if hinted is not None and hinted.parent.is_dir() else Path.home()
        start = str(folder / link.archive_name) if link.archive_name else str(folder)
        title = f"{DIALOG_TITLE} ({link.archive_name})" if link.archive_name else DIALOG_TITLE
        name, _ = QFileDialog.getOpenFileName(self.window, title, start, ARCHIVE_FILTER)
        return name

    def _open(self, link: MomentLink, path: Path) -> None:
        self.opening = link
        self.status.emit(f"Opening {path.name} for the link…")
        self.window.open_file(path)

    def _store_opened(self, store: SessionStore) -> None:
        link, self.opening = self.opening, None
        if link is not None and link is self.pending and _key(store) == link.archive:
            self._arrive(link)

    def _arrive(self, link: MomentLink) -> None:
        self.pending = None
        self.window.bring_to_front()
        self.window.navigation.go(ShowReplay(link.session, link.t_ms))
        shown = self.replay.current_session() if self.replay is not None else None
        if shown is not None and shown[1] == link.session:
            self.status.emit(f"Session {link.session} at {format_clock(link.t_ms)} UTC")
            self.arrived.emit(link)


def _key(store: SessionStore) -> str:
    return str(store.info().get("content_key", ""))


def _row(findings: list[Finding], row: int) -> Finding | None:
    return findings[row] if 0 <= row < len(findings) else None


if TYPE_CHECKING:
    from collections.abc import Callable

    _FindingAt = Callable[[int], Finding | None]
    _Then = Callable[[MomentLink, ArchiveSearch], None]
