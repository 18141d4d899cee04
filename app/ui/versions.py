"""The versions of everything the app is made of, for About and for bug reports."""

from __future__ import annotations

import html
import json
import platform
import sys

import numpy
import pyqtgraph
import PySide6
from PySide6.QtCore import qVersion

from app import __version__
from app.resources import is_frozen, vendor_path
from app.store.store import duckdb_version


def rrweb_version() -> str:
    """The pinned rrweb the replay uses (copied beside it by the build)."""
    try:
        return str(json.loads(vendor_path("rrweb.package.json").read_text("utf-8"))["version"])
    except (OSError, ValueError, KeyError):
        return "not installed"


def chromium_version() -> str:
    try:
        from PySide6.QtWebEngineCore import qWebEngineChromiumVersion

        return str(qWebEngineChromiumVersion())
    except ImportError:
        return "unknown"


def component_versions() -> dict[str, str]:
    return {
        "Replay Investigator": __version__ + (" (standalone bundle)" if is_frozen() else ""),
        "rrweb": rrweb_version(),
        "Qt": qVersion(),
        "PySide6": PySide6.__version__,
        "Chromium (QtWebEngine)": chromium_version(),
        "DuckDB": duckdb_version(),
        "pyqtgraph": pyqtgraph.__version__,
        "NumPy": numpy.__version__,
        "Python": platform.python_version(),
        "System": f"{platform.system()} {platform.release()} ({platform.machine()})"
        + (f", {sys.platform}" if platform.system().lower() != sys.platform else ""),
    }


def about_html() -> str:
    """Help › About: what the app is, and every component's version."""
    from app.state.settings import APP_NAME

    rows = "".join(
        f"<tr><td>{html.escape(name)}&nbsp;&nbsp;</td><td>{html.escape(version)}</td></tr>"
        for name, version in component_versions().items()
    )
    return (
        f"<h3>{APP_NAME} {__version__}</h3>"
        "<p>An offline investigator for exported web-session archives: what went wrong, "
        "for whom, and the replay of the moment it did. Nothing leaves this computer.</p>"
        f"<table>{rows}</table>"
    )
