"""The Export Clip dialog: ranges offered around a finding or the moment shown, adjusted in
seconds, and refused when they cannot make a clip (empty, a long GIF, no file)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.store.findings import Finding
from app.ui.clip_dialog import ClipDialog, ClipSubject

START = 1_700_000_000_000


def subject(now_ms: int | None = None) -> ClipSubject:
    finding = Finding("key", "s1", START + 72_000, "Checkout freezes", id="f1")
    return ClipSubject("s1", START, START + 120_000, [finding], now_ms)


def test_a_finding_is_offered_with_five_seconds_on_each_side(qtbot: Any, tmp_path: Path) -> None:
    dialog = ClipDialog(subject(), "f1")
    qtbot.addWidget(dialog)
    assert dialog.preset.currentText() == "Around the finding at 1:12.0 · Checkout freezes"
    assert (dialog.start.value(), dialog.end.value()) == (67.0, 77.0)
    dialog.path.setText(str(tmp_path / "clip"))
    request = dialog.request()
    assert (request.clip.start_ms, request.clip.end_ms) == (START + 67_000, START + 77_000)
    assert request.path == tmp_path / "clip.mp4" and request.format == "mp4"
    assert request.clip.size == (1280, 800) and request.clip.fps == 10 and request.mask


def test_the_moment_shown_near_the_end_and_the_whole_session(qtbot: Any) -> None:
    dialog = ClipDialog(subject(now_ms=START + 118_000))
    qtbot.addWidget(dialog)
    assert dialog.preset.currentText() == "Around the moment shown (1:58.0)"
    assert (dialog.start.value(), dialog.end.value()) == (113.0, 120.0)  # the session ends
    dialog.preset.setCurrentIndex(dialog.preset.count() - 1)
    assert dialog.preset.currentText() == "The whole session (2:00.0)"
    assert (dialog.start.value(), dialog.end.value()) == (0.0, 120.0)


def test_ranges_that_make_no_clip_are_refused(qtbot: Any, tmp_path: Path) -> None:
    dialog = ClipDialog(subject(), "f1")
    qtbot.addWidget(dialog)
    dialog.path.setText(str(tmp_path / "clip.mp4"))
    assert dialog.export_button.isEnabled()
    dialog.end.setValue(60.0)
    assert "ends before it starts" in dialog.problem.text()
    assert not dialog.export_button.isEnabled()
    dialog.preset.setCurrentIndex(dialog.preset.count() - 1)  # the whole session, 120 s
    dialog.format.setCurrentIndex(dialog.format.findData("gif"))
    assert "A GIF is for clips up to 30 s" in dialog.problem.text()
    assert dialog.path.text().endswith("clip.gif") and dialog.size_box.currentData() == (640, 400)
    assert not dialog.export_button.isEnabled()
    dialog.format.setCurrentIndex(dialog.format.findData("webm"))
    assert dialog.problem.text() == "" and dialog.export_button.isEnabled()


def test_a_range_marked_on_the_timeline_is_offered_first(qtbot: Any) -> None:
    base = subject(now_ms=START + 30_000)
    marked = ClipSubject(
        base.session_id, base.start_ms, base.end_ms, base.findings, base.now_ms,
        (START + 41_500, START + 58_000),
    )  # fmt: skip
    dialog = ClipDialog(marked, "f1")  # even with a finding selected: the mark says more
    qtbot.addWidget(dialog)
    assert dialog.preset.currentText() == "The range marked on the timeline (0:41.5 to 0:58.0)"
    assert (dialog.start.value(), dialog.end.value()) == (41.5, 58.0)
    request = dialog.request()
    assert (request.clip.start_ms, request.clip.end_ms) == (START + 41_500, START + 58_000)
