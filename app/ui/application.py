"""Start the window: parse ``[FILE…]``, hand it to a running instance or open it here.

Qt is imported here but the QApplication is created only in :func:`run_gui`, after the
environment (Chromium flags) is set, because Qt reads it once at start-up.

Files reach the window four ways, all ending in :meth:`MainWindow.open_files`: the command
line (Linux ``%U``, Windows ``"%1"``), a ``QFileOpenEvent`` (macOS Finder, at launch and
later), a later launch through :mod:`app.ui.single_instance`, and drag and drop. Links to a
moment (``replay-investigator://open?…``) arrive the same ways and end in
:meth:`app.ui.moment_links.MomentLinks.open_links`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QFileOpenEvent, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from app import __version__
from app.desktop.launch_arguments import split_arguments
from app.export.moment_link import is_moment_link
from app.logs import configure_logging
from app.replay.engine import allow_root_without_sandbox, prepare_web_engine
from app.resources import desktop_root
from app.state.settings import APP_NAME, ORGANIZATION
from app.state.tasks import TaskRunner
from app.ui.main_window import MainWindow
from app.ui.single_instance import InstanceServer, forward_to_running
from app.ui.theme import apply_appearance, saved_appearance

PROG = "replay-investigator"
APP_ID = "org.replayinvestigator.ReplayInvestigator"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def seconds_since_process_start() -> float:
    """Wall time since this process was started (the kernel's record on Linux)."""
    try:
        with open("/proc/self/stat", encoding="ascii") as handle:
            ticks = int(handle.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime", encoding="ascii") as handle:
            uptime = float(handle.read().split()[0])
        return uptime - ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return time.monotonic() - _IMPORTED


_IMPORTED = time.monotonic()


class ReplayApplication(QApplication):
    """The application object; turns the system's "open this file" events into a signal.

    Why ``event()`` and not an event filter: a Python event filter on the application
    crashes PySide6 once a web view exists (see the packaging notes).
    """

    file_open_requested = Signal(str)
    link_open_requested = Signal(str)
    """(link) — macOS delivers a ``replay-investigator://`` URL as an open event too."""

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.FileOpen and isinstance(e, QFileOpenEvent):
            url = e.url().toString()
            name = e.file() or e.url().toLocalFile()
            if is_moment_link(url):
                self.link_open_requested.emit(url)
            elif name:
                self.file_open_requested.emit(name)
            return True
        return super().event(e)


def app_icon() -> QIcon:
    """The application icon at every packaged size (sharp on high-DPI screens too)."""
    icon = QIcon()
    try:
        hicolor = desktop_root() / "icons" / "hicolor"
    except FileNotFoundError:
        return icon
    for size in ICON_SIZES:
        png = hicolor / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        if png.is_file():
            icon.addFile(str(png))
    svg = hicolor / "scalable" / "apps" / f"{APP_ID}.svg"
    if svg.is_file():
        icon.addFile(str(svg))
    return icon


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Open the Replay Investigator window on FILE, or on the demo archive.",
        epilog="Subcommands (info, ingest, sql, frame, export, demo) run without a window; "
        "see 'replay-investigator --help'.",
    )
    parser.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="archive or recording to open, or a replay-investigator:// link to a moment",
    )
    parser.add_argument(
        "--new-instance",
        action="store_true",
        help="open a separate window even if Replay Investigator is already running",
    )
    parser.add_argument(
        "--install-desktop",
        action="store_true",
        help="register the app and .webreplay archives with this user's Linux desktop",
    )
    parser.add_argument("--uninstall-desktop", action="store_true", help="undo --install-desktop")
    parser.add_argument("--self-test", type=Path, metavar="PNG", help=argparse.SUPPRESS)
    return parser


def make_application() -> QApplication:
    """The process's QApplication (a :class:`ReplayApplication` when we create it)."""
    QApplication.setApplicationName(APP_NAME)
    QApplication.setOrganizationName(ORGANIZATION)
    QApplication.setApplicationVersion(__version__)
    QGuiApplication.setDesktopFileName(APP_ID)  # Wayland/X11 match the window to its entry
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = ReplayApplication([sys.argv[0] if sys.argv else PROG])
    app.setWindowIcon(app_icon())
    return app


