"""A real ``replay-investigator collect`` in a child process on loopback, for the tests.

Why a child process: the tests speak HTTP to the command as a user would run it, and can
``kill -9`` it; an in-process server would share the test's interpreter and its fate.
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


class CollectorProcess:
    """``collect --listen 127.0.0.1:PORT`` started (port 0: any free one, read from its first
    line)."""

    def __init__(self, lake: Path, *args: str, port: int = 0) -> None:
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        command = [sys.executable, "-m", "app", "collect", "--listen", f"127.0.0.1:{port}",
                   "--out", str(lake), "--compact-every", "0", *args]  # fmt: skip
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        line = self.process.stdout.readline() if self.process.stdout else ""
        match = re.search(r"http://127\.0\.0\.1:(\d+)/collect", line)
        if not match:
            self.process.kill()
            raise RuntimeError(f"the collector did not start: {line!r} {self.process.stderr}")
        self.port = int(match.group(1))
        self.url = f"http://127.0.0.1:{self.port}/collect"
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                status, _, _ = self.request("GET", "/health")
                if status == 200:
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the collector did not answer /health")

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, path, body, headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def post(self, batch: Any, headers: dict | None = None, *, path: str = "/collect") -> int:
        body = batch if isinstance(batch, bytes) else json.dumps(batch).encode()
        head = {"Content-Type": "application/json", **(headers or {})}
        return self.request("POST", path, body, head)[0]

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)
        for stream in (self.process.stdout, self.process.stderr):
            if stream:
                stream.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.kill()


def make_batch(
    session: str,
    seq: int,
    started: int,
    *,
    final: bool = False,
    clicks: int = 1,
    spacing_ms: int = 10_000,
) -> dict[str, Any]:
    """A recorder batch as ``recorder.js`` builds it: a page's first batch carries the
    Meta and FullSnapshot events, every batch ``clicks`` click actions a second apart,
    batches ``spacing_ms`` apart."""
    base = started + (seq - 1) * spacing_ms
    events: list[dict[str, Any]] = []
    if seq == 1:
        events = [
            {"type": 4, "timestamp": started, "data": {"href": "https://shop.example/",
                                                       "width": 1280, "height": 800}},
            {"type": 2, "timestamp": started + 1, "data": {"node": {"type": 0, "id": 1,
             "childNodes": [{"type": 2, "tagName": "html", "id": 2, "attributes": {},
                             "childNodes": []}]}, "initialOffset": {"left": 0, "top": 0}}},
        ]  # fmt: skip
    rum = []
    for k in range(clicks):
        ts = base + 1000 * (k + 1)
        events.append({"type": 3, "timestamp": ts,
                       "data": {"source": 2, "type": 2, "id": 2, "x": 10, "y": 10}})  # fmt: skip
        rum.append({"kind": "action", "ts": ts, "type": "custom", "trigger": "click",
                    "name": f"click on 'Step {seq}.{k}'", "duration_ms": 40,
                    "id": f"{session}-{seq}-{k}", "url": "https://shop.example/"})  # fmt: skip
    return {
        "format": "webreplay-batch", "version": 1, "seq": seq, "page": 0, "page_end": final,
        "final": final, "url": "https://shop.example/",
        "session": {"id": session, "user_id": f"user-of-{session}", "started_at": started,
                    "release": "2.5.0", "application": "shop",
                    "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36",
                    "entry_url": "https://shop.example/", "screen": {"width": 1920,
                                                                    "height": 1080}},
        "events": events, "rum": rum,
    }  # fmt: skip


def gzipped(batch: dict[str, Any]) -> bytes:
    return gzip.compress(json.dumps(batch).encode())


def spooled_lines(lake: Path) -> int:
    """Batches on disk in the lake's hourly files."""
    return sum(
        len(path.read_bytes().splitlines()) for path in (lake / "incoming").rglob("*.ndjson")
    )
