"""Fixtures for tests that drive a real :class:`~app.replay.view.ReplayView` (QtWebEngine).

The ``replay:`` scheme must be registered, and QtWebEngineWidgets imported, before the
QApplication exists; pytest-qt creates it lazily (the ``qapp`` fixture), and every conftest
is imported at collection time, before any test runs — so doing it here, at import, is
early enough for a whole-suite run as well as for ``pytest tests/replay``.
"""

from __future__ import annotations

import json
import struct
import threading
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from pytestqt.exceptions import TimeoutError as WaitTimeout

from app.replay.engine import prepare_web_engine

prepare_web_engine()

from PySide6.QtCore import QCoreApplication  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.replay.events import store_events  # noqa: E402
from app.replay.guard import GuardedPage  # noqa: E402
from app.replay.view import ReplayView  # noqa: E402
from app.replay.windows import SessionWindows  # noqa: E402
from app.state.tasks import TaskRunner  # noqa: E402
from app.store.open import open_store  # noqa: E402
from app.store.queries import sessions as session_queries  # noqa: E402
from app.store.store import SessionStore  # noqa: E402
from tests.conftest import DATA  # noqa: E402

RECORDINGS = DATA / "recordings"
RECORDING = RECORDINGS / "checkout-clicks.json"
STATES = json.loads((RECORDINGS / "checkout-clicks.states.json").read_text(encoding="utf-8"))
EXPECTED = json.loads((RECORDINGS / "checkout-clicks.expected.json").read_text(encoding="utf-8"))

VIEW_SIZE = (1100, 700)
LOAD_TIMEOUT_MS = 20_000
JS_TIMEOUT_MS = 10_000


class Replay:
    """One shown ReplayView with a store behind it, and helpers to drive and read it."""

    def __init__(self, qtbot: Any, tmp_path: Path) -> None:
        self.qtbot = qtbot
        self.tmp_path = tmp_path
        self.tasks = TaskRunner()  # the window's runner, here one per view
        self.view = ReplayView(self.tasks)
        self.view.resize(*VIEW_SIZE)
        self.view.show()
        self.bridge = self.view.bridge
        self.store: SessionStore | None = None
        self.session_id = ""
        self.windowed_ahead_ms: int | None = None  # set: the player loads window by window
        self.windows: SessionWindows | None = None
        self.first_ms = 0.0
        self.last_ms = 0.0
        self.seq = 100
        self.ticks: list[tuple[float, int]] = []
        self.finished = 0
        self.bridge.ticked.connect(lambda offset, seq: self.ticks.append((offset, seq)))
        self.bridge.finished.connect(self._on_finished)

    def _on_finished(self) -> None:
        self.finished += 1

    # ---- loading -------------------------------------------------------------------------
    def open(self, path: Path, session_id: str | None = None) -> tuple[float, float]:
        """Ingest ``path`` through ``open_store`` and show its (only) session."""
        self.store, _result = open_store(path)
        if session_id is None:
            sessions = session_queries.summaries(self.store.cursor())
            assert len(sessions) == 1, sessions
            session_id = sessions[0].session_id
        self.session_id = session_id
        windows = None
        if self.windowed_ahead_ms is not None:
            self.windows = SessionWindows(self.store, self.windowed_ahead_ms)
            windows = self.windows.window
        self.view.set_events_provider(store_events(self.store), self.store, windows)
        with self.qtbot.waitSignal(self.view.session_loaded, timeout=LOAD_TIMEOUT_MS) as loaded:
            self.view.show_session(session_id)
        self.first_ms, self.last_ms = loaded.args
        return self.first_ms, self.last_ms

    def open_events(self, name: str, events: list[dict[str, Any]]) -> tuple[float, float]:
        """Write ``events`` as a recording file (a JSON array) and open it."""
        path = self.tmp_path / f"{name}.json"
        path.write_text(json.dumps(events), encoding="utf-8")
        return self.open(path)

    @property
    def duration(self) -> float:
        return self.last_ms - self.first_ms

    # ---- page access ---------------------------------------------------------------------
    def js(self, code: str, timeout: int = JS_TIMEOUT_MS) -> Any:
        """Evaluate ``code`` on the player page (main world) and return its value."""
        with self.qtbot.waitCallback(timeout=timeout) as callback:
            self.view.page().runJavaScript(code, 0, callback)
        return callback.args[0] if callback.args else None

    def js_json(self, code: str) -> Any:
        """Evaluate an expression on the player page; its value crosses as JSON."""
        text = self.js(f"JSON.stringify((() => {{ {code} }})())")
        return None if text is None else json.loads(text)

    # ---- driving -------------------------------------------------------------------------
    def seek(self, offset_ms: float, play: bool = False, wait: bool = True) -> int:
        """Seek (and maybe play); returns once the page has applied the seek."""
        self.seq += 1
        seq = self.seq
        self.bridge.seek_requested.emit(float(offset_ms), seq, play)
        if not wait:
            return seq
        # The page answers every seek with a tick carrying its sequence number, after the
        # replayer has applied it (rrweb applies the events before the offset synchronously).
        try:
            self.qtbot.waitUntil(
                lambda: any(s == seq for _, s in self.ticks), timeout=JS_TIMEOUT_MS
            )
        except WaitTimeout as exc:
            raise AssertionError(f"seek {seq} to {offset_ms:.0f} ms: {self.state()}") from exc
        return seq

    def state(self) -> str:
        """What the player holds and what went wrong: a failing test's message (a seek that
        was never answered says little without it)."""
        try:
            page = self.js("JSON.stringify(window.playerWindow())", timeout=2_000)
        except WaitTimeout:
            page = "(the page did not answer)"
        handler = self.view.scheme_handler
        reads = list(self.windows.read_ms)[-3:] if self.windows is not None else []
        return (
            f"page {page}, page errors {self.bridge.errors}, "
            f"{handler.pending()} event requests and {handler.windows_in_flight} windows pending, "
            f"last window reads {reads} ms, "
            f"last ticks {self.ticks[-3:]}"
        )

    def seek_to_epoch(self, epoch_ms: float) -> None:
        self.seek(epoch_ms - self.first_ms)

    def play_to_end(self, start_ms: float = 0, speed: float = 16, timeout: int = 30_000) -> None:
        """Play from ``start_ms`` at ``speed`` until the page reports the end."""
        self.bridge.speed_requested.emit(float(speed))
        before = self.finished
        self.seek(start_ms, play=True)
        self.qtbot.waitUntil(lambda: self.finished > before, timeout=timeout)

    def close(self) -> None:
        view = self.view
        view.set_events_provider(None)
        view.shutdown()  # not view.close() after it: that makes the view create a new page
        view.deleteLater()
        QCoreApplication.sendPostedEvents(None, 0)  # 0: every type, DeferredDelete included
        QApplication.processEvents()
        self.tasks.shutdown()
        if self.windows is not None:
            self.windows.stop()
        if self.store is not None:
            self.store.close()


