"""Help › Keyboard Shortcuts: every key the app answers to, read from the app itself.

Why read them rather than write a list: a hand-kept list drifts. The window's menu actions
are walked for their shortcuts, and the screens' own keys come from the tables those screens
bind from (:data:`app.ui.replay_screen.REPLAY_SHORTCUTS`, :data:`app.ui.sql_view.SQL_SHORTCUTS`).
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMenu,
    QMenuBar,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.replay_screen import REPLAY_SHORTCUTS
from app.ui.sql_view import SQL_SHORTCUTS


def menu_shortcuts(menu_bar: QMenuBar) -> list[tuple[str, str]]:
    """(shortcut, "Menu › Item") for every menu action that has a shortcut."""
    found: list[tuple[str, str]] = []

    def walk(menu: QMenu, path: str) -> None:
        for action in menu.actions():
            if action.menu() is not None:
                walk(action.menu(), f"{path} › {action.text().replace('&', '')}")
            elif not action.shortcut().isEmpty():
                keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
                found.append((keys, f"{path} › {action.text().replace('&', '').rstrip('…')}"))

    for top in menu_bar.actions():
        if isinstance(top, QAction) and top.menu() is not None:
            walk(top.menu(), top.text().replace("&", ""))
    return found


def shortcut_sections(menu_bar: QMenuBar) -> dict[str, list[tuple[str, str]]]:
    """The dialog's content: section title → (keys, what they do)."""
    native = QKeySequence.SequenceFormat.NativeText
    return {
        "Menus": menu_shortcuts(menu_bar),
        "Replay (when the player has the focus)": [
            (QKeySequence(k).toString(native), what) for k, what in REPLAY_SHORTCUTS.items()
        ],
        "SQL": [(QKeySequence(k).toString(native), what) for k, what in SQL_SHORTCUTS.items()],
    }


class ShortcutsDialog(QDialog):
    """A searchable-at-a-glance list of shortcuts, grouped by where they work."""

    def __init__(self, menu_bar: QMenuBar, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard Shortcuts")
        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Keys", "Action"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        for section, rows in shortcut_sections(menu_bar).items():
            head = QTreeWidgetItem(self.tree, [section])
            head.setFirstColumnSpanned(True)
            font = head.font(0)
            font.setBold(True)
            head.setFont(0, font)
            for keys, what in rows:
                QTreeWidgetItem(head, [keys, what])
            head.setExpanded(True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree)
        layout.addWidget(buttons)
        self.resize(520, 520)

    def rows(self) -> list[tuple[str, str]]:
        """Every (keys, action) listed, for tests."""
        result = []
        for i in range(self.tree.topLevelItemCount()):
            head = self.tree.topLevelItem(i)
            result += [
                (head.child(j).text(0), head.child(j).text(1)) for j in range(head.childCount())
            ]
        return result
