"""The real recorder in QtWebEngine posting to a real collector on loopback.

The same scripted visit is recorded twice: once handing its batches to a callback (what the
demo path's collector receives, merged as ``app.demo.worker`` merges them into an archive)
and once posting them over HTTP to ``replay-investigator collect`` (``fetch`` with a CORS
preflight, since the page's origin is not the collector's). After ``compact`` the lake's
session has the same actions as the archive's.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QUrl

from app.archive.model import SessionMeta
from app.archive.writer import ArchiveWriter
from app.demo.worker import merge_batches
from app.store.lake import LakeStore
from app.store.open import open_store
from app.store.queries import replay as replay_queries
from tests.lake.collector_process import REPO, CollectorProcess
from tests.recorder.conftest import RecordedPage

pytestmark = pytest.mark.webengine

SHOP = "https://shop.example"
TOKEN = "token-of-the-shop"
BODY = (
    "<h1>Checkout</h1><label>Postal code <input id='postal'></label>"
    "<button id='check' onclick=\"fetch('data:text/plain,ok')\">Check address</button>"
    "<button id='order' onclick=\"document.querySelector('h1').textContent='Thanks'\">"
    "Place order</button>"
)


def _visit(page: RecordedPage) -> None:
    page.type("#postal", "NW1 6XE")
    page.click("#check")
    page.qtbot.wait(300)
    page.click("#order")
    page.qtbot.wait(300)


@pytest.fixture
def collector(tmp_path: Path) -> Iterator[tuple[CollectorProcess, Path]]:
    lake = tmp_path / "lake"
    (tmp_path / "token").write_text(TOKEN)
    process = CollectorProcess(
        lake, "--allow-origin", SHOP, "--token-file", str(tmp_path / "token")
    )
    yield process, lake
    process.stop()


def _actions(store: Any, session: str) -> list[tuple[str, str, str]]:
    records = replay_queries.action_records(store.cursor(), session)
    return [(a["type"], a["trigger"], a["name"]) for a in records]


def test_a_visit_posted_to_the_collector_equals_the_demo_paths_recording(
    qtbot: Any, tmp_path: Path, collector: tuple[CollectorProcess, Path]
) -> None:
    process, lake = collector
    page = RecordedPage(qtbot)
    try:
        page.load(BODY, {"sessionId": "via-callback"})
        _visit(page)
        batches = page.batches(final=True)
        sink = f"{process.url}?token={TOKEN}"
        page.install({"sessionId": "via-collector", "sink": sink})
        with qtbot.waitSignal(page.page.loadFinished, timeout=15_000):
            page.page.setHtml(f"<!doctype html><html><body>{BODY}</body></html>",
                              QUrl(f"{SHOP}/checkout"))  # fmt: skip
        page.wait_for("window.ReplayRecorder.flush() >= 0")
        _visit(page)
        page.js("window.ReplayRecorder.stop()")
        qtbot.waitUntil(lambda: _final_arrived(lake), timeout=15_000)
    finally:
        page.close()
    archive = tmp_path / "demo-path.webreplay"
    with ArchiveWriter(archive) as writer:
        events, rum, entry = merge_batches(batches)  # as the demo worker merges them
        writer.add_session(SessionMeta("via-callback", entry_url=entry), events, rum)
    run = subprocess.run(
        [sys.executable, "-m", "app", "compact", str(lake), "--all"],
        capture_output=True, text=True, cwd=REPO, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "1 sessions" in run.stdout
    store, _ = open_store(archive)
    with store, LakeStore(lake) as lake_store:
        expected = _actions(store, "via-callback")
        names = [name for _, _, name in expected]
        assert names[-3:] == [
            "change on 'postal'",
            "click on 'Check address'",
            "click on 'Place order'",
        ], expected
        assert _actions(lake_store, "via-collector") == expected
        info = lake_store.query(
            "SELECT browser, entry_url, json_extract_string(extra, '$.collector.origins[0]') "
            "FROM sessions"
        ).rows
        assert info[0][1].startswith(SHOP) and info[0][2] == SHOP
        kinds = lake_store.query("SELECT count(*) FROM events WHERE type = 2").rows
        assert kinds == [(1,)]  # its full snapshot, once: the replay starts from it


def _final_arrived(lake: Path) -> bool:
    for path in (lake / "incoming").rglob("*.ndjson"):
        for line in path.read_text().splitlines():
            if json.loads(line)["batch"].get("final"):
                return True
    return False
