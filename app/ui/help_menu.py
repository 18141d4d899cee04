"""The window's furniture that knows nothing of archives: Help, View › Appearance, the
empty page shown before anything is open."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QUrl
from PySide6.QtGui import QAction, QActionGroup, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.logs import default_state_dir
from app.state.settings import APP_NAME
from app.ui.theme import Appearance, apply_appearance, saved_appearance
from app.ui.versions import about_html, component_versions

APPEARANCE_LABELS = {
    Appearance.SYSTEM: "Follow the &System",
    Appearance.LIGHT: "&Light",
    Appearance.DARK: "&Dark",
}


class HelpMenu(QObject):
    """Help › Keyboard Shortcuts (F1) and About (with a copy of every version)."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.menu = QMenu("&Help", window)
        self.shortcuts_action = QAction("&Keyboard Shortcuts", self)
        self.shortcuts_action.setShortcut(QKeySequence("F1"))
        self.shortcuts_action.triggered.connect(self.show_shortcuts)
        self.menu.addAction(self.shortcuts_action)
        self.log_action = QAction("Show &Log File", self)
        self.log_action.setToolTip("The folder of the log to attach to a bug report")
        self.log_action.triggered.connect(self.show_log)
        self.menu.addAction(self.log_action)
        self.menu.addSeparator()
        about = QAction(f"&About {APP_NAME}", self)
        about.setMenuRole(QAction.MenuRole.AboutRole)
        about.triggered.connect(self.show_about)
        self.menu.addAction(about)

    def show_about(self) -> None:
        box = QMessageBox(self.window)
        box.setWindowTitle(f"About {APP_NAME}")
        box.setIconPixmap(self.window.windowIcon().pixmap(64, 64))
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(about_html())
        copy = box.addButton("Copy Versions", QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Close)
        box.exec()
        if box.clickedButton() is copy:
            QGuiApplication.clipboard().setText(
                "\n".join(f"{k}: {v}" for k, v in component_versions().items())
            )

    def show_log(self) -> None:
        """Open the folder of the log file (what went wrong, with tracebacks)."""
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(default_state_dir())))

    def show_shortcuts(self) -> None:
        from app.ui.shortcuts_dialog import ShortcutsDialog

        ShortcutsDialog(self.window.menuBar(), self.window).exec()


class AppearanceMenu(QObject):
    """View › Appearance: follow the system's light/dark palette, or force one."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.menu = QMenu("&Appearance", parent)
        self.actions: dict[Appearance, QAction] = {}
        group = QActionGroup(self)
        current = saved_appearance()
        for choice, label in APPEARANCE_LABELS.items():
            action = QAction(label, self, checkable=True)
            action.setChecked(choice is current)
            action.triggered.connect(lambda _c=False, c=choice: apply_appearance(c))
            group.addAction(action)
            self.menu.addAction(action)
            self.actions[choice] = action


class EmptyPage(QWidget):
    """What the window shows with no archive open: a hint (or what is being opened)."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(text)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        font = self.label.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.label.setFont(font)
        self.label.setEnabled(False)  # greyed: a hint, not content
        self.open_button = QPushButton("Open File…")
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.label)
        layout.addSpacing(12)
        layout.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)

    def show_text(self, text: str, *, offer_open: bool) -> None:
        self.label.setText(text)
        self.open_button.setVisible(offer_open)
