"""Exporting findings from the window: off the GUI thread, with progress and Cancel.

Reports need the browser engine to render frames, and a QtWebEngine page belongs to the GUI
thread; so the window runs the command line's ``export`` in a child process (the same code
path as ``replay-investigator export``), shows its ``progress`` lines in a progress dialog,
and Cancel kills the child and removes what it had written. The window stays responsive
throughout.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.export.documents import markdown_frames_dir
from app.files import discard_partial
from app.resources import app_command

FORMATS = {"html": "HTML report (*.html)", "md": "Markdown (*.md)", "pdf": "PDF (*.pdf)"}


class ExportJob(QObject):
    """One export running in a child process."""

    progressed = Signal(float, str)
    finished = Signal(bool, str)
    """(succeeded, message: the written path or what went wrong)"""

    def __init__(
        self,
        archive: Path,
        fmt: str,
        out: Path,
        finding_ids: Sequence[str],
        mask: bool,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.out = out
        self.cancelled = False
        self._stderr = ""
        self.process = QProcess(self)
        self.process.setProcessEnvironment(QProcessEnvironment.systemEnvironment())
        program, *args = app_command(
            "export", str(archive), "--format", fmt, "--out", str(out), "--progress"
        )
        for finding_id in finding_ids:
            args += ["--finding", finding_id]
        if not mask:
            args.append("--no-mask")
        self.process.setProgram(program)
        self.process.setArguments(args)
        self.process.readyReadStandardError.connect(self._read_progress)
        self.process.finished.connect(self._done)

    def start(self) -> None:
        self.process.start()

    def cancel(self) -> None:
        """Stop the child at once; nothing half-written is left behind."""
        self.cancelled = True
        if self.process.state() == QProcess.ProcessState.Starting:
            self.process.started.connect(self.process.kill)
        self.process.kill()

    def _read_progress(self) -> None:
        text = bytes(self.process.readAllStandardError().data()).decode("utf-8", "replace")
        for line in text.splitlines():
            if line.startswith("progress "):
                _, fraction, message = [*line.split(" ", 2), ""][:3]
                try:
                    self.progressed.emit(float(fraction), message)
                except ValueError:
                    continue
            else:
                self._stderr += line + "\n"

    def _done(self, code: int, _status: QProcess.ExitStatus) -> None:
        if self.cancelled or code != 0:
            # The child writes under temporary names (see app.files); a killed one leaves
            # them behind, while the target keeps its previous content.
            discard_partial(self.out)
            discard_partial(markdown_frames_dir(self.out))
        if self.cancelled:
            self.finished.emit(False, "Export cancelled")
        elif code != 0:
            problem = self._stderr.strip().splitlines()[-1:] or [f"exit status {code}"]
            self.finished.emit(False, problem[0].removeprefix("replay-investigator: "))
        else:
            self.finished.emit(True, str(self.out))


def run_with_progress(job: ExportJob, parent: QWidget | None) -> QProgressDialog:
    """Start ``job`` behind a progress dialog whose Cancel stops it."""
    dialog = QProgressDialog("Preparing the export…", "Cancel", 0, 1000, parent)
    dialog.setWindowTitle("Export")
    dialog.setMinimumDuration(0)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.canceled.connect(job.cancel)

    def show(fraction: float, message: str) -> None:
        dialog.setValue(int(fraction * 1000))
        dialog.setLabelText(message)

    job.progressed.connect(show)
    job.finished.connect(lambda _ok, _message: dialog.close())
    job.start()
    dialog.show()
    return dialog
