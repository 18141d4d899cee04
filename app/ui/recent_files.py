"""File › Open Recent: the last archives opened, remembered in the user's settings.

Why on its own: the list is written when an archive has opened — when the disk is busy
with the new store, so the write is a task on the runner's disk lane (a settings flush on
the GUI thread waited up to a tenth of a second) — and read to build the menu.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from app.state.settings import app_settings
from app.state.tasks import TaskRunner
from app.store.lake_location import lake_url

RECENT_KEY = "recent_files"
MAX_RECENT = 10


class RecentFiles(QObject):
    """The Open Recent menu and the list behind it."""

    open_requested = Signal(str)

    def __init__(self, tasks: TaskRunner, parent: QWidget) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.menu = QMenu("Open &Recent", parent)
        self.menu.setToolTipsVisible(True)
        self.menu.aboutToShow.connect(self._rebuild_menu)
        self.clear_action = QAction("&Clear Recent", self)
        self.clear_action.triggered.connect(self.clear)
        self._rebuild_menu()

    _recent: list[str] | None = None  # what this window last wrote (the write may be pending)

    def files(self) -> list[str]:
        if self._recent is not None:
            return list(self._recent)
        value = app_settings().value(RECENT_KEY, [])
        if isinstance(value, str):  # QSettings returns a lone entry as a plain string
            value = [value]
        return [str(item) for item in (value or []) if item]

    def add(self, path: str | Path) -> None:
        entry = lake_url(path) or str(Path(path).resolve())  # a lake's URL stays a URL
        files = ([entry] + [f for f in self.files() if f != entry])[:MAX_RECENT]
        self._write_recent(files)

    def clear(self) -> None:
        self._write_recent([])

    def _write_recent(self, files: list[str]) -> None:
        """Remember ``files`` now, write them to the settings on the background worker.

        Why: the settings file is flushed to disk when written, and right after an ingest
        the disk is busy with the new store — a write on the GUI thread waited up to a
        tenth of a second for it.
        """
        self._recent = files

        def write() -> None:
            settings = app_settings()
            if files:
                settings.setValue(RECENT_KEY, files)
            else:
                settings.remove(RECENT_KEY)

        self.tasks.submit(write, lane="disk", name="write recent files")
        self._rebuild_menu()

    def _rebuild_menu(self) -> None:
        """Refill Open Recent; files that have gone away are listed but disabled."""
        menu = self.menu
        menu.clear()
        files = self.files()
        if not files:
            placeholder = menu.addAction("No recent files")
            placeholder.setEnabled(False)
        for number, name in enumerate(files, start=1):
            url = lake_url(name)
            label = (url or Path(name).name).replace("&", "&&")
            prefix = f"&{number}  " if number < 10 else "1&0  "
            action = menu.addAction(f"{prefix}{label}")
            action.setData(name)
            exists = url is not None or Path(name).exists()  # a URL is tried when opened
            action.setEnabled(exists)
            action.setToolTip(name if exists else f"{name} (no longer exists)")
            if not exists:
                action.setText(f"{prefix}{label} (missing)")
            action.triggered.connect(lambda _checked=False, p=name: self.open_requested.emit(p))
        menu.addSeparator()
        menu.addAction(self.clear_action)
        self.clear_action.setEnabled(bool(files))
