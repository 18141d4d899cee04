"""The Maps tab (issue 21): a page's click map or scroll map over a frame its replay rendered,
under the filter bar's selection; every element one click from the sessions that clicked it.

Why nothing waits on the GUI thread: the counting is a task (a group-by over the clicks
anchored once per archive, :mod:`app.store.maps_index`, which a task builds when the tab is
first shown for the archive, on the lane the counting then waits on), and the frame is rendered by
:class:`~app.replay.map_frame_renderer.MapFrameRenderer` step by step from the event loop,
with a placeholder saying what it is doing meanwhile. A rendered frame is kept per page,
session and moment, so switching layer, heat or filter does not render it again unless the
frame's moment changes.
"""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from datetime import UTC, datetime

from PySide6.QtCore import QPoint, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QKeySequence,
    QPainter,
    QPen,
    QPixmap,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.export.click_map_document import click_map_snapshot
from app.maps import ClickMap, ElementClicks, HeatMode, ScrollMap, click_map, ranked, scroll_map
from app.maps.click_map import FRAME_LEAD_MS, anchored_clicks
from app.replay.map_frame_renderer import MapFrameRenderer
from app.replay.map_image import Layer, MapFrame, draw_map, legend_text
from app.state.navigation import ShowReplay
from app.state.open_archive import ArchiveState
from app.state.tasks import Task
from app.store.findings import Finding
from app.store.queries import maps as map_queries
from app.store.sidecar import SidecarCancelled
from app.store.store import SessionStore
from app.ui.archive_screen import ArchiveScreen, ScreenModels
from app.ui.findings_panel import ask_and_save
from app.ui.map_controls import HEATS, LAYERS, MapImage

REPLAY_LEAD_MS = 1_000
"""A session opens this long before its click on the element."""
LANE = "maps"
"""The lane of the anchoring build and of every count: a count waits for the build."""
FrameKey = tuple[str, str, int]
"""(page pattern, session, moment) of a rendered frame."""


