"""Light and dark appearance: the palette, and the few colours the views draw themselves.

Why: Qt follows the system's light/dark palette by itself (on desktops whose platform theme
reports it), but colours a view picks by hand do not: a dark-red error on a dark table, or a
chart painted white in a dark window. Every hand-picked colour therefore comes from here, in
a light and a dark variant, and charts are restyled when the palette changes. The user can
also force Light or Dark (View › Appearance), remembered in the settings.
"""

from __future__ import annotations

from enum import StrEnum

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from app.state.settings import app_settings

APPEARANCE_KEY = "appearance"


class Appearance(StrEnum):
    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


# name -> (on a light background, on a dark background)
_COLOURS: dict[str, tuple[str, str]] = {
    "error": ("#c92a2a", "#ff8787"),
    "warn": ("#b35c00", "#ffb347"),
    "load": ("#1c5fb8", "#74c0fc"),
    "good": ("#2b8a3e", "#69db7c"),
    "tolerable": ("#b08800", "#ffd43b"),
    "muted": ("#8a8f98", "#8a8f98"),
    "current_row": ("#fff3bf", "#5c4813"),
    "chart_axis": ("#adb5bd", "#6c757d"),
}


def is_dark(palette: QPalette | None = None) -> bool:
    """True when the window background is dark (whatever made it so)."""
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def colour(name: str, palette: QPalette | None = None) -> QColor:
    """A named view colour readable on the current (or given) palette."""
    light, dark = _COLOURS[name]
    return QColor(dark if is_dark(palette) else light)


def colour_hex(name: str, palette: QPalette | None = None) -> str:
    return colour(name, palette).name()


def dark_palette() -> QPalette:
    """Fusion's colours for a dark window (what Qt shows when a desktop asks for dark)."""
    p = QPalette()
    window, base, text = QColor("#2b2d30"), QColor("#1e1f22"), QColor("#e8eaed")
    roles = {
        QPalette.ColorRole.Window: window,
        QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: QColor("#26282b"),
        QPalette.ColorRole.ToolTipBase: QColor("#3c3f41"),
        QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.PlaceholderText: QColor("#9aa0a6"),
        QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: QColor("#35373b"),
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.BrightText: QColor("#ff6b6b"),
        QPalette.ColorRole.Light: QColor("#45484d"),
        QPalette.ColorRole.Midlight: QColor("#3a3d41"),
        QPalette.ColorRole.Mid: QColor("#4a4d52"),
        QPalette.ColorRole.Dark: QColor("#9aa0a6"),  # captions use palette(dark): keep legible
        QPalette.ColorRole.Shadow: QColor("#000000"),
        QPalette.ColorRole.Highlight: QColor("#3d6fb6"),
        QPalette.ColorRole.HighlightedText: QColor("#ffffff"),
        QPalette.ColorRole.Link: QColor("#74c0fc"),
        QPalette.ColorRole.LinkVisited: QColor("#b197fc"),
    }
    for role, value in roles.items():
        p.setColor(role, value)
    disabled = QColor("#7f8389")
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        p.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return p


SCROLL_HANDLE_ON_DARK = QColor("#8a8f98")


def scroll_bar_palette(dark: bool) -> QPalette:
    """What scroll bars change of the window's palette: on dark, a lighter handle.

    Why: Fusion paints a scroll bar's handle in the Button colour, which on the dark palette
    is barely lighter than the groove (about 1.4:1) — the scroll bars could not be seen. An
    empty palette (light) changes nothing: every role is inherited.
    """
    palette = QPalette()
    if dark:
        palette.setColor(QPalette.ColorRole.Button, SCROLL_HANDLE_ON_DARK)
    return palette


def light_palette() -> QPalette:
    """The style's own light colours."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return app.style().standardPalette()


def saved_appearance() -> Appearance:
    value = str(app_settings().value(APPEARANCE_KEY, Appearance.SYSTEM.value))
    try:
        return Appearance(value)
    except ValueError:
        return Appearance.SYSTEM


def _system_scheme_changed(_scheme: Qt.ColorScheme) -> None:
    """The desktop switched light/dark: follow it unless the user forced one."""
    if saved_appearance() is Appearance.SYSTEM:
        apply_appearance(Appearance.SYSTEM, remember=False)


_following: list[bool] = []


def apply_appearance(choice: Appearance, *, remember: bool = True) -> None:
    """Use the system's palette, or force light or dark, for the whole application."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    if not _following:  # once per process: an explicit palette no longer follows by itself
        QGuiApplication.styleHints().colorSchemeChanged.connect(_system_scheme_changed)
        _following.append(True)
    if choice is Appearance.DARK:
        app.setPalette(dark_palette())
    elif choice is Appearance.LIGHT:
        app.setPalette(light_palette())
    else:
        hints = QGuiApplication.styleHints()
        if hints.colorScheme() == Qt.ColorScheme.Dark:
            app.setPalette(dark_palette())
        else:  # an empty palette resolves to the platform's own
            app.setPalette(QPalette())
    app.setPalette(scroll_bar_palette(is_dark(app.palette())), "QScrollBar")
    if remember:
        app_settings().setValue(APPEARANCE_KEY, choice.value)


def style_plot(plot: pg.PlotWidget, palette: QPalette | None = None) -> None:
    """Background, axes, labels and title of a chart in the palette's colours.

    Tick marks (and so grid lines) are drawn at the major ticks only: the minor grid lines
    were barely visible and cost two thirds of a chart's repaint (measured: 4 dashboard
    charts 18–20 ms → 9 ms a repaint, offscreen), and the X-linked charts repaint together.
    """
    palette = palette or plot.palette()
    background = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text)
    axis_pen = colour("chart_axis", palette)
    plot.setBackground(background)
    item = plot.getPlotItem()
    item.getAxis("top").setPen(axis_pen)  # its labels (releases) keep their own colour
    for name in ("left", "bottom"):
        axis = item.getAxis(name)
        axis.setPen(axis_pen)
        axis.setTextPen(text)
        axis.setStyle(maxTickLevel=0)
        if axis.labelText:
            axis.setLabel(axis.labelText, units=axis.labelUnits, color=text.name())
    title = item.titleLabel.text
    if title:
        item.setTitle(title, color=text.name(), size="11pt")


def restyle_plots(root: QWidget) -> None:
    """Restyle every chart under ``root`` (call on its palette change).

    ``root``'s palette is used because Qt tells a parent before its children: while ``root``
    handles the change, the charts inside it still report the old palette.
    """
    for plot in root.findChildren(pg.PlotWidget):
        style_plot(plot, root.palette())
