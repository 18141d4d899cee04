"""The ``replay:`` URL scheme: the player page, rrweb and session events, never ``file://``.

Why a scheme: a ``file://`` page may read other local files, and a bundle has no stable
paths. Everything the player needs is served from memory by :class:`ReplaySchemeHandler`:

* ``replay://app/<file>`` — the player page from ``resources/player/``;
* ``replay://app/vendor/<file>`` — rrweb from the build's vendored npm files;
* ``replay://data/<session id>/events.json[?window=<id>]`` — events from the store;
* ``replay://data/<session id>/window.json?t=<epoch ms>[&window=<id>]`` — the window of
  events around ``t`` (:mod:`app.replay.windows`), for the player's windowed loading.

:func:`register_replay_scheme` must run before the ``QApplication`` exists.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote

import shiboken6
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject
from PySide6.QtWebEngineCore import (
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)

from app import collector
from app.replay.events import split_events
from app.resources import resource_path, vendor_path
from app.state.tasks import Interruptible, Task, TaskRunner

log = logging.getLogger(__name__)

SCHEME = "replay"
PLAYER_URL = f"{SCHEME}://app/player.html"
EventsProvider = Callable[[str, str | None], "bytes | list[bytes]"]
WindowsProvider = Callable[[str, str | None, "float | None", "float | None"], bytes]
"""``(session id, window id or None, time or None, reach or None) → a window's JSON``
(:meth:`app.replay.windows.SessionWindows.window`)."""

_MIME = {
    ".html": b"text/html",
    ".js": b"text/javascript",
    ".css": b"text/css",
    ".json": b"application/json",
}
_VENDOR = {"rrweb.umd.min.js", "rrweb.min.css"}
REPLAY_LANE = "replay"
"""Preparing a replay's events has a lane of its own: it must not hold up the screens."""


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


Key = tuple[str, str | None]
"""(session id, window id or None): one stream of events."""
Parts = list[QByteArray]
"""A stream's answer, part by part: each ``{"parts": P, "events": [...]}``."""


@dataclass(eq=False)
class _Preparation:
    """One stream being prepared on a worker, and the requests waiting for it."""

    task: Task | None = None
    waiting: list[tuple[QWebEngineUrlRequestJob, int]] = field(default_factory=list)


@dataclass(frozen=True)
class _Outcome:
    """What a preparation hands back: its parts, or the error that stopped it.

    Why not raise: a preparation's error is part of its answer (the requests fail, the log
    says why); only a preparation the runner drops (its store retired) ends in
    ``_dropped`` instead.
    """

    parts: Parts | None
    error: BaseException | None = None


