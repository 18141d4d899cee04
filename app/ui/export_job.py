"""Exporting findings from the window: off the GUI thread, with progress and Cancel.

Reports need the browser engine to render frames, and a QtWebEngine page belongs to the GUI
thread; so the window runs the command line's ``export`` in a child process (the same code
path as ``replay-investigator export``), shows its ``progress`` lines in a progress dialog,
and Cancel kills the child and removes what it had written. The window stays responsive
throughout. A child that cannot start or crashes ends the job too (``finished`` is emitted
exactly once, whatever happened), so the dialog closes and Quit does not wait for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.export.documents import markdown_frames_dir
from app.files import discard_partial
from app.resources import app_command


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
        *,
        keep_user_ids: bool = False,
        launcher: Sequence[str] | None = None,
    ) -> None:
        """``launcher`` is the command that starts the app, the export's arguments appended
        (default :func:`app.resources.app_command`); another program stands in for it in
        tests of how the job follows a child."""
        super().__init__(parent)
        self.out = out
        self.cancelled = False
        self._stderr = ""
        self._pending = b""  # the start of a stderr line whose end has not arrived yet
        self._crash: str | None = None
        self._reported = False
        self.process = QProcess(self)
        self.process.setProcessEnvironment(QProcessEnvironment.systemEnvironment())
        program, *args = [
            *(app_command() if launcher is None else launcher),
            *("export", str(archive), "--format", fmt, "--out", str(out), "--progress"),
        ]
        for finding_id in finding_ids:
            args += ["--finding", finding_id]
        if not mask:
            args.append("--no-mask")
        elif keep_user_ids:
            args.append("--keep-user-ids")
        self.process.setProgram(program)
        self.process.setArguments(args)
        self.process.readyReadStandardError.connect(self._read_progress)
        self.process.errorOccurred.connect(self._failed)
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
        """Parse the complete lines read so far; a line split across reads waits for its end."""
        data = self._pending + bytes(self.process.readAllStandardError().data())
        *lines, self._pending = data.split(b"\n")
        for line in lines:
            self._parse_line(line.decode("utf-8", "replace").rstrip("\r"))

    def _parse_line(self, line: str) -> None:
        if line.startswith("progress "):
            _, fraction, message = [*line.split(" ", 2), ""][:3]
            try:
                value = float(fraction)
            except ValueError:
                return  # not a progress line after all: nothing to show
            self.progressed.emit(value, message)
        elif line:
            self._stderr += line + "\n"

    def _failed(self, error: QProcess.ProcessError) -> None:
        """A child that never started gets no ``finished`` from QProcess: end the job here.

        After a crash QProcess emits ``finished`` as well; the job ends there, naming the
        crash. Read and write errors happen while the child runs and end with it.
        """
        if error == QProcess.ProcessError.FailedToStart:
            problem = f"the export could not start: {self.process.errorString()}"
            self._end(False, "Export cancelled" if self.cancelled else problem)
        elif error == QProcess.ProcessError.Crashed:
            self._crash = f"the export process crashed: {self.process.errorString()}"

    def _done(self, code: int, status: QProcess.ExitStatus) -> None:
        self._read_progress()
        if self._pending:  # a last line without its newline
            self._parse_line(self._pending.decode("utf-8", "replace"))
            self._pending = b""
        if self.cancelled:
            self._end(False, "Export cancelled")
        elif status == QProcess.ExitStatus.CrashExit:
            self._end(False, self._crash or "the export process crashed")
        elif code != 0:
            problem = self._stderr.strip().splitlines()[-1:] or [f"exit status {code}"]
            self._end(False, problem[0].removeprefix("replay-investigator: "))
        else:
            self._end(True, str(self.out))

    def _end(self, ok: bool, message: str) -> None:
        """Emit ``finished`` once: a crash is reported by ``errorOccurred`` and ``finished``."""
        if self._reported:
            return
        self._reported = True
        if not ok:
            # The child writes under temporary names (see app.files); a killed one leaves
            # them behind, while the target keeps its previous content.
            discard_partial(self.out)
            discard_partial(markdown_frames_dir(self.out))
        self.finished.emit(ok, message)


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
