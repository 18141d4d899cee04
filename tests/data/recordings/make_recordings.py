#!/usr/bin/env python3
"""Produce small, real rrweb recordings for the test-suite.

The pinned rrweb 2.2.2 recorder and its console plugin (build products in
``app/web/vendor/``, git-ignored) are injected into two hand-written pages that
are shown in a headless QWebEngineView.  The pages are loaded with
``setHtml(html, QUrl("https://shop.example/..."))`` so ``location.href`` is a
realistic https URL while nothing touches the network (a request interceptor
additionally blocks any http(s)/ws(s) request).

All user input is real Qt input: ``QTest.mouseClick`` / ``QTest.keyClicks`` /
``QTest.keyClick`` sent to ``view.focusProxy()`` (the render widget) at element
centres obtained via ``getBoundingClientRect()``.  The one exception is the
double click: ``QTest.mouseDClick`` on a *widget* only sends press + DblClick
(no releases), which Chromium never turns into a ``dblclick``; the QWindow
overload of ``QTest.mouseDClick`` goes through QWindowSystemInterface (like a
real OS event) and produces the genuine mousedown/mouseup/click x2 + dblclick
sequence, so the double click is sent to the top-level window handle at the
same position.

Works with the ``offscreen`` QPA platform (no Xvfb needed).  Usage::

    cd /work/main && .venv/bin/python tests/data/recordings/make_recordings.py

Writes ``checkout-clicks.json`` (compact JSON array of rrweb events),
``checkout-clicks.expected.json`` (machine-readable scenario with node ids),
``checkout-clicks.states.json`` (the live page's state at chosen moments, for replay
fidelity tests) and ``README.md`` next to this script.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
VENDOR = REPO / "app" / "web" / "vendor"
PAGES = HERE / "pages"
OUT_EVENTS = HERE / "checkout-clicks.json"
OUT_EXPECTED = HERE / "checkout-clicks.expected.json"
OUT_STATES = HERE / "checkout-clicks.states.json"
OUT_README = HERE / "README.md"

VIEW_SIZE = (1024, 768)
STEP_TIMEOUT_MS = 5000


def _prepare_environment() -> None:
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "").split()
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--no-sandbox" not in flags:
        flags.append("--no-sandbox")
    if "--disable-gpu" not in flags:
        flags.append("--disable-gpu")
    os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = " ".join(flags)


_prepare_environment()

from PySide6.QtCore import QEventLoop, QPoint, Qt, QTimer, QUrl  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWebEngineCore import (  # noqa: E402
    QWebEnginePage,
    QWebEngineScript,
    QWebEngineUrlRequestInterceptor,
)
from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

# --------------------------------------------------------------------------
# Scenario.  "name" is what a Dynatrace-style namer should produce for the
# element (visible text, else aria-label, title, alt, placeholder, name, id,
# else tag + classes); "source" says where it comes from.
# --------------------------------------------------------------------------
PAGE1 = {
    "file": "checkout.html",
    "url": "https://shop.example/checkout",
    "steps": [
        {
            "do": "click",
            "sel": '[aria-label="Close dialog"]',
            "name": "Close dialog",
            "source": "aria-label",
            "element": (
                '<button type="button" class="icon-btn" aria-label="Close dialog">'
                "<svg><path/></svg></button>"
            ),
            "note": "icon only; the button centre is on the SVG path. Removes the promo dialog",
            "capture": "dialog closed",
        },
        {
            "do": "click",
            "sel": '[title="Show help"]',
            "name": "Show help",
            "source": "title",
            "element": '<div role="button" title="Show help" class="help-icon" tabindex="0"></div>',
            "note": "no text; un-hides #help-text",
            "capture": "help shown",
        },
        {
            "do": "click",
            "sel": "#email_field",
            "name": "email_field",
            "source": "id",
            "element": '<input type="email" id="email_field">',
            "note": "no placeholder, no name",
        },
        {
            "do": "type",
            "sel": "#email_field",
            "text": "anna@example.com",
            "capture": "email typed",
            "name": "email_field",
            "source": "id",
            "element": '<input type="email" id="email_field">',
            "note": "typed into (focused by the click)",
        },
        {
            "do": "click",
            "sel": 'input[name="postcode"]',
            "name": "Postal code",
            "source": "placeholder",
            "element": '<input type="text" name="postcode" placeholder="Postal code">',
            "note": "",
        },
        {
            "do": "type",
            "sel": 'input[name="postcode"]',
            "text": "SW1A 1AA",
            "capture": "postcode typed",
            "name": "Postal code",
            "source": "placeholder",
            "element": '<input type="text" name="postcode" placeholder="Postal code">',
            "note": "typed into (focused by the click)",
        },
        {
            "do": "key",
            "key": "Tab",
            "sel": 'select[name="country"]',
            "name": "country",
            "source": "name",
            "element": '<select name="country">',
            "note": "focus moves here from the postcode field, no click",
        },
        {
            "do": "key",
            "key": "Down",
            "sel": 'select[name="country"]',
            "name": "country",
            "source": "name",
            "element": '<select name="country">',
            "note": "value GB (United Kingdom) -> IE (Ireland)",
            "capture": "country changed",
        },
        {
            "do": "dblclick",
            "sel": "h2.summary-title",
            "name": "Order summary",
            "source": "text",
            "element": '<h2 class="summary-title">Order summary</h2>',
            "note": "selects the word 'summary'",
            "capture": "after the double click",
        },
        {
            "do": "click",
            "sel": "span.chip.promo",
            "name": "span.chip.promo",
            "source": "tag+class",
            "element": '<span class="chip promo"></span>',
            "note": "no text, label or id; toggles class 'selected'",
            "capture": "chip selected",
        },
        {
            "do": "click",
            "sel": "#btn_sell-421198",
            "name": "btn_sell-421198",
            "source": "id",
            "element": '<button type="button" id="btn_sell-421198"></button>',
            "note": "empty, 36x36 px",
        },
        {
            "do": "click",
            "sel": "a.brand img",
            "name": "Company logo",
            "source": "alt",
            "element": '<a class="brand" href="/"><img alt="Company logo"></a>',
            "note": "the step targets the img; the link has no text, its navigation is prevented",
        },
        {
            "do": "click",
            "sel": "button.btn.primary",
            "name": "Place order",
            "source": "text",
            "element": '<button type="button" class="btn primary">Place order</button>',
            "note": "console.error('Postal code check failed'); appends "
            '<div class="spinner" aria-busy="true"> to #status; 50 ms later an uncaught '
            "TypeError (reading 'total' of null)",
            "capture": "order placed (spinner shown)",
        },
    ],
}
PAGE2 = {
    "file": "thank-you.html",
    "url": "https://shop.example/checkout/thank-you?order=10482",
    "steps": [
        {
            "do": "click",
            "sel": "button.btn.secondary",
            "name": "Download invoice",
            "source": "text",
            "element": '<button type="button" class="btn secondary">Download invoice</button>',
            "note": "the handler then changes the text to 'Preparing invoice…'",
            "capture": "invoice being prepared",
        },
        {
            "do": "click",
            "sel": "a.btn.primary",
            "name": "Continue shopping",
            "source": "text",
            "element": '<a class="btn primary" href="/">Continue shopping</a>',
            "note": "navigation prevented",
        },
    ],
}
VERB = {"click": "click", "dblclick": "double click"}

# The live page's state is captured at the page's load and after the steps that have a
# "capture" name: Date.now() (rrweb's clock) and, for each selector, whether the element
# exists, its text (whitespace collapsed), class attribute, ``hidden`` and, for inputs, the
# value's length (the recording masks values with one '*' per character). Replay tests
# seek to each moment and compare the replayed document with it.
PAGE1["capture_selectors"] = [
    ".dialog",
    "#help-text",
    "#email_field",
    'input[name="postcode"]',
    'select[name="country"]',
    "h2.summary-title",
    "span.chip.promo",
    "#btn_sell-421198",
    "button.btn.primary",
    "#status",
    "#status .spinner",
]
PAGE2["capture_selectors"] = ["h1", "button.btn.secondary", "a.btn.primary"]

BOOTSTRAP = """
window.__events = [];
window.__stopRecording = rrweb.record({
  emit: function (event) { window.__events.push(event); },
  plugins: [rrwebPluginConsoleRecord.getRecordConsolePlugin()],
  maskAllInputs: true
});
"""

# Runs in the page: locate the element, its centre and the element actually
# hit at that point (which is what the Click event will target).
LOCATE_JS = """
(function (sel) {
  var el = document.querySelector(sel);
  if (!el) { return JSON.stringify({error: 'not found: ' + sel}); }
  var r = el.getBoundingClientRect();
  var x = Math.round(r.left + r.width / 2), y = Math.round(r.top + r.height / 2);
  var hit = document.elementFromPoint(x, y);
  var m = rrweb.record.mirror;
  return JSON.stringify({
    x: x, y: y, id: m.getId(el), tag: el.tagName.toLowerCase(),
    inViewport: r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth,
    hitId: hit ? m.getId(hit) : null, hitTag: hit ? hit.tagName.toLowerCase() : null,
    hitInside: !!hit && el.contains(hit)
  });
})(%s)
"""

CAPTURE_JS = """
(function (sels) {
  var out = {timestamp: Date.now(), href: location.href,
             pageEvents: (window.__events || []).length, elements: {}};
  sels.forEach(function (sel) {
    var el = document.querySelector(sel);
    var info = {present: !!el};
    if (el) {
      info.text = (el.textContent || '').replace(/\\s+/g, ' ').trim();
      info.className = el.getAttribute('class') || '';
      info.hidden = el.hidden === true;
      if (el.tagName === 'INPUT') { info.valueLength = el.value.length; }
    }
    out.elements[sel] = info;
  });
  return JSON.stringify(out);
})(%s)
"""

COUNT_JS = """
(function () {
  var ev = window.__events || [];
  var f = function (p) { return ev.filter(p).length; };
  return JSON.stringify({
    total: ev.length,
    full: f(function (e) { return e.type === 2; }),
    clicks: f(function (e) { return e.type === 3 && e.data.source === 2 && e.data.type === 2; }),
    dblclicks: f(function (e) { return e.type === 3 && e.data.source === 2 && e.data.type === 4; }),
    consoleErrors: f(function (e) {
      return e.type === 6 && e.data.plugin === 'rrweb/console@1'
        && e.data.payload.level === 'error';
    }),
    focused: document.activeElement ? rrweb.record.mirror.getId(document.activeElement) : null
  });
})()
"""


class Blocker(QWebEngineUrlRequestInterceptor):
    """Block every request that would leave the process."""

    def __init__(self) -> None:
        super().__init__()
        self.blocked: list[str] = []

    def interceptRequest(self, info) -> None:
        url = info.requestUrl()
        if url.scheme() in ("http", "https", "ws", "wss", "ftp"):
            self.blocked.append(url.toString())
            info.block(True)


class QuietPage(QWebEnginePage):
    def __init__(self, profile, parent=None) -> None:
        super().__init__(profile, parent)
        self.console: list[str] = []

    def javaScriptConsoleMessage(self, level, message, line, source):
        self.console.append(f"{level.name}: {message}")


class Recorder:
    def __init__(self) -> None:
        self.view = QWebEngineView()
        self.blocker = Blocker()
        profile = self.view.page().profile()  # default profile: off-the-record in Qt 6
        profile.setUrlRequestInterceptor(self.blocker)
        self.page = QuietPage(profile, self.view)
        self.view.setPage(self.page)
        script = QWebEngineScript()
        script.setName("rrweb-recorder")
        script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
        script.setWorldId(QWebEngineScript.ScriptWorldId.MainWorld)
        script.setRunsOnSubFrames(False)
        script.setSourceCode(
            (VENDOR / "rrweb.umd.min.js").read_text(encoding="utf-8")
            + "\n;\n"
            + (VENDOR / "rrweb-console-record.umd.min.js").read_text(encoding="utf-8")
            + "\n;\n"
            + BOOTSTRAP
        )
        self.page.scripts().insert(script)
        self.view.resize(*VIEW_SIZE)
        self.view.show()
        self.log: list[dict] = []
        self.states: list[dict] = []

    # -- helpers ---------------------------------------------------------
    def js(self, code: str, timeout_ms: int = STEP_TIMEOUT_MS):
        result: list = []
        loop = QEventLoop()

        def done(value) -> None:
            result.append(value)
            loop.quit()

        self.page.runJavaScript(code, QWebEngineScript.ScriptWorldId.MainWorld, done)
        QTimer.singleShot(timeout_ms, loop.quit)
        if not result:
            loop.exec()
        if not result:
            raise TimeoutError(f"runJavaScript timed out: {code[:80]!r}")
        return result[0]

    def js_json(self, code: str):
        return json.loads(self.js(code))

    def counts(self) -> dict:
        return self.js_json(COUNT_JS)

    def wait_until(self, predicate, what: str, timeout_ms: int = STEP_TIMEOUT_MS) -> dict:
        waited = 0
        while True:
            state = self.counts()
            if predicate(state):
                return state
            if waited >= timeout_ms:
                raise TimeoutError(f"timed out waiting for {what}; state={state}")
            QTest.qWait(50)
            waited += 50

    def wait_js(self, expr: str, what: str, timeout_ms: int = STEP_TIMEOUT_MS) -> None:
        waited = 0
        while not self.js(f"!!({expr})"):
            if waited >= timeout_ms:
                raise TimeoutError(f"timed out waiting for {what}")
            QTest.qWait(50)
            waited += 50

    def load(self, page: dict) -> None:
        html = (PAGES / page["file"]).read_text(encoding="utf-8")
        loop = QEventLoop()
        ok: list[bool] = []
        conn = self.page.loadFinished.connect(lambda success: (ok.append(success), loop.quit()))
        QTimer.singleShot(15000, loop.quit)
        self.page.setHtml(html, QUrl(page["url"]))
        loop.exec()
        self.page.loadFinished.disconnect(conn)
        if not ok or not ok[-1]:
            raise RuntimeError(f"failed to load {page['file']}")
        href = self.js("location.href")
        if href != page["url"]:
            raise RuntimeError(f"location.href is {href!r}, expected {page['url']!r}")
        self.wait_until(lambda s: s["full"] >= 1, "FullSnapshot")
        QTest.qWait(200)

    def locate(self, sel: str) -> dict:
        info = self.js_json(LOCATE_JS % json.dumps(sel))
        if "error" in info:
            raise RuntimeError(info["error"])
        if not info["inViewport"]:
            raise RuntimeError(f"{sel} is not fully inside the viewport: {info}")
        return info

    # -- steps -----------------------------------------------------------
    def run_step(self, page: dict, step: dict) -> dict:
        target = self.proxy()
        before = self.counts()
        entry = {
            "page": page["url"],
            **{k: v for k, v in step.items() if k != "sel"},
            "selector": step["sel"],
        }
        if step["do"] in ("click", "dblclick"):
            info = self.locate(step["sel"])
            if not info["hitInside"]:
                raise RuntimeError(
                    f"{step['sel']} centre hits {info['hitTag']} outside the element"
                )
            pos = QPoint(info["x"], info["y"])
            QTest.mouseMove(target, pos)
            QTest.qWait(60)
            if step["do"] == "click":
                QTest.mouseClick(
                    target, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos
                )
                self.wait_until(lambda s: s["clicks"] > before["clicks"], f"Click on {step['sel']}")
            else:
                window = target.window().windowHandle()
                wpos = target.mapTo(target.window(), pos)
                QTest.mouseDClick(
                    window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, wpos
                )
                self.wait_until(
                    lambda s: s["dblclicks"] > before["dblclicks"], f"DblClick on {step['sel']}"
                )
            entry.update(
                nodeId=info["id"],
                tag=info["tag"],
                clickTargetId=info["hitId"],
                clickTargetTag=info["hitTag"],
                x=info["x"],
                y=info["y"],
            )
        elif step["do"] == "type":
            node_id = self.locate(step["sel"])["id"]
            if before["focused"] != node_id:
                raise RuntimeError(f"{step['sel']} is not focused before typing")
            QTest.keyClicks(target, step["text"])
            masked = "*" * len(step["text"])
            self.wait_js(
                "window.__events.some(function (e) { return e.type === 3 && e.data.source === 5 "
                f"&& e.data.id === {node_id} && e.data.text === {json.dumps(masked)}; }})",
                f"Input events for {step['sel']}",
            )
            entry.update(nodeId=node_id, maskedText=masked)
        elif step["do"] == "key":
            key = getattr(Qt.Key, f"Key_{step['key']}")
            QTest.keyClick(target, key)
            node_id = self.locate(step["sel"])["id"]
            if step["key"] == "Tab":
                self.wait_until(lambda s: s["focused"] == node_id, f"focus on {step['sel']}")
            else:
                self.wait_js(
                    "window.__events.some(function (e) { "
                    "return e.type === 3 && e.data.source === 5 "
                    f"&& e.data.id === {node_id}; }})",
                    f"Input event for {step['sel']}",
                )
                entry["value"] = self.js(f"document.querySelector({json.dumps(step['sel'])}).value")
            entry.update(nodeId=node_id)
        else:
            raise ValueError(step["do"])
        QTest.qWait(120)
        self.log.append(entry)
        return entry

    def proxy(self):
        proxy = self.view.focusProxy()
        if proxy is None:
            raise RuntimeError("QWebEngineView has no focusProxy (render widget) yet")
        return proxy

    def capture(self, name: str, page: dict) -> dict:
        state = self.js_json(CAPTURE_JS % json.dumps(page["capture_selectors"]))
        state = {"name": name, "page": page["url"], **state}
        self.states.append(state)
        return state

    def events(self) -> list:
        return json.loads(self.js("JSON.stringify(window.__events)"))


# --------------------------------------------------------------------------
# Verification against the recorded data (independent of the JS mirror).
# --------------------------------------------------------------------------
def index_nodes(events: list, start: int, end: int) -> dict[int, tuple[dict, int | None]]:
    """id -> (serialized node, parent id) for one recording segment."""
    nodes: dict[int, tuple[dict, int | None]] = {}

    def walk(node: dict, parent: int | None) -> None:
        nodes[node["id"]] = (node, parent)
        for child in node.get("childNodes", []):
            walk(child, node["id"])

    for e in events[start:end]:
        if e["type"] == 2:
            walk(e["data"]["node"], None)
        elif e["type"] == 3 and e["data"]["source"] == 0:
            for add in e["data"].get("adds", []):
                walk(add["node"], add["parentId"])
    return nodes


def describe(nodes: dict, node_id: int) -> str:
    node, _ = nodes[node_id]
    attrs = node.get("attributes", {})
    bits = [node.get("tagName", f"#type{node['type']}")]
    for key in ("id", "class", "name", "aria-label", "title", "alt", "placeholder", "role", "type"):
        if key in attrs:
            bits.append(f'{key}="{attrs[key]}"')
    return "<" + " ".join(bits) + ">"


def ancestors(nodes: dict, node_id: int) -> list[int]:
    chain = []
    current: int | None = node_id
    while current is not None:
        chain.append(current)
        current = nodes[current][1]
    return chain


def verify(events: list, log: list[dict], boundary: int) -> list[str]:
    problems: list[str] = []
    segments = [(0, boundary, PAGE1["url"]), (boundary, len(events), PAGE2["url"])]
    metas = [e for e in events if e["type"] == 4]
    if len(metas) < 2 or len({m["data"]["href"] for m in metas}) < 2:
        problems.append(f"expected 2 Meta events with different hrefs, got {metas}")
    if sum(1 for e in events if e["type"] == 2) != 2:
        problems.append("expected exactly 2 FullSnapshots")
    for start, end, url in segments:
        nodes = index_nodes(events, start, end)
        seg_events = events[start:end]
        clicks = [
            e
            for e in seg_events
            if e["type"] == 3 and e["data"]["source"] == 2 and e["data"]["type"] == 2
        ]
        dbls = [
            e
            for e in seg_events
            if e["type"] == 3 and e["data"]["source"] == 2 and e["data"]["type"] == 4
        ]
        inputs = [e for e in seg_events if e["type"] == 3 and e["data"]["source"] == 5]
        steps = [s for s in log if s["page"] == url]
        # Single clicks: the dblclick gesture also yields 2 Click events.
        expected_click_targets = []
        for s in steps:
            if s["do"] == "click":
                expected_click_targets.append(s["clickTargetId"])
            elif s["do"] == "dblclick":
                expected_click_targets += [s["clickTargetId"]] * 2
        got = [c["data"]["id"] for c in clicks]
        if got != expected_click_targets:
            problems.append(f"{url}: Click targets {got} != expected {expected_click_targets}")
        for s in steps:
            if s["do"] in ("click", "dblclick"):
                if s["nodeId"] not in ancestors(nodes, s["clickTargetId"]):
                    problems.append(f"{s['selector']}: click target not inside element")
                s["elementSerialized"] = describe(nodes, s["nodeId"])
                s["clickTargetSerialized"] = describe(nodes, s["clickTargetId"])
                s["parentId"] = nodes[s["nodeId"]][1]
            if s["do"] == "dblclick" and [d["data"]["id"] for d in dbls] != [s["clickTargetId"]]:
                problems.append(f"{s['selector']}: DblClick events {dbls}")
            if s["do"] in ("type", "key"):
                s["elementSerialized"] = describe(nodes, s["nodeId"])
            if s["do"] in ("type", "key") and s.get("key") != "Tab":
                mine = [i for i in inputs if i["data"]["id"] == s["nodeId"]]
                if not mine:
                    problems.append(f"{s['selector']}: no Input events")
                elif any(set(i["data"]["text"]) - {"*"} for i in mine):
                    problems.append(f"{s['selector']}: Input text not masked: {mine}")
    errors = [
        e
        for e in events
        if e["type"] == 6
        and e["data"]["plugin"] == "rrweb/console@1"
        and e["data"]["payload"]["level"] == "error"
    ]
    if len(errors) < 2:
        problems.append(f"expected >= 2 console error plugin events, got {len(errors)}")
    spinner = any(
        add["node"].get("attributes", {}).get("class") == "spinner"
        and add["node"]["attributes"].get("aria-busy") == "true"
        for e in events
        if e["type"] == 3 and e["data"]["source"] == 0
        for add in e["data"]["adds"]
    )
    if not spinner:
        problems.append("no spinner mutation recorded")
    return problems


def verify_states(events: list, states: list[dict], raw: list[dict]) -> list[str]:
    """The captures line up with the recording: in order, inside it, after their events."""
    problems: list[str] = []
    for state, live in zip(states, raw, strict=True):
        if live["href"] != state["page"]:
            problems.append(f"{state['name']}: captured on {live['href']}")
        before = events[: state["eventsBefore"]]
        after = events[state["eventsBefore"] :]
        if not before or max(e["timestamp"] for e in before) > state["timestamp"]:
            problems.append(f"{state['name']}: an event before the capture is later than it")
        if after and min(e["timestamp"] for e in after) < state["timestamp"]:
            problems.append(f"{state['name']}: an event after the capture is earlier than it")
    stamps = [s["timestamp"] for s in states]
    if stamps != sorted(stamps) or len(set(stamps)) != len(stamps):
        problems.append(f"capture timestamps not strictly increasing: {stamps}")
    return problems


# --------------------------------------------------------------------------
# Summary / README
# --------------------------------------------------------------------------
EVENT_TYPES = {
    0: "DomContentLoaded",
    1: "Load",
    2: "FullSnapshot",
    3: "IncrementalSnapshot",
    4: "Meta",
    5: "Custom",
    6: "Plugin",
}
SOURCES = {
    0: "Mutation",
    1: "MouseMove",
    2: "MouseInteraction",
    3: "Scroll",
    4: "ViewportResize",
    5: "Input",
    6: "TouchMove",
    7: "MediaInteraction",
    8: "StyleSheetRule",
    9: "CanvasMutation",
    10: "Font",
    11: "Log",
    12: "Drag",
    13: "StyleDeclaration",
    14: "Selection",
    15: "AdoptedStyleSheet",
    16: "CustomElement",
}
INTERACTIONS = {
    0: "MouseUp",
    1: "MouseDown",
    2: "Click",
    3: "ContextMenu",
    4: "DblClick",
    5: "Focus",
    6: "Blur",
    7: "TouchStart",
    8: "TouchMove_Departed",
    9: "TouchEnd",
    10: "TouchCancel",
}


def summarize(events: list) -> dict:
    by_type = Counter(EVENT_TYPES.get(e["type"], str(e["type"])) for e in events)
    inc = [e for e in events if e["type"] == 3]
    by_source = Counter(SOURCES.get(e["data"]["source"], str(e["data"]["source"])) for e in inc)
    mi = Counter(
        INTERACTIONS.get(e["data"]["type"], str(e["data"]["type"]))
        for e in inc
        if e["data"]["source"] == 2
    )
    console = Counter(
        e["data"]["payload"]["level"]
        for e in events
        if e["type"] == 6 and e["data"].get("plugin") == "rrweb/console@1"
    )
    return {
        "by_type": dict(sorted(by_type.items())),
        "incremental_by_source": dict(sorted(by_source.items())),
        "mouse_interactions": dict(sorted(mi.items())),
        "clicks": mi.get("Click", 0),
        "dblclicks": mi.get("DblClick", 0),
        "inputs": by_source.get("Input", 0),
        "console_errors": console.get("error", 0),
        "console_by_level": dict(console),
        "metas": [e["data"]["href"] for e in events if e["type"] == 4],
    }


def action_name(step: dict) -> str:
    if step["do"] in VERB:
        return f"{VERB[step['do']]} on '{step['name']}'"
    if step["do"] == "type":
        return f"(no click action) Input on '{step['name']}'"
    if step.get("key") == "Tab":
        return "(no action) focus moves by keyboard"
    return f"(no click action) Input/change on '{step['name']}'"


def qt_input(step: dict) -> str:
    if step["do"] == "click":
        return f"QTest.mouseClick at ({step['x']}, {step['y']})"
    if step["do"] == "dblclick":
        return f"QTest.mouseDClick (window handle) at ({step['x']}, {step['y']})"
    if step["do"] == "type":
        return f"QTest.keyClicks {step['text']!r}"
    return f"QTest.keyClick Key_{step['key']}"


def write_readme(
    log: list[dict], summary: dict, boundary: int, total: int, states: list[dict]
) -> None:
    close = next(s for s in log if s["name"] == "Close dialog")
    logo = next(s for s in log if s["name"] == "Company logo")
    close_target, close_node = close["clickTargetId"], close["nodeId"]
    logo_node, logo_parent = logo["nodeId"], logo["parentId"]
    rows = []
    for n, s in enumerate(log, 1):
        target = ""
        if "clickTargetId" in s:
            target = f"{s['clickTargetId']} `{s['clickTargetSerialized']}`"
        rows.append(
            f"| {n} | {1 if s['page'] == PAGE1['url'] else 2} | {qt_input(s)} "
            f"| `{s['element']}` "
            f"| {s['nodeId']} | {target} | {s['source']} | `{s['name']}` | `{action_name(s)}` "
            f"| {s['note'].replace('<', '&lt;')} |"
        )
    text = f"""# Test recordings

