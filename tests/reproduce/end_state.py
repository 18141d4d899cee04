"""The state a page ends in — the text of its main content and the checked/selected state
of its controls — read the same way from a live page and from the replay's mirror.

Why the same walk on both sides: issue 18's acceptance (b) compares the page a generated
test leaves with the last frame of the recording. Both sides join the text nodes under
``<main>`` (else ``<body>``), outside scripts and styles, and list checkboxes, radios and
selects in document order, so a difference is a difference of the page, not of the reading.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app.reproduce import dom as page
from app.rrweb.replay_dom import ReplayDom
from app.rrweb.replay_node import ELEMENT, TEXT, Node, walk
from app.store.open import open_store
from app.store.queries import replay as replay_queries

SKIPPED = ("script", "style", "noscript", "template")

END_STATE_JS = """() => {
  const root = document.querySelector('main') || document.body;
  const texts = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.parentElement.closest('script,style,noscript,template')) texts.push(n.data);
  }
  const controls = [...root.querySelectorAll('input[type=checkbox],input[type=radio],select')]
    .map((c) => c.tagName === 'SELECT'
      ? ['select', c.name || c.id, c.value]
      : [c.type, c.name || c.id || c.getAttribute('aria-label'), c.checked ? 'checked' : '']);
  return {text: texts.join(' ').replace(/\\s+/g, ' ').trim(), controls};
}"""


def mirror_end_state(dom: ReplayDom) -> dict[str, Any]:
    """:data:`END_STATE_JS`'s answer for the mirror's document as it is now."""
    assert dom.root is not None
    elements = [n for n in walk(dom.root) if n.type == ELEMENT]
    root = next((n for n in elements if n.tag == "main"), None)
    root = root or next(n for n in elements if n.tag == "body")
    texts = [
        n.text
        for n in walk(root)
        if n.type == TEXT and not any(a.tag in SKIPPED for a in page.ancestors(n))
    ]
    controls = [_control(dom, n) for n in walk(root) if _is_control(n)]
    return {"text": " ".join(" ".join(texts).split()), "controls": controls}


def _is_control(node: Node) -> bool:
    return node.type == ELEMENT and (
        node.tag == "select"
        or (node.tag == "input" and page.input_type(node) in ("checkbox", "radio"))
    )


def _control(dom: ReplayDom, node: Node) -> list[str]:
    name = page.attr(node, "name") or page.attr(node, "id") or ""
    value, checked = page.value_of(dom, node)
    if node.tag == "select":
        return ["select", name, value if node.id in dom.inputs else _selected(node)]
    return [page.input_type(node), name or page.attr(node, "aria-label") or "",
            "checked" if checked else ""]  # fmt: skip


def _selected(select: Node) -> str:
    options = page.options(select)
    chosen = next((o for o in options if "selected" in o.attrs), options[0] if options else None)
    if chosen is None:
        return ""
    return page.attr(chosen, "value") or page.text_of(chosen)


def recorded_events(archive: Path) -> list[dict[str, Any]]:
    """The rrweb events of the archive's only session, largest window, as the replay reads them."""
    store, _ = open_store(archive, archive.with_suffix(".duckdb"))
    with store:
        session_id = store.query("SELECT session_id FROM sessions").rows[0][0]
        window = replay_queries.windows(store.cursor(), session_id)[0][0]
        return json.loads(replay_queries.events_json(store.cursor(), session_id, window))


def recorded_end_state(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The end state of the recording's last frame: every event applied to the mirror."""
    dom = ReplayDom()
    for event in events:
        dom.apply(event)
    return mirror_end_state(dom)