class MapsScreen(ArchiveScreen):
    finding_dialog_opened = Signal(object)
    """(FindingDialog) — a finding with this map is being added (tests drive it)."""

    def __init__(self, models: ScreenModels, parent: QWidget | None = None) -> None:
        super().__init__(models, parent)
        self.clicks: ClickMap | None = None
        self.scrolls: ScrollMap | None = None
        self.frame: MapFrame | None = None
        self._counting = False  # a count asked for and not back yet
        self._anchored = False  # the open archive's clicks are anchored (or being anchored)
        self.frames: dict[FrameKey, tuple[MapFrame, frozenset[str]]] = {}
        """Rendered frames, and the selectors whose boxes each holds."""
        self.renders = 0
        """Frames rendered so far (a cached frame is not rendered again)."""
        self.renderer = MapFrameRenderer(self.tasks, parent=self)
        self.renderer.progressed.connect(self._render_progress)
        self.renderer.rendered.connect(self._rendered)
        self.renderer.failed.connect(self._render_failed)
        self._wanted: tuple[FrameKey, frozenset[str]] | None = None
        self.page_box = QComboBox()
        self.page_box.setEditable(True)
        self.page_box.setMinimumWidth(380)
        self.page_box.setToolTip("A URL pattern: a part of the URL, or a glob like */checkout")
        self.layer_box = QComboBox()
        for title, layer in LAYERS:
            self.layer_box.addItem(title, layer)
        self.heat_box = QComboBox()
        for title, heat in HEATS:
            self.heat_box.addItem(title, heat)
        self.heat_box.setToolTip(
            "What ranks and colours the elements: clicks plus 4× the clicks that went wrong"
            " (error, rage, dead) — where users got stuck — or the plain click count"
        )
        self.draw_button = QPushButton("Draw map")
        self.finding_button = QPushButton("Add Finding…")
        self.finding_button.setToolTip(
            "A finding at the chosen element's first click that keeps this map (page, filter,"
            " layer); its report shows the map — B"
        )
        self.finding_button.setEnabled(False)
        self.finding_button.clicked.connect(self.add_finding)
        QShortcut(QKeySequence("B"), self, self.add_finding,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)  # fmt: skip
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        bar = QHBoxLayout()
        for widget in (QLabel("Page:"), self.page_box, self.layer_box, self.heat_box):
            bar.addWidget(widget)
        bar.addWidget(self.draw_button)
        bar.addWidget(self.finding_button)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: a replay has no known length of loading
        self.progress.setMaximumWidth(160)
        self.progress.hide()
        bar.addWidget(self.progress)
        bar.addStretch(1)  # the summary has a line of its own: beside the bar it squeezed it
        self.legend = QLabel(legend_text("elements"))
        self.legend.setWordWrap(True)

        self.image = MapImage(lambda point: self.pick_at(point))
        scroller = QScrollArea()
        scroller.setWidget(self.image)
        scroller.setWidgetResizable(False)
        self.elements = QTableWidget(0, 6)
        self.elements.setHorizontalHeaderLabels(
            ["Element", "Heat", "Clicks", "Error", "Rage", "Dead"]
        )
        self.elements.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.elements.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.elements.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.elements.verticalHeader().hide()
        header = self.elements.horizontalHeader()  # the counts whole, the name what is left
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, 6):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.shown_elements: list[ElementClicks] = []
        self.sessions_title = QLabel("Sessions that clicked it (double-click: ▶ replay at it)")
        self.sessions_title.setToolTip("Right-click a session to draw the map over its page")
        self.sessions_list = QListWidget()
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.elements, 3)
        side_layout.addWidget(self.sessions_title)
        side_layout.addWidget(self.sessions_list, 2)
        splitter = QSplitter()
        splitter.addWidget(scroller)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([940, 420])
        self.scroller = scroller
        self.shown_scale = 1.0
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.legend)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)

        self.draw_button.clicked.connect(self.draw)
        self.page_box.lineEdit().returnPressed.connect(self.draw)
        self.page_box.activated.connect(lambda _index: self.draw())  # a page picked: its map
        self.layer_box.currentIndexChanged.connect(lambda _i: self._paint())
        self.heat_box.currentIndexChanged.connect(lambda _i: self._heat_changed())
        self.elements.itemSelectionChanged.connect(self._element_selected)
        self.sessions_list.itemActivated.connect(self._replay)
        self.sessions_list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.sessions_list.customContextMenuRequested.connect(self._sessions_menu)

    # ---- archive -------------------------------------------------------------------------
    def archive_opened(self, state: ArchiveState) -> None:
        flt = self.selection.filter
        self.query(lambda store: map_queries.pages_by_clicks(store.cursor(), flt), self._pages)
        self._anchored = False
        if self.isVisible():
            self._anchor()

    def _anchor(self) -> None:
        """Anchor the archive's clicks once, when the tab is first shown for it: every map is
        then a group-by. Not at open: the build (seconds of Python) would compete with the
        dashboard's first fill on a 2-core machine (it cost the cold launch → replay path 2 s).
        The build stops between batches of sessions when the archive closes."""
        if self._anchored or self.store is None:
            return
        self._anchored = True
        building: list[Task] = []

        def check_cancel() -> None:
            if building and building[0].cancelled:
                raise SidecarCancelled("the archive is closing")

        def build(store: SessionStore) -> object:
            return anchored_clicks(store, check_cancel=check_cancel)

        task = self.query(build, lambda _index: None, lambda _error: None, lane=LANE)
        if task is not None:
            building.append(task)

    def archive_closed(self) -> None:
        self.page_box.clear()
        self.renderer.release()
        self.frames.clear()
        self._clear()

    def shutdown(self) -> None:
        self.renderer.shutdown()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.renderer.view is None:  # once per window, just after the tab first shows
            QTimer.singleShot(0, self.renderer.prepare)
        self._anchor()  # before the first count: both on the maps lane, in this order
        self._draw_first()

    def _draw_first(self) -> None:
        """Arriving on the tab shows a map (the most clicked page's), not an empty panel."""
        if self.isVisible() and self.clicks is None and not self._counting:
            self._counting = True
            QTimer.singleShot(0, self.draw)

    def selection_changed(self) -> None:
        if self.clicks is not None:
            self.draw()

    def current_table(self) -> QTableWidget:
        return self.elements

    def _pages(self, pages: list[tuple[str, int]]) -> None:
        current = self.page_box.currentText()
        self.page_box.clear()
        for page, clicks in pages:
            path = "/" + page.split("://", 1)[-1].split("/", 1)[-1] if "://" in page else page
            self.page_box.addItem(f"{path}", path)
            self.page_box.setItemData(self.page_box.count() - 1, f"{clicks} clicks", 3)
        if current:
            self.page_box.setEditText(current)
        self._draw_first()

    def _clear(self) -> None:
        self.clicks = self.scrolls = self.frame = None
        self._wanted = None
        self._counting = False  # a count asked for and not back yet
        self.progress.hide()
        self.finding_button.setEnabled(False)
        self.image.clear()
        self.elements.setRowCount(0)
        self.sessions_list.clear()
        self.summary.clear()

    # ---- drawing -------------------------------------------------------------------------
    def draw(self) -> None:
        pattern = self.page_box.currentText().strip()
        self._counting = bool(pattern)
        if not pattern:
            return
        flt = self.selection.filter
        self.summary.setText(f"Counting the clicks on {pattern}…")
        self.progress.show()
        if self.frame is None:
            self.image.setText(f"Counting the clicks on {pattern}…")
            self.image.adjustSize()

        def work(store: SessionStore) -> tuple[ClickMap, ScrollMap]:
            return click_map(store, pattern, flt), scroll_map(store, pattern, flt)

        self.query(work, self._counted, lane=LANE)

    def _counted(self, maps: tuple[ClickMap, ScrollMap]) -> None:
        self._counting = False
        self.clicks, self.scrolls = maps
        clicks = self.clicks
        self._fill_elements()
        if clicks.frame_session is None or clicks.frame_ms is None or self.store is None:
            self.frame = None
            self.image.clear()
            self.progress.hide()
            self.summary.setText(f"No click on a page matching {clicks.page} under this filter.")
            return
        self._render_frame(clicks)

    def _render_frame(self, clicks: ClickMap) -> None:
        """Show the map over the page as ``clicks.frame_session`` saw it at ``frame_ms``."""
        if clicks.frame_session is None or clicks.frame_ms is None or self.store is None:
            return
        key = (clicks.page, clicks.frame_session, clicks.frame_ms)
        selectors = frozenset(e.selector for e in clicks.elements)
        cached = self.frames.get(key)
        if cached is not None and selectors <= cached[1]:
            self._show_frame(cached[0])
            return
        self._wanted = (key, selectors)
        self.frame = None
        self.image.clear()
        self.image.setText(f"Rendering the page as session {clicks.frame_session} saw it…")
        self.image.adjustSize()
        self.summary.setText(
            f"{clicks.total} clicks on {len(clicks.elements)} elements; rendering the frame…"
        )
        self.renderer.render(self.store, clicks.frame_session, clicks.frame_ms, sorted(selectors))

    def _render_progress(self, message: str) -> None:
        if self._wanted is not None:
            self.image.setText(message)
            self.image.adjustSize()

    def _rendered(self, frame: MapFrame) -> None:
        if self._wanted is None:
            return
        key, selectors = self._wanted
        self._wanted = None
        self.renders += 1
        self.frames[key] = (frame, selectors)
        self._show_frame(frame)

    def _render_failed(self, message: str) -> None:
        self._wanted = None
        self.progress.hide()
        self.image.setText(f"The frame could not be rendered: {message}")

    def _show_frame(self, frame: MapFrame) -> None:
        self.progress.hide()
        self.frame = frame
        clicks = self.clicks
        if clicks is None:
            return
        shown = sum(1 for e in clicks.elements if e.selector in frame.boxes)
        self.summary.setText(
            f"{clicks.total} clicks on {len(clicks.elements)} elements ({shown} in this frame) "
            f"by {len({s.session_id for e in clicks.elements for s in e.sessions})} sessions; "
            f"scroll map of {self.scrolls.sessions if self.scrolls else 0} sessions. "
            f"Frame: session {clicks.frame_session}."
        )
        self.finding_button.setEnabled(True)
        self._paint()

    @property
    def heat(self) -> HeatMode:
        return self.heat_box.currentData()  # type: ignore[no-any-return]

    @property
    def layer(self) -> Layer:
        return self.layer_box.currentData()  # type: ignore[no-any-return]

    def _heat_changed(self) -> None:
        if self.clicks is not None:
            self._fill_elements()
        self._paint()

    def _paint(self) -> None:
        self.legend.setText(legend_text(self.layer, self.heat))
        if self.frame is None:
            return
        image: QImage = draw_map(self.frame, self.clicks, self.scrolls, self.layer, self.heat)
        self._outline_selected(image)
        # the whole frame in view: scaled down to the map's width, never up
        room = self.scroller.viewport().width() - 2
        self.shown_scale = min(1.0, room / max(1, image.width()))
        if self.shown_scale < 1.0:
            image = image.scaledToWidth(room, Qt.TransformationMode.SmoothTransformation)
        self.image.setPixmap(QPixmap.fromImage(image))
        self.image.resize(image.size())

    def _outline_selected(self, image: QImage) -> None:
        """The element chosen in the table, outlined in white on the map."""
        element = self.selected_element()
        if element is None or self.frame is None:
            return
        box = self.frame.boxes.get(element.selector)
        if box is None:
            return
        painter = QPainter(image)
        painter.setPen(QPen(QColor("white"), 3))
        painter.drawRect(QRectF(*box).adjusted(-8, -8, 8, 8))
        painter.end()

    # ---- elements and their sessions -----------------------------------------------------
    def _fill_elements(self) -> None:
        """The elements hottest first under the chosen heat."""
        self.shown_elements = ranked(self.clicks, self.heat) if self.clicks else []
        self.elements.setRowCount(len(self.shown_elements))
        for row, element in enumerate(self.shown_elements):
            values = (element.heat(self.heat), element.clicks, element.error, element.rage)
            name = QTableWidgetItem(element.label or element.selector)
            name.setToolTip(element.selector)  # which element; the text, what it reads as
            name.setData(Qt.ItemDataRole.UserRole, element.selector)
            self.elements.setItem(row, 0, name)
            for column, value in enumerate((*values, element.dead), 1):
                item = QTableWidgetItem()
                item.setData(Qt.ItemDataRole.DisplayRole, value)
                self.elements.setItem(row, column, item)
        self.sessions_list.clear()

    def selected_element(self) -> ElementClicks | None:
        rows = self.elements.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.shown_elements):
            return None
        return self.shown_elements[rows[0].row()]

    def pick_at(self, point: QPoint) -> None:
        """Select the smallest element whose box holds ``point`` (pixels of the map shown)."""
        if self.clicks is None or self.frame is None:
            return
        point = QPoint(round(point.x() / self.shown_scale), round(point.y() / self.shown_scale))
        hits = [
            (box[2] * box[3], row)
            for row, element in enumerate(self.shown_elements)
            if (box := self.frame.boxes.get(element.selector))
            and box[0] <= point.x() <= box[0] + box[2]
            and box[1] <= point.y() <= box[1] + box[3]
        ]
        if hits:
            self.elements.selectRow(min(hits)[1])

    def _element_selected(self) -> None:
        self.sessions_list.clear()
        element = self.selected_element()
        if element is None:
            return
        self._paint()
        self.sessions_title.setText(
            f"{len(element.sessions)} sessions clicked {element.title} "
            "(double-click: ▶ replay at the click)"
        )
        for clicked in element.sessions:
            item = QListWidgetItem(f"▶ {clicked.session_id} — {clicked.clicks} click(s)")
            item.setData(Qt.ItemDataRole.UserRole, (clicked.session_id, clicked.first_ms))
            self.sessions_list.addItem(item)

    def _sessions_menu(self, point: QPoint) -> None:
        item = self.sessions_list.itemAt(point)
        if item is None:
            return
        session_id, first_ms = item.data(Qt.ItemDataRole.UserRole)
        menu = QMenu(self)
        menu.addAction("Replay at Its Click", lambda: self._replay(item))
        menu.addAction(
            "Draw the Map over This Session's Page",
            lambda: self.use_frame_of(session_id, first_ms - FRAME_LEAD_MS),
        )
        menu.exec(self.sessions_list.viewport().mapToGlobal(point))

    def use_frame_of(self, session_id: str, at_ms: int) -> None:
        """Draw the map over the page as ``session_id`` saw it at ``at_ms`` (the default frame
        is the session that clicked the hot spot most): another viewport, another state."""
        if self.clicks is not None:
            self.clicks = replace(self.clicks, frame_session=session_id, frame_ms=at_ms)
            self.progress.show()
            self._render_frame(self.clicks)

    def _replay(self, item: QListWidgetItem) -> None:
        session_id, first_ms = item.data(Qt.ItemDataRole.UserRole)
        self.navigate(ShowReplay(session_id, first_ms - REPLAY_LEAD_MS))

    # ---- findings ------------------------------------------------------------------------
    def add_finding(self) -> None:
        """A finding at the chosen element's (else the hot spot's) first click, by the session
        chosen in the list (else the one that clicked it most), keeping the map shown."""
        clicks, state = self.clicks, self.state
        if clicks is None or state is None or self.frame is None or not self.shown_elements:
            return
        element = self.selected_element() or self.shown_elements[0]
        current = self.sessions_list.currentItem()
        session_id, at_ms = (
            current.data(Qt.ItemDataRole.UserRole)
            if current is not None
            else (element.sessions[0].session_id, element.sessions[0].first_ms)
        )
        snapshot = click_map_snapshot(
            clicks, asdict(self.selection.filter), self.layer, self.heat, element.selector
        )
        trouble = f", {element.error} error clicks" if element.error else ""
        finding = Finding(
            archive_key=state.content_key,
            archive_name=state.source_name,
            session_id=session_id,
            ts_ms=at_ms,
            title=f"Click map of {clicks.page}: {element.title} — {element.clicks} clicks{trouble}",
            click_map=json.dumps(snapshot),
        )
        moment = datetime.fromtimestamp(at_ms / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        ask_and_save(finding, moment, self, self.finding_dialog_opened.emit)
