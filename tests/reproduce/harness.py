"""Record a real session of a small local site in real Chromium with our recorder.

Why: issue 18's end-to-end tests need archives whose every event came from a browser and
a person-like input (Playwright's trusted clicks and key presses), recorded by the same
recorder users ship (``resources/recorder``), not hand-made events. A test gives the site
folder and the steps; :func:`record_session` serves the folder on 127.0.0.1, injects rrweb
and the recorder into every page (posting its batches to ``/collect`` on the same origin),
runs the steps, stops the recorder and writes the batches as a ``.webreplay`` archive.
"""

from __future__ import annotations

import json
import mimetypes
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from app.archive.model import SessionMeta
from app.archive.writer import ArchiveWriter
from app.demo.site import COLLECT_PATH, CollectingHandler, Collector
from app.demo.worker import all_batches_arrived, merge_batches
from app.resources import resource_path, vendor_path
from tests.conftest import CHROMIUM

ARRIVAL_TIMEOUT_S = 15.0
VIEWPORT = {"width": 1024, "height": 700}


def launch_args() -> list[str]:
    """Chromium refuses to run as root with its sandbox (as tests/conftest.py says)."""
    return ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []


def recorder_boot(session_id: str, release: str | None = None) -> str:
    """rrweb, our recorder and its start, for the top frame of every page the browser loads."""
    start = {
        "sink": COLLECT_PATH,
        "sessionId": session_id,
        "release": release,
        "application": "harness",
        "flushIntervalMs": 1000,
    }
    return (
        "if (window.top === window) {\n"
        + vendor_path("rrweb.umd.min.js").read_text(encoding="utf-8")
        + ";\n"
        + resource_path("recorder", "recorder.js").read_text(encoding="utf-8")
        + f";\nwindow.ReplayRecorder.start({json.dumps(start)});\n}}\n"
    )


class SiteServer:
    """A folder served over HTTP on 127.0.0.1, with the recorder's ``POST /collect`` sink.

    A path that names no file and has no extension gets ``index.html`` (History API routes
    of a single-page app survive a reload).
    """

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.collector = Collector()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> SiteServer:
        self._thread.start()
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def file_for(self, url_path: str) -> Path | None:
        path = url_path.split("?", 1)[0].split("#", 1)[0]
        candidate = (self.root / path.lstrip("/")).resolve()
        if candidate.is_dir():
            candidate = candidate / "index.html"
        if self.root not in candidate.parents and candidate != self.root:
            return None
        if candidate.is_file():
            return candidate
        if "." not in path.rsplit("/", 1)[-1]:
            return self.root / "index.html"
        return None


def _handler_for(site: SiteServer) -> type[BaseHTTPRequestHandler]:
    class Handler(CollectingHandler):
        collector = site.collector

        def do_GET(self) -> None:
            target = site.file_for(self.path)
            if target is None:
                self._send(HTTPStatus.NOT_FOUND, b"not found", "text/plain")
                return
            kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            self._send(HTTPStatus.OK, target.read_bytes(), kind)

    return Handler


@contextmanager
def serve_site(site_dir: Path) -> Iterator[SiteServer]:
    server = SiteServer(site_dir).start()
    try:
        yield server
    finally:
        server.close()


def record_session(
    site_dir: Path,
    steps: Callable[[Page], None],
    *,
    start_path: str = "/",
    tmp: Path,
    release: str | None = None,
) -> Path:
    """Record ``steps`` on ``site_dir`` in Chromium and return the ``.webreplay`` written.

    The archive holds one session (id ``<site>-<hex>``) with the recorder's rrweb events
    and RUM records exactly as it sent them (no re-timing).
    """
    session_id = f"{site_dir.name}-{uuid.uuid4().hex[:12]}"
    with serve_site(site_dir) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=launch_args())
        try:
            context = browser.new_context(viewport=VIEWPORT)
            context.add_init_script(script=recorder_boot(session_id, release))
            page = context.new_page()
            page.goto(server.base_url + start_path)
            page.wait_for_function("window.ReplayRecorder && window.ReplayRecorder.sessionId()")
            steps(page)
            page.evaluate("window.ReplayRecorder.stop()")
            _wait_for_batches(server.collector, session_id)
            user_agent = page.evaluate("navigator.userAgent")
            context.close()
        finally:
            browser.close()
        batches = server.collector.take(session_id)
        base_url = server.base_url
    events, rum, entry = merge_batches(batches)
    meta = SessionMeta(
        session_id=session_id,
        entry_url=entry or base_url + start_path,
        release=release,
        user_agent=user_agent,
        browser="Chromium",
        screen_width=VIEWPORT["width"],
        screen_height=VIEWPORT["height"],
        extra={"site": site_dir.name, "recorded_by": "tests/reproduce/harness.py"},
    )
    tmp.mkdir(parents=True, exist_ok=True)
    out = tmp / f"{site_dir.name}.webreplay"
    with ArchiveWriter(out, application={"name": site_dir.name, "url": base_url + "/"}) as writer:
        writer.add_session(meta, events, rum)
    return out


def _wait_for_batches(collector: Collector, session_id: str) -> None:
    deadline = time.monotonic() + ARRIVAL_TIMEOUT_S
    while not all_batches_arrived(collector.batches.get(session_id, [])):
        if time.monotonic() > deadline:
            seqs = sorted(b.get("seq", 0) for b in collector.batches.get(session_id, []))
            raise RuntimeError(f"the recorder's batches did not all arrive (got seq {seqs})")
        time.sleep(0.05)
