"""The Compare tab: a failed session and one that went right, side by side, on one cursor.

Layout: the two replays (left the session being investigated, right the one it is compared
with), each above its own timeline with the first divergence marked; under them the
transport controls of the pair and the aligned steps. The pair has one time cursor (the
left session's): the right replay follows it through the alignment (see
:mod:`app.state.paired_time`), so selecting a step shows both sessions at that step, and
playing plays both, each at its own pace between aligned steps. On open the first
divergence is selected, so both players start where the sessions part ways.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.compare.model import AlignedStep
from app.state.paired_time import PairedCursors, TimeMap
from app.state.tasks import TaskRunner
from app.state.time_cursor import TimeCursor
from app.store.findings import TITLE_LENGTH
from app.store.store import SessionStore
from app.ui.aligned_steps import DIVERGENCE_MARK, AlignedStepsView, step_text
from app.ui.compared_pair import ComparedPair
from app.ui.compared_replay import ComparedReplay, side_markers
from app.ui.layout_memory import remember_splitter
from app.ui.replay_controls import ReplayControls
from app.ui.rich_text import escape

SOURCE = "compare-steps"


def anchors(steps: list[AlignedStep]) -> list[tuple[int, int]]:
    """(left ms, right ms) of every matched step: the moments that mean the same."""
    return [(s.a.ts_ms, s.b.ts_ms) for s in steps if s.a is not None and s.b is not None]


def step_times(step: AlignedStep, time_map: TimeMap) -> tuple[int, int]:
    """Where each side should be for ``step``: its own time where it has the step, the
    other side's time through the map where it has not."""
    if step.a is not None and step.b is not None:
        return step.a.ts_ms, step.b.ts_ms
    if step.a is not None:
        return step.a.ts_ms, time_map.to_b(step.a.ts_ms)
    assert step.b is not None
    return time_map.to_a(step.b.ts_ms), step.b.ts_ms


