"""A real QtWebEngine page with the pinned rrweb and our recorder, driven by real input.

Pages are loaded with ``setHtml(html, https://shop.example/…)`` so they have a realistic
origin without any network; the recorder's sink is a callback that keeps the batches in
``window.__batches``, read back as JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from app.replay.engine import prepare_web_engine

prepare_web_engine()

from PySide6.QtCore import QPoint, Qt, QUrl  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWebEngineCore import (  # noqa: E402
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineScript,
)
from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: E402

from app.resources import resource_path, vendor_path  # noqa: E402

BASE_URL = "https://shop.example/checkout"
TIMEOUT_MS = 15_000


class RecordedPage:
    """A shown web view recording itself; helpers for input, scripts and the batches."""

    def __init__(self, qtbot: Any) -> None:
        self.qtbot = qtbot
        self.profile = QWebEngineProfile()
        self.page = QWebEnginePage(self.profile)
        self.view = QWebEngineView()
        self.view.setPage(self.page)
        self.view.resize(900, 600)
        self.view.show()

    def install(self, options: dict[str, Any]) -> None:
        """Start the recorder with ``options`` in every page this view loads from now on.

        Without a ``sink`` option the batches are kept in ``window.__batches``.
        """
        start = {"flushIntervalMs": 100_000, **options}
        boot = (
            vendor_path("rrweb.umd.min.js").read_text(encoding="utf-8")
            + ";\n"
            + resource_path("recorder", "recorder.js").read_text(encoding="utf-8")
            + ";\nwindow.__batches = [];\n"
            + f"var __options = {json.dumps(start)};\n"
            + "if (!__options.sink) __options.sink = function (b) { window.__batches.push(b); };\n"
            + "window.ReplayRecorder.start(__options);\n"
        )
        script = QWebEngineScript()
        script.setName("recorder-under-test")
        script.setSourceCode(boot)
        script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
        script.setWorldId(QWebEngineScript.ScriptWorldId.MainWorld)
        self.profile.scripts().clear()
        self.profile.scripts().insert(script)

    def load(self, body: str, options: dict[str, Any] | None = None, head: str = "") -> None:
        """Show ``body`` with the recorder started by ``options`` (sink: a callback)."""
        self.install(options or {})
        html = f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"
        with self.qtbot.waitSignal(self.page.loadFinished, timeout=TIMEOUT_MS):
            self.page.setHtml(html, QUrl(BASE_URL))
        # rrweb takes its first full snapshot once the page has loaded.
        self.wait_for("window.__batches.length > 0 || (window.ReplayRecorder.flush(), false)")

    def js(self, expression: str) -> Any:
        """Evaluate ``expression`` in the page; the value comes back through JSON."""
        result: list[Any] = []
        self.page.runJavaScript(f"JSON.stringify({expression})", 0, result.append)
        self.qtbot.waitUntil(lambda: bool(result), timeout=TIMEOUT_MS)
        return json.loads(result[0]) if result[0] not in (None, "") else None

    def wait_for(self, expression: str, timeout: int = TIMEOUT_MS) -> None:
        self.qtbot.waitUntil(lambda: bool(self.js(f"!!({expression})")), timeout=timeout)

    def _point(self, selector: str) -> QPoint:
        rect = self.js(
            f"(function(){{var r=document.querySelector({json.dumps(selector)})"
            ".getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2];})()"
        )
        return QPoint(round(rect[0]), round(rect[1]))

    def click(self, selector: str) -> None:
        widget = self.view.focusProxy()
        point = self._point(selector)
        QTest.mouseMove(widget, point)
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
        self.qtbot.wait(30)

    def type(self, selector: str, text: str) -> None:
        """Click ``selector`` and type ``text``; returns once the page has every key (key
        events reach the renderer later: on a loaded machine the next click could blur the
        field first, and its change would come out of order)."""
        self.click(selector)
        QTest.keyClicks(self.view.focusProxy(), text)
        field = f"document.querySelector({json.dumps(selector)})"
        self.wait_for(f"{field}.value.endsWith({json.dumps(text)})")
        self.qtbot.wait(30)

    def batches(self, final: bool = False) -> list[dict[str, Any]]:
        """Everything the recorder handed to its sink so far (after a flush or a stop)."""
        self.js("window.ReplayRecorder.stop()" if final else "window.ReplayRecorder.flush()")
        return self.js("window.__batches")

    def records(self, kind: str, final: bool = True) -> list[dict[str, Any]]:
        return [r for b in self.batches(final) for r in b["rum"] if r["kind"] == kind]

    def events(self, final: bool = True) -> list[dict[str, Any]]:
        return [e for b in self.batches(final) for e in b["events"]]

    def close(self) -> None:
        self.view.close()
        self.view.setPage(None)
        self.page.deleteLater()
        self.qtbot.wait(20)  # the page must go before its profile
        self.profile.deleteLater()


@pytest.fixture
def recorded_page(qtbot: Any) -> Iterator[RecordedPage]:
    page = RecordedPage(qtbot)
    yield page
    page.close()
