"""Locate runtime files from ``resources/`` in a checkout, a wheel or a bundle.

Why: the top-level ``resources/`` folder is part of the repository layout, but an installed
wheel has no repository around it. The wheel build force-includes the folder as
``app/_resources``; an editable install (or a plain checkout on ``sys.path``) still finds it
beside the package. Everything that loads a runtime file goes through :func:`resource_path`.
"""

from __future__ import annotations

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


def vendor_path(name: str) -> Path:
    """Path of a build-time vendored browser file (``app/web/vendor``, filled by ``npm ci``)."""
    return _PACKAGE_DIR / "web" / "vendor" / name
