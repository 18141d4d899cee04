"""Replay › Export as Playwright Test…: one dialog for what the generated test reproduces.

Why a dialog of its own: a test is made of one session, so its range is told in that
session's terms — its start, its end and the findings marked in it, with their times — and
the rest (format, server, masking, whether the recorded errors are expected, the file) is on
the same page, the last export's choices filled in, so exporting again is one click.
The dialog only chooses: what it returns becomes :class:`app.reproduce.TestOptions`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.export.reproduction import (
    AFTER_FINDING_MS,
    SUFFIXES,
    is_base_url,
    suggested_file_name,
    up_to_finding,
)
from app.reproduce import TestFormat, TestOptions
from app.state.settings import (
    ReproductionChoices,
    save_reproduction_choices,
    saved_reproduction_choices,
)
from app.store.findings import Finding
from app.ui.save_to import SaveTo, export_buttons
from app.ui.timed_lists import format_offset

FORMAT_LABELS: dict[TestFormat, str] = {
    "playwright": "pytest-playwright (Python)",
    "playwright-ts": "@playwright/test (TypeScript)",
    "devtools-recorder": "Chrome DevTools Recorder (JSON)",
}
FILE_FILTERS: dict[TestFormat, str] = {
    "playwright": "Python test (*.py)",
    "playwright-ts": "Playwright spec (*.spec.ts)",
    "devtools-recorder": "Recorder JSON (*.json)",
}
ERROR_STYLE = "color: #c92a2a"


@dataclass(frozen=True)
class ReproductionSubject:
    """The session a test is made of, as the dialog tells its range."""

    session_id: str
    user_id: str | None
    start_ms: int
    end_ms: int
    origin: str  # the recorded origin ("" when the session has no page address)
    findings: list[Finding] = field(default_factory=list)  # this session's, by time


@dataclass(frozen=True)
class ReproductionRequest:
    """What to write and where."""

    path: Path
    options: TestOptions


def _strip_suffix(name: str) -> str:
    """``test_x.spec.ts`` → ``test_x`` (any of the formats' suffixes, longest first)."""
    for suffix in sorted(SUFFIXES.values(), key=len, reverse=True):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return str(Path(name).with_suffix(""))


class ReproductionDialog(QDialog):
    """Format, range, server, masking, expected errors and file of one session's test."""

    def __init__(
        self,
        subject: ReproductionSubject,
        finding_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """``finding_id`` preselects the range that reproduces that finding: from the
        session's start to a little after its moment."""
        super().__init__(parent)
        self.subject = subject
        self.setWindowTitle("Export as Playwright Test")
        self.setMinimumWidth(620)  # the findings' titles and the path are read whole
        saved = saved_reproduction_choices()

        self.format = QComboBox()
        for key, label in FORMAT_LABELS.items():
            self.format.addItem(label, key)
        self.format.setCurrentIndex(max(0, self.format.findData(saved.format)))

        length = format_offset(subject.end_ms - subject.start_ms)
        self.range_from = QComboBox()
        self.range_from.addItem("The start of the session (0:00.0)", None)
        self.range_to = QComboBox()
        self.range_to.addItem(f"The end of the session ({length})", None)
        for finding in subject.findings:
            when = format_offset(finding.ts_ms - subject.start_ms)
            self.range_from.addItem(f"Finding at {when} · {finding.title}", finding.ts_ms)
            self.range_to.addItem(
                f"Finding at {when} · {finding.title} (and {AFTER_FINDING_MS // 1000} s after)",
                up_to_finding(finding.ts_ms),
            )
        if not subject.findings:
            for box in (self.range_from, self.range_to):
                box.setToolTip("Mark findings in the replay (B) to choose a part of the session")
        self.range_problem = QLabel()
        self.range_problem.setStyleSheet(ERROR_STYLE)

        self.base_url = QLineEdit(saved.base_url)
        recorded = subject.origin or "the recorded origin"
        self.base_url.setPlaceholderText(f"{recorded} (as recorded)")
        self.base_url.setToolTip(
            "Replaces the recorded scheme, host and port; paths are kept "
            "(run the test against a local or staging server)"
        )
        self.url_problem = QLabel()
        self.url_problem.setStyleSheet(ERROR_STYLE)

        self.mask = QCheckBox("Typed values the recording masked become named parameters")
        self.mask.setToolTip(
            "The recorder writes masked values as ***; the test gets a parameter with a value "
            "the field accepts, to set to the real one. Values the recording kept (fields the "
            "site chose to record) are typed as recorded: they may be what reproduces the bug."
        )
        self.mask.setChecked(saved.mask)
        self.expect_errors = QCheckBox(
            "Expect the recorded errors (the test passes while the bug exists)"
        )
        self.expect_errors.setChecked(saved.expect_errors)
        self.expect_errors.setToolTip(
            "Off: the test fails if a recorded JavaScript error occurs again (a regression "
            "test). On: it asserts that they occur (a reproduction check)."
        )

        folder = Path(saved.folder) if saved.folder else Path.home()
        self.save_to = SaveTo(str(folder / self._suggested_name()), self._browse)
        self.path, self.replaces = self.save_to.path, self.save_to.replaces

        form = QFormLayout()
        form.addRow("Format:", self.format)
        form.addRow("From:", self.range_from)
        form.addRow("To:", self.range_to)
        form.addRow("", self.range_problem)
        form.addRow("Base URL:", self.base_url)
        form.addRow("", self.url_problem)
        form.addRow("Privacy:", self.mask)
        form.addRow("Errors:", self.expect_errors)
        form.addRow("Save to:", self.save_to)
        form.addRow("", self.replaces)
        self.buttons, self.export_button = export_buttons(self, self._accept)
        who = subject.user_id or "an anonymous user"
        heading = QLabel(
            f"Session {subject.session_id} of {who}, as a test that runs it again "
            "in a real browser (it needs only Playwright)."
        )
        heading.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

        if finding_id is not None:
            self.preselect(finding_id)
        self.format.currentIndexChanged.connect(self._format_changed)
        for box in (self.range_from, self.range_to):
            box.currentIndexChanged.connect(self._refresh)
        for edit in (self.base_url, self.path):
            edit.textChanged.connect(self._refresh)
        self._refresh()

    # ---- what was chosen -----------------------------------------------------------------
    @property
    def chosen_format(self) -> TestFormat:
        return self.format.currentData()

    def options(self) -> TestOptions:
        """The choices as the generator takes them."""
        url = self.base_url.text().strip()
        return TestOptions(
            format=self.chosen_format,
            base_url=url or None,
            mask=self.mask.isChecked(),
            start_ms=self.range_from.currentData(),
            end_ms=self.range_to.currentData(),
            expect_errors=self.expect_errors.isChecked(),
        )

    def request(self) -> ReproductionRequest:
        path = Path(self.path.text().strip()).expanduser()
        suffix = SUFFIXES[self.chosen_format]
        if not path.name.lower().endswith(suffix):
            path = path.with_name(_strip_suffix(path.name) + suffix)
        return ReproductionRequest(path, self.options())

    _chosen: ReproductionRequest | None = None

    @property
    def chosen(self) -> ReproductionRequest | None:
        """What to export (set when Export was clicked)."""
        return self._chosen

    def preselect(self, finding_id: str) -> None:
        """The range that reproduces one finding: from the start to a little after it."""
        index = next((i for i, f in enumerate(self.subject.findings) if f.id == finding_id), None)
        if index is not None:
            self.range_from.setCurrentIndex(0)
            self.range_to.setCurrentIndex(index + 1)

    # ---- keeping the page consistent -----------------------------------------------------
    def _suggested_name(self) -> str:
        return suggested_file_name(
            self.chosen_format, self.subject.user_id, self.subject.session_id
        )

    def _format_changed(self) -> None:
        """The file follows the format: ``test_x.py`` becomes ``test_x.spec.ts``."""
        text = self.path.text().strip()
        if text:
            self._set_name(Path(text))

    def _set_name(self, path: Path) -> None:
        """``path`` with the chosen format's suffix in place of any format's."""
        suffix = SUFFIXES[self.chosen_format]
        self.path.setText(str(path.with_name(_strip_suffix(path.name) + suffix)))

    def _browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Export test to", self.path.text(), FILE_FILTERS[self.chosen_format],
            options=QFileDialog.Option.DontConfirmOverwrite,  # this dialog says it replaces
        )  # fmt: skip
        if name:
            self._set_name(Path(name))

    def _range_problem(self) -> str:
        start, end = self.range_from.currentData(), self.range_to.currentData()
        if start is not None and end is not None and start >= end:
            return "The range ends before it starts: choose a later finding for To."
        return ""

    def _url_problem(self) -> str:
        text = self.base_url.text().strip()
        if text and not is_base_url(text):
            return "Not a URL: give a scheme and a host, e.g. http://localhost:8000"
        return ""

    def _refresh(self) -> None:
        range_problem, url_problem = self._range_problem(), self._url_problem()
        self.range_problem.setText(range_problem)
        self.range_problem.setVisible(bool(range_problem))
        self.url_problem.setText(url_problem)
        self.url_problem.setVisible(bool(url_problem))
        self.save_to.refresh()
        ok = bool(self.save_to.text()) and not range_problem and not url_problem
        self.export_button.setEnabled(ok)

    def _accept(self) -> None:
        if not self.export_button.isEnabled():
            return
        chosen = self.request()
        options = chosen.options
        save_reproduction_choices(
            ReproductionChoices(
                format=options.format,
                folder=str(chosen.path.parent),
                base_url=options.base_url or "",
                mask=options.mask,
                expect_errors=options.expect_errors,
            )
        )
        self._chosen = chosen
        self.accept()
