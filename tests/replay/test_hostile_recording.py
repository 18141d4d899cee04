"""A hostile recording replays inert: no script runs, nothing reaches the network.

The recording is built in code with the real rrweb event shapes (Meta, FullSnapshot,
Mutation, StyleSheetRule) and is full of things a page could use to run code or phone
home: inline and external scripts, event-handler attributes, ``javascript:`` links, srcdoc
and remote iframes, stylesheets, ``@import``, CSS ``url()`` backgrounds and fonts, images,
media, objects and a meta refresh, all pointing at a real HTTP server on 127.0.0.1 that
counts every request. It is ingested through ``open_store`` like any file the user opens.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.builders import el, text
from tests.replay.conftest import CountingServer, Replay

pytestmark = pytest.mark.webengine

T0 = 1_700_000_000_000
END = 2_000  # ms after T0 of the last event

# Every global a payload below would create if it ever ran.
PAYLOAD_GLOBALS = "__p_"


def style_text(node_id: int, css: str) -> dict[str, Any]:
    return {**text(node_id, css), "isStyle": True}


def svg(node_id: int, attrs: dict[str, str]) -> dict[str, Any]:
    return {**el(node_id, "svg", attrs), "isSVG": True}


def hostile_events(srv: CountingServer) -> list[dict[str, Any]]:
    u = srv.url
    css = (
        f"@import url({u('import.css')});\n"
        f"body {{ background: url({u('bg.png')}); }}\n"
        f"@font-face {{ font-family: Hostile; src: url({u('font.woff')}); }}\n"
        ".hostile-font { font-family: Hostile; }\n"
    )
    head = el(
        3,
        "head",
        {},
        [
            el(20, "meta", {"http-equiv": "refresh", "content": f"0;url={u('refresh')}"}),
            el(21, "link", {"rel": "stylesheet", "href": u("style.css")}),
            el(22, "style", {}, [style_text(23, css)]),
            el(24, "script", {}, [text(25, "parent.__p_script = 1;")]),
            el(26, "script", {"src": u("script.js")}),
            el(27, "link", {"rel": "prefetch", "href": u("prefetch.html")}),
        ],
    )
    body = el(
        4,
        "body",
        {},
        [
            el(30, "h1", {"id": "title"}, [text(31, "Hostile page")]),
            el(32, "img", {"id": "onerror", "src": "x", "onerror": "parent.__p_onerror = 1"}),
            svg(33, {"id": "svg", "onload": "parent.__p_svg = 1", "width": "10", "height": "10"}),
            el(34, "a", {"id": "jslink", "href": "javascript:parent.__p_js = 1"}, [text(35, "js")]),
            el(
                36,
                "iframe",
                {"id": "srcdoc", "srcdoc": "<script>parent.parent.__p_srcdoc = 1</script>"},
            ),
            el(37, "iframe", {"id": "remote", "src": u("frame")}),
            el(38, "img", {"id": "remote-img", "src": u("img.png")}),
            el(39, "div", {"class": "hostile-font", "id": "font"}, [text(40, "font text")]),
            el(41, "script", {}, [text(42, "parent.__p_body_script = 1;")]),
            el(
                43,
                "div",
                {"id": "clicker", "onclick": "parent.__p_onclick = 1", "onmouseover": "x()"},
                [text(44, "click me")],
            ),
        ],
    )
    snapshot = {"type": 0, "id": 1, "childNodes": [el(2, "html", {}, [head, body])]}
    adds = [
        el(50, "img", {"id": "mut-onerror", "src": "y", "onerror": "parent.__p_mut_onerror = 1"}),
        el(51, "script", {}, [text(52, "parent.__p_mut_script = 1;")]),
        el(53, "img", {"id": "mut-img", "src": u("mut.png")}),
        el(
            54,
            "iframe",
            {"id": "mut-srcdoc", "srcdoc": "<img src=z onerror='parent.parent.__p_mut_srcdoc=1'>"},
        ),
        el(55, "div", {"id": "mut-style", "style": f"background-image: url({u('inline.png')})"}),
        el(56, "video", {"id": "mut-video", "src": u("video.mp4"), "autoplay": ""}),
        el(57, "object", {"id": "mut-object", "data": u("object.html"), "type": "text/html"}),
        el(58, "script", {"src": u("mut-script.js")}),
    ]
    return [
        {
            "type": 4,
            "timestamp": T0,
            "data": {"href": "https://evil.example/page", "width": 1024, "height": 768},
        },
        {
            "type": 2,
            "timestamp": T0 + 10,
            "data": {"node": snapshot, "initialOffset": {"top": 0, "left": 0}},
        },
        {
            "type": 3,
            "timestamp": T0 + 500,
            "data": {
                "source": 0,
                "texts": [],
                "attributes": [],
                "removes": [],
                "adds": [{"parentId": 4, "nextId": None, "node": node} for node in reversed(adds)],
            },
        },
        {
            "type": 3,
            "timestamp": T0 + 700,
            "data": {
                "source": 0,
                "texts": [{"id": 23, "value": f"@import url({u('import2.css')});\n" + css}],
                "attributes": [
                    {"id": 38, "attributes": {"src": u("changed.png")}},
                    {"id": 30, "attributes": {"onclick": "parent.__p_attr = 1"}},
                ],
                "removes": [],
                "adds": [],
            },
        },
        {
            "type": 3,
            "timestamp": T0 + 900,
            "data": {
                "source": 8,
                "id": 22,
                "adds": [{"rule": f"h1 {{ background: url({u('rule.png')}); }}", "index": 99}],
            },
        },
        {
            "type": 3,
            "timestamp": T0 + END,
            "data": {
                "source": 0,
                "texts": [{"id": 31, "value": "Hostile page (end)"}],
                "attributes": [],
                "removes": [],
                "adds": [],
            },
        },
    ]


# Runs on the player page: every payload global, on the player window and on every window
# below it that the player can reach (the replay iframe and the frames inside it).
GLOBALS_JS = """
const found = [];
const visit = (win, where, depth) => {
  let keys = [];
  try { keys = Object.keys(win); } catch (e) { return; }  // cross-origin (error pages)
  for (const k of keys) if (k.startsWith('__p_')) found.push(where + '.' + k);
  if (depth > 3) return;
  for (let i = 0; i < win.frames.length; i++) visit(win.frames[i], where + '/' + i, depth + 1);
};
visit(window, 'player', 0);
return found;
"""

DOCUMENT_JS = """
const doc = window.replayDocument();
if (!doc) return null;
const ids = [...doc.querySelectorAll('[id]')].map(e => e.id);
return {
  ids,
  title: (doc.getElementById('title') || {}).textContent,
  scripts: doc.querySelectorAll('script').length,
  noscripts: doc.querySelectorAll('noscript').length,
  noscriptText: [...doc.querySelectorAll('noscript')].map(n => n.textContent),
  iframeSandbox: window.replayDocument().defaultView.frameElement.getAttribute('sandbox'),
  url: doc.URL,
};
"""

# Fires every event that a handler attribute listens for, and follows the javascript: link,
# as a user's click (or a browser quirk) might. In the sandboxed, script-less replay iframe
# none of the handlers may compile and the javascript: URL may not run.
PROVOKE_JS = """
const doc = window.replayDocument();
const types = {onerror: 'error', onload: 'load', onclick: 'click', onmouseover: 'mouseover'};
let fired = 0;
for (const node of doc.querySelectorAll('*')) {
  for (const attr of node.getAttributeNames()) {
    const type = types[attr] || types[attr.replace(/^_/, '')];
    if (type) { node.dispatchEvent(new Event(type)); fired++; }
  }
}
doc.getElementById('jslink').click();
return fired;
"""

DOCUMENT_IDS = {
    "title", "onerror", "svg", "jslink", "srcdoc", "remote", "remote-img", "font", "clicker",
    "mut-onerror", "mut-img", "mut-srcdoc", "mut-style", "mut-video", "mut-object",
}  # fmt: skip


def check_inert(replay: Replay, title: str) -> dict[str, Any]:
    doc = replay.js_json(DOCUMENT_JS)
    assert doc is not None, "no replayed document"
    # It was rebuilt: the snapshot's and the mutation's elements are all there ...
    assert set(doc["ids"]) >= DOCUMENT_IDS, doc["ids"]
    assert doc["title"] == title
    # ... but no <script> survived as a script (rrweb rebuilds them as <noscript>) ...
    assert doc["scripts"] == 0
    assert doc["noscripts"] >= 5
    # ... inside an iframe sandboxed without allow-scripts, not navigated anywhere.
    assert doc["iframeSandbox"] == "allow-same-origin"
    assert doc["url"].split(":")[0] in ("about", "replay"), doc["url"]  # document.open() sets it
    assert replay.js_json(GLOBALS_JS) == []
    assert replay.view.url().toString().startswith("replay://app/player.html")
    return doc


# Where the recording points at the server, for images, styles, fonts, media, objects, ...
LOADS = (
    "style.css", "import.css", "import2.css", "bg.png", "font.woff", "img.png", "changed.png",
    "mut.png", "inline.png", "rule.png", "video.mp4", "object.html", "prefetch.html",
)  # fmt: skip
# ... and what must never be fetched, whatever the user allows.
NEVER = ("script.js", "mut-script.js", "frame", "refresh", "object.html")


def replay_everything(replay: Replay, server: CountingServer, qtbot) -> None:
    """Seek to the end, play from the start, fire every handler; inert after each."""
    replay.open_events("hostile", hostile_events(server))
    assert replay.duration == END
    # Seek to the end: every event applied at once (rrweb's synchronous fast-forward).
    replay.seek(END)
    qtbot.wait(1000)
    check_inert(replay, "Hostile page (end)")
    # Play from the start: the same events applied one by one, in real time.
    replay.play_to_end(0, speed=1, timeout=15_000)
    qtbot.wait(1000)
    check_inert(replay, "Hostile page (end)")
    # Provoke every handler attribute and follow the javascript: link.
    assert replay.js_json(PROVOKE_JS) >= 6
    qtbot.wait(500)
    check_inert(replay, "Hostile page (end)")
    assert replay.bridge.errors == []


def refusals(console: list[str]) -> str:
    return "\n".join(m for m in console if m.startswith("Refused to"))


def test_a_hostile_recording_runs_no_script_and_reaches_no_server(
    replay: Replay, http_server: CountingServer, console: list[str], qtbot
) -> None:
    refused: list[str] = []
    replay.view.guarded_page.navigation_refused.connect(refused.append)
    replay_everything(replay, http_server, qtbot)

    assert http_server.requests == []
    # The loads were attempted and refused, not merely absent. The page's CSP refuses them
    # before a request exists, so the interceptor behind it sees none (the next tests
    # check each layer alone); Chromium logs each refusal on the console.
    refused_loads = refusals(console) + "\n".join(replay.view.guard.blocked)
    for name in LOADS:
        assert http_server.url(name) in refused_loads, name
    assert f"Refused to frame '{http_server.base}/'" in refusals(console)  # remote iframes
    assert "Refused to execute the redirect" in refusals(console)  # <meta http-equiv=refresh>
    assert all(url.startswith(http_server.base) for url in replay.view.guard.blocked)
    sandboxed = [m for m in console if m.startswith("Blocked script execution")]
    assert any("about:srcdoc" in m for m in sandboxed)  # the srcdoc iframes' scripts
    assert len(sandboxed) >= 3  # handlers and the javascript: link
    assert refused == []  # nothing even asked to navigate the page itself


def test_the_page_policy_alone_keeps_the_recording_off_the_network(
    replay: Replay, http_server: CountingServer, console: list[str], qtbot
) -> None:
    """Defence in depth, first layer: the interceptor lets everything through here."""
    replay.view.guard.allow_site_assets = True  # white box: only the guard, not the CSP
    replay_everything(replay, http_server, qtbot)

    assert http_server.requests == []
    assert replay.view.guard.blocked == []
    for name in LOADS:
        assert http_server.url(name) in refusals(console), name


def test_the_interceptor_alone_blocks_what_the_page_policy_would_let_through(
    replay: Replay, http_server: CountingServer, qtbot
) -> None:
    """Defence in depth, second layer: the page's CSP relaxed (as for site assets), the
    interceptor still blocking; no request leaves, and the guard names each one it stopped."""
    replay.view.set_site_assets_allowed(True)  # the player reloads with the relaxed CSP
    replay.view.guard.allow_site_assets = False  # ... but the interceptor still blocks
    replay_everything(replay, http_server, qtbot)

    assert http_server.requests == []
    blocked = {url.removeprefix(http_server.base + "/") for url in replay.view.guard.blocked}
    assert {"img.png", "mut.png", "changed.png", "bg.png", "inline.png", "rule.png"} <= blocked
    assert {"style.css", "import.css", "import2.css", "font.woff", "video.mp4"} <= blocked
    assert not blocked & set(NEVER)  # still refused by the CSP: never even requested
    assert all(url.startswith(http_server.base) for url in replay.view.guard.blocked)


def test_with_site_assets_allowed_images_load_but_scripts_still_never_run(
    replay: Replay, http_server: CountingServer, qtbot
) -> None:
    """The switch works (so the zero counts above mean something), and scripts stay off."""
    replay.view.set_site_assets_allowed(True)
    replay_everything(replay, http_server, qtbot)

    fetched = {path.lstrip("/") for path in http_server.requests}
    assert {"img.png", "mut.png", "changed.png", "bg.png", "inline.png", "rule.png"} <= fetched
    assert {"style.css", "import.css", "import2.css", "font.woff"} <= fetched
    assert not fetched & set(NEVER)
    assert replay.view.guard.blocked == []
