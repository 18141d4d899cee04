"""Register the app with a Linux desktop for the current user, or remove it again.

Why: a double-click on a ``.webreplay`` file in a file manager should open it here. On
freedesktop systems that takes three files in the user's data folder (``$XDG_DATA_HOME``,
default ``~/.local/share``) — the desktop entry, the MIME type definition and the icons — and
three caches rebuilt by the desktop's own tools. The files are the ones in ``packaging/linux``
(see :func:`app.resources.desktop_root`); only the entry's ``Exec`` line is written here,
because it must name the executable this app was actually started from (a virtual
environment, a wheel install or a bundle all live in different places). The entry also
handles ``replay-investigator://`` links to a moment (``x-scheme-handler/…``), so ``Exec``
takes ``%U``: paths, ``file://`` URLs and links (:mod:`app.desktop.launch_arguments`).

Nothing here imports Qt: the command works on a machine without a display.
"""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from app.archive.format import MIMETYPE
from app.export.moment_link import SCHEME
from app.resources import desktop_root, is_frozen

APP_ID = "org.replayinvestigator.ReplayInvestigator"
DESKTOP_FILE = f"{APP_ID}.desktop"
MIME_SOURCE = f"{APP_ID}.mime.xml"
MIME_ICON = MIMETYPE.replace("/", "-")  # the icon-naming spec's name for our type's icon
EXECUTABLE = "replay-investigator"
LINK_HANDLER = f"x-scheme-handler/{SCHEME}"  # links to a moment (app.export.moment_link)


@dataclass
class DesktopReport:
    """What an install or uninstall did, for the command's output and for tests."""

    data_home: Path
    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    tools: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def data_home() -> Path:
    """``$XDG_DATA_HOME`` or ``~/.local/share``, as the XDG base-directory spec says."""
    value = os.environ.get("XDG_DATA_HOME", "")
    return Path(value) if value and Path(value).is_absolute() else Path.home() / ".local/share"


def config_home() -> Path:
    value = os.environ.get("XDG_CONFIG_HOME", "")
    return Path(value) if value and Path(value).is_absolute() else Path.home() / ".config"


def launch_command() -> list[str]:
    """How a file manager should start this app: the bundle, the installed script, or Python."""
    if is_frozen():
        return [str(Path(sys.executable).resolve())]
    script = Path(sys.executable).parent / EXECUTABLE  # a venv's or a prefix's bin folder
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    found = shutil.which(EXECUTABLE)
    if found:
        return [str(Path(found).resolve())]
    return [sys.executable, "-m", "app"]


def quote_exec_argument(argument: str) -> str:
    """Quote one ``Exec`` argument as the desktop-entry spec requires.

    Arguments with reserved characters go in double quotes, inside which ``"``, `````, ``$``
    and ``\\`` take a backslash; the string-value rules then double every backslash again.
    """
    reserved = set(" \t\n\"'\\><~|&;$*?#()`")
    if argument and not (set(argument) & reserved) and "%" not in argument:
        return argument
    inner = "".join("\\" + c if c in '"`$\\' else c for c in argument.replace("%", "%%"))
    return ('"' + inner + '"').replace("\\", "\\\\")


def desktop_entry(command: list[str]) -> str:
    """The packaged desktop entry with ``Exec``/``TryExec`` pointing at ``command``."""
    lines = []
    for line in (desktop_root() / DESKTOP_FILE).read_text(encoding="utf-8").splitlines():
        if line.startswith("Exec="):
            line = "Exec=" + " ".join(quote_exec_argument(a) for a in command) + " %U"
        elif line.startswith("TryExec="):
            line = "TryExec=" + command[0].replace("\\", "\\\\")
        lines.append(line)
    return "\n".join(lines) + "\n"


def _icon_files() -> list[tuple[Path, Path]]:
    """(source, path under the data home) for every packaged icon."""
    root = desktop_root() / "icons"
    if not root.is_dir():
        return []
    return [
        (source, Path("icons") / source.relative_to(root))
        for source in sorted(root.rglob("*"))
        if source.is_file() and source.suffix in {".png", ".svg"}
    ]


def _targets(home: Path) -> dict[str, Path]:
    return {
        "desktop": home / "applications" / DESKTOP_FILE,
        "mime": home / "mime" / "packages" / f"{APP_ID}.xml",
    }


