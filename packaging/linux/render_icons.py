"""Render the app and document icons from their SVGs to PNGs at every hicolor size.

    .venv/bin/python packaging/linux/render_icons.py

Why PNGs beside the SVGs: some desktops, window managers and the Qt window icon on X11 want
bitmaps, and small sizes look sharper rendered once, checked by eye, and committed. Run it
after changing an SVG; ``tests/ui/test_desktop_integration.py`` checks every size exists.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HICOLOR = Path(__file__).resolve().parent / "icons" / "hicolor"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICONS = {
    "apps": "org.replayinvestigator.ReplayInvestigator",
    "mimetypes": "application-vnd.replay-investigator.webreplay+zip",
}


def render() -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    written = []
    for context, name in ICONS.items():
        renderer = QSvgRenderer(str(HICOLOR / "scalable" / context / f"{name}.svg"))
        if not renderer.isValid():
            raise SystemExit(f"render_icons: {name}.svg is not a valid SVG")
        for size in SIZES:
            image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
            image.fill(Qt.GlobalColor.transparent)
            painter = QPainter(image)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            renderer.render(painter)
            painter.end()
            target = HICOLOR / f"{size}x{size}" / context / f"{name}.png"
            target.parent.mkdir(parents=True, exist_ok=True)
            if not image.save(str(target), "PNG"):
                raise SystemExit(f"render_icons: cannot write {target}")
            written.append(target)
    return written


if __name__ == "__main__":
    for path in render():
        print(path.relative_to(HICOLOR.parents[1]))
