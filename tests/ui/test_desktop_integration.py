"""The app as a desktop citizen: files from the system, one instance, remembered layout.

Every way a file reaches the app ends in the same window: the command line, the system's
"open" event (macOS Finder), a second launch (handed over through the local socket), drag
and drop (see test_main_window). The window remembers its geometry and dividers, asks
before quitting over running work, lists its keyboard shortcuts and follows light/dark.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QFileOpenEvent, QPalette
from PySide6.QtWidgets import QApplication, QSplitter

from app.desktop.freedesktop import install_desktop
from app.ui.application import ICON_SIZES, ReplayApplication, app_icon, launch
from app.ui.main_window import MainWindow
from app.ui.single_instance import InstanceServer, forward_to_running, server_name
from app.ui.theme import Appearance, apply_appearance, colour, is_dark
from tests.ui.test_main_window import TIMEOUT_MS, open_and_wait, slow_down_ingest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def launched(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Start the window as ``replay-investigator ARGS`` would (the QApplication is shared)."""
    windows: list[MainWindow] = []

    def start(*args: str) -> MainWindow:
        window = launch(list(args), QApplication.instance())
        assert window is not None
        monkeypatch.setattr(window, "confirm_close", lambda q: True)
        monkeypatch.setattr(window, "show_error", lambda *a: None)
        window.opened = []  # paths whose every screen was filled (store_opened)
        window.store_opened.connect(lambda _s: window.opened.append(window.current_path))
        qtbot.addWidget(window)
        windows.append(window)
        return window

    yield start
    for window in windows:
        if window.instance_server is not None:
            window.instance_server.close()


def test_a_file_on_the_command_line_opens(qtbot: Any, launched: Any, archives: Any) -> None:
    path = archives.write("cli.webreplay", [archives.Spec("s1", "alice")])
    window = launched(str(path), "--new-instance")
    qtbot.waitUntil(lambda: path in window.opened, timeout=TIMEOUT_MS)
    assert window.sessions.model.rowCount() == 1
    assert window.windowTitle().startswith("cli.webreplay")


def test_the_demo_opened_at_a_launch_without_a_file_is_listed_in_open_recent(
    qtbot: Any, launched: Any
) -> None:
    from app.store.demo import demo_archive_path

    demo = demo_archive_path()
    window = launched("--new-instance")
    qtbot.waitUntil(lambda: demo in window.opened, timeout=TIMEOUT_MS)
    window.recent.menu.aboutToShow.emit()  # File › Open Recent is about to open
    listed = [a.data() for a in window.recent.menu.actions() if a.data()]
    assert listed == [str(demo.resolve())]


def test_the_systems_open_event_opens_the_file(
    qtbot: Any, launched: Any, archives: Any, qapp: QApplication
) -> None:
    """macOS delivers Finder's double-click as a QFileOpenEvent, at launch and later."""
    assert isinstance(qapp, ReplayApplication)
    first = archives.write("first.webreplay", [archives.Spec("s1", "alice")])
    second = archives.write("second.webreplay", [archives.Spec("s1", "bob")] * 1)
    window = launched(str(first), "--new-instance")
    qtbot.waitUntil(lambda: first in window.opened, timeout=TIMEOUT_MS)
    assert QApplication.sendEvent(qapp, QFileOpenEvent(str(second)))
    qtbot.waitUntil(lambda: second in window.opened, timeout=TIMEOUT_MS)
    assert [s.user_id for s in window.sessions.model.sessions()] == ["bob"]


def test_a_second_launch_hands_its_file_to_the_first_and_exits(
    qtbot: Any, launched: Any, archives: Any
) -> None:
    first = archives.write("first.webreplay", [archives.Spec("s1", "alice")])
    second = archives.write("second.webreplay", [archives.Spec("s2", "bob")])
    window = launched(str(first))
    assert window.instance_server is not None
    qtbot.waitUntil(lambda: first in window.opened, timeout=TIMEOUT_MS)
    window.showMinimized()

    child = second_launch(qtbot, str(second))
    assert child.returncode == 0, child.stderr.read().decode() if child.stderr else ""
    qtbot.waitUntil(lambda: second in window.opened, timeout=TIMEOUT_MS)
    assert not window.isMinimized()  # it came to the front


