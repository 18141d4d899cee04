"""Conversion goals: the manifest's, plus goals the user defines, saved per archive.

Kinds follow Dynatrace (see ``resources/format/README.md``): a destination (URL or path),
a user action (by name or page, optionally of one type), a visit duration, or a number of
actions. The manifest's goals are shown but cannot be removed; the user's are saved in the
settings under the archive's content key.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.state.settings import GOAL_KINDS

KINDS = GOAL_KINDS


def describe(goal: dict[str, Any]) -> str:
    kind = goal.get("type")
    if kind == "destination":
        return f"page {goal.get('match_type', 'begins')} “{goal.get('url_or_path', '')}”"
    if kind == "user_action":
        what = "page" if goal.get("match_entity") == "page_url" else "action name"
        of = f" ({goal['action_type']})" if goal.get("action_type") else ""
        return f"{what}{of} {goal.get('match_type', 'contains')} “{goal.get('value', '')}”"
    if kind == "visit_duration":
        return f"visit of at least {int(goal.get('duration_ms', 0)) // 1000} s"
    return f"at least {goal.get('num_actions', 0)} actions"


class GoalsDialog(QDialog):
    def __init__(
        self,
        manifest_goals: list[dict[str, Any]],
        own_goals: list[dict[str, Any]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Conversion goals")
        self.manifest_goals = manifest_goals
        self.own_goals = list(own_goals)
        self.list = QListWidget()
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self._remove)

        self.name = QLineEdit()
        self.kind = QComboBox()
        for key, label in KINDS.items():
            self.kind.addItem(label, key)
        self.value = QLineEdit()
        self.value.setPlaceholderText("/checkout/thank-you, click on 'Subscribe', …")
        self.match = QComboBox()
        self.match.addItems(["begins", "contains", "ends", "equals"])
        self.entity = QComboBox()
        self.entity.addItem("action name", "action_name")
        self.entity.addItem("page URL", "page_url")
        self.number = QSpinBox()
        self.number.setRange(1, 100_000)
        self.number.setValue(5)
        self.add_button = QPushButton("Add goal")
        self.add_button.clicked.connect(self._add)
        self.error = QLabel()
        self.error.setStyleSheet("color: #c92a2a")
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Kind", self.kind)
        form.addRow("URL, path or name", self.value)
        form.addRow("Match", self.match)
        form.addRow("A user action's", self.entity)
        form.addRow("Seconds or actions", self.number)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.error, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>Goals</b> (the archive's cannot be removed)"))
        layout.addWidget(self.list)
        layout.addWidget(self.remove_button)
        layout.addWidget(QLabel("<b>New goal</b>"))
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self._fill()

    def goals(self) -> list[dict[str, Any]]:
        return [*self.manifest_goals, *self.own_goals]

    def _fill(self) -> None:
        self.list.clear()
        for goal in self.goals():
            mine = goal in self.own_goals
            item = QListWidgetItem(
                f"{goal.get('name') or goal.get('id')} — {describe(goal)}"
                + ("" if mine else "  (archive)")
            )
            self.list.addItem(item)

    def _remove(self) -> None:
        row = self.list.currentRow() - len(self.manifest_goals)
        if 0 <= row < len(self.own_goals):
            del self.own_goals[row]
            self._fill()

    def _add(self) -> None:
        name = self.name.text().strip()
        kind = self.kind.currentData()
        value = self.value.text().strip()
        if not name:
            self.error.setText("Give the goal a name.")
            return
        if kind in ("destination", "user_action") and not value:
            self.error.setText("Say which page or action completes the goal.")
            return
        ident = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "goal"
        taken = {str(g.get("id")) for g in self.goals()}
        while ident in taken:
            ident += "-2"
        goal: dict[str, Any] = {"id": ident, "name": name, "type": kind}
        if kind == "destination":
            goal.update(url_or_path=value, match_type=self.match.currentText())
        elif kind == "user_action":
            goal.update(
                value=value,
                match_type=self.match.currentText(),
                match_entity=self.entity.currentData(),
            )
        elif kind == "visit_duration":
            goal["duration_ms"] = self.number.value() * 1000
        else:
            goal["num_actions"] = self.number.value()
        self.own_goals.append(goal)
        self.error.clear()
        self.name.clear()
        self.value.clear()
        self._fill()
