"""Replay › Export Clip…: the range, format, size, frame rate and caption of a video clip.

Why one dialog: everything a clip depends on fits on one page, and the range is offered the
way the user thinks of it — around a finding (5 s before to 5 s after), around the moment
the replay shows, or the whole session — and can then be adjusted to the tenth of a second
in From/To (seconds from the session's start).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.export.clip_plan import ClipRange
from app.store.findings import Finding
from app.ui.save_to import SaveTo, export_buttons

FORMATS = {"mp4": "MP4 video (H.264)", "webm": "WebM video (VP9)", "gif": "Animated GIF"}
SIZES = [(1280, 800), (1024, 640), (800, 500), (640, 400)]
AROUND_MS = 5_000
GIF_MAX_S = 30
ERROR_STYLE = "color: #c92a2a;"


@dataclass(frozen=True)
class ClipSubject:
    """The session a clip is made of: its times, its findings, the moment the replay shows."""

    session_id: str
    start_ms: int
    end_ms: int
    findings: list[Finding]
    now_ms: int | None = None
    marked: tuple[int, int] | None = None
    """The range marked on the replay's timeline (offered first when there is one)."""


@dataclass(frozen=True)
class ClipRequest:
    clip: ClipRange
    format: str
    path: Path
    mask: bool


def _when(ms: int) -> str:
    seconds = max(0, ms) / 1000
    return f"{int(seconds // 60)}:{seconds % 60:04.1f}"