class CompareScreen(QWidget):
    """Two replays and their aligned steps; :meth:`show_pair` fills it."""

    pair_shown = Signal(str, str)
    """(session id, other session id) — a comparison is shown."""
    finding_requested = Signal(str, object, str, str)  # (ms overflow a Qt int)
    """(failed session id, epoch ms, suggested title, other session id) — mark the divergence
    as a finding that carries this comparison."""

    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pair: ComparedPair | None = None
        self.cursor = TimeCursor(self)  # the pair's one cursor: the left session's time
        self.right_cursor = TimeCursor(self)  # moved by `paired` only
        self.paired = PairedCursors(self.cursor, self.right_cursor, self)
        self.left = ComparedReplay(tasks, self.cursor)
        self.right = ComparedReplay(tasks, self.right_cursor)
        self.paired.pace_changed.connect(self.right.view.bridge.speed_requested)
        self.setFocusProxy(self.left.view)
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.heading.setWordWrap(True)
        self.controls = ReplayControls(self.cursor)
        self.controls.skip.hide()  # skipping idle time on one side only would break the map
        self.controls.window.hide()
        self.controls.assets.hide()
        self.divergence_button = QPushButton(f"{DIVERGENCE_MARK} First divergence")
        self.divergence_button.setToolTip("Both replays at the step where the sessions part ways")
        self.divergence_button.clicked.connect(self.go_to_divergence)
        self.finding_button = QPushButton("Add Finding with This Comparison…")
        self.finding_button.setToolTip(
            "A finding on the failed session at the divergence that remembers the other session"
            " (its report shows both step lists aligned) — B"
        )
        self.finding_button.clicked.connect(self.request_finding)
        QShortcut(QKeySequence("B"), self, self.request_finding,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)  # fmt: skip
        self.steps = AlignedStepsView()
        self.steps.step_chosen.connect(self.go_to_step)

        sides = QSplitter(Qt.Orientation.Horizontal)
        sides.addWidget(self.left)
        sides.addWidget(self.right)
        sides.setSizes([640, 640])
        remember_splitter(sides, "compare-sides")
        transport = QHBoxLayout()
        transport.setContentsMargins(0, 0, 0, 0)
        transport.addWidget(self.controls, 1)
        transport.addWidget(self.divergence_button)
        transport.addWidget(self.finding_button)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(sides, 1)
        top_layout.addLayout(transport)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(self.steps)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([620, 240])
        remember_splitter(splitter, "compare")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.heading)
        layout.addWidget(splitter, 1)
        QShortcut(
            QKeySequence("Space"), self, self.cursor.toggle_playing,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )  # fmt: skip

    # ---- showing a pair ------------------------------------------------------------------
    def show_pair(self, store: SessionStore, pair: ComparedPair) -> None:
        """Both sessions in their players, the aligned steps listed, the first divergence
        selected (both players seek there once loaded)."""
        self.cursor.set_playing(False)
        self.pair = pair
        comparison = pair.comparison
        steps, first = comparison.steps, comparison.first_divergence
        self.paired.set_map(TimeMap(anchors(steps)))
        divergence = steps[first] if first is not None and 0 <= first < len(steps) else None
        a_ms, b_ms = step_times(divergence, self.paired.map) if divergence else (None, None)
        label = f"First divergence: {step_text(divergence.a or divergence.b)}" if divergence else ""
        self.left.show_session(
            store, pair.left, "<b>Failed session</b>", side_markers(pair.left, a_ms, label)
        )
        self.right.show_session(
            store, pair.right, "<b>Compared with</b>", side_markers(pair.right, b_ms, label)
        )
        self.controls.set_marks(
            sorted(a_ms for a_ms, _ in (step_times(s, self.paired.map) for s in steps)),
            [e.ts_ms for e in pair.left.errors],
        )
        self.steps.set_steps(steps, first, pair.left.start_ms, pair.right.start_ms)
        self.heading.setText(self._heading(pair))
        self.divergence_button.setEnabled(divergence is not None)
        self.finding_button.setEnabled(True)
        if divergence is not None:
            self.steps.select_step(first)  # seeks both
        self.pair_shown.emit(pair.left.session_id, pair.right.session_id)

    def _heading(self, pair: ComparedPair) -> str:
        c = pair.comparison
        matched = sum(1 for s in c.steps if s.matched)
        candidate = next((x for x in c.candidates if x.session_id == pair.right.session_id), None)
        why = f" — {escape(candidate.why)}" if candidate and candidate.why else ""
        if c.first_divergence is None:
            where = "no divergence found: the two sessions took the same steps"
        else:
            step = c.steps[c.first_divergence]
            where = (
                f"first divergence at step {c.first_divergence + 1}: "
                f"<b>{escape(step_text(step.a or step.b))}</b>"
            )
        return (
            f"{escape(pair.left.user_id or 'Anonymous user')} ({escape(pair.left.session_id)}) "
            f"against {escape(pair.right.user_id or 'an anonymous user')} "
            f"({escape(pair.right.session_id)}){why} · {matched} of {len(c.steps)} steps "
            f"matched · {where}"
        )

    def current_pair(self) -> tuple[str, str] | None:
        """The ids of the two sessions shown (None when none are)."""
        if self.pair is None:
            return None
        return self.pair.left.session_id, self.pair.right.session_id

    def request_finding(self) -> None:
        """Ask for a finding at the first divergence (at the failed session's step there, or
        its current time when the sessions never part ways), titled after that step and its
        first difference."""
        if self.pair is None:
            return
        c = self.pair.comparison
        step = c.steps[c.first_divergence] if c.first_divergence is not None else None
        at = step.a.ts_ms if step is not None and step.a is not None else self.cursor.time()
        title = f"Compared with {self.pair.right.session_id}"
        if step is not None:
            named = step.a or step.b
            title = f"{named.name if named else 'a step'} diverges"
            if step.differences:
                title += f": {step.differences[0]}"
        self.finding_requested.emit(
            self.pair.left.session_id, int(at), title[:TITLE_LENGTH], self.pair.right.session_id
        )

    # ---- moving ----------------------------------------------------------------------------
    def go_to_step(self, index: int) -> None:
        """Both replays at aligned step ``index`` (each at its own time of that step)."""
        if self.pair is None or not 0 <= index < len(self.pair.comparison.steps):
            return
        self.cursor.set_playing(False)
        a_ms, b_ms = step_times(self.pair.comparison.steps[index], self.paired.map)
        self.paired.seek_pair(a_ms, b_ms, SOURCE)

    def go_to_divergence(self) -> None:
        first = self.pair.comparison.first_divergence if self.pair else None
        if first is not None:
            self.steps.select_step(first)
            self.go_to_step(first)  # again, when the row was already the selected one

    def close_pair(self) -> None:
        """Show nothing (the archive both sessions belonged to has gone)."""
        if self.pair is None:
            return
        self.pair = None
        self.left.clear()
        self.right.clear()
        self.steps.set_steps([], None, 0, 0)
        self.finding_button.setEnabled(False)
        self.heading.setText(
            "No comparison: the archive it belonged to was closed — choose "
            "“Compare with a successful session…” on a session to compare again"
        )

    def shutdown(self) -> None:
        self.left.shutdown()
        self.right.shutdown()
