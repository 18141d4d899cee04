"""Start the window: parse ``[FILE]``, prepare Qt, open the file or the demo archive.

Qt is imported here but the QApplication is created only in :func:`run_gui`, after the
environment (Chromium flags) is set, because Qt reads it once at start-up.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app import __version__
from app.ui.main_window import APP_NAME, ORGANIZATION, MainWindow

PROG = "replay-investigator"
CHROMIUM_FLAGS = "QTWEBENGINE_CHROMIUM_FLAGS"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Open the Replay Investigator window on FILE, or on the demo archive.",
    )
    parser.add_argument("file", nargs="?", type=Path, metavar="FILE", help="recording to open")
    return parser


def allow_root_without_sandbox() -> None:
    """Chromium refuses to start its sandbox as root; drop it only in that case.

    Why: containers and CI often run as root, where QtWebEngine would otherwise abort. For
    every other user the sandbox stays on. Must run before the QApplication exists.
    """
    geteuid = getattr(os, "geteuid", None)
    if geteuid is None or geteuid() != 0:
        return
    flags = os.environ.get(CHROMIUM_FLAGS, "").split()
    if "--no-sandbox" not in flags:
        os.environ[CHROMIUM_FLAGS] = " ".join([*flags, "--no-sandbox"])


def run_gui(args: Sequence[str]) -> int:
    """Show the main window and run the event loop; returns the exit status."""
    options = _parser().parse_args(list(args))
    allow_root_without_sandbox()

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
