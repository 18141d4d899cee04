"""File › Open Lake…: a compacted lake opens in the window without an ingest, and replays."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog

from app.lake.compaction import compact_lake
from app.lake.spool import HourlySpool
from app.replay.engine import prepare_web_engine
from app.store.search import search
from app.ui.main_window import MainWindow
from tests.lake.collector_process import make_batch
from tests.ui.conftest import store_files
from tests.ui.test_main_window import TIMEOUT_MS, column

prepare_web_engine()

pytestmark = pytest.mark.webengine

START = 1_795_000_000_000


@pytest.fixture
def lake(tmp_path: Path) -> Path:
    """Three finished sessions of two users, compacted."""
    root = tmp_path / "shop-lake"
    spool = HourlySpool(root)
    for k in range(3):
        for seq in (1, 2):
            batch = make_batch(f"lake-{k}", seq, START + k * 60_000, final=seq == 2, clicks=2)
            batch["session"]["user_id"] = f"user-{k % 2}"
            spool.append(batch, (START + k * 60_000) / 1000, "https://shop.example")
    spool.close()
    compact_lake(root, now_ms=START + 4 * 3_600_000)
    return root


def test_open_lake_shows_its_sessions_and_replays_one(
    qtbot: Any, window: MainWindow, lake: Path, monkeypatch: pytest.MonkeyPatch, stores_dir: Path
) -> None:
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(lake))
    with qtbot.waitSignal(window.store_opened, timeout=TIMEOUT_MS):
        window.open_lake_action.trigger()
    assert window.windowTitle() == "shop-lake — Replay Investigator"
    assert sorted(column(window.sessions.model, "User")) == ["user-0", "user-0", "user-1"]
    assert not store_files(stores_dir)  # read in place, never ingested
    assert window.replay_session("lake-1")
    screen = window.replay_screen
    assert screen is not None
    qtbot.waitUntil(lambda: screen.controller.first_ms is not None, timeout=30_000)
    assert screen.controller.first_ms == START + 60_000
    # the lake is searchable: its index is built in the background, into the cache folder
    qtbot.waitUntil(lambda: window.search.indexer.index is not None, timeout=60_000)
    assert search(window.search.indexer.index, "action:click").total == 3 * 2 * 2
    assert [p.name.startswith("lake-") for p in stores_dir.glob("*.search.duckdb")] == [True]
    assert not list(lake.rglob("*.duckdb"))
    assert not window.shown_errors
