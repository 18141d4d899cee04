"""The Maps tab (issue 21): a page's click map or scroll map over a frame its replay rendered,
under the filter bar's selection; every element one click from the sessions that clicked it.

Why the counting runs as a task and the frame on the GUI thread: the counts are SQL plus a
DOM rebuild per clicking session (seconds on a large archive), the frame is a replay in a
web view, which lives on the GUI thread (it pumps events while it loads, as an export does).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.maps import ClickMap, ScrollMap, click_map, scroll_map
from app.replay.map_image import Layer, MapFrame, draw_map, render_map_frame
from app.state.navigation import ShowReplay
from app.state.open_archive import ArchiveState
from app.store.queries import maps as map_queries
from app.store.store import SessionStore
from app.ui.archive_screen import ArchiveScreen, ScreenModels

LAYERS: tuple[tuple[str, Layer], ...] = (
    ("Clicks per element", "elements"),
    ("Raw click positions", "raw"),
    ("Scroll depth", "scroll"),
)
REPLAY_LEAD_MS = 1_000
"""A session opens this long before its click on the element."""


class MapImage(QLabel):
    """The drawn map; a click on it selects the element under the pointer."""

    def __init__(self, screen: MapsScreen) -> None:
        super().__init__()
        self.screen = screen
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.screen.pick_at(event.position().toPoint())


class MapsScreen(ArchiveScreen):
    def __init__(self, models: ScreenModels, parent: QWidget | None = None) -> None:
        super().__init__(models, parent)
        self.clicks: ClickMap | None = None
        self.scrolls: ScrollMap | None = None
        self.frame: MapFrame | None = None
        self.page_box = QComboBox()
        self.page_box.setEditable(True)
        self.page_box.setMinimumWidth(380)
        self.page_box.setToolTip("A URL pattern: a part of the URL, or a glob like */checkout")
        self.layer_box = QComboBox()
        for title, layer in LAYERS:
            self.layer_box.addItem(title, layer)
        self.draw_button = QPushButton("Draw map")
        self.summary = QLabel()
        bar = QHBoxLayout()
        for widget in (QLabel("Page:"), self.page_box, self.layer_box, self.draw_button):
            bar.addWidget(widget)
        bar.addWidget(self.summary, 1)

        self.image = MapImage(self)
        scroller = QScrollArea()
        scroller.setWidget(self.image)
        scroller.setWidgetResizable(False)
        self.elements = QTableWidget(0, 5)
        self.elements.setHorizontalHeaderLabels(["Element", "Clicks", "Error", "Rage", "Dead"])
        self.elements.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.elements.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.elements.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.elements.verticalHeader().hide()
        self.elements.horizontalHeader().setStretchLastSection(False)
        self.elements.setColumnWidth(0, 230)
        for column in range(1, 5):
            self.elements.setColumnWidth(column, 52)
        self.sessions_title = QLabel("Sessions that clicked it (double-click: ▶ replay at it)")
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
        layout.addWidget(splitter, 1)

        self.draw_button.clicked.connect(self.draw)
        self.page_box.lineEdit().returnPressed.connect(self.draw)
        self.layer_box.currentIndexChanged.connect(lambda _i: self._paint())
        self.elements.itemSelectionChanged.connect(self._element_selected)
        self.sessions_list.itemActivated.connect(self._replay)

    # ---- archive -------------------------------------------------------------------------
    def archive_opened(self, state: ArchiveState) -> None:
        flt = self.selection.filter
        self.query(lambda store: map_queries.pages_by_clicks(store.cursor(), flt), self._pages)

    def archive_closed(self) -> None:
        self.page_box.clear()
        self._clear()

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

    def _clear(self) -> None:
        self.clicks = self.scrolls = self.frame = None
        self.image.clear()
        self.elements.setRowCount(0)
        self.sessions_list.clear()
        self.summary.clear()

    # ---- drawing -------------------------------------------------------------------------
    def draw(self) -> None:
        pattern = self.page_box.currentText().strip()
        if not pattern:
            return
        flt = self.selection.filter
        self.summary.setText(f"Counting the clicks on {pattern}…")

        def work(store: SessionStore) -> tuple[ClickMap, ScrollMap]:
            return click_map(store, pattern, flt), scroll_map(store, pattern, flt)

        self.query(work, self._counted)

    def _counted(self, maps: tuple[ClickMap, ScrollMap]) -> None:
        self.clicks, self.scrolls = maps
        clicks = self.clicks
        self._fill_elements(clicks)
        if clicks.frame_session is None or clicks.frame_ms is None or self.store is None:
            self.frame = None
            self.image.clear()
            self.summary.setText(f"No click on a page matching {clicks.page} under this filter.")
            return
        self.summary.setText(f"Rendering the page as session {clicks.frame_session} saw it…")
        self.frame = render_map_frame(
            self.store,
            clicks.frame_session,
            clicks.frame_ms,
            [e.selector for e in clicks.elements],
            tasks=self.tasks,
        )
        shown = sum(1 for e in clicks.elements if e.selector in self.frame.boxes)
        self.summary.setText(
            f"{clicks.total} clicks on {len(clicks.elements)} elements ({shown} in this frame) "
            f"by {len({s.session_id for e in clicks.elements for s in e.sessions})} sessions; "
            f"scroll map of {self.scrolls.sessions if self.scrolls else 0} sessions. "
            f"Frame: session {clicks.frame_session}."
        )
        self._paint()

    def _paint(self) -> None:
        if self.frame is None:
            return
        layer: Layer = self.layer_box.currentData()
        image: QImage = draw_map(self.frame, self.clicks, self.scrolls, layer)
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
        rows = self.elements.selectionModel().selectedRows()
        if self.clicks is None or self.frame is None or not rows:
            return
        box = self.frame.boxes.get(self.clicks.elements[rows[0].row()].selector)
        if box is None:
            return
        painter = QPainter(image)
        painter.setPen(QPen(QColor("white"), 3))
        painter.drawRect(QRectF(*box).adjusted(-8, -8, 8, 8))
        painter.end()

    def map_image(self) -> QImage | None:
        """The map as shown (for a finding's report)."""
        pixmap = self.image.pixmap()
        return pixmap.toImage() if pixmap is not None and not pixmap.isNull() else None

    # ---- elements and their sessions -----------------------------------------------------
    def _fill_elements(self, clicks: ClickMap) -> None:
        self.elements.setRowCount(len(clicks.elements))
        for row, element in enumerate(clicks.elements):
            values = (element.clicks, element.error, element.rage, element.dead)
            self.elements.setItem(row, 0, QTableWidgetItem(element.selector))
            for column, value in enumerate(values, 1):
                item = QTableWidgetItem()
                item.setData(Qt.ItemDataRole.DisplayRole, value)
                self.elements.setItem(row, column, item)
        self.sessions_list.clear()

    def pick_at(self, point: QPoint) -> None:
        """Select the smallest element whose box holds ``point`` (pixels of the map shown)."""
        if self.clicks is None or self.frame is None:
            return
        point = QPoint(round(point.x() / self.shown_scale), round(point.y() / self.shown_scale))
        hits = [
            (box[2] * box[3], row)
            for row, element in enumerate(self.clicks.elements)
            if (box := self.frame.boxes.get(element.selector))
            and box[0] <= point.x() <= box[0] + box[2]
            and box[1] <= point.y() <= box[1] + box[3]
        ]
        if hits:
            self.elements.selectRow(min(hits)[1])

    def _element_selected(self) -> None:
        self.sessions_list.clear()
        rows = self.elements.selectionModel().selectedRows()
        if self.clicks is None or not rows:
            return
        element = self.clicks.elements[rows[0].row()]
        self._paint()
        self.sessions_title.setText(
            f"{len(element.sessions)} sessions clicked {element.selector} "
            "(double-click: ▶ replay at the click)"
        )
        for clicked in element.sessions:
            item = QListWidgetItem(f"▶ {clicked.session_id} — {clicked.clicks} click(s)")
            item.setData(Qt.ItemDataRole.UserRole, (clicked.session_id, clicked.first_ms))
            self.sessions_list.addItem(item)

    def _replay(self, item: QListWidgetItem) -> None:
        session_id, first_ms = item.data(Qt.ItemDataRole.UserRole)
        self.navigate(ShowReplay(session_id, first_ms - REPLAY_LEAD_MS))