class ReplaySchemeHandler(QWebEngineUrlSchemeHandler):
    """Answers ``replay:`` requests from packaged files and the events provider.

    Events are prepared on lane :data:`REPLAY_LANE` of ``tasks`` (the store's query, the
    checkpoints, the split into parts take seconds for a long session; on the GUI thread
    they froze the window) and the request is answered when they are ready. Qt lets a
    :class:`QWebEngineUrlRequestJob` be answered later; it is deleted if the page moves on
    meanwhile, so every answer checks it is still alive.
    """

    def __init__(
        self,
        tasks: TaskRunner,
        events: EventsProvider | None = None,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.tasks = tasks
        self._events = events
        self._windows: WindowsProvider | None = None
        self._store: Interruptible | None = None
        self._parts: dict[Key, Parts] = {}  # the stream prepared last, for its later parts
        self._preparing: dict[Key, _Preparation] = {}
        self.windows_in_flight = 0
        """Window requests read on a task and not yet answered (tests, diagnostics)."""

    def set_events_provider(
        self,
        events: EventsProvider | None,
        store: Interruptible | None = None,
        windows: WindowsProvider | None = None,
    ) -> None:
        """Serve ``events`` (and ``windows``) from now on (None: none); requests still
        waiting are failed.

        ``store`` is what ``events`` reads: its tasks are interrupted when the store is
        retired (archive switched) and the store is not closed under them.
        """
        self._drop_pending()
        self._events = events
        self._windows = windows
        self._store = store
        self._parts = {}  # the last stream's parts are another provider's

    def serves_windows(self) -> bool:
        """Whether the page may load sessions window by window."""
        return self._windows is not None

    def pending(self) -> int:
        """Requests waiting for their events (for tests and diagnostics)."""
        return sum(len(p.waiting) for p in self._preparing.values())

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:
        url = job.requestUrl()
        host, path = url.host(), unquote(url.path()).lstrip("/")
        try:
            if host == "app":
                self._reply_file(job, path)
            elif host == "data" and path.endswith("/events.json") and self._events:
                query = parse_qs(url.query())
                key = (path.rsplit("/", 1)[0], query.get("window", [None])[0])
                self._events_part(job, key, int(query.get("part", ["0"])[0]))
            elif host == "data" and path.endswith("/window.json") and self._windows:
                query = parse_qs(url.query())
                at, ahead = query.get("t", [None])[0], query.get("ahead", [None])[0]
                key = (path.rsplit("/", 1)[0], query.get("window", [None])[0])
                self._window(
                    job,
                    key,
                    None if at is None else float(at),
                    None if ahead is None else float(ahead),
                )
            else:
                job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
        except (OSError, LookupError, ValueError):
            job.fail(QWebEngineUrlRequestJob.Error.RequestFailed)

    def _events_part(self, job: QWebEngineUrlRequestJob, key: Key, part: int) -> None:
        """Answer with part ``part`` of ``key``'s events: at once if prepared, else later.

        Part 0 starts a session's load and prepares it afresh (unless that is under way);
        later parts come from what the first preparation left. A load of another session
        supersedes any still being prepared (the player shows one session).
        """
        prepared = self._parts.get(key)
        if part > 0 and prepared is not None:
            self._reply_part(job, prepared, part)
            return
        preparation = self._preparing.get(key)
        if preparation is None:
            self._drop_pending()
            preparation = self._preparing[key] = _Preparation()
            events = self._events
            assert events is not None
            preparation.task = self.tasks.submit(
                lambda: _prepare(events, key),
                lambda outcome: self._prepared(preparation, key, outcome),
                owner=self,
                store=self._store,
                lane=REPLAY_LANE,
                name=f"replay events of {key[0]}",
                dropped=lambda: self._dropped(preparation, key),
            )
        preparation.waiting.append((job, part))

    def _window(
        self, job: QWebEngineUrlRequestJob, key: Key, at: float | None, ahead: float | None
    ) -> None:
        """Answer with the window of ``key``'s events around ``at``, read on a task.

        Windows are not superseded by each other: the page asks for the next one while
        playing (a prefetch) and for one far away when seeking; it ignores stale answers.
        """
        windows = self._windows
        assert windows is not None

        self.windows_in_flight += 1

        def answer(outcome: _Outcome) -> None:
            self.windows_in_flight -= 1
            if outcome.parts is None:
                log.warning("a window of %s could not be read: %s", key[0], outcome.error)
                _fail(job)
            else:
                self._reply_part(job, outcome.parts, 0)

        self.tasks.submit(
            lambda: _read_window(windows, key, at, ahead),
            answer,
            owner=self,
            store=self._store,
            lane=REPLAY_LANE,
            name=f"replay window of {key[0]}",
            dropped=lambda: self._window_dropped(job),
        )

    def _window_dropped(self, job: QWebEngineUrlRequestJob) -> None:
        self.windows_in_flight -= 1
        _fail(job)

    def _prepared(self, preparation: _Preparation, key: Key, outcome: _Outcome) -> None:
        if self._preparing.get(key) is not preparation:
            return  # superseded: its requests were failed then
        del self._preparing[key]
        if outcome.parts is None:
            log.warning("the events of %s could not be prepared: %s", key[0], outcome.error)
            for job, _part in preparation.waiting:
                _fail(job)
            return
        self._parts = {key: outcome.parts}
        for job, part in preparation.waiting:
            self._reply_part(job, outcome.parts, part)

    def _reply_part(self, job: QWebEngineUrlRequestJob, parts: Parts, part: int) -> None:
        if not 0 <= part < len(parts):
            _fail(job)
        elif shiboken6.isValid(job):
            self._reply(job, b"application/json", parts[part])

    def _drop_pending(self) -> None:
        """Fail every waiting request and cancel its preparation (interrupting its query)."""
        preparations, self._preparing = list(self._preparing.values()), {}
        for preparation in preparations:
            if preparation.task is not None:
                preparation.task.cancel()
            for job, _part in preparation.waiting:
                _fail(job)

    def _dropped(self, preparation: _Preparation, key: Key) -> None:
        """The runner dropped the preparation (its store was retired): fail its requests,
        or the player would wait on "Loading…" for good."""
        if self._preparing.get(key) is preparation:
            del self._preparing[key]
            for job, _part in preparation.waiting:
                _fail(job)

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
    def _reply(job: QWebEngineUrlRequestJob, mime: bytes, data: bytes | QByteArray) -> None:
        buffer = QBuffer(job)  # owned by the job: alive as long as the engine reads it
        buffer.setData(data if isinstance(data, QByteArray) else QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        job.reply(mime, buffer)


def _fail(job: QWebEngineUrlRequestJob) -> None:
    if shiboken6.isValid(job):
        job.fail(QWebEngineUrlRequestJob.Error.RequestFailed)


def _prepare(events: EventsProvider, key: Key) -> _Outcome:
    """On a worker: ``key``'s events from ``events``, cut into the parts the player asks for.

    Any error (a closed store, a failing query, unreadable events) is handed back, never
    raised: the request fails and the player says the events could not be loaded.
    """
    try:
        with collector.paused():  # millions of short-lived objects: see app.collector
            prepared = events(*key)
            if isinstance(prepared, list):  # already cut into parts (a long session)
                return _Outcome([QByteArray(part) for part in prepared])
            return _Outcome(split_into_parts(prepared))
    except Exception as exc:
        return _Outcome(None, exc)


def _read_window(
    windows: WindowsProvider, key: Key, at: float | None, ahead: float | None
) -> _Outcome:
    """On a worker: one window (see :mod:`app.replay.windows`); errors handed back."""
    try:
        return _Outcome([QByteArray(windows(key[0], key[1], at, ahead))])
    except Exception as exc:
        return _Outcome(None, exc)


def split_into_parts(raw: bytes) -> Parts:
    """``raw`` (a JSON array of events) as the player's parts (see :func:`split_events`)."""
    return [QByteArray(part) for part in split_events(raw)]
