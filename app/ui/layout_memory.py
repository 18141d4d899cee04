"""Remember how the user arranged the window: its geometry and every divider they dragged.

Why: an investigator who widened the action list or shrank the error chart expects to find
it so after a restart. The window's geometry and state are saved when it closes; each named
splitter restores its state when it is made (screens are made lazily) and saves it whenever
it moves, so nothing depends on the order in which screens were opened.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray
from PySide6.QtWidgets import QMainWindow, QSplitter

from app.state.settings import app_settings

GEOMETRY_KEY = "window/geometry"
STATE_KEY = "window/state"


def _splitter_key(name: str) -> str:
    return f"layout/{name}"


def remember_splitter(splitter: QSplitter, name: str) -> None:
    """Restore ``splitter``'s saved sizes now and save them whenever the user moves it."""
    splitter.setObjectName(name)
    saved = app_settings().value(_splitter_key(name))
    if isinstance(saved, QByteArray | bytes) and saved:
        splitter.restoreState(QByteArray(saved))
    splitter.splitterMoved.connect(
        lambda *_: app_settings().setValue(_splitter_key(name), splitter.saveState())
    )


def restore_window(window: QMainWindow) -> bool:
    """Put the window back where and how big it was; False on the first run."""
    settings = app_settings()
    geometry = settings.value(GEOMETRY_KEY)
    restored = isinstance(geometry, QByteArray | bytes) and window.restoreGeometry(
        QByteArray(geometry)
    )
    state = settings.value(STATE_KEY)
    if isinstance(state, QByteArray | bytes) and state:
        window.restoreState(QByteArray(state))
    return bool(restored)


def save_window(window: QMainWindow) -> None:
    settings = app_settings()
    settings.setValue(GEOMETRY_KEY, window.saveGeometry())
    settings.setValue(STATE_KEY, window.saveState())