Generated by `make_recordings.py` (do not edit by hand; re-run the script; it also writes
`checkout-clicks.states.json`, so the states always match the recording):

    cd /work/main && .venv/bin/python tests/data/recordings/make_recordings.py

The script shows the hand-written pages in `pages/` in a headless `QWebEngineView`
(QPA `offscreen`, no Xvfb needed; `--no-sandbox --disable-gpu`), loaded with
`setHtml(html, QUrl(url))` so `location.href` is a realistic https URL. The network
is never touched (a `QWebEngineUrlRequestInterceptor` blocks http/https/ws).
The pinned rrweb 2.2.2 recorder and `rrwebPluginConsoleRecord.getRecordConsolePlugin()`
are injected as a `QWebEngineScript` at `DocumentCreation` (main world) and started with
`rrweb.record({{emit, plugins: [consolePlugin], maskAllInputs: true}})`, so each page
also records `DomContentLoaded` and `Load` events before its Meta + FullSnapshot.

All input is real Qt input sent to `view.focusProxy()` (the render widget) at the element
centre from `getBoundingClientRect()`. Exception: the double click uses the QWindow
overload of `QTest.mouseDClick` (top-level window handle, same position) because the
widget overload sends no release events and Chromium never fires `dblclick` for it.

## Files

- `checkout-clicks.json` – compact JSON array with all {total} rrweb events: events
  `0..{boundary - 1}` come from page 1, `{boundary}..{total - 1}` from page 2 (same view,
  navigated with `setHtml`; recorder re-injected, new Meta + FullSnapshot).
