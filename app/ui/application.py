"""Start the window: parse ``[FILE]``, prepare Qt, open the file or the demo archive.

Qt is imported here but the QApplication is created only in :func:`run_gui`, after the
environment (Chromium flags) is set, because Qt reads it once at start-up.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app import __version__
from app.replay.engine import allow_root_without_sandbox, prepare_web_engine
from app.ui.main_window import APP_NAME, ORGANIZATION, MainWindow

PROG = "replay-investigator"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Open the Replay Investigator window on FILE, or on the demo archive.",
    )
    parser.add_argument("file", nargs="?", type=Path, metavar="FILE", help="recording to open")
    return parser


def run_gui(args: Sequence[str]) -> int:
    """Show the main window and run the event loop; returns the exit status."""
    options = _parser().parse_args(list(args))
    allow_root_without_sandbox()
    prepare_web_engine()

    QApplication.setApplicationName(APP_NAME)
    QApplication.setOrganizationName(ORGANIZATION)
    QApplication.setApplicationVersion(__version__)
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else PROG])
    window = MainWindow()
    window.show()
    if options.file is not None:
        QTimer.singleShot(0, lambda: window.open_file(options.file))
    else:
        QTimer.singleShot(0, lambda: open_demo(window))
    return app.exec()


def open_demo(window: MainWindow) -> None:
    """Open the bundled demo archive; without it, the empty window says why."""
    try:
        from app.store.demo import demo_archive_path

        path = demo_archive_path()
    except Exception as exc:  # the demo is a convenience; its absence must not stop the app
        window.set_status(f"The demo archive is not available ({exc})")
        return
    window.open_file(path, remember=False)
