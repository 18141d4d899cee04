"""Serve the demo shop over HTTPS on localhost and collect the recorder's batches.

Why a real server: the generator needs a real origin (``https://www.performancewear.com``
mapped to 127.0.0.1 by the browser engine's host-resolver rules) so that page reloads,
history navigation and the recorder's ``POST`` sink behave as on a real site. The shop's
API stays inside the page (``static/backend.js``); this server only hands out static files
and receives ``POST /collect`` batches, which it files per session for the generator.
"""

from __future__ import annotations

import json
import shutil
import ssl
import subprocess
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from app.resources import resource_path, vendor_path

SHOP_HOST = "www.performancewear.com"
SHOP_ORIGIN = f"https://{SHOP_HOST}"
COLLECT_PATH = "/collect"
MINIFIED_NAME = "app.min.js"
MAX_BATCH_BYTES = 32 * 1024 * 1024
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".map": "application/json",
    ".svg": "image/svg+xml",
}


class SiteError(RuntimeError):
    """The demo site could not be prepared (a tool is missing, minification failed)."""


@dataclass
class BuiltSite:
    """The shop's files ready to serve: the static folder plus the minified bundle and map."""

    root: Path
    bundle: Path
    source_map: Path
    cert: Path
    key: Path


def repo_root() -> Path:
    return resource_path().parent


def build_site(work: Path) -> BuiltSite:
    """Minify the shop's source with terser (source map included) and make a certificate."""
    work.mkdir(parents=True, exist_ok=True)
    shop = resource_path("demo-shop")
    source = shop / "src" / "shop.js"
    bundle = work / MINIFIED_NAME
    source_map = work / f"{MINIFIED_NAME}.map"
    terser = repo_root() / "node_modules" / "terser" / "bin" / "terser"
    node = shutil.which("node")
    if node is None or not terser.exists():
        raise SiteError(
            "building the demo needs node and the terser package: run `npm ci` in the checkout "
            f"(looked for {terser})"
        )
    staged = work / "src" / "shop.js"
    staged.parent.mkdir(exist_ok=True)
    shutil.copyfile(source, staged)
    run = subprocess.run(
        [
            node,
            str(terser),
            "src/shop.js",
            "--compress",
            "--mangle",
            "--source-map",
            f"url='{MINIFIED_NAME}.map',root='{SHOP_ORIGIN}/',includeSources",
            "-o",
            MINIFIED_NAME,
        ],
        cwd=work,
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode != 0:
        raise SiteError(f"terser failed on {source}: {run.stderr.strip()[:500]}")
    cert, key = work / "cert.pem", work / "key.pem"
    if not cert.exists():
        _make_certificate(cert, key)
    return BuiltSite(shop, bundle, source_map, cert, key)


def _make_certificate(cert: Path, key: Path) -> None:
    openssl = shutil.which("openssl")
    if openssl is None:
        raise SiteError("building the demo needs the openssl command (Debian package openssl)")
    run = subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", f"/CN={SHOP_HOST}", "-keyout", str(key), "-out", str(cert)],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    if run.returncode != 0:
        raise SiteError(f"openssl could not make a certificate: {run.stderr.strip()[:300]}")


@dataclass
class Collector:
    """Batches received from recorders, filed per session id in arrival order."""

    batches: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)
    rejected: int = 0

    def add(self, batch: Any) -> None:
        session = batch.get("session") if isinstance(batch, dict) else None
        sid = session.get("id") if isinstance(session, dict) else None
        with self.lock:
            if not isinstance(sid, str):
                self.rejected += 1
                return
            self.batches[sid].append(batch)

    def take(self, session_id: str) -> list[dict[str, Any]]:
        with self.lock:
            return self.batches.pop(session_id, [])

    def count(self, session_id: str) -> int:
        with self.lock:
            return len(self.batches.get(session_id, []))


class ShopServer:
    """HTTPS server on 127.0.0.1 for the shop's files and the ``/collect`` sink."""

    def __init__(self, site: BuiltSite, *, tls: bool = True, head: str = "") -> None:
        """``tls=False`` serves plain HTTP (a test's browser on 127.0.0.1); ``head`` is HTML
        put into every page before its own scripts (a test sets ``window.PW_CONFIG``)."""
        self.site = site
        self.collector = Collector()
        self.document_latency: Callable[[], float] | None = None
        """Nominal ms a page request should take; logged in ``warp``, not waited."""
        self.warp: list[tuple[float, float]] = []
        self.head = head
        handler = _handler_for(site, self.collector, self)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(site.cert), str(site.key))
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def start(self) -> ShopServer:
        self._thread.start()
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class CollectingHandler(BaseHTTPRequestHandler):
    """Receives the recorder's ``POST /collect`` batches into ``collector`` (set by a
    subclass, which also serves the site's files with ``do_GET`` and :meth:`_send`)."""

    protocol_version = "HTTP/1.1"
    collector: Collector

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if self.path != COLLECT_PATH or not 0 < length <= MAX_BATCH_BYTES:
            self._send(HTTPStatus.BAD_REQUEST, b"", "text/plain")
            return
        body = self.rfile.read(length)
        try:
            self.collector.add(json.loads(body))
        except (ValueError, RecursionError):
            self.collector.rejected += 1
        self._send(HTTPStatus.NO_CONTENT, b"", "text/plain")

    def _send(self, status: HTTPStatus, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if body:
            self.wfile.write(body)


def _handler_for(
    site: BuiltSite, collector: Collector, server: ShopServer
) -> type[BaseHTTPRequestHandler]:
    static = site.root / "static"
    files = {
        "/static/app.min.js": site.bundle,
        "/static/app.min.js.map": site.source_map,
        "/static/rrweb.umd.min.js": vendor_path("rrweb.umd.min.js"),
        "/static/recorder.js": resource_path("recorder", "recorder.js"),
    }

    class Handler(CollectingHandler):
        collector = server.collector

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            target = files.get(path)
            if target is None and path.startswith("/static/"):
                candidate = (static / path.removeprefix("/static/")).resolve()
                if candidate.is_file() and static.resolve() in candidate.parents:
                    target = candidate
            if target is None and not path.startswith(("/static/", "/api/")):
                target = site.root / "index.html"  # the single-page app answers every route
                if server.document_latency is not None:
                    server.warp.append((time.time() * 1000.0, server.document_latency()))
            if target is None or not target.is_file():
                self._send(HTTPStatus.NOT_FOUND, b"not found", "text/plain")
                return
            body = target.read_bytes()
            if server.head and target == site.root / "index.html":
                body = body.replace(b"<script", server.head.encode() + b"<script", 1)
            self._send(HTTPStatus.OK, body, _TYPES.get(target.suffix, "text/plain"))

    return Handler
