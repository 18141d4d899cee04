"""Transport controls of the replay: every control is a Qt widget observing the TimeCursor."""

from __future__ import annotations

import bisect
from collections.abc import Callable

from PySide6.QtCore import QEvent, QSignalBlocker, QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.state.time_cursor import SPEEDS, TimeCursor
from app.ui.glyphs import glyph_icon
from app.ui.timed_lists import format_clock, format_offset

SOURCE = "controls"
STEP_MS = 5_000
GLYPH = "glyph"  # the property naming a transport button's glyph


class ReplayControls(QWidget):
    """Play/pause, ±5 s, previous/next action and error, speed, skip inactivity, time."""

    window_chosen = Signal(object)
    """(window id or None) — the user picked another browser window/tab of the session."""
    site_assets_toggled = Signal(bool)

    def __init__(self, cursor: TimeCursor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cursor = cursor
        self._action_times: list[int] = []
        self._error_times: list[int] = []

        def button(glyph: str, tip: str, slot: Callable[[], object]) -> QToolButton:
            b = QToolButton()
            b.setProperty(GLYPH, glyph)
            b.setToolTip(tip)
            b.setAutoRaise(True)
            b.clicked.connect(slot)
            return b

        self.play_button = button("play", "Play / pause (Space)", cursor.toggle_playing)
        self.back_button = button("back", "Back 5 s (←)", lambda: self.step(-STEP_MS))
        self.forward_button = button("forward", "Forward 5 s (→)", lambda: self.step(STEP_MS))
        self.prev_action = button(
            "previous", "Previous action (Shift+←)", lambda: self.jump(self._action_times, -1)
        )
        self.next_action = button(
            "next", "Next action (Shift+→)", lambda: self.jump(self._action_times, 1)
        )
        self.transport_buttons = (
            self.prev_action,
            self.back_button,
            self.play_button,
            self.forward_button,
            self.next_action,
        )
        self.prev_error = QToolButton(text="◀ Error")
        self.prev_error.setToolTip("Previous JavaScript error (Ctrl+←)")
        self.prev_error.clicked.connect(lambda: self.jump(self._error_times, -1))
        self.next_error = QToolButton(text="Error ▶")
        self.next_error.setToolTip("Next JavaScript error (Ctrl+→)")
        self.next_error.clicked.connect(lambda: self.jump(self._error_times, 1))
        self.speed = QComboBox()
        for speed in SPEEDS:
            self.speed.addItem(f"{speed:g}×", speed)
        self.speed.setCurrentIndex(SPEEDS.index(1.0))
        self.speed.setToolTip("Playback speed")
        self.speed.currentIndexChanged.connect(lambda i: cursor.set_speed(self.speed.itemData(i)))
        self.skip = QCheckBox("Skip inactivity")
        self.skip.setToolTip("Play idle stretches fast; seeking still works")
        self.skip.toggled.connect(cursor.set_skip_inactive)
        self.window = QComboBox()
        self.window.setToolTip("Browser windows/tabs recorded in this session")
        self.window.currentIndexChanged.connect(
            lambda i: self.window_chosen.emit(self.window.itemData(i))
        )
        self.assets = QCheckBox("Load site assets")
        self.assets.setToolTip(
            "Let the replay load images, fonts and styles from the recorded "
            "site (off: nothing leaves this machine)"
        )
        self.assets.toggled.connect(self.site_assets_toggled)
        self.time_label = QLabel()
        self.time_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.time_label.font()
        font.setFamily("monospace")
        self.time_label.setFont(font)

        # Two groups: the transport and the time, then the options. When the player is too
        # narrow for both on one line the options wrap under it (instead of widening the window).
        self.transport = QWidget()
        row = QHBoxLayout(self.transport)
        row.setContentsMargins(0, 0, 0, 0)
        for widget in (*self.transport_buttons, self.prev_error, self.next_error):
            row.addWidget(widget)
        row.addSpacing(8)
        row.addWidget(self.time_label)
        self.options = QWidget()
        row = QHBoxLayout(self.options)
        row.setContentsMargins(0, 0, 0, 0)
        for widget in (self.window, self.assets, self.skip, self.speed):
            row.addWidget(widget)
        self._first_row = QHBoxLayout()
        self._first_row.addWidget(self.transport)
        self._first_row.addStretch(1)
        self._second_row = QHBoxLayout()
        self._second_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(2)
        layout.addLayout(self._first_row)
        layout.addLayout(self._second_row)
        self._first_row.addWidget(self.options)
        self._paint_glyphs()

        cursor.time_changed.connect(self._show_time)
        cursor.range_changed.connect(lambda *_: self._show_time(cursor.time(), "range"))
        cursor.playing_changed.connect(self._show_playing)
        cursor.speed_changed.connect(self._show_speed)
        cursor.skip_inactive_changed.connect(self._show_skip)
        self._show_time(cursor.time(), "init")

    # ---- layout and look -------------------------------------------------------------------
    def one_row_width(self) -> int:
        """The width the transport, the time and the options need side by side."""
        margins = self.layout().contentsMargins()
        gap = 16
        return (
            self.transport.sizeHint().width()
            + gap
            + self.options.sizeHint().width()
            + margins.left()
            + margins.right()
        )

    def wrapped(self) -> bool:
        """True when the options are on a second line (the controls are too narrow)."""
        return self._second_row.indexOf(self.options) >= 0

    def minimumSizeHint(self) -> QSize:
        """As narrow as the wider group: the options can always wrap."""
        margins = self.layout().contentsMargins()
        width = max(
            self.transport.minimumSizeHint().width(), self.options.minimumSizeHint().width()
        )
        height = super().minimumSizeHint().height()
        return QSize(width + margins.left() + margins.right(), height)

    def sizeHint(self) -> QSize:
        return QSize(self.one_row_width(), super().sizeHint().height())

    def _arrange(self) -> None:
        wrap = self.width() < self.one_row_width()
        if wrap != self.wrapped():
            (self._first_row if wrap else self._second_row).removeWidget(self.options)
            (self._second_row if wrap else self._first_row).addWidget(self.options)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._arrange()
        super().resizeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        """The glyphs are drawn in the palette's text colour: redraw them when it changes
        (the style's media icons are dark grey whatever the palette, unreadable on dark)."""
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            self._paint_glyphs()
        super().changeEvent(event)

    def _paint_glyphs(self) -> None:
        palette = self.palette()
        for b in self.transport_buttons:
            glyph = str(b.property(GLYPH))
            if b is self.play_button and self.cursor.is_playing():
                glyph = "pause"
            b.setIcon(glyph_icon(glyph, palette))

    def set_marks(self, action_times: list[int], error_times: list[int]) -> None:
        self._action_times = sorted(action_times)
        self._error_times = sorted(error_times)
        self.prev_error.setEnabled(bool(error_times))
        self.next_error.setEnabled(bool(error_times))

    def set_windows(self, windows: list[tuple[str | None, int]]) -> None:
        with QSignalBlocker(self.window):
            self.window.clear()
            for index, (window_id, count) in enumerate(windows):
                self.window.addItem(f"Window {index + 1} ({count:,} events)", window_id)
        self.window.setVisible(len(windows) > 1)
        self._arrange()

    def step(self, delta_ms: int) -> None:
        self.cursor.step(delta_ms, SOURCE)

    def jump(self, times: list[int], direction: int) -> None:
        """To the previous/next mark; 'previous' skips marks within the last second."""
        now = self.cursor.time()
        if direction > 0:
            index = bisect.bisect_right(times, now + 1)
            if index < len(times):
                self.cursor.set_time(times[index], SOURCE)
        else:
            index = bisect.bisect_left(times, now - 1000) - 1
            if index >= 0:
                self.cursor.set_time(times[index], SOURCE)

    def _show_time(self, t_ms: int, source: str) -> None:
        total = self.cursor.end() - self.cursor.start()
        if not self.isEnabled():  # no session: no time to show
            self.time_label.setText("–")
            return
        self.time_label.setText(
            f"{format_clock(t_ms)} UTC   {format_offset(t_ms - self.cursor.start())}"
            f" / {format_offset(total)}"
        )

    def _show_playing(self, playing: bool) -> None:
        self.play_button.setIcon(glyph_icon("pause" if playing else "play", self.palette()))

    def show_site_assets(self, allowed: bool) -> None:
        with QSignalBlocker(self.assets):
            self.assets.setChecked(allowed)

    def _show_speed(self, speed: float) -> None:
        with QSignalBlocker(self.speed):
            self.speed.setCurrentIndex(self.speed.findData(speed))

    def _show_skip(self, skip: bool) -> None:
        with QSignalBlocker(self.skip):
            self.skip.setChecked(skip)
