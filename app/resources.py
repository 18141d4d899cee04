"""Locate runtime files from ``resources/`` in a checkout, a wheel or a bundle.

Why: the top-level ``resources/`` folder is part of the repository layout, but an installed
wheel has no repository around it. The wheel build force-includes the folder as
``app/_resources``; an editable install (or a plain checkout on ``sys.path``) still finds it
beside the package. Everything that loads a runtime file goes through :func:`resource_path`.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def resources_root() -> Path:
    """The folder holding the runtime resources, wherever the app was installed from."""
    for candidate in (_PACKAGE_DIR / "_resources", _PACKAGE_DIR.parent / "resources"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"Replay Investigator's resources folder is missing (looked in {_PACKAGE_DIR}/_resources "
        f"and {_PACKAGE_DIR.parent}/resources); the installation is incomplete."
    )


def resource_path(*parts: str) -> Path:
    """Path of a file under ``resources/``: ``resource_path("format", "manifest.schema.json")``."""
    return resources_root().joinpath(*parts)


@cache
def desktop_root() -> Path:
    """The desktop-integration files (entry, MIME type, icons) from ``packaging/linux``.

    They are packaging inputs, kept with the other packaging files in a checkout; the wheel and
    the bundle carry them as ``app/_desktop`` because the running app needs them too (its
    window icon, and ``--install-desktop`` copies them into the user's data folder).
    """
    for candidate in (_PACKAGE_DIR / "_desktop", _PACKAGE_DIR.parent / "packaging" / "linux"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"Replay Investigator's desktop files are missing (looked in {_PACKAGE_DIR}/_desktop and "
        f"{_PACKAGE_DIR.parent}/packaging/linux); the installation is incomplete."
    )


def vendor_path(name: str) -> Path:
    """Path of a build-time vendored browser file (``app/web/vendor``, filled by ``npm ci``)."""
    return _PACKAGE_DIR / "web" / "vendor" / name


def is_frozen() -> bool:
    """True inside a standalone bundle (PyInstaller sets ``sys.frozen``)."""
    return bool(getattr(sys, "frozen", False))


def app_command(*args: str) -> list[str]:
    """The command line that starts this application again with ``args`` in a child process.

    Why: export and the demo generator run in child processes. From a checkout or a wheel the
    child is ``python -m app …``; a frozen bundle has no ``python -m``, only its own executable,
    whose entry point (:func:`app.main.main`) understands the same arguments.
    """
    if is_frozen():
        return [sys.executable, *args]
    return [sys.executable, "-m", "app", *args]
