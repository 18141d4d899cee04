"""The demo shop served on a chosen release over plain HTTP on 127.0.0.1, for generated
tests to run against (issue 18: Ashley's session fails on 2.5.0 and passes on 2.4.3).

Why reuse :mod:`app.demo.site`: the shop must be the one the demo archive was recorded
on — the same minified bundle (terser, as the demo build makes it) and the same routes
(every path that is not a file answers ``index.html``, for the History API). Only the
release differs: ``window.PW_CONFIG`` is put into the page before the shop's scripts.
No recorder is injected: a generated test needs nothing of this app.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path

from app.demo.site import ShopServer, build_site


def serve_shop(release: str, work: Path | None = None) -> tuple[str, Callable[[], None]]:
    """Start the shop on ``release``; returns its base URL and a function that stops it."""
    folder = tempfile.TemporaryDirectory(prefix="shop-") if work is None else None
    site = build_site(Path(folder.name) if folder else work)
    config = json.dumps({"release": release})
    server = ShopServer(site, tls=False, head=f"<script>window.PW_CONFIG={config};</script>")
    server.start()

    def stop() -> None:
        server.close()
        if folder is not None:
            folder.cleanup()

    return f"http://127.0.0.1:{server.port}", stop
