"""Start-up requirements of QtWebEngine, shared by the window and headless rendering.

All of this must happen before the ``QApplication`` exists: Chromium reads its flags once,
custom URL schemes must be registered first, and the web engine module must be imported
so Qt shares OpenGL contexts.
"""

from __future__ import annotations

import os

CHROMIUM_FLAGS = "QTWEBENGINE_CHROMIUM_FLAGS"


def allow_root_without_sandbox() -> None:
    """Chromium refuses to start its sandbox as root; drop it only in that case.

    Why: containers and CI often run as root, where QtWebEngine would otherwise abort. For
    every other user the sandbox stays on.
    """
    geteuid = getattr(os, "geteuid", None)
    if geteuid is None or geteuid() != 0:
        return
    flags = os.environ.get(CHROMIUM_FLAGS, "").split()
    if "--no-sandbox" not in flags:
        os.environ[CHROMIUM_FLAGS] = " ".join([*flags, "--no-sandbox"])


def prepare_web_engine() -> None:
    """Register the ``replay:`` scheme and load the web engine module."""
    from PySide6 import QtWebEngineWidgets  # noqa: F401  (initialises shared GL contexts)

    from app.replay.scheme import register_replay_scheme

    register_replay_scheme()
