"""Funnels — how many sessions took the steps that matter, in order, and where the others left.

Top: the step editor (pages, actions and goals the archive offers) and the comparison: side
A is the filter bar's selection, narrowed by a choice (:mod:`app.analysis.funnel_sides`: a
release, before or after a release, a browser, system or country), and side B another
choice or none. Middle: the bars (share of each side's sessions reaching
each step; a star where the sides differ significantly — :mod:`app.analysis.funnels`). Below:
the steps table (sessions, users, conversion, median time, dropped) and, after a click on a
dropped count, the sessions that left there, each one click from its replay where it left.
Every query is a task (:meth:`ArchiveScreen.query`); the matching rule is in
:mod:`app.store.queries.funnels`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.analysis.funnel_sides import Side, sides_of
from app.analysis.funnels import StepDifference, compare_funnels, default_steps
from app.export.funnel_document import funnel_snapshot
from app.state.navigation import ShowReplay
from app.state.open_archive import ArchiveState
from app.store.filters import SessionFilter
from app.store.findings import Finding
from app.store.queries.funnels import (
    Funnel,
    FunnelStep,
    StepCount,
    dropped_after,
    funnel,
    step_choices,
)
from app.store.store import SessionStore
from app.ui.archive_screen import ArchiveScreen, ScreenModels
from app.ui.findings_panel import ask_and_save
from app.ui.funnel_chart import A_COLOUR, B_COLOUR, FunnelChart
from app.ui.funnel_dropped import DroppedSessionsTable
from app.ui.funnel_steps import FunnelStepsEditor
from app.ui.layout_memory import remember_splitter
from app.ui.session_table import format_duration
from app.ui.tables import read_only_table
from app.ui.theme import colour

COLUMNS = ["Step", "Sessions", "Users", "Conversion", "Median time", "Dropped",
           "B sessions", "B conversion", "Difference", "B dropped"]  # fmt: skip
DROPPED_A, DROPPED_B = 5, 9
LANE = "funnels"


@dataclass(frozen=True)
class Computed:
    steps: list[FunnelStep]
    a: Funnel
    b: Funnel | None
    differences: list[StepDifference] | None
    filters: tuple[SessionFilter, SessionFilter | None]


class FunnelScreen(ArchiveScreen):
    finding_dialog_opened = Signal(object)
    """(FindingDialog) — a finding with this funnel is being added (tests drive it)."""

    def __init__(self, models: ScreenModels, parent: QWidget | None = None) -> None:
        super().__init__(models, parent)
        self.computed: Computed | None = None
        self.dropped_at: tuple[str, int] | None = None  # (side, step index) listed
        self.sides: list[Side] = []
        self._number = 0  # of the latest computation: older answers are dropped
        self._stale = False  # something changed while the tab was hidden
        self.editor = FunnelStepsEditor()
        self.editor.changed.connect(self.refresh)
        self.side_a = QComboBox()
        self.side_b = QComboBox()
        for combo in (self.side_a, self.side_b):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.note = QLabel()
        self.note.setWordWrap(True)
        compare = QFormLayout()
        compare.addRow(QLabel(f"<b style='color:{A_COLOUR}'>■ A</b>"), self.side_a)
        compare.addRow(QLabel(f"<b style='color:{B_COLOUR}'>■ B</b>"), self.side_b)
        compare.addRow(self.note)
        top = QHBoxLayout()
        top.addWidget(self.editor, 3)
        box = QVBoxLayout()
        box.addWidget(QLabel("<b>Compare</b> (both narrow the filter bar's selection)"))
        box.addLayout(compare)
        box.addStretch(1)
        top.addLayout(box, 2)

        self.chart = FunnelChart()
        self.table = read_only_table(COLUMNS)
        self.table.setToolTip("Click a Dropped count to list the sessions that left there")
        self.table.cellClicked.connect(self._cell_clicked)
        self.dropped = DroppedSessionsTable()
        self.dropped.replay_requested.connect(
            lambda sid, at: self.navigate(ShowReplay.at_error(sid, at))
        )
        self.finding_button = QPushButton("Add Finding with This Funnel…")
        self.finding_button.setToolTip("A finding at the selected session's exit, with the funnel")
        self.finding_button.setEnabled(False)
        self.finding_button.clicked.connect(self.add_finding)
        self.dropped.table.itemSelectionChanged.connect(
            lambda: self.finding_button.setEnabled(self.dropped.current() is not None)
        )
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.dropped, 1)
        rl.addWidget(self.finding_button, 0, Qt.AlignmentFlag.AlignRight)
        lower = QSplitter()
        lower.addWidget(self.table)
        lower.addWidget(right)
        lower.setSizes([760, 520])
        remember_splitter(lower, "funnels")
        middle = QSplitter(Qt.Orientation.Vertical)
        middle.addWidget(self.chart)
        middle.addWidget(lower)
        middle.setSizes([300, 300])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(top)
        layout.addWidget(middle, 1)

    # ---- the archive ---------------------------------------------------------------------
    def archive_opened(self, state: ArchiveState) -> None:
        self.sides = sides_of(state.attribute_values, state.info.get("manifest"))
        for combo, first in ((self.side_a, None), (self.side_b, "no comparison")):
            combo.blockSignals(True)
            combo.clear()
            if first:
                combo.addItem(first)
            combo.addItems([side.label for side in self.sides])
            combo.blockSignals(False)
        goal_ids = [str(g.get("id")) for g in state.goals if g.get("id")]
        self.query(
            lambda store: step_choices(store.cursor(), SessionFilter()),
            lambda choices: self._offer(choices, goal_ids),
            lane=LANE,
        )

    def archive_changed(self, state: ArchiveState) -> None:
        self.refresh()  # goals changed: the same steps, matched again

    def archive_closed(self) -> None:
        self._number += 1
        self.computed = None
        self.editor.set_steps([], quiet=True)
        self.chart.clear()
        self.table.setRowCount(0)
        self.dropped.clear()

    def selection_changed(self) -> None:
        self.refresh()

    def _offer(self, choices: dict[str, list[str]], goal_ids: list[str]) -> None:
        goals = list(dict.fromkeys([*goal_ids, *choices["goal"]]))
        self.editor.set_choices({**choices, "goal": goals})
        if not self.editor.steps():
            self.editor.set_steps(default_steps(choices["page"], goals))

    # ---- computing -----------------------------------------------------------------------
    def side_filters(self) -> tuple[SessionFilter, SessionFilter | None]:
        base = self.selection.filter
        a_index, b_index = self.side_a.currentIndex(), self.side_b.currentIndex() - 1
        a = self.sides[a_index].narrow(base) if 0 <= a_index < len(self.sides) else base
        b = self.sides[b_index].narrow(base) if 0 <= b_index < len(self.sides) else None
        return a, b

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        """Match the steps again — at once when the tab is shown, else when it next is
        (a funnel over 10,000 sessions takes a quarter of a second; the filter bar changes
        while other tabs are shown need not pay it)."""
        self._number += 1
        number = self._number
        steps = self.editor.steps()
        self._stale = not self.isVisible()
        if self.state is None or not steps or self._stale:
            return
        goals, limit = list(self.state.goals), self.editor.limit_ms()
        fa, fb = self.side_filters()

        def work(store: SessionStore) -> Computed:
            a = funnel(store.cursor(), steps, fa, goals, limit)
            b = None if fb is None else funnel(store.cursor(), steps, fb, goals, limit)
            differences = None if b is None else compare_funnels(a, b)
            return Computed(steps, a, b, differences, (fa, fb))

        self.query(work, lambda result: self._show(number, result), lane=LANE)

    def _show(self, number: int, result: Computed) -> None:
        if number != self._number:
            return
        self.computed = result
        self.chart.show_funnels(result.a, result.b, result.differences)
        compared = result.b is not None
        for column in range(6, len(COLUMNS)):
            self.table.setColumnHidden(column, not compared)
        self.table.setRowCount(len(result.a.steps))
        for row, step in enumerate(result.a.steps):
            cells = [step.step.text, *self._figures(step)]
            if result.b is not None and result.differences is not None:
                other, difference = result.b.steps[row], result.differences[row]
                mark = " ★" if difference.significant else ""
                cells += [
                    str(other.sessions),
                    f"{other.conversion_from_previous:.1%}",
                    f"{difference.difference * 100:+.1f} pts{mark}",
                    str(other.dropped or ""),
                ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column in (DROPPED_A, DROPPED_B) and text:
                    item.setForeground(colour("load"))
                    item.setToolTip("Click: the sessions that left after this step")
                if column == 8 and "★" in text:
                    item.setForeground(colour("error"))
                    item.setToolTip("Significant at 95 % (two-proportion z-test)")
                self.table.setItem(row, column, item)
        self.note.setText(
            f"A: {result.a.selected} sessions"
            + (f" · B: {result.b.selected} sessions · ★ significant at 95 % "
               "(two-proportion z-test)" if result.b is not None else "")
        )  # fmt: skip
        self.dropped.clear()
        self.dropped_at = None

    @staticmethod
    def _figures(step: StepCount) -> list[str]:
        gap = step.median_ms_from_previous
        shown_gap = "" if gap is None else f"{gap / 1000:.1f} s" if gap < 60_000 else ""
        return [
            str(step.sessions),
            str(step.users),
            f"{step.conversion_from_previous:.1%}",
            shown_gap or (format_duration(gap) if gap is not None else ""),
            str(step.dropped or ""),
        ]

    # ---- drop-offs -----------------------------------------------------------------------
    def _cell_clicked(self, row: int, column: int) -> None:
        computed = self.computed
        if computed is None or column not in (DROPPED_A, DROPPED_B):
            return
        f = computed.filters[0] if column == DROPPED_A else computed.filters[1]
        if f is None:
            return
        self.show_dropped(row, side="A" if column == DROPPED_A else "B")

    def show_dropped(self, index: int, side: str = "A") -> None:
        """List the sessions of ``side`` that completed step ``index`` and not the next."""
        computed, number = self.computed, self._number
        if computed is None or self.state is None:
            return
        f = computed.filters[0 if side == "A" else 1]
        if f is None:
            return
        steps, goals, limit = computed.steps, list(self.state.goals), self.editor.limit_ms()
        title = f"{side}: dropped off after {index + 1}. {steps[index].text}"

        def work(store: SessionStore) -> list:
            return dropped_after(store.cursor(), steps, f, index, goals, limit)

        def then(sessions: list) -> None:
            if number == self._number:
                self.dropped_at = (side, index)
                self.dropped.set_sessions(title, sessions)

        self.query(work, then, lane=LANE)

    # ---- findings ------------------------------------------------------------------------
    def add_finding(self) -> None:
        """A finding at the selected dropped session's exit that carries the funnel shown."""
        computed, chosen, state = self.computed, self.dropped.current(), self.state
        if computed is None or chosen is None or state is None or self.dropped_at is None:
            return
        side, index = self.dropped_at
        labels = (self.side_a.currentText(), self.side_b.currentText())
        step = computed.steps[index].text
        snapshot = funnel_snapshot(
            computed.a, labels[0], computed.b, labels[1], computed.differences, step
        )
        finding = Finding(
            archive_key=state.content_key,
            archive_name=state.source_name,
            session_id=chosen.session_id,
            ts_ms=chosen.left_ms,
            title=f"Dropped off after {step} ({labels[0 if side == 'A' else 1]})",
            funnel=json.dumps(snapshot),
        )
        moment = datetime.fromtimestamp(chosen.left_ms / 1000, UTC)
        moment_text = moment.strftime("%Y-%m-%d %H:%M:%S UTC")
        ask_and_save(finding, moment_text, self, self.finding_dialog_opened.emit)
