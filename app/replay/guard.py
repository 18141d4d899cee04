"""Keep a recorded page from reaching the network or navigating anywhere.

A recording is untrusted content. rrweb already rebuilds it in an iframe sandboxed without
``allow-scripts``, so none of its scripts run; this guard adds the network side: every
request that is not for the app's own ``replay:`` scheme (or inline ``data:``/``blob:``) is
blocked — images, fonts, stylesheets, iframes, beacons of the recorded site included —
unless the user allowed loading assets from the recorded site for this session.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtWebEngineCore import (
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineSettings,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
)

from app.replay.scheme import PLAYER_URL, SCHEME

ALWAYS_ALLOWED = {SCHEME, "data", "blob", "about"}
SITE_SCHEMES = {"http", "https"}


class NetworkGuard(QWebEngineUrlRequestInterceptor):
    """Blocks requests leaving the app; counts them so the UI can say what was blocked."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.allow_site_assets = False
        self.blocked: list[str] = []

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
        scheme = info.requestUrl().scheme()
        if scheme in ALWAYS_ALLOWED:
            return
        if self.allow_site_assets and scheme in SITE_SCHEMES:
            return
        info.block(True)
        if len(self.blocked) < 10_000:
            self.blocked.append(info.requestUrl().toString())


class GuardedPage(QWebEnginePage):
    """A page that may show the player and nothing else (no navigation, no pop-ups)."""

    navigation_refused = Signal(str)

    def acceptNavigationRequest(
        self, url: QUrl, kind: QWebEnginePage.NavigationType, is_main_frame: bool
    ) -> bool:
        if url.scheme() in ALWAYS_ALLOWED and (
            not is_main_frame or url.toString().startswith(PLAYER_URL)
        ):
            return True
        self.navigation_refused.emit(url.toString())
        return False

    def createWindow(self, kind: QWebEnginePage.WebWindowType) -> QWebEnginePage | None:
        return None

    def javaScriptConsoleMessage(self, level, message, line, source) -> None:
        """Keep the player's console quiet; errors arrive through the bridge."""


def guarded_profile(parent: QObject, guard: NetworkGuard) -> QWebEngineProfile:
    """An off-the-record profile (no disk cache, no cookies kept) with the guard installed."""
    profile = QWebEngineProfile(parent)
    profile.setUrlRequestInterceptor(guard)
    profile.setHttpCacheType(QWebEngineProfile.HttpCacheType.MemoryHttpCache)
    profile.setPersistentCookiesPolicy(
        QWebEngineProfile.PersistentCookiesPolicy.NoPersistentCookies
    )
    settings = profile.settings()
    for attribute, value in (
        (QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls, False),
        (QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, False),
        (QWebEngineSettings.WebAttribute.DnsPrefetchEnabled, False),
        (QWebEngineSettings.WebAttribute.PluginsEnabled, False),
        (QWebEngineSettings.WebAttribute.JavascriptCanOpenWindows, False),
        (QWebEngineSettings.WebAttribute.AutoLoadIconsForPage, False),
    ):
        settings.setAttribute(attribute, value)
    return profile
