"""File › Open Lake URL…: a lake on an S3 protocol server (moto's, on loopback) opens in
the window without an ingest, replays a session read by the player's child process from
the bucket, and is remembered in Open Recent as its URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QInputDialog

from app.replay.engine import prepare_web_engine
from app.ui.main_window import MainWindow
from tests.store import s3_lake
from tests.store.s3_lake import SESSIONS
from tests.ui.conftest import store_files
from tests.ui.test_main_window import TIMEOUT_MS, column

prepare_web_engine()

pytestmark = pytest.mark.webengine

endpoint, local_lake, bucket = s3_lake.endpoint, s3_lake.local_lake, s3_lake.bucket
aws_env = s3_lake.aws_env  # autouse: the server's endpoint and keys


def _answer(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (text, True))


def test_a_lake_url_opens_replays_and_is_remembered(
    qtbot: Any, window: MainWindow, bucket: str, monkeypatch: pytest.MonkeyPatch, stores_dir: Path
) -> None:
    _answer(monkeypatch, f" s3://{bucket}/prod/web/ ")
    with qtbot.waitSignal(window.store_opened, timeout=TIMEOUT_MS):
        window.open_lake_url_action.trigger()
    assert window.windowTitle() == "web — Replay Investigator"
    users = sorted(column(window.sessions.model, "User"))
    assert users == sorted(f"user-of-{sid}" for sid in SESSIONS)
    assert not store_files(stores_dir)  # read in place, never ingested
    assert window.replay_session("d1-1")
    screen = window.replay_screen
    assert screen is not None
    qtbot.waitUntil(lambda: screen.controller.first_ms is not None, timeout=30_000)
    assert screen.controller.first_ms == SESSIONS["d1-1"]
    assert not window.shown_errors
    assert window.recent.files()[0] == "s3://lakes/prod/web"
    window.recent.menu.aboutToShow.emit()
    entry = window.recent.menu.actions()[0]
    assert "s3://lakes/prod/web" in entry.text() and entry.isEnabled()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("s3://lakes/not-a-lake", "s3://lakes/not-a-lake: not a lake: there is no lake.json"),
        ("s3://no-such-bucket/x", "s3://no-such-bucket/x: there is no bucket named"),
    ],
)
def test_a_url_that_is_not_a_lake_is_named_in_the_error(
    qtbot: Any,
    window: MainWindow,
    bucket: str,
    monkeypatch: pytest.MonkeyPatch,
    typed: str,
    message: str,
) -> None:
    _answer(monkeypatch, typed)
    with qtbot.waitSignal(window.open_failed, timeout=TIMEOUT_MS) as failed:
        window.open_lake_url_action.trigger()
    assert failed.args[0].startswith(message)
    assert [text for _title, text in window.shown_errors] == [failed.args[0]]
    assert "Traceback" not in failed.args[0]


def test_text_that_is_not_a_lake_url_is_refused_before_opening(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    _answer(monkeypatch, "lakes/prod/web")
    window.open_lake_url_action.trigger()
    assert window.shown_errors == [
        ("Not a lake URL", "lakes/prod/web: a lake URL reads s3://bucket/prefix")
    ]
    assert window.archive.current is None