def _run(tool: str, *args: str, report: DesktopReport) -> None:
    """Run a desktop tool if the system has it; its absence is a warning, not a failure."""
    path = shutil.which(tool)
    if path is None:
        report.warnings.append(
            f"{tool} is not installed, so the desktop may not notice the change until it "
            "rebuilds its caches (Debian: shared-mime-info, desktop-file-utils, xdg-utils)"
        )
        return
    result = subprocess.run([path, *args], capture_output=True, text=True, timeout=120, check=False)
    report.tools.append(" ".join([tool, *args]))
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        report.warnings.append(f"{tool} failed: {detail[-1] if detail else result.returncode}")


def install_desktop(home: Path | None = None, command: list[str] | None = None) -> DesktopReport:
    """Install the entry, MIME type and icons for this user; make us the archives' default."""
    home = home or data_home()
    report = DesktopReport(home)
    targets = _targets(home)
    targets["desktop"].parent.mkdir(parents=True, exist_ok=True)
    targets["desktop"].write_text(desktop_entry(command or launch_command()), encoding="utf-8")
    report.written.append(targets["desktop"])
    targets["mime"].parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(desktop_root() / MIME_SOURCE, targets["mime"])
    report.written.append(targets["mime"])
    for source, relative in _icon_files():
        target = home / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        report.written.append(target)
    _refresh_caches(home, report)
    _run("xdg-mime", "default", DESKTOP_FILE, MIMETYPE, report=report)
    _run("xdg-mime", "default", DESKTOP_FILE, LINK_HANDLER, report=report)
    return report


def uninstall_desktop(home: Path | None = None) -> DesktopReport:
    """Remove what :func:`install_desktop` put in place (and our default-application lines)."""
    home = home or data_home()
    report = DesktopReport(home)
    paths = list(_targets(home).values()) + [home / rel for _src, rel in _icon_files()]
    for path in paths:
        if path.exists():
            path.unlink()
            report.removed.append(path)
    for mimeapps in (config_home() / "mimeapps.list", home / "applications" / "mimeapps.list"):
        if _forget_default(mimeapps):
            report.removed.append(mimeapps)
    _refresh_caches(home, report)
    return report


def _refresh_caches(home: Path, report: DesktopReport) -> None:
    (home / "mime" / "packages").mkdir(parents=True, exist_ok=True)
    _run("update-mime-database", str(home / "mime"), report=report)
    _run("update-desktop-database", str(home / "applications"), report=report)
    hicolor = home / "icons" / "hicolor"
    if (hicolor / "index.theme").exists() and shutil.which("gtk-update-icon-cache"):
        _run("gtk-update-icon-cache", "-q", "-t", "-f", str(hicolor), report=report)


def _forget_default(mimeapps: Path) -> bool:
    """Drop our entry from a ``mimeapps.list``; True when the file changed."""
    if not mimeapps.is_file():
        return False
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",), strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are MIME types
    try:
        parser.read(mimeapps, encoding="utf-8")
    except configparser.Error:
        return False  # not ours to repair
    changed = False
    for section in parser.sections():
        for key, value in list(parser.items(section)):
            kept = [v for v in value.split(";") if v and v != DESKTOP_FILE]
            if kept != [v for v in value.split(";") if v]:
                changed = True
                if kept:
                    parser.set(section, key, ";".join(kept) + ";")
                else:
                    parser.remove_option(section, key)
    if changed:
        with mimeapps.open("w", encoding="utf-8") as handle:
            parser.write(handle, space_around_delimiters=False)
    return changed


def run_desktop_command(action: str) -> int:
    """``--install-desktop`` / ``--uninstall-desktop``: do it and say what was done."""
    if sys.platform != "linux":
        print(
            "Desktop registration is for Linux desktops; on macOS and Windows the installer "
            "associates .webreplay files (see packaging/README.md).",
            file=sys.stderr,
        )
        return 2
    try:
        report = install_desktop() if action == "install" else uninstall_desktop()
    except OSError as exc:
        print(f"replay-investigator: cannot {action} the desktop files: {exc}", file=sys.stderr)
        return 1
    if action == "install":
        exec_line = desktop_entry(launch_command()).split("Exec=", 1)[1].splitlines()[0]
        print(f"Installed {len(report.written)} files under {report.data_home}")
        print(f"  double-clicking a .webreplay archive now runs: {exec_line}")
    else:
        print(f"Removed {len(report.removed)} files under {report.data_home}")
    for warning in report.warnings:
        print(f"  warning: {warning}", file=sys.stderr)
    return 0