class ClipDialog(QDialog):
    """The clip's choices; :attr:`chosen` once Export was clicked."""

    def __init__(
        self, subject: ClipSubject, finding_id: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export Clip")
        self.setMinimumWidth(560)
        self.subject = subject
        self.chosen: ClipRequest | None = None
        length = (subject.end_ms - subject.start_ms) / 1000

        self.preset = QComboBox()
        if subject.marked is not None:
            a, b = (_when(t - subject.start_ms) for t in subject.marked)
            self.preset.addItem(f"The range marked on the timeline ({a} to {b})", subject.marked)
        for finding in subject.findings:
            label = f"Around the finding at {_when(finding.ts_ms - subject.start_ms)} · "
            self.preset.addItem(label + finding.title, (finding.ts_ms, finding.id))
        if subject.now_ms is not None:
            when = _when(subject.now_ms - subject.start_ms)
            self.preset.addItem(f"Around the moment shown ({when})", (subject.now_ms, None))
        self.preset.addItem(f"The whole session ({_when(length * 1000)})", None)
        self.start = self._seconds_box(length)
        self.end = self._seconds_box(length)
        span = QHBoxLayout()
        span.addWidget(self.start)
        span.addWidget(QLabel("to"))
        span.addWidget(self.end)
        span.addStretch(1)

        self.format = QComboBox()
        for key, label in FORMATS.items():
            self.format.addItem(label, key)
        self.size_box = QComboBox()
        for width, height in SIZES:
            self.size_box.addItem(f"{width} × {height}", (width, height))
        self.fps = QSpinBox()
        self.fps.setRange(1, 30)
        self.fps.setValue(10)
        self.fps.setSuffix(" frames per second")
        self.caption = QCheckBox("Caption: the current action and time")
        self.caption.setChecked(True)
        self.skip_inactive = QCheckBox("Skip inactivity (idle periods last a second)")
        self.mask = QCheckBox("Mask personal data (typed values, marked text)")
        self.mask.setChecked(True)
        self.save_to = SaveTo(str(Path.home() / f"{subject.session_id}.mp4"), self._browse)
        self.path = self.save_to.path
        self.problem = QLabel()
        self.problem.setStyleSheet(ERROR_STYLE)
        self.problem.setWordWrap(True)

        form = QFormLayout()
        form.addRow("Range:", self.preset)
        form.addRow("Seconds:", span)
        form.addRow("Format:", self.format)
        form.addRow("Size:", self.size_box)
        form.addRow("Rate:", self.fps)
        form.addRow("", self.caption)
        form.addRow("", self.skip_inactive)
        form.addRow("Privacy:", self.mask)
        form.addRow("Save to:", self.save_to)
        form.addRow("", self.save_to.replaces)
        self.buttons, self.export_button = export_buttons(self, self._accept)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"A video of session {subject.session_id}, rendered from its "
                                "replay with the pointer and its clicks."))  # fmt: skip
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

        self.preset.currentIndexChanged.connect(self._preset_chosen)
        self.format.currentIndexChanged.connect(self._format_changed)
        for box in (self.start, self.end):
            box.valueChanged.connect(self._refresh)
        self.path.textChanged.connect(self._refresh)
        if subject.marked is not None:
            self.preset.setCurrentIndex(0)  # marking a range says what the clip is of
        elif finding_id is not None:
            for index in range(self.preset.count()):
                data = self.preset.itemData(index)
                if data is not None and data[1] == finding_id:
                    self.preset.setCurrentIndex(index)
        elif subject.now_ms is not None:
            self.preset.setCurrentIndex(self.preset.count() - 2)
        self._preset_chosen()

    def _seconds_box(self, length: float) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setRange(0, length)
        box.setDecimals(1)
        box.setSingleStep(1)
        box.setSuffix(" s")
        return box

    def _preset_chosen(self) -> None:
        data = self.preset.currentData()
        length = (self.subject.end_ms - self.subject.start_ms) / 1000
        if data is None:
            self.start.setValue(0)
            self.end.setValue(length)
        elif data == self.subject.marked:
            self.start.setValue((data[0] - self.subject.start_ms) / 1000)
            self.end.setValue((data[1] - self.subject.start_ms) / 1000)
        else:
            at = (data[0] - self.subject.start_ms) / 1000
            self.start.setValue(max(0.0, at - AROUND_MS / 1000))
            self.end.setValue(min(length, at + AROUND_MS / 1000))
        self._refresh()

    def _format_changed(self) -> None:
        fmt = str(self.format.currentData())
        if fmt == "gif" and self.size_box.currentIndex() == 0:
            self.size_box.setCurrentIndex(len(SIZES) - 1)  # a GIF is for small and short
        text = self.path.text().strip()
        if text:
            self.path.setText(str(Path(text).with_suffix(f".{fmt}")))
        self._refresh()

    def _browse(self) -> None:
        fmt = str(self.format.currentData())
        name, _ = QFileDialog.getSaveFileName(
            self, "Export clip to", self.path.text(), f"{FORMATS[fmt]} (*.{fmt})",
            options=QFileDialog.Option.DontConfirmOverwrite,  # this dialog says it replaces
        )  # fmt: skip
        if name:
            self.path.setText(name if Path(name).suffix else f"{name}.{fmt}")

    def problem_text(self) -> str:
        seconds = self.end.value() - self.start.value()
        if seconds <= 0:
            return "The clip ends before it starts: choose a later end."
        if self.format.currentData() == "gif" and seconds > GIF_MAX_S:
            return (
                f"A GIF is for clips up to {GIF_MAX_S} s: choose MP4 or WebM, or a shorter range."
            )
        if not self.path.text().strip():
            return "Choose where to save the clip."
        return ""

    def _refresh(self) -> None:
        problem = self.problem_text()
        self.problem.setText(problem)
        self.save_to.refresh()
        self.export_button.setEnabled(not problem)

    def request(self) -> ClipRequest:
        fmt = str(self.format.currentData())
        path = Path(self.path.text().strip()).expanduser()
        if path.suffix.lstrip(".").lower() != fmt:
            path = path.with_suffix(f".{fmt}")
        start = self.subject.start_ms
        clip = ClipRange(
            self.subject.session_id,
            start + round(self.start.value() * 1000),
            min(self.subject.end_ms, start + round(self.end.value() * 1000)),
            fps=self.fps.value(),
            size=self.size_box.currentData(),
            caption=self.caption.isChecked(),
            skip_inactive=self.skip_inactive.isChecked(),
        )
        return ClipRequest(clip, fmt, path, self.mask.isChecked())

    def _accept(self) -> None:
        if self.problem_text():
            return
        self.chosen = self.request()
        self.accept()
