"""``replay-investigator collect``: the HTTP endpoint the recorder posts its batches to.

A Starlette application served by uvicorn (both maintained, on PyPI). ``POST /collect``
takes one batch per request (``fetch`` or ``sendBeacon``), ``OPTIONS /collect`` answers the
browser's CORS preflight, ``GET /health`` says the process is up. Refusals, in the order
they are checked: 403 an ``Origin`` not on the allow-list, 401 a missing or wrong token
(``Authorization: Bearer T`` or ``?token=T`` — ``sendBeacon`` cannot set headers), 413 a
body or a session over its limit, 400 a body that is not a batch. Nothing refused is
written. A batch is acknowledged (200) only once it is fsynced (:mod:`app.lake.spool`).
"""

from __future__ import annotations

import hmac
import socket
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import anyio.to_thread
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from app.lake.batches import BatchRefused, Limits, decode_body, parse_batch
from app.lake.spool import HourlySpool

COLLECT_PATH = "/collect"


@dataclass
class CollectorConfig:
    """What ``collect`` was started with."""

    lake: Path
    token: str | None = None
    allowed_origins: Sequence[str] = ()  # empty: every origin (the command warns)
    limits: Limits = field(default_factory=Limits)


def _cors_headers(origin: str | None) -> dict[str, str]:
    if not origin:
        return {}
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Methods": "POST, OPTIONS",
        "Access-Control-Allow-Headers": "Content-Type, Content-Encoding, Authorization",
        "Access-Control-Max-Age": "86400",
        "Vary": "Origin",
    }


class Collector:
    """The request handlers over one spool; counts what it accepted and refused."""

    def __init__(self, config: CollectorConfig) -> None:
        self.config = config
        self.spool = HourlySpool(config.lake)
        self.accepted = 0
        self.refused: dict[int, int] = {}
        self.app = Starlette(
            routes=[
                Route(COLLECT_PATH, self.collect, methods=["POST"]),
                Route(COLLECT_PATH, self.preflight, methods=["OPTIONS"]),
                Route("/health", self.health, methods=["GET"]),
            ]
        )

    def _origin_allowed(self, origin: str | None) -> bool:
        # No Origin header: not a browser (a proxy, a server-side sender): the token decides.
        allowed = self.config.allowed_origins
        return origin is None or not allowed or origin in allowed

    def _token_ok(self, request: Request) -> bool:
        expected = self.config.token
        if not expected:
            return True
        header = request.headers.get("authorization", "")
        given = header[7:].strip() if header.lower().startswith("bearer ") else None
        given = given or request.query_params.get("token") or ""
        return hmac.compare_digest(given.encode(), expected.encode())

    async def preflight(self, request: Request) -> Response:
        origin = request.headers.get("origin")
        if not self._origin_allowed(origin):
            return self._refuse(BatchRefused(403, f"origin {origin} is not allowed"), None)
        return Response(status_code=204, headers=_cors_headers(origin))

    async def health(self, request: Request) -> Response:
        return JSONResponse({"ok": True, "accepted": self.accepted})

    async def collect(self, request: Request) -> Response:
        origin = request.headers.get("origin")
        cors = origin if self._origin_allowed(origin) else None
        try:
            if not self._origin_allowed(origin):
                raise BatchRefused(403, f"origin {origin} is not allowed")
            if not self._token_ok(request):
                raise BatchRefused(401, "missing or wrong ingest token")
            body = await self._read_body(request)
            data = decode_body(body, request.headers.get("content-encoding"), self.config.limits)
            batch = parse_batch(data)
            sid = batch["session"]["id"]
            if self.spool.session_bytes(sid) + len(data) > self.config.limits.session_bytes:
                raise BatchRefused(413, f"session {sid} exceeds its size limit")
            received = time.time()
            await anyio.to_thread.run_sync(self.spool.append, batch, received, origin)
        except BatchRefused as refusal:
            return self._refuse(refusal, cors)
        self.accepted += 1
        return JSONResponse({"accepted": batch["seq"]}, headers=_cors_headers(cors))

    async def _read_body(self, request: Request) -> bytes:
        limit = self.config.limits.batch_bytes
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise BatchRefused(413, f"batch of {declared} bytes exceeds {limit}")
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise BatchRefused(413, f"batch exceeds {limit} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    def _refuse(self, refusal: BatchRefused, cors: str | None) -> Response:
        self.refused[refusal.status] = self.refused.get(refusal.status, 0) + 1
        return PlainTextResponse(
            refusal.message + "\n", status_code=refusal.status, headers=_cors_headers(cors)
        )


def listening_socket(listen: str) -> socket.socket:
    """A bound socket for ``HOST:PORT`` (port 0 picks a free one; the command prints it)."""
    host, _, port = listen.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Answers go out at once (accepted sockets inherit this): without it a keep-alive
    # client's next request waited ~40 ms on Nagle and delayed ACKs.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, int(port)))
    sock.listen(1024)
    sock.set_inheritable(True)
    return sock


def serve(config: CollectorConfig, listen: str, *, compact_every_s: float = 300.0) -> int:
    """Run the collector until interrupted; compacts the lake every ``compact_every_s``."""
    import uvicorn

    collector = Collector(config)
    sock = listening_socket(listen)
    host, port = sock.getsockname()[:2]
    print(f"collecting on http://{host}:{port}{COLLECT_PATH} into {config.lake}", flush=True)
    if not config.allowed_origins:
        print("warning: no --allow-origin given: batches from every origin are accepted",
              file=sys.stderr, flush=True)  # fmt: skip
    stop = threading.Event()
    if compact_every_s > 0:
        threading.Thread(
            target=_compact_periodically, args=(config.lake, compact_every_s, stop), daemon=True
        ).start()
    server = uvicorn.Server(
        uvicorn.Config(collector.app, log_level="warning", access_log=False, lifespan="off")
    )
    try:
        server.run(sockets=[sock])
    finally:
        stop.set()
        collector.spool.close()
    return 0


def _compact_periodically(lake: Path, every_s: float, stop: threading.Event) -> None:
    from app.lake.compaction import compact_lake

    while not stop.wait(every_s):
        try:
            report = compact_lake(lake)
        except Exception as exc:  # the collector keeps collecting; the next run tries again
            print(f"compaction failed: {exc}", file=sys.stderr, flush=True)
            continue
        if report.sessions:
            print(f"compacted {report.describe()}", flush=True)
