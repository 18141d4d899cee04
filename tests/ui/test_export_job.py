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


def test_an_export_puts_no_window_of_its_own_on_the_screen(
    qtbot: Any, window: Any, tmp_path: Path
) -> None:
    """Only the main window and the progress dialog are on screen while the frames render:
    the renderer's web view (in the child process) never maps a window of its own."""
    import os

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from tests.x11_windows import mapped_windows

    finding = _open_with_a_finding(qtbot, window)
    before = {w.window for w in mapped_windows()}
    strangers: list[Any] = []  # windows another process mapped
    extra_widgets: set[str] = set()  # our own visible top-level widgets besides the two

    def look() -> None:
        strangers.extend(
            w for w in mapped_windows() if w.window not in before and w.pid != os.getpid()
        )
        expected = {window, window.exports.dialog}
        extra_widgets.update(
            f"{type(w).__name__} {w.windowTitle()!r}"
            for w in QApplication.topLevelWidgets()
            if w.isVisible() and w not in expected
        )

    sampler = QTimer()
    sampler.timeout.connect(look)
    sampler.start(20)
    out = tmp_path / "report.html"
    job = window.exports.export_findings("html", out, [finding.id])
    with qtbot.waitSignal(job.finished, timeout=120_000) as done:
        pass
    sampler.stop()
    assert done.args[0] is True, done.args
    assert "data:image/png;base64," in out.read_text(encoding="utf-8")  # frames were rendered
    assert strangers == []
    assert extra_widgets == set()


def test_one_dialog_holds_format_file_and_masking_and_remembers_them(
    qtbot: Any, window: Any, tmp_path: Path
) -> None:
    from app.ui.export_dialog import ExportFindingsDialog

    _open_with_a_finding(qtbot, window)
    out = tmp_path / "report.md"

    def export_with(dialog: ExportFindingsDialog) -> str:
        """Click Export, as a user would; the export runs at once (no further question)."""
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
        job = window.exports.job
        assert job is not None
        with qtbot.waitSignal(job.finished, timeout=120_000) as done:
            pass
        assert done.args == [True, str(out)]
        return out.read_text(encoding="utf-8")

    window.exports.findings_action.trigger()  # File › Export Findings…
    first = window.exports.export_dialog
    assert first is not None and first.isVisible()
    assert first.windowTitle() == "Export Findings"
    assert first.width() >= first.fontMetrics().horizontalAdvance("Export Findings") * 3
    assert first.mask.isChecked() and not first.keep_user_ids.isChecked()  # the defaults
    first.format.setCurrentIndex(first.format.findData("pdf"))
    first.path.setText(str(tmp_path / "report.pdf"))
    first.format.setCurrentIndex(first.format.findData("md"))  # the file follows the format
    assert first.path.text() == str(out)
    first.keep_user_ids.setChecked(True)
    text = export_with(first)
    assert "Not masked: user ids, shown as recorded (kept by choice)." in text

    window.exports.findings_action.trigger()  # the next time: the same choices, filled in
    again = window.exports.export_dialog
    assert again is not None and again is not first and again.isVisible()
    assert again.format.currentData() == "md" and again.path.text() == str(out)
    assert again.mask.isChecked() and again.keep_user_ids.isChecked()
    assert again.replaces.isVisibleTo(again)  # it says the file will be replaced
    again.keep_user_ids.setChecked(False)
    assert "user ids replaced by pseudonyms" in export_with(again)


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


def _job_running(
    qtbot: Any, tmp_path: Path, launcher: list[str]
) -> tuple[Any, Any, list[tuple[bool, str]], list[tuple[float, str]]]:
    """An export job whose child is ``launcher`` (with the export's arguments after it),
    behind the progress dialog; returns the job, the dialog and what it reported."""
    from app.ui.export_job import ExportJob, run_with_progress

    job = ExportJob(
        tmp_path / "shop.webreplay", "html", tmp_path / "report.html", [], True,
        launcher=launcher,
    )  # fmt: skip
    ended: list[tuple[bool, str]] = []
    steps: list[tuple[float, str]] = []
    job.finished.connect(lambda ok, message: ended.append((ok, message)))
    job.progressed.connect(lambda fraction, message: steps.append((fraction, message)))
    with qtbot.waitSignal(job.finished, timeout=30_000):
        dialog = run_with_progress(job, None)
        qtbot.addWidget(dialog)
    qtbot.wait(300)  # a second report, if any, would arrive by now
    return job, dialog, ended, steps


def test_a_child_that_cannot_start_ends_the_job_once_and_closes_the_dialog(
    qtbot: Any, tmp_path: Path
) -> None:
    _job, dialog, ended, _steps = _job_running(qtbot, tmp_path, [str(tmp_path / "no-such-app")])
    assert len(ended) == 1, ended
    ok, message = ended[0]
    assert not ok and message.startswith("the export could not start"), message
    assert not dialog.isVisible()


def test_a_crashed_child_is_reported_once(qtbot: Any, tmp_path: Path) -> None:
    import sys

    crash = [sys.executable, "-c", "import os; os.abort()"]
    _job, dialog, ended, _steps = _job_running(qtbot, tmp_path, crash)
    assert len(ended) == 1, ended
    assert ended[0][0] is False and "crashed" in ended[0][1], ended
    assert not dialog.isVisible()


def test_a_progress_line_split_across_two_reads_is_parsed_once(qtbot: Any, tmp_path: Path) -> None:
    import sys

    script = (
        "import sys, time\n"
        "err = sys.stderr\n"
        "err.write('progress 0.2'); err.flush(); time.sleep(0.5)\n"
        "err.write('50 Rendering finding 1 of 2\\nprogress 1.0 Writing'); err.flush()\n"
    )  # the last line ends without a newline: the child exits after it
    _job, _dialog, ended, steps = _job_running(qtbot, tmp_path, [sys.executable, "-c", script])
    assert steps == [(0.25, "Rendering finding 1 of 2"), (1.0, "Writing")]
    assert ended == [(True, str(tmp_path / "report.html"))]
