"""Test-wide set-up: isolated caches, WebEngine flags for root, and 'no tests' is a failure."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

if hasattr(os, "geteuid") and os.geteuid() == 0:
    # Chromium refuses to run as root with its sandbox; only tests and root runs drop it.
    os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DATA = Path(__file__).resolve().parent / "data"
# Playwright cannot download its browsers here: generated tests run in Debian's chromium
# (installed by .ci/setup).
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright's browser: Debian's chromium, without its sandbox when root."""
    args = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": args}


@pytest.fixture(autouse=True)
def isolated_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Every test gets its own store cache, so no test sees another's databases."""
    cache = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("REPLAY_INVESTIGATOR_CACHE", str(cache))
    # and its own data folder: findings are the user's work, never a test's
    monkeypatch.setenv("REPLAY_INVESTIGATOR_DATA", str(tmp_path_factory.mktemp("data")))
    # and its own state folder: the log file the command line configures (app.logs)
    monkeypatch.setenv("REPLAY_INVESTIGATOR_STATE", str(tmp_path_factory.mktemp("state")))
    return cache


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """No test reads or writes the user's real settings (recent files, per-archive choices)."""
    from PySide6.QtCore import QSettings

    folder = tmp_path_factory.mktemp("settings")
    previous = QSettings.defaultFormat()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    yield folder
    QSettings.setDefaultFormat(previous)


@pytest.fixture(scope="session")
def qapp_cls() -> type:
    """The app's own QApplication subclass, so system "open file" events reach the window."""
    from app.ui.application import ReplayApplication

    return ReplayApplication


@pytest.fixture
def xdg_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private desktop: data and config homes the tools read instead of the user's."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_DIRS", "/usr/local/share:/usr/share")
    monkeypatch.setenv("XDG_CURRENT_DESKTOP", "")  # xdg-mime's generic path (File::MimeInfo)
    (tmp_path / "config").mkdir()
    return tmp_path


@pytest.fixture
def shared_fixtures() -> Path:
    """``../shared/fixtures``; tests using it skip cleanly on a clone without it."""
    path = SHARED / "fixtures"
    if not path.is_dir():
        pytest.skip("../shared/fixtures is not present beside this checkout")
    return path


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
