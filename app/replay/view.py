"""The web view that shows a replay: guarded page, player, bridge and event source wired up.

Runs on the GUI thread. The page is the player from ``resources/player/``; the session's
events are fetched by the page from the ``replay:`` scheme, which asks the store on a task.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QFile, QIODevice, QUrl, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import QWebEngineScript
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QWidget

from app.replay.bridge import PlayerBridge
from app.replay.guard import GuardedPage, NetworkGuard, guarded_profile
from app.replay.scheme import (
    PLAYER_URL,
    SCHEME,
    EventsProvider,
    ReplaySchemeHandler,
    WindowsProvider,
)
from app.state.tasks import Interruptible, TaskRunner


def _qwebchannel_script() -> QWebEngineScript:
    source = QFile(":/qtwebchannel/qwebchannel.js")
    source.open(QIODevice.OpenModeFlag.ReadOnly)
    script = QWebEngineScript()
    script.setName("qwebchannel")
    script.setSourceCode(bytes(source.readAll().data()).decode("utf-8"))
    script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
    script.setWorldId(QWebEngineScript.ScriptWorldId.MainWorld)
    script.setRunsOnSubFrames(False)
    source.close()
    return script


class ReplayView(QWebEngineView):
    """Shows one session's replay. Drive it through :attr:`bridge` (or a controller)."""

    session_loaded = Signal(float, float)
    """(first event epoch ms, last event epoch ms) once the replayer holds a session."""

    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        """``tasks`` prepares the sessions' events (see :class:`ReplaySchemeHandler`)."""
        super().__init__(parent)
        self.guard = NetworkGuard(self)
        self.profile = guarded_profile(self, self.guard)
        self.scheme_handler = ReplaySchemeHandler(tasks, parent=self)
        self.profile.installUrlSchemeHandler(SCHEME.encode(), self.scheme_handler)
        self.guarded_page = GuardedPage(self.profile, self)
        self.guarded_page.scripts().insert(_qwebchannel_script())
        self.bridge = PlayerBridge(self)
        self.channel = QWebChannel(self)
        self.channel.registerObject("bridge", self.bridge)
        self.guarded_page.setWebChannel(self.channel)
        self.setPage(self.guarded_page)
        self.bridge.loaded.connect(self.session_loaded)
        self.bridge.ready.connect(self._flush_pending)
        self.bridge.ready.connect(self._apply_surround)
        self._pending: str | None = None
        self._site_assets = False
        self._load_player()

    def _load_player(self) -> None:
        self.bridge.is_ready = False
        suffix = "?assets=1" if self._site_assets else ""
        self.setUrl(QUrl(PLAYER_URL + suffix))

    def surround_colour(self) -> QColor:
        """The colour around the replayed page: the window's, a shade deeper."""
        window = self.palette().color(QPalette.ColorRole.Window)
        return window.darker(106 if window.lightness() >= 128 else 125)

    def _apply_surround(self) -> None:
        colour = self.surround_colour()
        self.guarded_page.setBackgroundColor(colour)
        self.guarded_page.runJavaScript(
            f"document.documentElement.style.setProperty('--surround', '{colour.name()}')",
            QWebEngineScript.ScriptWorldId.MainWorld,
        )

    def changeEvent(self, event: QEvent) -> None:
        """Light/dark changed: the player's surround follows (the recorded page does not)."""
        if event.type() == QEvent.Type.PaletteChange and shiboken6.isValid(self.guarded_page):
            self._apply_surround()
        super().changeEvent(event)

    def set_events_provider(
        self,
        provider: EventsProvider | None,
        store: Interruptible | None = None,
        windows: WindowsProvider | None = None,
    ) -> None:
        """Where the sessions' events come from; ``store`` is what ``provider`` reads.

        With ``windows`` the player loads sessions window by window (issue 23: it holds
        only the events around the cursor); without, whole.

        Why the store: its replay tasks are interrupted when it is retired (archive
        switched), and it is not closed while one of them reads it.
        """
        self.scheme_handler.set_events_provider(provider, store, windows)

    def show_session(self, session_id: str, window_id: str | None = None) -> None:
        """Load a session's events into the player (queued until the page is ready)."""
        name = "window.json" if self.scheme_handler.serves_windows() else "events.json"
        url = f"{SCHEME}://data/{QUrl.toPercentEncoding(session_id).data().decode()}/{name}"
        if window_id is not None:
            url += "?window=" + QUrl.toPercentEncoding(window_id).data().decode()
        self._pending = url
        if self.bridge.is_ready:
            self._flush_pending()

    def clear_session(self) -> None:
        """Show no session: the player page again, empty, with no events to ask for.

        Why: once its archive is closed a session's events are gone; a reload of the page
        (toggling site assets) must not ask the closed store for them.
        """
        self._pending = None
        self.set_events_provider(None)
        self._load_player()

    def set_site_assets_allowed(self, allowed: bool) -> None:
        """Let the replayed page load images, fonts and styles from the recorded site."""
        if allowed == self._site_assets:
            return
        self._site_assets = allowed
        self.guard.allow_site_assets = allowed
        self._load_player()  # the page's CSP changes with it; the session is loaded again

    def site_assets_allowed(self) -> bool:
        return self._site_assets

    def _flush_pending(self) -> None:
        if self._pending is not None:
            self.bridge.load_requested.emit(self._pending)

    def shutdown(self) -> None:
        """Delete the page now, before its profile: a page outliving its profile crashes Qt."""
        page = self.guarded_page
        if not shiboken6.isValid(page):
            return
        page.setWebChannel(None)
        shiboken6.delete(page)
