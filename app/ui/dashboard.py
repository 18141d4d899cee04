"""The dashboard: the tutorial's step 1 — cards and charts of the whole archive.

Cards: Apdex (overall with its band, per action type), sessions and users, user actions,
JavaScript errors, conversion. Charts over time (UTC): Apdex, JavaScript errors per minute,
user actions per minute stacked by Load / XHR / Custom, conversion rate; releases of the
manifest are marked on every chart.

It observes the shared :class:`~app.state.selection.Selection` (the window's filter bar
writes to it too) and asks the store; dragging across any chart selects that time range for
every view (a click clears it). Aggregates come
from the store in one query each; definitions (Apdex, bands) from ``app.analysis``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGridLayout, QVBoxLayout, QWidget

from app.analysis.apdex import ApdexThresholds, apdex_score
from app.analysis.problems import Problem, detect_problems
from app.archive.model import ms_from_iso
from app.state.navigation import Destination
from app.state.open_archive import ArchiveState
from app.store.filters import SessionFilter
from app.store.queries import apdex as apdex_queries
from app.store.queries import goals as goal_queries
from app.store.queries import overview as overview_queries
from app.store.queries.apdex import ApdexTally
from app.store.queries.overview import Bucket, Overview
from app.store.store import SessionStore
from app.ui.archive_screen import ArchiveScreen, ScreenModels
from app.ui.charts import (
    APDEX_SHADES,
    BAND_COLOURS,
    CONVERSION_BUCKETS,
    CONVERSION_COLOUR,
    ERROR_COLOUR,
    RELEASE_COLOUR,
    TYPE_COLOURS,
    TYPE_NAMES,
    RangeViewBox,
    ReleaseAxis,
    bar_width,
    bucket_width,
    curve,
    rate_scale,
    shown_span,
    time_label,
    time_plot,
    title_legend,
    x_range,
    y_range,
)
from app.ui.dashboard_cards import DashboardCards
from app.ui.dashboard_links import bucket_at, card_destination, chart_destination
from app.ui.theme import restyle_plots, style_plot

SOURCE = "dashboard"
APDEX_TOP = 1.04
"""The Apdex chart's top: above 1.0, so a perfect bucket's point and line are drawn whole."""


@dataclass(frozen=True)
class _Figures:
    """What one refresh of the dashboard queried (on the background worker)."""

    archive: tuple[int, int]
    shown: Overview
    span: int
    width: int
    buckets: list[Bucket]
    daily_width: int
    daily: list[tuple[int, int, int]]
    tallies: dict[str, ApdexTally]
    completions: dict[str, int]


@dataclass
class Chart:
    plot: pg.PlotWidget
    box: RangeViewBox
    region: pg.LinearRegionItem
    items: list[Any]


class Dashboard(ArchiveScreen):
    """Cards, time charts and the filter bar over the open archive."""

    refreshed = Signal()
    define_goals_requested = Signal()
    """The conversion card's "Define a goal…" link (the window opens its goals dialog)."""

    def __init__(self, models: ScreenModels, parent: QWidget | None = None) -> None:
        super().__init__(models, parent)
        self._refresh_number = 0  # the latest refresh; an older one's second half is dropped
        self.thresholds = ApdexThresholds()
        self.goals: list[dict[str, Any]] = []
        self.releases: list[tuple[int, str]] = []
        self.last_buckets: list[Bucket] = []

        self.card_row = DashboardCards()
        self.cards = self.card_row.cards
        self.card_row.clicked.connect(lambda name: self.navigate(self.card_destination(name)))
        self.card_row.define_goals_requested.connect(self.define_goals_requested)

        self.charts = {
            "apdex": self._chart("Apdex", "Apdex (0–1)"),
            "errors": self._chart("JavaScript errors", "errors / min"),
            "actions": self._chart(
                f"User actions by type{title_legend(TYPE_COLOURS, TYPE_NAMES)}", "actions / min"
            ),
            "conversion": self._chart("Conversion rate", "% converting"),
        }
        grid = QGridLayout()
        grid.setSpacing(10)
        for index, chart in enumerate(self.charts.values()):
            grid.addWidget(chart.plot, index // 2, index % 2)
        for name in ("errors", "actions", "conversion"):
            self.charts[name].plot.setXLink(self.charts["apdex"].plot)
        for name, chart in self.charts.items():
            chart.box.clicked.connect(lambda at_s, name=name: self._chart_clicked(name, at_s))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(10)
        layout.addWidget(self.card_row)
        layout.addLayout(grid, 1)

    # ---------------------------------------------------------------- building

    def changeEvent(self, event: QEvent) -> None:
        """Charts are drawn in palette colours: restyle them when light/dark changes."""
        if event.type() == QEvent.Type.PaletteChange:
            restyle_plots(self)
        super().changeEvent(event)

    def _chart(self, title: str, unit: str) -> Chart:
        box = RangeViewBox()
        box.setMouseEnabled(x=True, y=False)
        plot = time_plot(unit, box, releases=True)
        plot.setTitle(title, size="11pt")
        plot.setMinimumHeight(200)
        style_plot(plot, self.palette())  # again: the title too
        region = pg.LinearRegionItem(
            movable=False, brush=pg.mkBrush(103, 65, 217, 40), pen=pg.mkPen("#6741d9")
        )
        region.setZValue(-5)
        region.hide()
        plot.addItem(region, ignoreBounds=True)
        box.range_dragged.connect(self._dragged)
        return Chart(plot, box, region, [])

    # ---------------------------------------------------------------- links

    @property
    def top_problem(self) -> str | None:
        return self.card_row.top_problem

    def card_destination(self, card: str) -> Destination:
        return card_destination(card, self.top_problem)

    def _chart_clicked(self, chart: str, at_s: float) -> None:
        """A bar or point: its time bucket becomes the range and the view explaining it
        opens; a click where nothing is drawn clears the range."""
        daily = chart == "conversion"
        buckets = self.last_daily if daily else self.last_buckets
        bucket = bucket_at(buckets, self._daily_ms if daily else self._bucket_ms, at_s * 1000)
        if bucket is None:
            self.selection.clear_range(SOURCE)
        else:
            self.selection.set_range(*bucket, SOURCE)
            self.navigate(chart_destination(chart))

    _bucket_ms = _daily_ms = 1
    last_daily: Sequence[tuple[int, int, int]] = ()

    # ---------------------------------------------------------------- data

    def archive_opened(self, state: ArchiveState) -> None:
        """Show the new archive: its thresholds, goals and releases, charts held until
        filled (they paint one by one, see :meth:`hold_charts`)."""
        manifest = state.info.get("manifest") or {}
        self.thresholds = state.thresholds
        self.goals = state.goals
        self.releases = []
        for release in manifest.get("releases") or [] if isinstance(manifest, dict) else []:
            try:
                self.releases.append((ms_from_iso(str(release["at"])), str(release["version"])))
            except (KeyError, TypeError, ValueError):
                continue
        self.hold_charts()
        self.refresh()

    def archive_changed(self, state: ArchiveState) -> None:
        self.thresholds, self.goals = state.thresholds, state.goals
        self.refresh()

    def archive_closed(self) -> None:
        self._refresh_number += 1  # the running refresh's later steps are dropped
        self.card_row.clear()
        self.hold_charts()  # emptied without painting: the next archive usually follows at once
        for chart in self.charts.values():
            self._reset(chart)
        self.last_buckets = []
        QTimer.singleShot(0, self, lambda: self.release_charts() if self.state is None else None)

    def selection_changed(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Query the selection off the GUI thread, then show it over several turns."""
        if self.store is None:
            return
        f = self.selection.filter
        thresholds = self.thresholds.by_type
        goals = list(self.goals)
        self._refresh_number += 1
        number = self._refresh_number

        def query(store: SessionStore) -> _Figures | None:  # on a worker
            con = store.cursor()
            archive = overview_queries.time_span(con)
            span_shown = shown_span(archive, f)
            if span_shown is None:
                return None
            first, last = span_shown
            span = max(1, last - first)
            width = bucket_width(span)
            daily_width = bucket_width(span, CONVERSION_BUCKETS)
            return _Figures(
                archive or span_shown,
                overview_queries.summary(con, f),
                span,
                width,
                overview_queries.timeseries(con, f, width, thresholds),
                daily_width,
                goal_queries.rate_series(con, f, goals[0], daily_width) if goals else [],
                apdex_queries.by_type(con, f, thresholds),
                goal_queries.completions(con, f, goals),
            )

        def show(figures: _Figures | None) -> None:
            if figures is not None and number == self._refresh_number:
                self._show(number, f, figures)
            elif figures is None:
                self.release_charts()  # nothing to draw: show them as they are

        self.query(query, show)

    def hold_charts(self) -> None:
        """Keep the charts from painting until the next refresh lets them, one per turn.

        Why: when the window first shows the dashboard of a new archive, four charts painting
        their axes at once kept the window from answering for a few hundred milliseconds on
        a slow machine; the refresh lets each paint in a turn of its own (see ``_show``).
        """
        for chart in self.charts.values():
            chart.plot.setUpdatesEnabled(False)

    def release_charts(self) -> None:
        for chart in self.charts.values():
            chart.plot.setUpdatesEnabled(True)

    def _show(self, number: int, f: SessionFilter, fig: _Figures) -> None:
        """Cards now; the charts, then problem detection, on the next turns of the event loop:
        no part keeps the window from answering for long."""
        self.last_buckets, self._bucket_ms = fig.buckets, fig.width
        self.last_daily, self._daily_ms = fig.daily, fig.daily_width
        self.card_row.fill(fig.shown, fig.tallies, fig.span, fig.completions, self.goals)
        charts = [chart.plot for chart in self.charts.values()]

        # The charts share their time axis, so any change repaints all four at once (a few
        # hundred ms of axis painting on a slow machine): they are held, filled one per
        # turn, then let paint one per turn.
        whole = x_range(fig.archive, [b.start_ms for b in fig.buckets], fig.width)
        fills: list[Callable[[], object]] = [
            lambda: self._draw_apdex(fig.buckets, fig.width),
            lambda: self._draw_errors(fig.buckets, fig.width),
            lambda: self._draw_actions(fig.buckets, fig.width),
            lambda: self._draw_conversion(fig.daily, fig.daily_width),
            lambda: (
                self._show_range(f),
                self.charts["apdex"].plot.setXRange(*whole, padding=0.01),
            ),
        ]

        def current(step: Callable[[], object]) -> Callable[[], object]:
            # a newer refresh makes the rest of this one moot
            return lambda: step() if number == self._refresh_number else None

        def reveal(chart: pg.PlotWidget) -> Callable[[], object]:
            # Not skipped by a newer refresh: a chart must never stay frozen. Painted now,
            # alone: left to the next paint event, charts revealed in consecutive turns
            # would be painted together.
            def step() -> None:
                chart.setUpdatesEnabled(True)
                if chart.isVisible():
                    chart.repaint()

            return step

        thresholds = self.thresholds

        def show_problems(found: list[Problem]) -> None:
            if number == self._refresh_number:
                self.card_row.fill_problems(found)
                self.refreshed.emit()

        self.in_turns(
            current(self.hold_charts),
            *(current(step) for step in fills),
            *(reveal(chart) for chart in charts),
            # the costliest query set, off the GUI thread, once the charts are shown
            current(lambda: self.query(lambda s: detect_problems(s, f, thresholds), show_problems)),
        )

    # ---------------------------------------------------------------- charts

    def _reset(self, chart: Chart) -> None:
        for item in chart.items:
            chart.plot.removeItem(item)
        chart.items = []

    def _add(self, chart: Chart, item: Any) -> None:
        chart.plot.addItem(item)
        chart.items.append(item)

    def _release_lines(self, chart: Chart) -> None:
        """A dashed line at each release; its name is on the axis above the chart
        (:class:`ReleaseAxis`), where it covers no point or bar."""
        axis = chart.plot.getAxis("top")
        assert isinstance(axis, ReleaseAxis)
        axis.set_releases(self.releases)
        chart.plot.showAxis("top", bool(self.releases))
        for at, _version in self.releases:
            line = pg.InfiniteLine(
                pos=at / 1000,
                angle=90,
                pen=pg.mkPen(RELEASE_COLOUR, width=1.5, style=Qt.PenStyle.DashLine),
            )
            self._add(chart, line)

    def _curve(self, chart: Chart, xs: np.ndarray, ys: np.ndarray, colour: str, size: int) -> None:
        line = curve(xs, ys, colour, size)
        if line is not None:
            self._add(chart, line)

    def _draw_apdex(self, buckets: Sequence[Bucket], width: int) -> None:
        chart = self.charts["apdex"]
        self._reset(chart)
        for floor, top, band in APDEX_SHADES:
            colour = QColor(BAND_COLOURS[band])
            colour.setAlpha(22)
            shade = pg.LinearRegionItem(
                values=(floor, top), orientation="horizontal", movable=False, brush=colour,
                pen=pg.mkPen(None),
            )  # fmt: skip
            shade.setZValue(-10)
            self._add(chart, shade)
        xs = np.array([(b.start_ms + width / 2) / 1000 for b in buckets])
        ys = np.array([apdex_score(b.apdex) if b.apdex.total else np.nan for b in buckets])
        self._curve(chart, xs, ys, "#1c7ed6", 5)
        lowest = float(np.nanmin(ys)) if np.isfinite(ys).any() else 0.0
        # room above 1.0 for a point's marker and the line's width: a perfect score is drawn whole
        chart.plot.setYRange(max(0.0, min(0.8, lowest - 0.05)), APDEX_TOP, padding=0)
        chart.plot.setLabel("bottom", time_label(width))
        self._release_lines(chart)

    @staticmethod
    def _bars(
        chart: Chart, buckets: Sequence[Bucket], width: int, what: str
    ) -> tuple[np.ndarray, float]:
        """The bars' centres and what divides a count into the rate shown; the left axis
        names the rate, the bottom one the bucket width."""
        scale, unit = rate_scale(width, what)
        chart.plot.setLabel("left", unit)
        chart.plot.setLabel("bottom", time_label(width))
        return np.array([(b.start_ms + width / 2) / 1000 for b in buckets]), scale

    def _draw_errors(self, buckets: Sequence[Bucket], width: int) -> None:
        chart = self.charts["errors"]
        self._reset(chart)
        xs, scale = self._bars(chart, buckets, width, "errors")
        heights = np.array([b.errors / scale for b in buckets])
        bars = pg.BarGraphItem(
            x=xs, height=heights, width=bar_width(width), brush=ERROR_COLOUR, pen=None
        )
        self._add(chart, bars)
        y_range(chart.plot, float(heights.max(initial=0)))
        self._release_lines(chart)

    def _draw_actions(self, buckets: Sequence[Bucket], width: int) -> None:
        chart = self.charts["actions"]
        self._reset(chart)
        xs, scale = self._bars(chart, buckets, width, "actions")
        base = np.zeros(len(buckets))
        for kind in ("load", "xhr", "custom"):
            heights = np.array([b.actions[kind] / scale for b in buckets])
            bars = pg.BarGraphItem(
                x=xs, y0=base.copy(), height=heights, width=bar_width(width),
                brush=TYPE_COLOURS[kind], pen=None,
            )  # fmt: skip
            self._add(chart, bars)
            base = base + heights
        y_range(chart.plot, float(base.max(initial=0)))
        self._release_lines(chart)

    def _draw_conversion(self, buckets: Sequence[tuple[int, int, int]], width: int) -> None:
        """The first goal's conversion rate per bucket of session starts."""
        chart = self.charts["conversion"]
        self._reset(chart)
        chart.plot.setTitle(
            "Conversion rate" if self.goals else "Conversion rate — no goal defined", size="11pt"
        )
        xs = np.array([(start + width / 2) / 1000 for start, _n, _done in buckets])
        ys = np.array([100 * done / n if n else np.nan for _start, n, done in buckets])
        self._curve(chart, xs, ys, CONVERSION_COLOUR, 6)
        chart.plot.setLabel("bottom", time_label(width))
        highest = float(np.nanmax(ys)) if np.isfinite(ys).any() else 0.0
        y_range(chart.plot, highest, least=50.0)
        self._release_lines(chart)

    # ---------------------------------------------------------------- range selection

    def _dragged(self, start_s: float, end_s: float, finished: bool) -> None:
        for chart in self.charts.values():
            chart.region.setRegion((start_s, end_s))
            chart.region.show()
        if finished and end_s > start_s:
            self.selection.set_range(round(start_s * 1000), round(end_s * 1000), SOURCE)

    def _show_range(self, f: SessionFilter) -> None:
        for chart in self.charts.values():
            if f.start_ms is not None and f.end_ms is not None:
                chart.region.setRegion((f.start_ms / 1000, f.end_ms / 1000))
                chart.region.show()
            else:
                chart.region.hide()