- `checkout-clicks.expected.json` – the scenario below in machine-readable form.
- `checkout-clicks.states.json` – the LIVE page's state at {len(states)} moments (page load
  and after the steps named below), for replay-fidelity tests: `timestamp` is the page's
  `Date.now()` (the clock of rrweb's event timestamps), `eventsBefore` the number of
  recorded events emitted before it, and `elements` maps CSS selectors to `present`,
  `text` (textContent, whitespace collapsed and trimmed), `className` (the class
  attribute), `hidden` and, for inputs, `valueLength` (replayed values are masked, one `*`
  per character). Captured moments: {", ".join(f"`{s['name']}`" for s in states)}.
- `pages/checkout.html`, `pages/thank-you.html` – the recorded pages.

Page 1: `{PAGE1["url"]}`; page 2: `{PAGE2["url"]}`.

**Node ids restart on page 2** (a new rrweb session after the navigation), so ids are only
unique together with the FullSnapshot that precedes them.

## Scenario (in order)

Naming rule of the expected Dynatrace-style names: visible text, else `aria-label`,
`title`, `alt`, `placeholder`, `name`, `id`, else tag + classes. "Element node" is the
rrweb id of the element the step is about; "Click target" is `data.id` of the recorded
MouseInteraction events (the innermost element under the pointer).

| # | Page | Qt input | Element | Element node | Click target node | Name source \
| Expected name | Expected action name | Note |
|---|------|----------|---------|--------------|-------------------|-------------|---------------|----------------------|------|
{chr(10).join(rows)}

Notes (observed in the recording):

- Step 1: the pointer lands on the `<path>` of the inline SVG, so MouseDown, MouseUp and
  Click target the `path` node ({close_target}), while the Focus event targets the
  `<button>` ({close_node}); a namer has to walk up from the path to the button to find
  `aria-label="Close dialog"`. The click removes the dialog (Mutation `removes`).
- "Company logo": MouseDown/MouseUp/Click target the `<img>` ({logo_node}); the Focus event
  targets the focusable `<a class="brand">` ({logo_parent}) around it.
- Clicking a focusable element also records Focus (and Blur for the previously focused
  element) MouseInteraction events; non-focusable targets (the span chip, the h2) get none.
- Typing records one Input event (source 5) per keystroke, `data.id` = the `<input>` node,
  `text` masked as `*` with the current length (`isChecked: false`). The select change is
  one Input event on the `<select>` node with text `**` (the masked option *value* `IE`).
- Only Click events carry `pointerType: 0` (mouse); MouseDown, MouseUp and DblClick
  have none.
- The double click produces MouseDown, MouseUp, Click twice and then one DblClick, all on
  the `<h2>` node, followed by a Selection event (source 14) for the selected word. A second,
  collapsed Selection event follows the chip click.
- "Place order": the handler appends `<div class="spinner" aria-busy="true">` (Mutation
  `adds`), calls `console.error('Postal code check failed')` and 50 ms later throws an
  uncaught `TypeError: Cannot read properties of null (reading 'total')`. The console plugin
  records both as type 6 events with `plugin: "rrweb/console@1"`, `level: "error"`;
  `payload.payload` is a one-element array holding the JSON-stringified message (the string
  *including* its quotes, e.g. `'"Postal code check failed"'` and
  `'"Uncaught TypeError: Cannot read properties of null (reading \'total\')"'`), and
  `payload.trace` points at `https://shop.example/checkout:<line>:<col>`.
- Page 2 "Download invoice": the handler replaces the button text with
  `Preparing invoice…` right after the click (Mutation after the Click); the name at click
  time (FullSnapshot state) is `Download invoice`.

## Event summary

- By type: {summary["by_type"]}
- IncrementalSnapshot by source: {summary["incremental_by_source"]}
- MouseInteraction by type: {summary["mouse_interactions"]}
- Click: {summary["clicks"]}, DblClick: {summary["dblclicks"]}, Input: {summary["inputs"]},
  console plugin errors: {summary["console_errors"]}
  (all console levels: {summary["console_by_level"]})
- Meta hrefs: {summary["metas"]}

Timestamps (and possibly the number of batched MouseMove events) differ between runs;
node ids, interaction events and their order are stable.
"""
    OUT_README.write_text(text, encoding="utf-8")


def main() -> int:
    for name in ("rrweb.umd.min.js", "rrweb-console-record.umd.min.js"):
        if not (VENDOR / name).is_file():
            print(
                f"missing {VENDOR / name} (build product; run the vendor step first)",
                file=sys.stderr,
            )
            return 2
    app = QApplication.instance() or QApplication(sys.argv[:1])
    rec = Recorder()

    rec.load(PAGE1)
    rec.capture("page 1 loaded", PAGE1)
    for step in PAGE1["steps"]:
        rec.run_step(PAGE1, step)
        if "capture" in step:
            rec.capture(step["capture"], PAGE1)
    # The uncaught TypeError fires 50 ms after "Place order"; also let the
    # mouse-move batch (500 ms) flush.
    rec.wait_until(lambda s: s["consoleErrors"] >= 2, "console error events")
    QTest.qWait(600)
    events = rec.events()
    boundary = len(events)

    rec.load(PAGE2)
    rec.capture("page 2 loaded", PAGE2)
    for step in PAGE2["steps"]:
        rec.run_step(PAGE2, step)
        if "capture" in step:
            rec.capture(step["capture"], PAGE2)
    QTest.qWait(600)
    events += rec.events()

    blocked = list(rec.blocker.blocked)
    page_console = list(rec.page.console)
    rec.view.close()
    rec.view.deleteLater()
    QTest.qWait(50)
    del app

    states = [
        {
            "name": st["name"],
            "page": st["page"],
            "timestamp": st["timestamp"],
            # events[:eventsBefore] were emitted before the capture
            "eventsBefore": st["pageEvents"] + (boundary if st["page"] == PAGE2["url"] else 0),
            "elements": st["elements"],
        }
        for st in rec.states
    ]
    problems = verify(events, rec.log, boundary)
    problems += verify_states(events, states, rec.states)
    if blocked:
        problems.append(f"network requests were attempted (blocked): {blocked}")
    summary = summarize(events)

    print("Events by type:        ", summary["by_type"])
    print("Incremental by source: ", summary["incremental_by_source"])
    print("MouseInteraction types:", summary["mouse_interactions"])
    print(
        f"Click: {summary['clicks']}  DblClick: {summary['dblclicks']}  "
        f"Input: {summary['inputs']}  console errors: {summary['console_errors']}  "
        f"(console levels {summary['console_by_level']})"
    )
    print("Meta hrefs:            ", summary["metas"])
    print("Page console messages: ", page_console)
    print("Steps:")
    for n, s in enumerate(rec.log, 1):
        target = (
            f" click target {s['clickTargetId']} {s.get('clickTargetSerialized', '')}"
            if "clickTargetId" in s
            else ""
        )
        print(
            f"  {n:2d}. node {s['nodeId']:3d} {s.get('elementSerialized', '')} "
            f"-> {action_name(s)}{target}"
        )

    if problems:
        print("\nVERIFICATION FAILED, nothing written:", *problems, sep="\n  ", file=sys.stderr)
        return 1

    payload = json.dumps(events, separators=(",", ":"), ensure_ascii=False)
    OUT_EVENTS.write_text(payload, encoding="utf-8")
    expected = {
        "events_file": OUT_EVENTS.name,
        "pages": [
            {"url": PAGE1["url"], "file": f"pages/{PAGE1['file']}", "events": [0, boundary]},
            {
                "url": PAGE2["url"],
                "file": f"pages/{PAGE2['file']}",
                "events": [boundary, len(events)],
            },
        ],
        "steps": [
            {
                k: s[k]
                for k in ("page", "do", "selector", "element", "nodeId", "name", "source")
                if k in s
            }
            | {
                k: s[k]
                for k in ("clickTargetId", "clickTargetTag", "text", "maskedText", "key", "value")
                if k in s
            }
            | {"action": action_name(s)}
            for s in rec.log
        ],
        "summary": summary,
    }
    OUT_EXPECTED.write_text(
        json.dumps(expected, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    OUT_STATES.write_text(
        json.dumps({"events_file": OUT_EVENTS.name, "states": states}, indent=2, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    write_readme(rec.log, summary, boundary, len(events), states)
    print(
        f"\nwrote {OUT_EVENTS} ({len(payload.encode()) / 1024:.1f} KiB), "
        f"{OUT_EXPECTED.name}, {OUT_STATES.name}, {OUT_README.name}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
