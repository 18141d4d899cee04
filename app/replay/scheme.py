"""The ``replay:`` URL scheme: the player page, rrweb and session events, never ``file://``.

Why a scheme: a ``file://`` page may read other local files, and a bundle has no stable
paths. Everything the player needs is served from memory by :class:`ReplaySchemeHandler`:

* ``replay://app/<file>`` — the player page from ``resources/player/``;
* ``replay://app/vendor/<file>`` — rrweb from the build's vendored npm files;
* ``replay://data/<session id>/events.json[?window=<id>]`` — events from the store.

:func:`register_replay_scheme` must run before the ``QApplication`` exists.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, unquote

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject
from PySide6.QtWebEngineCore import (
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)

from app.resources import resource_path, vendor_path

SCHEME = "replay"
PLAYER_URL = f"{SCHEME}://app/player.html"
EventsProvider = Callable[[str, str | None], bytes]

_MIME = {
    ".html": b"text/html",
    ".js": b"text/javascript",
    ".css": b"text/css",
    ".json": b"application/json",
}
_VENDOR = {"rrweb.umd.min.js", "rrweb.min.css"}


def player_csp(site_assets: bool) -> str:
    """Content-Security-Policy of the player page, inherited by the replay iframe.

    Defence in depth beside the request interceptor: without ``site_assets`` the replayed
    page may load nothing but inline styles and ``data:`` images; with it, images, fonts and
    stylesheets of the recorded site are allowed (scripts never are).
    """
    site = " https: http:" if site_assets else ""
    return (
        "default-src 'none'; script-src replay:; "
        f"style-src replay: 'unsafe-inline'{site}; img-src replay: data: blob:{site}; "
        f"font-src replay: data:{site}; media-src replay: data: blob:{site}; "
        "connect-src replay:; frame-src about: replay:; base-uri 'none'; form-action 'none'"
    )


def register_replay_scheme() -> None:
    """Declare the scheme to QtWebEngine (once, before the QApplication is created)."""
    if QWebEngineUrlScheme.schemeByName(SCHEME.encode()).name():
        return
    scheme = QWebEngineUrlScheme(SCHEME.encode())
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    scheme.setFlags(
        QWebEngineUrlScheme.Flag.SecureScheme
        | QWebEngineUrlScheme.Flag.LocalAccessAllowed
        | QWebEngineUrlScheme.Flag.CorsEnabled
        | QWebEngineUrlScheme.Flag.FetchApiAllowed
    )
    QWebEngineUrlScheme.registerScheme(scheme)


class ReplaySchemeHandler(QWebEngineUrlSchemeHandler):
    """Answers ``replay:`` requests from packaged files and the events provider."""

    def __init__(self, events: EventsProvider | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self._events = events

    def set_events_provider(self, events: EventsProvider | None) -> None:
        self._events = events

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:
        url = job.requestUrl()
        host, path = url.host(), unquote(url.path()).lstrip("/")
        try:
            if host == "app":
                self._reply_file(job, path)
            elif host == "data" and path.endswith("/events.json") and self._events:
                session_id = path.rsplit("/", 1)[0]
                window = parse_qs(url.query()).get("window", [None])[0]
                self._reply(job, b"application/json", self._events(session_id, window))
            else:
                job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
        except (OSError, LookupError, ValueError):
            job.fail(QWebEngineUrlRequestJob.Error.RequestFailed)

    def _reply_file(self, job: QWebEngineUrlRequestJob, path: str) -> None:
        if path.startswith("vendor/") and path[7:] in _VENDOR:
            file = vendor_path(path[7:])
        elif "/" not in path and path:
            file = resource_path("player", path)
        else:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        if not file.is_file():
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        data = file.read_bytes()
        if path == "player.html":
            assets = parse_qs(job.requestUrl().query()).get("assets") == ["1"]
            data = data.replace(b"{{CSP}}", player_csp(assets).encode())
        self._reply(job, _MIME.get(Path(path).suffix, b"application/octet-stream"), data)

    @staticmethod
    def _reply(job: QWebEngineUrlRequestJob, mime: bytes, data: bytes) -> None:
        buffer = QBuffer(job)  # owned by the job: alive as long as the engine reads it
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        job.reply(mime, buffer)
