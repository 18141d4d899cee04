"""Drive the demo shop in a real QtWebEngine page with real input events.

Why real input: the recorder must see what a person's browser produces (trusted mouse and
keyboard events, focus changes, form control behaviour), so every click and keystroke
goes through ``QTest`` to the view's render widget. Only reading the page (where is this
button, is the page idle) uses JavaScript.

Time: the browser runs as fast as it can; every pause a person would make is logged with
:meth:`ShopBrowser.pause` and inserted afterwards by :mod:`app.demo.retime`.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QEvent, QEventLoop, QPoint, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QKeyEvent, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile, QWebEngineScript
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QApplication

from app.demo.site import COLLECT_PATH, SHOP_ORIGIN
from app.resources import resource_path, vendor_path

STEP_TIMEOUT_S = 10.0


class BrowserError(RuntimeError):
    """The page did not do what the persona script expected (element missing, timeout)."""


@dataclass
class SessionSetup:
    """What the browser needs to know to start one recorded session."""

    session_id: str
    user: dict[str, str]
    release: str
    seed: int
    user_agent: str
    viewport: tuple[int, int]
    time_scale: float
    flaky_recommendations: bool = False
    goals: list[dict[str, Any]] = field(default_factory=list)


class ShopBrowser:
    """One web view with the recorder injected, reused for session after session."""

    def __init__(self) -> None:
        self.profile = QWebEngineProfile()  # off the record: nothing persists between runs
        self.page = QWebEnginePage(self.profile)
        self.page.certificateError.connect(self._accept_local_certificate)
        self.view = QWebEngineView()
        self.view.setPage(self.page)
        self.view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        self.view.show()
        self.pauses: list[tuple[float, float]] = []
        self._setup: SessionSetup | None = None
        self._libraries = (
            vendor_path("rrweb.umd.min.js").read_text(encoding="utf-8")
            + ";\n"
            + resource_path("recorder", "recorder.js").read_text(encoding="utf-8")
        )

    # ------------------------------------------------------------------ sessions

    def begin(self, setup: SessionSetup) -> None:
        """Prepare a new session: its user agent, window size, shop config and recorder."""
        self._setup = setup
        self.pauses = []
        self.profile.setHttpUserAgent(setup.user_agent)
        self.view.resize(*setup.viewport)
        scripts = self.profile.scripts()
        scripts.clear()
        config = {
            "release": setup.release,
            "seed": setup.seed,
            "timeScale": setup.time_scale,
            "flakyRecommendations": setup.flaky_recommendations,
        }
        start = {
            "sink": COLLECT_PATH,
            "sessionId": setup.session_id,
            "release": setup.release,
            "application": "performancewear",
            "flushIntervalMs": 1000,
            "mousemoveSampleMs": 5,
            "goals": setup.goals,
        }
        boot = (
            f"if (location.origin === {json.dumps(SHOP_ORIGIN)}) {{\n"
            f"window.PW_CONFIG = {json.dumps(config)};\n"
            "(function () {\n"
            f"  var plan = {json.dumps(setup.session_id)};\n"
            "  if (sessionStorage.getItem('__pwPlan') !== plan) {\n"
            "    localStorage.clear(); sessionStorage.clear();\n"
            "    sessionStorage.setItem('__pwPlan', plan);\n"
            f"    localStorage.setItem('pw_user', {json.dumps(json.dumps(setup.user))});\n"
            "  }\n"
            "})();\n"
            + self._libraries
            + f";\nwindow.ReplayRecorder.start({json.dumps(start)});\n}}\n"
        )
        script = QWebEngineScript()
        script.setName("replay-recorder")
        script.setSourceCode(boot)
        script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
        script.setWorldId(QWebEngineScript.ScriptWorldId.MainWorld)
        script.setRunsOnSubFrames(False)
        scripts.insert(script)

    def finish(self) -> list[tuple[float, float]]:
        """Stop the recorder (its last batch goes to the sink) and return the pauses.

        The page stays open: leaving it now could cancel the recorder's last POSTs, so
        call :meth:`leave` once the collector has them all.
        """
        self._harvest_warp()
        self.evaluate("window.ReplayRecorder && window.ReplayRecorder.stop(); true")
        return sorted(self.pauses)

    def leave(self) -> None:
        """Close the visit's page (the user is gone)."""
        self.page.setUrl(QUrl("about:blank"))
        self._wait_for(lambda: self.page.url().toString() == "about:blank", "about:blank")

    # ------------------------------------------------------------------ time

    def pause(self, ms: float) -> None:
        """A pause of ``ms`` a person would make here (inserted when re-timing)."""
        if ms > 0:
            self.pauses.append((time.time() * 1000.0, float(ms)))

    def _harvest_warp(self) -> None:
        warp = self.evaluate(
            "JSON.stringify(window.__pwTimeWarp ? window.__pwTimeWarp.splice(0) : [])"
        )
        self.pauses.extend((float(t), float(ms)) for t, ms in json.loads(warp or "[]"))

    # ------------------------------------------------------------------ navigation

    def open(self, path: str = "/") -> None:
        self._load(lambda: self.page.setUrl(QUrl(SHOP_ORIGIN + path)))

    def reload(self) -> None:
        """The browser's reload button (an embedded view has no F5 shortcut of its own)."""
        self._harvest_warp()
        self._load(lambda: self.page.triggerAction(QWebEnginePage.WebAction.Reload))

    def _load(self, trigger: Any) -> None:
        done: list[bool] = []

        def finished(ok: bool) -> None:
            done.append(ok)

        self.page.loadFinished.connect(finished)
        try:
            trigger()
            self._wait_for(lambda: bool(done), "page load")
        finally:
            self.page.loadFinished.disconnect(finished)
        if not done[0]:
            raise BrowserError(f"the shop did not load ({self.page.url().toString()})")
        self.wait_idle()

    def wait_idle(self) -> None:
        """Until the shop's fake backend has answered everything and the page rendered it."""
        self._wait_for(
            lambda: self.evaluate(
                "document.readyState === 'complete' && window.__pwPending === 0"
                " && Date.now() - window.__pwLastAnswer > 60"
            ),
            "the shop to settle",
        )
        self.spin(25)

    # ------------------------------------------------------------------ input

    def click(self, selector: str, *, approach_ms: float = 600.0, covered_ok: bool = False) -> None:
        """Move the mouse to the element (in a few steps) and click it.

        ``covered_ok``: click where the element is even if something lies on top of it (a
        person clicking a button under a stuck loading indicator).
        """
        target = self._point_of(selector, covered_ok)
        self.move_to(target, approach_ms)
        QTest.mouseClick(
            self._input_widget(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, target
        )
        self.spin(15)

    def move_to(self, target: QPoint, duration_ms: float) -> None:
        start = getattr(self, "_mouse", QPoint(target.x() - 180, target.y() + 120))
        steps = 6
        for index in range(1, steps + 1):
            f = index / steps
            ease = f * f * (3 - 2 * f)
            point = QPoint(
                round(start.x() + (target.x() - start.x()) * ease),
                round(start.y() + (target.y() - start.y()) * ease),
            )
            QTest.mouseMove(self._input_widget(), point)
            self.spin(8)
            self.pause(duration_ms / steps)
        self._mouse = target

    def type_text(self, text: str, *, delays_ms: list[float]) -> None:
        """Type into the focused element, one key at a time, pausing as given per key."""
        widget = self._input_widget()
        for char, delay in zip(text, delays_ms, strict=True):
            if char.isascii():
                QTest.keyClicks(widget, char)
            else:  # QTest only maps ASCII to keys; a layout's other letters arrive as text
                for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    event = QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char)
                    QApplication.sendEvent(widget, event)
            self.spin(4)
            self.pause(delay)

    def key(self, key: Qt.Key, count: int = 1, delay_ms: float = 140.0) -> None:
        for _ in range(count):
            QTest.keyClick(self._input_widget(), key)
            self.spin(4)
            self.pause(delay_ms)

    def scroll(self, dy: int) -> None:
        """Scroll the page with the mouse wheel, in notches."""
        widget = self._input_widget()
        position = QPointF(
            getattr(self, "_mouse", QPoint(widget.width() // 2, widget.height() // 2))
        )
        for _ in range(max(1, abs(dy) // 120)):
            event = QWheelEvent(
                position,
                QPointF(widget.mapToGlobal(position.toPoint())),
                QPoint(0, 0),
                QPoint(0, -120 if dy > 0 else 120),
                Qt.MouseButton.NoButton,
                Qt.KeyboardModifier.NoModifier,
                Qt.ScrollPhase.NoScrollPhase,
                False,
            )
            QApplication.sendEvent(widget, event)
            self.spin(12)
            self.pause(170)
        self._wait_scroll_settled()

    def _wait_scroll_settled(self) -> None:
        """Wheel scrolling is animated: wait until the page stops moving before aiming."""
        positions: list[object] = []

        def still() -> bool:
            positions.append(self.evaluate("scrollY"))
            return len(positions) > 1 and positions[-1] == positions[-2]

        self._wait_for(lambda: still() or bool(self.spin(40)), "the page to stop scrolling")

    def exists(self, selector: str) -> bool:
        return bool(self.evaluate(f"!!document.querySelector({json.dumps(selector)})"))

    def text_of(self, selector: str) -> str:
        value = self.evaluate(
            f"(function(){{var e=document.querySelector({json.dumps(selector)});"
            "return e ? e.textContent : null;})()"
        )
        return str(value or "")

    def _point_of(self, selector: str, covered_ok: bool = False) -> QPoint:
        """Where to click an element: its centre, scrolled into view and not covered.

        Scrolling to the middle of the viewport keeps the element clear of the sticky
        header; the hit test catches anything else lying on top of it (a toast, an overlay)
        as a clear error rather than a click on the wrong thing.
        """
        found = self.evaluate(
            "(function(){var e=document.querySelector(" + json.dumps(selector) + ");"
            "if(!e) return null;"
            "var r=e.getBoundingClientRect();"
            "if(r.top<80||r.bottom>innerHeight-10) e.scrollIntoView({block:'center'});"
            "r=e.getBoundingClientRect();"
            "var x=Math.min(Math.max(1,Math.round(r.left+r.width/2)),innerWidth-2);"
            "var y=Math.min(Math.max(1,Math.round(r.top+r.height/2)),innerHeight-2);"
            "var hit=document.elementFromPoint(x,y);"
            "return JSON.stringify([x,y,!!hit&&(e===hit||e.contains(hit)),"
            "hit?hit.tagName+(hit.id?'#'+hit.id:''):''])})()"
        )
        if not found:
            raise BrowserError(f"no element {selector!r} on {self.page.url().toString()}")
        x, y, reachable, covering = json.loads(found)
        if not reachable and not covered_ok:
            raise BrowserError(f"{selector!r} is covered by {covering} on {self.page.url().path()}")
        return QPoint(int(x), int(y))

    def _input_widget(self) -> Any:
        return self.view.focusProxy() or self.view

    # ------------------------------------------------------------------ plumbing

    def evaluate(self, script: str) -> Any:
        result: list[Any] = []
        self.page.runJavaScript(script, 0, result.append)
        self._wait_for(lambda: bool(result), "a script result")
        return result[0]

    def spin(self, ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def _wait_for(self, condition: Any, what: str) -> None:
        deadline = time.monotonic() + STEP_TIMEOUT_S
        while True:
            if condition():
                return
            if time.monotonic() > deadline:
                raise BrowserError(f"timed out waiting for {what} on {self.page.url().toString()}")
            self.spin(5)

    @staticmethod
    def _accept_local_certificate(error: Any) -> None:
        # The generator's own server on 127.0.0.1 uses a throw-away self-signed certificate.
        error.acceptCertificate()

    def close(self) -> None:
        self.view.close()
        self.view.setPage(None)
        self.page.deleteLater()
        self.view.deleteLater()
        self.spin(20)  # the page must go before its profile
        self.profile.deleteLater()
        self.spin(20)
