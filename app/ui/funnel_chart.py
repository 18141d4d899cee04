"""The funnel as bars: per step, the share of the selected sessions that reached it.

Why shares and not counts: compared funnels (release 2.4.3 against 2.5.0) have different
numbers of sessions; drawn as the share of each side's selection, the bars of one step
stand side by side on one scale, and the step where one side falls away shows at a glance.
Each bar is labelled with its count and the conversion from the previous step; a step
whose conversion differs significantly between the sides is marked with a star.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from app.analysis.funnels import StepDifference
from app.store.queries.funnels import Funnel
from app.ui.theme import colour_hex, style_plot

A_COLOUR = "#1c7ed6"
B_COLOUR = "#f08c00"


class FunnelChart(pg.PlotWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMenuEnabled(False)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.setLabel("left", "% of selected sessions")
        self.getPlotItem().showGrid(y=True, alpha=0.25)
        self.setMinimumHeight(220)
        style_plot(self)
        self.labels: list[str] = []
        """Each bar's label, in drawing order (what a test reads)."""

    def show_funnels(
        self, a: Funnel, b: Funnel | None, differences: list[StepDifference] | None = None
    ) -> None:
        self.clear()
        self.labels = []
        sides = [(a, A_COLOUR, 0.0)] if b is None else [(a, A_COLOUR, -0.2), (b, B_COLOUR, 0.2)]
        width = 0.6 if b is None else 0.38
        for funnel, colour, offset in sides:
            base = funnel.selected or 1
            xs = [index + offset for index in range(len(funnel.steps))]
            heights = [100 * step.sessions / base for step in funnel.steps]
            self.addItem(pg.BarGraphItem(x=xs, height=heights, width=width, brush=colour, pen=None))
            for x, height, step in zip(xs, heights, funnel.steps, strict=True):
                label = f"{step.sessions}\n{step.conversion_from_previous:.0%}"
                self.labels.append(label)
                text = pg.TextItem(label, anchor=(0.5, 1.0), color=colour_hex("muted"))
                text.setPos(x, height)
                self.addItem(text)
        for index, difference in enumerate(differences or []):
            if difference.significant:
                star = pg.TextItem("★ significant", anchor=(0.5, 0.5), color=colour_hex("error"))
                star.setPos(index, 112)
                self.addItem(star)
                self.labels.append(f"★ step {index + 1}")
        axis = self.getAxis("bottom")
        axis.setTicks([[(i, f"{i + 1}. {s.step.value}"[:32]) for i, s in enumerate(a.steps)], []])
        self.setXRange(-0.6, len(a.steps) - 0.4, padding=0)
        self.setYRange(0, 118, padding=0)
