"""Links to a moment in real windows: copying one, a later launch (and ``xdg-open``) handing
one to the running window, which finds the archive by content and seeks there, and a link
whose archive is nowhere saying what was looked for."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from app.desktop.freedesktop import install_desktop
from app.export.moment_link import moment_url, parse_link
from app.store.cache import content_key
from app.ui.main_window import MainWindow
from tests.ui import test_desktop_integration as desktop
from tests.ui.test_main_window import TIMEOUT_MS

launched = desktop.launched  # the window started as the command line would start it
second_launch = desktop.second_launch

AT = 30_000  # into the session


def replayed(window: MainWindow) -> tuple[str, int] | None:
    """The session the Replay tab shows and its time (None: the tab is not shown)."""
    screen = window.replay_screen
    if screen is None or window.tabs.currentWidget() is not screen:
        return None
    shown = screen.current_session()
    return (shown[1], screen.cursor.time()) if shown else None


def two_archives(archives: Any) -> tuple[Path, Path]:
    first = archives.write("first.webreplay", [archives.Spec("s1", "alice")])
    other = archives.write(
        "other.webreplay", [archives.Spec("s1", "bob"), archives.Spec("s2", "eve")]
    )
    return first, other


def test_copy_link_to_this_moment_in_the_replay(qtbot: Any, launched: Any, archives: Any) -> None:
    first, _ = two_archives(archives)
    window = launched(str(first), "--new-instance")
    qtbot.waitUntil(lambda: first in window.opened, timeout=TIMEOUT_MS)
    assert window.links.copy_current() == ""  # the dashboard: no moment yet
    assert "No moment to link" in window.status_text
    assert window.replay_session("s1", archives.T0 + AT)
    window.links.action.trigger()  # Replay › Copy Link to This Moment (Ctrl+Shift+C)
    text = QApplication.clipboard().text()
    link = parse_link(text)
    assert (link.archive, link.session, link.t_ms) == (content_key(first), "s1", archives.T0 + AT)
    assert link.path == str(first.resolve())
    assert "Copied the link to session s1" in window.status_text
    assert window.links.action.shortcut().toString() == "Ctrl+Shift+C"


def test_a_later_launch_with_a_link_opens_its_archive_and_seeks(
    qtbot: Any,
    launched: Any,
    archives: Any,
) -> None:
    """The archive is not open: it is found beside a recent file by its content, opened,
    and the replay is shown at the session and time."""
    first, other = two_archives(archives)
    window = launched(str(first))
    qtbot.waitUntil(lambda: first in window.opened, timeout=TIMEOUT_MS)
    renamed = other.with_name("renamed by the sender.webreplay")
    other.rename(renamed)
    url = moment_url(content_key(renamed), "s2", archives.T0 + AT, "/elsewhere/other.webreplay")
    window.showMinimized()
    with qtbot.waitSignal(window.links.arrived, timeout=TIMEOUT_MS):
        child = second_launch(qtbot, url)
        assert child.returncode == 0, child.stderr.read().decode() if child.stderr else ""
    assert window.current_path == renamed
    assert replayed(window) == ("s2", archives.T0 + AT)
    assert not window.isMinimized()


def test_a_link_into_the_open_archive_just_seeks(qtbot: Any, launched: Any, archives: Any) -> None:
    first, _ = two_archives(archives)
    window = launched(str(first), "--new-instance")
    qtbot.waitUntil(lambda: first in window.opened, timeout=TIMEOUT_MS)
    window.links.open_link(moment_url(content_key(first), "s1", archives.T0 + AT))
    assert replayed(window) == ("s1", archives.T0 + AT)


def test_a_link_whose_archive_is_nowhere_says_what_was_looked_for(
    qtbot: Any,
    launched: Any,
    archives: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, _ = two_archives(archives)
    window = launched(str(first), "--new-instance")
    qtbot.waitUntil(lambda: first in window.opened, timeout=TIMEOUT_MS)
    asked: list[str] = []
    monkeypatch.setattr(window.links, "ask_for_archive", lambda link: asked.append(link) or "")
    key = "f" * 32
    with qtbot.waitSignal(window.links.error, timeout=TIMEOUT_MS) as told:
        window.links.open_link(moment_url(key, "s9", archives.T0, "/gone/shop.webreplay"))
    title, message = told.args
    assert title == "The archive of this link was not found"
    assert f"'shop.webreplay' (content key {key})" in message
    assert str(first.parent) in message and "/gone" in message
    assert len(asked) == 1  # the user was asked before giving up
    assert window.current_path == first  # nothing else was opened


def test_a_hostile_link_is_refused_in_words(qtbot: Any, launched: Any, archives: Any) -> None:
    window = launched("--new-instance")
    with qtbot.waitSignal(window.links.error, timeout=5_000) as told:
        window.links.open_link("replay-investigator://open?archive=x&session=s&t=1&path=..%2Fa")
    assert told.args[0] == "Cannot open this link"
    assert "content key" in told.args[1]


def test_xdg_open_reaches_the_running_window_and_seeks(
    qtbot: Any,
    launched: Any,
    archives: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What a click on a link in a browser or chat does on a Linux desktop."""
    xdg_open = shutil.which("xdg-open")
    if xdg_open is None or shutil.which("xdg-mime") is None:
        pytest.skip("xdg-open is not installed (bash .ci/setup installs xdg-utils)")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_DIRS", "/usr/local/share:/usr/share")
    monkeypatch.setenv("XDG_CURRENT_DESKTOP", "")  # xdg-open's generic path
    monkeypatch.delenv("DESKTOP_SESSION", raising=False)
    monkeypatch.delenv("BROWSER", raising=False)
    report = install_desktop()
    assert not [w for w in report.warnings if "xdg-mime" in w], report.warnings
    first, other = two_archives(archives)
    window = launched(str(first))
    qtbot.waitUntil(lambda: first in window.opened, timeout=TIMEOUT_MS)
    url = moment_url(content_key(other), "s2", archives.T0 + AT, str(other))
    with qtbot.waitSignal(window.links.arrived, timeout=TIMEOUT_MS):
        child = subprocess.Popen([xdg_open, url], env=dict(os.environ), stderr=subprocess.PIPE)
        qtbot.waitUntil(lambda: child.poll() is not None, timeout=60_000)
        assert child.returncode == 0, child.stderr.read().decode() if child.stderr else ""
    assert window.current_path == other
    assert replayed(window) == ("s2", archives.T0 + AT)


def test_copy_link_of_a_finding_in_the_findings_tab(
    qtbot: Any, launched: Any, archives: Any
) -> None:
    from app.store.findings import Finding, FindingsStore

    first, _ = two_archives(archives)
    window = launched(str(first), "--new-instance")
    qtbot.waitUntil(lambda: first in window.opened, timeout=TIMEOUT_MS)
    FindingsStore().save(Finding(content_key(first), "s1", archives.T0 + 12_345, "Stuck"))
    screen = window.findings_screen
    window.tabs.setCurrentWidget(screen)
    qtbot.waitUntil(lambda: len(screen.findings) == 1, timeout=TIMEOUT_MS)
    screen.table.selectRow(0)
    link = parse_link(window.links.copy_current())
    assert (link.session, link.t_ms) == ("s1", archives.T0 + 12_345)
    assert parse_link(QApplication.clipboard().text()) == link
    assert link.path == str(first.resolve())  # the open archive: its full path as the hint
