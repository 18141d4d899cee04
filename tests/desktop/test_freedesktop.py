"""Registering with a Linux desktop: the packaged files are valid and a double-click works.

These run the desktop's own tools (desktop-file-validate, xmllint, update-mime-database,
xdg-mime with File::MimeInfo) against a private ``XDG_DATA_HOME``/``XDG_CONFIG_HOME``, so they
check what a file manager would see, not our idea of it. ``.ci/setup`` installs the tools.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from app.archive.format import MIMETYPE
from app.desktop.freedesktop import (
    DESKTOP_FILE,
    desktop_entry,
    install_desktop,
    launch_command,
    quote_exec_argument,
    uninstall_desktop,
)
from app.resources import desktop_root

LINUX = desktop_root()


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (bash .ci/setup installs it)")
    return path


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)


def test_packaged_desktop_entry_is_valid() -> None:
    result = run(tool("desktop-file-validate"), str(LINUX / DESKTOP_FILE))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""  # not even hints


def test_installed_entry_with_an_awkward_path_is_valid(tmp_path: Path) -> None:
    """The Exec line names the real executable; a path with spaces and quotes stays valid."""
    entry = tmp_path / DESKTOP_FILE
    entry.write_text(
        desktop_entry(['/opt/My Apps/it\'s "here"/replay-investigator', "--flag"]), "utf-8"
    )
    result = run(tool("desktop-file-validate"), str(entry))
    assert result.returncode == 0, result.stdout + result.stderr
    exec_line = next(x for x in entry.read_text("utf-8").splitlines() if x.startswith("Exec="))
    assert exec_line.endswith(" --flag %U")  # paths, file:// URLs and links


def test_mime_definition_is_valid_xml_and_compiles_without_warnings(tmp_path: Path) -> None:
    xml = LINUX / "org.replayinvestigator.ReplayInvestigator.mime.xml"
    result = run(tool("xmllint"), "--noout", str(xml))
    assert result.returncode == 0, result.stderr
    packages = tmp_path / "mime" / "packages"
    packages.mkdir(parents=True)
    shutil.copyfile(xml, packages / "x.xml")
    result = run(tool("update-mime-database"), "-V", str(tmp_path / "mime"))
    assert result.returncode == 0 and "warning" not in result.stderr.lower(), result.stderr
    assert "*.webreplay" in (tmp_path / "mime" / "globs2").read_text("utf-8")


@pytest.mark.parametrize(
    ("argument", "quoted"),
    [
        ("/usr/bin/replay-investigator", "/usr/bin/replay-investigator"),
        ("/opt/My Apps/ri", '"/opt/My Apps/ri"'),
        ("/opt/$HOME/ri", '"/opt/\\\\$HOME/ri"'),
        ("100%", '"100%%"'),
    ],
)
def test_exec_arguments_are_quoted_as_the_spec_says(argument: str, quoted: str) -> None:
    assert quote_exec_argument(argument) == quoted


def test_launch_command_is_this_installation() -> None:
    command = launch_command()
    assert Path(command[0]).exists()


def real_archive(path: Path) -> Path:
    """A minimal archive in the real container layout (mimetype first, stored)."""
    with zipfile.ZipFile(path, "w") as archive:
        info = zipfile.ZipInfo("mimetype")
        info.compress_type = zipfile.ZIP_STORED
        archive.writestr(info, MIMETYPE)
        archive.writestr("manifest.json", "{}")
    return path


def test_install_makes_archives_open_in_the_app(xdg_home: Path) -> None:
    xdg_mime = tool("xdg-mime")
    tool("mimetype")
    report = install_desktop()
    assert report.warnings == []
    data = xdg_home / "data"
    assert (data / "applications" / DESKTOP_FILE).is_file()
    assert (data / "mime" / "packages" / "org.replayinvestigator.ReplayInvestigator.xml").is_file()
    assert list((data / "icons" / "hicolor").rglob("*.png")), "icons were installed"

    archive = real_archive(xdg_home / "orders.webreplay")
    renamed = real_archive(xdg_home / "renamed.bin")  # recognised by content, not by name
    plain = xdg_home / "plain.bin"
    with zipfile.ZipFile(plain, "w") as z:
        z.writestr("a.txt", "x")
    for path in (archive, renamed):
        result = run(xdg_mime, "query", "filetype", str(path))
        assert result.stdout.strip() == MIMETYPE, (path.name, result.stdout, result.stderr)
    assert run(xdg_mime, "query", "filetype", str(plain)).stdout.strip() == "application/zip"
    default = run(xdg_mime, "query", "default", MIMETYPE)
    assert default.stdout.strip() == DESKTOP_FILE
    links = run(xdg_mime, "query", "default", "x-scheme-handler/replay-investigator")
    assert links.stdout.strip() == DESKTOP_FILE  # replay-investigator:// links open here too

    # the entry the desktop would run names an executable that exists
    entry = (data / "applications" / DESKTOP_FILE).read_text("utf-8")
    try_exec = next(x for x in entry.splitlines() if x.startswith("TryExec="))[8:]
    assert Path(try_exec).exists()
    assert MIMETYPE in (data / "applications" / "mimeinfo.cache").read_text("utf-8")


def test_uninstall_removes_everything_it_installed(xdg_home: Path) -> None:
    xdg_mime = tool("xdg-mime")
    tool("mimetype")
    install_desktop()
    report = uninstall_desktop()
    data = xdg_home / "data"
    assert not (data / "applications" / DESKTOP_FILE).exists()
    assert not list((data / "icons").rglob("org.replayinvestigator.*"))
    assert report.removed
    assert run(xdg_mime, "query", "default", MIMETYPE).stdout.strip() == ""
    handler = run(xdg_mime, "query", "default", "x-scheme-handler/replay-investigator")
    assert handler.stdout.strip() == ""
    result = run(xdg_mime, "query", "filetype", str(real_archive(xdg_home / "a.webreplay")))
    assert result.stdout.strip() == "application/zip"


def test_command_line_option_installs(xdg_home: Path) -> None:
    """``replay-investigator --install-desktop`` is the user's way in (no window needed)."""
    import sys

    tool("update-mime-database")
    result = subprocess.run(
        [sys.executable, "-m", "app", "--install-desktop"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "double-clicking a .webreplay archive now runs" in result.stdout
    assert (xdg_home / "data" / "applications" / DESKTOP_FILE).is_file()
