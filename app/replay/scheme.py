"""The ``replay:`` URL scheme: the player page, rrweb and session events, never ``file://``.

Why a scheme: a ``file://`` page may read other local files, and a bundle has no stable
paths. Everything the player needs is served from memory by :class:`ReplaySchemeHandler`:

* ``replay://app/<file>`` — the player page from ``resources/player/``;
* ``replay://app/vendor/<file>`` — rrweb from the build's vendored npm files;
* ``replay://data/<session id>/events.json[?window=<id>]`` — events from the store.

:func:`register_replay_scheme` must run before the ``QApplication`` exists.
"""

from __future__ import annotations

import json
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
SPLIT_ABOVE_BYTES = 8 * 1024 * 1024
PART_EVENTS = 20_000


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
        self._parts: dict[tuple[str, str | None], list[list[object]]] = {}

    def set_events_provider(self, events: EventsProvider | None) -> None:
        self._events = events
        self._parts = {}

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:
        url = job.requestUrl()
        host, path = url.host(), unquote(url.path()).lstrip("/")
        try:
            if host == "app":
                self._reply_file(job, path)
            elif host == "data" and path.endswith("/events.json") and self._events:
                query = parse_qs(url.query())
                key = (path.rsplit("/", 1)[0], query.get("window", [None])[0])
                part = int(query.get("part", ["0"])[0])
                self._reply(job, b"application/json", self._events_part(key, part))
            else:
                job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
        except (OSError, LookupError, ValueError):
            job.fail(QWebEngineUrlRequestJob.Error.RequestFailed)

    def _events_part(self, key: tuple[str, str | None], part: int) -> bytes:
        """Part ``part`` of a session's events as ``{"parts": P, "events": [...]}``.

        Small sessions go out whole, without being parsed here; big ones are split into
        parts of :data:`PART_EVENTS` so the player can start before all of them arrive.
        """
        if part == 0 or key not in self._parts:
            assert self._events is not None
            raw = self._events(*key)
            if len(raw) <= SPLIT_ABOVE_BYTES:
                self._parts.pop(key, None)
                return b'{"parts":1,"events":' + raw + b"}"
            events = json.loads(raw)
            self._parts = {
                key: [events[i : i + PART_EVENTS] for i in range(0, len(events), PART_EVENTS)]
            }
        parts = self._parts[key]
        if not 0 <= part < len(parts):
            raise LookupError(f"no part {part}")
        return json.dumps(
            {"parts": len(parts), "events": parts[part]}, separators=(",", ":")
        ).encode()

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
