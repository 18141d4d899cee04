"""A folder of recordings opens in the window: File › Open Folder… or dropped on it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog

from app.ui.main_window import MainWindow
from app.ui.shortcuts_dialog import menu_shortcuts
from tests.archive.formats import blob_lines
from tests.builders import T0, basic_events
from tests.ui.test_main_window import TIMEOUT_MS, column, drag_event, file_drop


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Two sessions kept one file each, a third as two PostHog blobs, and a stray note."""
    folder = tmp_path / "checkout-incident"
    (folder / "blobs").mkdir(parents=True)
    (folder / "monday.json").write_text(json.dumps(basic_events()))
    (folder / "tuesday.ndjson").write_text(
        "".join(json.dumps(e) + "\n" for e in basic_events(T0 + 86_400_000))
    )
    events = basic_events(T0 + 2 * 86_400_000)
    (folder / "blobs" / "0").write_text(blob_lines(events[:4]))
    (folder / "blobs" / "1").write_text(blob_lines(events[4:]))
    (folder / "notes.txt").write_text("from the support ticket\n")
    return folder


def test_open_folder_reads_every_recording_in_it(
    qtbot: Any, window: MainWindow, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    assert ("Ctrl+Shift+O", "File › Open Folder") in menu_shortcuts(window.menuBar())
    with qtbot.waitSignal(window.store_opened, timeout=TIMEOUT_MS):
        window.open_folder_action.trigger()
    assert window.windowTitle() == "checkout-incident — Replay Investigator"
    assert len(column(window.sessions.model, "User")) == 3
    assert any("notes.txt: not read" in w for w in window.archive.current.warnings)


def test_dropping_a_folder_opens_it(qtbot: Any, window: MainWindow, folder: Path) -> None:
    mime = file_drop(folder)
    enter = drag_event(QDragEnterEvent, mime)
    window.dragEnterEvent(enter)
    assert enter.isAccepted()
    with qtbot.waitSignal(window.store_opened, timeout=TIMEOUT_MS):
        window.dropEvent(drag_event(QDropEvent, mime))
    assert window.windowTitle() == "checkout-incident — Replay Investigator"
    assert len(column(window.sessions.model, "User")) == 3