def second_launch(qtbot: Any, *args: str) -> subprocess.Popen[bytes]:
    """``replay-investigator ARGS`` as a separate process, waited for with this event loop
    running (the running window must answer it)."""
    child = subprocess.Popen(
        [sys.executable, "-m", "app", *args],
        cwd=REPO, env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    qtbot.waitUntil(lambda: child.poll() is not None, timeout=60_000)
    return child


def test_a_launch_without_a_file_only_raises_the_running_window(
    qtbot: Any, launched: Any, archives: Any
) -> None:
    first = archives.write("first.webreplay", [archives.Spec("s1", "alice")])
    window = launched(str(first))
    qtbot.waitUntil(lambda: first in window.opened, timeout=TIMEOUT_MS)
    window.showMinimized()
    with qtbot.waitSignal(window.instance_server.files_received, timeout=60_000) as got:
        child = second_launch(qtbot)
    assert child.returncode == 0
    assert got.args == [[]]
    assert not window.isMinimized()
    assert window.current_path == first  # nothing else was opened (not even the demo)


def test_a_stale_socket_from_a_crash_does_not_stop_the_next_start(qtbot: Any) -> None:
    name = f"{server_name()}-stale"
    path = Path("/tmp") / name  # where Qt puts a Unix local socket
    path.write_text("left behind by a crashed instance")
    try:
        assert not forward_to_running([], name)  # nobody answers: start normally
        server = InstanceServer(name)
        assert server.listen()
        server.close()
    finally:
        path.unlink(missing_ok=True)


def test_window_geometry_and_dividers_are_remembered(qtbot: Any, archives: Any) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.resize(1234, 777)
    window.move(QPoint(40, 30))
    splitter = window.errors_screen.findChild(QSplitter, "errors")
    assert splitter is not None
    splitter.setSizes([100, 300, 400])
    splitter.splitterMoved.emit(100, 1)  # what a drag of the divider emits
    sizes = splitter.sizes()
    window.close()

    again = MainWindow()
    qtbot.addWidget(again)
    again.show()
    assert again.width() == 1234 and abs(again.height() - 777) <= 4  # frame rounding
    # the dividers are where they were; the last pane takes whatever height is left
    assert again.errors_screen.findChild(QSplitter, "errors").sizes()[:2] == sizes[:2]


def test_closing_during_an_ingest_asks_and_can_keep_working(
    qtbot: Any, archives: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    answers = [False, True]
    asked: list[str] = []
    monkeypatch.setattr(window, "confirm_close", lambda q: asked.append(q) or answers.pop(0))
    window.show()
    slow_down_ingest(monkeypatch)
    with qtbot.waitSignal(window.archive.progressed, timeout=TIMEOUT_MS):
        window.open_file(archives.big("slow.webreplay"))
    window.close()  # "Keep Working"
    assert window.isVisible() and window.is_ingesting
    window.close()  # "Quit": the ingest stops, its thread ends
    assert not window.isVisible()
    assert window.archive.running_ingests == 0
    assert len(asked) == 2 and "still being read" in asked[0]


def test_closing_with_nothing_running_does_not_ask(qtbot: Any, window: MainWindow) -> None:
    window.close()
    assert window.close_questions == []


def test_keyboard_shortcuts_are_listed(window: MainWindow) -> None:
    from app.ui.shortcuts_dialog import ShortcutsDialog

    dialog = ShortcutsDialog(window.menuBar(), window)
    rows = dict((what, keys) for keys, what in dialog.rows())
    assert rows["File › Open"] == "Ctrl+O"
    assert rows["Help › Keyboard Shortcuts"] == "F1"
    assert rows["Play or pause"] == "Space"
    assert rows["Next error"] == "Ctrl+Right"
    assert rows["Run the query (in the editor)"] == "Ctrl+Return"


@pytest.mark.webengine
def test_listed_replay_shortcuts_are_the_bound_ones(qtbot: Any) -> None:
    from app.state.tasks import TaskRunner
    from app.ui.replay_screen import REPLAY_SHORTCUTS, ReplayScreen

    tasks = TaskRunner()
    screen = ReplayScreen(tasks)
    qtbot.addWidget(screen)
    bound = {s.key().toString() for s in screen._bindings}
    assert bound == set(REPLAY_SHORTCUTS)
    screen.shutdown()


def test_about_lists_every_component(window: MainWindow) -> None:
    text = window.about_text()
    for name in ("rrweb", "Chromium", "DuckDB", "Qt", "PySide6", "Python", "2.2.2"):
        assert name in text


def test_the_icon_is_sharp_at_every_size(qapp: QApplication) -> None:
    icon = app_icon()
    available = {s.width() for s in icon.availableSizes()}
    assert set(ICON_SIZES) <= available
    for size in ICON_SIZES:
        image = icon.pixmap(size, size).toImage()
        assert image.width() == size and image.hasAlphaChannel()


@pytest.fixture
def system_appearance_after() -> Any:
    yield
    apply_appearance(Appearance.SYSTEM, remember=False)


def test_dark_appearance_recolours_charts_and_tables(
    qtbot: Any, window: MainWindow, archives: Any, system_appearance_after: None
) -> None:
    path = archives.write("dark.webreplay", [archives.Spec("s1", "alice", errors=2)])
    open_and_wait(qtbot, window, path)
    plot = window.dashboard.findChildren(pg.PlotWidget)[0]
    assert plot.backgroundBrush().color().lightness() > 200  # light by default

    window.appearance_actions[Appearance.DARK].trigger()
    qtbot.waitUntil(lambda: is_dark(window.palette()), timeout=5_000)
    assert window.palette().color(QPalette.ColorRole.Window).lightness() < 80
    qtbot.waitUntil(lambda: plot.backgroundBrush().color().lightness() < 80, timeout=5_000)
    axis_text = plot.getPlotItem().getAxis("left").textPen().color()
    assert axis_text.lightness() > 180  # readable on the dark chart
    model = window.sessions.model
    index = model.index(0, 4)
    errors_colour = [
        model.data(model.index(0, c), 9)
        for c in range(model.columnCount())  # ForegroundRole
    ]
    assert colour("error").lightness() > 150  # the dark variant of the error red
    assert any(b is not None and b.color() == colour("error") for b in errors_colour)
    del index

    window.appearance_actions[Appearance.LIGHT].trigger()
    qtbot.waitUntil(lambda: plot.backgroundBrush().color().lightness() > 200, timeout=5_000)
    assert not is_dark(window.palette())


def test_opening_an_archive_from_the_file_manager_reaches_the_running_window(
    qtbot: Any, launched: Any, archives: Any, xdg_home: Path
) -> None:
    """What a double-click does: the desktop looks up the type's default application and runs
    its entry's ``Exec`` line. ``xdg-open`` (generic desktop) does exactly that."""
    xdg_open = shutil.which("xdg-open")
    if xdg_open is None or not os.environ.get("DISPLAY"):
        pytest.skip("xdg-open and an X display are needed (bash .ci/setup; pytest-xvfb)")
    assert install_desktop().warnings == []
    first = archives.write("first.webreplay", [archives.Spec("s1", "alice")])
    clicked = archives.write("clicked.webreplay", [archives.Spec("s9", "zoe")])
    window = launched(str(first))
    qtbot.waitUntil(lambda: first in window.opened, timeout=TIMEOUT_MS)

    opener = subprocess.Popen(
        [xdg_open, str(clicked)], env=dict(os.environ),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    qtbot.waitUntil(lambda: opener.poll() is not None, timeout=60_000)
    assert opener.returncode == 0, opener.stderr.read().decode() if opener.stderr else ""
    qtbot.waitUntil(lambda: clicked in window.opened, timeout=TIMEOUT_MS)
    assert [s.user_id for s in window.sessions.model.sessions()] == ["zoe"]