def run_gui(args: Sequence[str]) -> int:
    """Show the main window and run the event loop; returns the exit status."""
    options = _parser().parse_args(list(args))
    if options.install_desktop or options.uninstall_desktop:
        from app.desktop.freedesktop import run_desktop_command

        return run_desktop_command("install" if options.install_desktop else "uninstall")
    configure_logging()  # one log file a user can attach to a bug report
    allow_root_without_sandbox()
    prepare_web_engine()
    app = make_application()
    window = launch(options, app)
    if window is None:
        return 0  # a running window took the file (or came to the front)
    return app.exec()


def launch(options: argparse.Namespace | Sequence[str], app: QApplication) -> MainWindow | None:
    """Everything after the QApplication exists: hand over, or make and show the window.

    Returns None when a running instance took over; the caller then exits.
    """
    if not isinstance(options, argparse.Namespace):
        options = _parser().parse_args(list(options))
    single = not options.new_instance and options.self_test is None
    files, links = split_arguments(options.files)
    if single and forward_to_running(files, links=links):
        return None
    apply_appearance(saved_appearance(), remember=False)
    window = MainWindow(TaskRunner(app))  # the one runner of store and disk work
    if isinstance(app, ReplayApplication):  # macOS Finder's "open" at launch and later
        app.file_open_requested.connect(window.open_path)
        app.link_open_requested.connect(window.links.open_link)
    if single:
        server = InstanceServer(parent=window)
        if server.listen():
            server.files_received.connect(window.open_files)
            server.links_received.connect(window.links.open_links)
            window.instance_server = server  # closed with the window (its parent)
    window.show()
    if options.self_test is not None:
        SelfTest(window, options.self_test, app)
    elif links:  # a link finds its archive itself (the one open, recent files, asking)
        QTimer.singleShot(0, lambda: window.links.open_links(links))
    elif files:
        QTimer.singleShot(0, lambda: window.open_files(files))
    else:
        QTimer.singleShot(0, lambda: open_demo(window))
    return window


def open_demo(window: MainWindow, *, remember: bool = True) -> None:
    """Open the bundled demo archive; without it, the empty window says why.

    It is listed under File › Open Recent like any file the user opened (after opening
    another archive, the recent list is how a user finds the demo again); the self-test
    passes ``remember=False`` so a check of the build leaves the user's list alone."""
    if window.store is not None or window.is_ingesting:
        return  # a file arrived (open event, second launch) before the demo's turn
    try:
        from app.store.demo import demo_archive_path

        path = demo_archive_path()
    except Exception as exc:  # the demo is a convenience; its absence must not stop the app
        window.set_status(f"The demo archive is not available ({exc})")
        return
    window.open_file(path, remember=remember)


class SelfTest(QObject):
    """``--self-test PNG``: prove a build works end to end, headless, and time it.

    Opens the demo archive in the real window, replays its first session, saves a screenshot
    once the replayed page has painted, prints the timings as one JSON line and quits
    (exit 0; 1 with a message on stderr if anything fails or takes over two minutes).
    """

    failed = Signal(str)

    def __init__(self, window: MainWindow, out: Path, app: QApplication) -> None:
        super().__init__(window)
        self.window, self.out, self.app = window, out, app
        self.times: dict[str, float] = {"first_window_s": self._now()}
        window.store_opened.connect(self._archive_opened)
        window.open_failed.connect(lambda message: self._fail(f"cannot open the demo: {message}"))
        QTimer.singleShot(120_000, lambda: self._fail("timed out after 120 s"))
        QTimer.singleShot(0, lambda: open_demo(window, remember=False))

    @staticmethod
    def _now() -> float:
        return round(seconds_since_process_start(), 3)

    def _archive_opened(self, store: object) -> None:
        self.times["archive_open_s"] = self._now()
        sessions = self.window.sessions.model.sessions()
        if not sessions:
            self._fail("the demo archive has no sessions")
            return
        if not self.window.replay_session(sessions[0].session_id):
            self._fail("the first session could not be replayed")
            return
        screen = self.window.replay_screen
        assert screen is not None
        screen.view.session_loaded.connect(lambda *_: QTimer.singleShot(1500, self._shoot))

    def _shoot(self) -> None:
        self.times["frame_s"] = self._now()
        image = self.window.grab().toImage()
        if not image.save(str(self.out)):
            self._fail(f"cannot write {self.out}")
            return
        print(json.dumps(self.times), flush=True)
        self.app.exit(0)

    def _fail(self, message: str) -> None:
        print(f"self-test failed: {message}", file=sys.stderr, flush=True)
        self.app.exit(1)
