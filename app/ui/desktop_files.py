"""How the desktop hands files to the window: drops, open events, a later launch, and
File › Open Folder…, File › Open Lake… and File › Open Lake URL….

A mixin for the main window (listed before ``QMainWindow``, so its event handlers are the
window's): every way a file or a folder of recordings arrives ends in ``open_file``, and the
window comes forward. A folder is read like a file (every recording inside it, see
:mod:`app.archive.folder`), so dropping one needs nothing of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMenu

from app.store.lake_location import lake_url

LAKE_URL_HELP = (
    "A lake on object storage, e.g. s3://bucket/prefix (the folder holding lake.json).\n"
    "Credentials, region and endpoint come from the environment as for the AWS tools:\n"
    "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or AWS_PROFILE, AWS_REGION,\n"
    "AWS_ENDPOINT_URL for S3-compatible stores (MinIO, R2)."
)


class DesktopFiles:
    """File handling for a ``QMainWindow`` that has ``open_file`` and ``set_status``."""

    def open_files(self, paths: Sequence[str | Path]) -> None:
        """Files handed over by the system or a later launch: open the first, come forward.

        The window investigates one archive at a time; further files are named in the status
        bar rather than silently dropped. No files: just come to the front.
        """
        self.bring_to_front()
        if not paths:
            return
        self.open_file(paths[0])
        if len(paths) > 1:
            others = ", ".join(Path(p).name for p in paths[1:])
            self.set_status(
                f"Opening {Path(paths[0]).name}; one archive at a time — not opened: {others}"
            )

    def make_open_folder_action(self) -> QAction:
        """File › Open Folder…: a folder of recordings as one investigation."""
        action = QAction("Open &Folder…", self)  # type: ignore[call-overload]
        action.setShortcut(QKeySequence("Ctrl+Shift+O"))
        action.setStatusTip("Open every recording in a folder and its subfolders")
        action.triggered.connect(self.choose_folder)
        return action

    def add_lake_actions(self, menu: QMenu) -> None:
        """File › Open Lake… and File › Open Lake URL… (``open_lake_action``,
        ``open_lake_url_action``)."""
        self.open_lake_action = self.make_open_lake_action()
        menu.addAction(self.open_lake_action)
        self.open_lake_url_action = self.make_open_lake_url_action()
        menu.addAction(self.open_lake_url_action)

    def make_open_lake_action(self) -> QAction:
        """File › Open Lake…: a collector's lake directory, its Parquet read in place."""
        action = QAction("Open &Lake…", self)  # type: ignore[call-overload]
        action.setStatusTip("Open a lake written by `replay-investigator collect` and `compact`")
        action.triggered.connect(self.choose_lake)
        return action

    def choose_lake(self) -> None:
        name = QFileDialog.getExistingDirectory(
            self,  # type: ignore[arg-type]
            "Open a lake (the folder holding lake.json)",
            "",
        )
        if name:
            self.open_file(name)

    def make_open_lake_url_action(self) -> QAction:
        """File › Open Lake URL…: a lake on object storage (``s3://bucket/prefix``)."""
        action = QAction("Open Lake &URL…", self)  # type: ignore[call-overload]
        action.setStatusTip("Open a lake on S3 or an S3-compatible store, read in place")
        action.triggered.connect(self.choose_lake_url)
        return action

    def choose_lake_url(self) -> None:
        """Ask for the URL; one that is not ``s3://bucket[/prefix]`` is said so, not opened."""
        text, accepted = QInputDialog.getText(
            self,  # type: ignore[arg-type]
            "Open Lake URL",
            LAKE_URL_HELP,
            QLineEdit.EchoMode.Normal,
            "s3://",
        )
        if not accepted or not text.strip():
            return
        url = lake_url(text)
        if url is None:
            self.show_error(
                "Not a lake URL", f"{text.strip()}: a lake URL reads s3://bucket/prefix"
            )
            return
        self.open_file(url)

    def choose_folder(self) -> None:
        current = getattr(self, "current_path", None)
        start = str(current.parent) if current else ""
        name = QFileDialog.getExistingDirectory(
            self,  # type: ignore[arg-type]
            "Open a folder of recordings",
            start,
        )
        if name:
            self.open_file(name)

    def open_path(self, name: str) -> None:
        """One file from the system (a macOS open event)."""
        self.open_files([Path(name)])

    def bring_to_front(self) -> None:
        """Un-minimise, raise and activate the window (a second launch asked for it)."""
        if self.isMinimized():
            self.setWindowState(self.windowState() & ~Qt.WindowState.WindowMinimized)
        self.show()
        self.raise_()
        self.activateWindow()

    @staticmethod
    def _dropped_file(event: QDropEvent | QDragEnterEvent | QDragMoveEvent) -> Path | None:
        mime = event.mimeData()
        if mime is None or not mime.hasUrls():
            return None
        return next((Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()), None)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_file(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    dragMoveEvent = dragEnterEvent  # type: ignore[assignment]

    def dropEvent(self, event: QDropEvent) -> None:
        path = self._dropped_file(event)
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.open_file(path)

    # provided by the window
    def open_file(self, path: str | Path, *, remember: bool = True) -> None:
        raise NotImplementedError

    def set_status(self, text: str) -> None:
        raise NotImplementedError

    def show_error(self, title: str, text: str) -> None:
        raise NotImplementedError
