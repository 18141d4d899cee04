"""Exporting findings from the window: a child process, its progress, Cancel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from app.store.demo import demo_archive_path
from app.store.findings import Finding, FindingsStore

pytestmark = pytest.mark.webengine


def _open_with_a_finding(qtbot: Any, window: Any) -> Finding:
    with qtbot.waitSignal(window.store_opened, timeout=60_000):
        window.open_file(demo_archive_path())
    session = window.sessions.model.summary(0)
    start = int(session.started_at.timestamp() * 1000) if session.started_at else 0
    key = str(window.store.info()["content_key"])
    return FindingsStore().save(Finding(key, session.session_id, start + 2_000, "First look"))


def test_export_runs_beside_the_window_with_progress(
    qtbot: Any, window: Any, tmp_path: Path
) -> None:
    finding = _open_with_a_finding(qtbot, window)
    out = tmp_path / "report.html"
    steps: list[str] = []
    job = window.exports.export_findings("html", out, [finding.id])
    job.progressed.connect(lambda _f, message: steps.append(message))
    with qtbot.waitSignal(job.finished, timeout=120_000) as done:
        pass
    assert done.args[0] is True, done.args
    assert out.exists() and "First look" in out.read_text(encoding="utf-8")
    assert any("Rendering finding" in step for step in steps)
    assert window.status_text.startswith("Exported")


def test_cancel_stops_the_export_and_leaves_no_file(
    qtbot: Any, window: Any, tmp_path: Path
) -> None:
    finding = _open_with_a_finding(qtbot, window)
    out = tmp_path / "report.pdf"
    job = window.exports.export_findings("pdf", out, [finding.id])
    cancel = next(
        b for b in window.exports.dialog.findChildren(QPushButton) if b.text() == "Cancel"
    )
    with qtbot.waitSignal(job.finished, timeout=60_000) as done:
        cancel.click()
    assert done.args == [False, "Export cancelled"]
    assert not out.exists()


def test_cancel_keeps_the_previous_report_and_removes_the_half_written_one(
    qtbot: Any, window: Any, tmp_path: Path
) -> None:
    from app.files import partial_path

    finding = _open_with_a_finding(qtbot, window)
    out = tmp_path / "report.pdf"
    out.write_bytes(b"%PDF the previous report")
    job = window.exports.export_findings("pdf", out, [finding.id])
    partial_path(out).write_bytes(b"%PDF half")  # what a killed writer leaves behind
    cancel = next(
        b for b in window.exports.dialog.findChildren(QPushButton) if b.text() == "Cancel"
    )
    with qtbot.waitSignal(job.finished, timeout=60_000):
        cancel.click()
    assert out.read_bytes() == b"%PDF the previous report"
    assert not partial_path(out).exists()


def test_the_table_on_screen_exports_as_csv(
    qtbot: Any, window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import csv

    from PySide6.QtWidgets import QFileDialog

    with qtbot.waitSignal(window.store_opened, timeout=60_000):
        window.open_file(demo_archive_path())
    out = tmp_path / "sessions.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    window.show_sessions()
    with qtbot.waitSignal(window.sessions.listed):  # what is shown is exported
        window.selection.set_attribute("browser", "Safari 18", "test")
    window.exports.choose_csv()
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows and {r["Browser"] for r in rows} == {"Safari 18"}
    assert len(rows) == window.sessions.model.rowCount()

    window.tabs.setCurrentWidget(window.errors_screen)
    window.exports.choose_csv()
    top = list(csv.DictReader(out.open(encoding="utf-8")))
    assert top[0]["JavaScript error"].startswith("Uncaught (in promise) TypeError")


def test_the_archives_findings_open_at_their_moment_and_export_as_checked(
    qtbot: Any, window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    finding = _open_with_a_finding(qtbot, window)
    key = str(window.store.info()["content_key"])
    other = FindingsStore().save(Finding(key, finding.session_id, finding.ts_ms + 500, "Second"))
    window.tabs.setCurrentWidget(window.findings_screen)  # read again when shown, as a task
    screen = window.findings_screen
    qtbot.waitUntil(lambda: [f.title for f in screen.findings] == ["First look", "Second"])
    screen.table.item(0, 0).setCheckState(Qt.CheckState.Unchecked)
    asked: list[list[str]] = []
    monkeypatch.setattr(window.exports, "choose_findings", lambda ids=None: asked.append(ids))
    screen.export_requested.disconnect()
    screen.export_requested.connect(window.exports.choose_findings)
    screen.export_button.click()
    assert asked == [[other.id]]
    screen.open_row(1)
    assert window.tabs.currentWidget() is window.replay_screen
    assert window.replay_screen.cursor.time() == other.ts_ms