@pytest.fixture
def console(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Console messages of every player page (the app keeps them quiet; tests read them).

    Chromium logs there what its Content-Security-Policy and the sandbox refused, which
    shows that a blocked load or script was attempted, not merely absent.
    """
    messages: list[str] = []

    def record(page: Any, level: Any, message: str, line: int, source: str) -> None:
        messages.append(message)

    monkeypatch.setattr(GuardedPage, "javaScriptConsoleMessage", record)
    return messages


@pytest.fixture
def replay(qtbot: Any, tmp_path: Path) -> Iterator[Replay]:
    """A ReplayView (1100×700, shown) that is deleted again after the test."""
    player = Replay(qtbot, tmp_path)
    qtbot.waitExposed(player.view)
    yield player
    player.close()


def _png_1x1() -> bytes:
    """A valid 1×1 opaque red PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def state(name: str) -> dict[str, Any]:
    """The live page's state captured at the moment ``name`` (checkout-clicks.states.json)."""
    return next(s for s in STATES["states"] if s["name"] == name)


@pytest.fixture
def checkout(replay: Replay) -> Replay:
    """The view with the real recording ``checkout-clicks.json`` loaded."""
    replay.open(RECORDING)
    assert replay.bridge.errors == []
    return replay


class CountingServer:
    """A real HTTP server on 127.0.0.1 that records every request (and counts connections)."""

    PNG = _png_1x1()

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.connections = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(self.path)
                path = self.path.split("?", 1)[0]
                if path.endswith(".png"):
                    body, mime = CountingServer.PNG, "image/png"
                elif path.endswith(".css"):
                    body, mime = b"body { color: rgb(1, 2, 3); }", "text/css"
                elif path.endswith(".js"):
                    body, mime = b"parent.__p_fetched_script = 1;", "text/javascript"
                else:
                    body = b"<script>parent.__p_served_page = 1;</script>served"
                    mime = "text/html"
                self.send_response(200)
                self.send_header("Content-Type", mime)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Access-Control-Allow-Origin", "*")
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET  # beacons and pings

            def log_message(self, format: str, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            def verify_request(self, request: Any, client_address: Any) -> bool:
                # Every accepted connection, even one that never sends a request (what
                # <link rel=preconnect> opens): reaching the server at all is the leak.
                server.connections += 1
                return True

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def http_server() -> Iterator[CountingServer]:
    server = CountingServer()
    yield server
    server.close()
