"""The steps a person took, inferred from one window's rrweb events in order.

Walks the events through the replay-exact mirror, so every step is located in the document
as it was at that moment. Rules (issue 18):

* **Navigation**: the first page, and every page load (a Meta with its FullSnapshot that a
  ``DomContentLoaded``/``Load`` event or a recorded load action accompanies: periodic rrweb
  checkouts have neither) that no step explains. A load within 3 s of a click on a link,
  button or form control, or of an Enter, is that step's doing: the test waits for the URL.
* **Clicks** (``Click``/``DblClick``); a click on a checkbox or radio becomes ``check``/
  ``uncheck``, on a ``<select>`` it is left to ``select_option``.
* **Typing**: one ``fill`` per field edit (consecutive Input events on the focused field
  until another step), with the edit's final value; page-set values (no focus) are not
  steps, except that fields the page pre-filled in a form the user types in are filled too
  (a fresh browser lacks the stored state that filled them: a signed-in user's address).
* **Keys**: the recorder's ``key`` custom events when the recording has them; otherwise
  Enter is inferred when, right after an edit and without a click, the field was cleared
  or the page loaded, or (for a field in a form or a search field) at least three elements
  came or went.
* **Hovers** before a click on an element a ``:hover`` rule shows (:mod:`.hover`).
* **Scroll**: the window scroll before a step is kept only when content was added after it
  (lazy loading); Playwright scrolls elements into view itself.
* **File inputs**: a step that says what to do (a test cannot pick the user's file).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.reproduce import dom as page
from app.reproduce.hover import hover_rules, hover_target
from app.reproduce.locators import choose
from app.reproduce.model import Step
from app.reproduce.parameters import Parameters
from app.rrweb.protocol import EventType, IncrementalSource, MouseInteraction
from app.rrweb.replay_dom import ReplayDom
from app.rrweb.replay_node import ELEMENT, Node

KEY_TAG = "key"
PAGE_LOADED = (EventType.DOM_CONTENT_LOADED, EventType.LOAD)  # the page's own load events
KEYS = ("Enter", "Escape", "Tab")
LOAD_NEAR_MS = 3_000
CAUSED_LOAD_MS = 3_000
ENTER_CHANGE_MS = 1_500
_CLICKS = {MouseInteraction.CLICK: "click", MouseInteraction.DBL_CLICK: "dblclick"}


@dataclass
class _Edit:
    step: Step
    node: Node
    last_ts: int
    value: str
    changed_at: int | None = None  # elements came or went right after the last Input


@dataclass
class StepInference:
    """Walks one window's events (:meth:`run`) into :attr:`steps`."""

    events: list[dict[str, Any]]
    load_times: list[int]  # recorded load actions (epoch ms)
    mask: bool
    start_ms: int
    end_ms: int
    parameters: Parameters = field(default_factory=Parameters)
    steps: list[Step] = field(default_factory=list)
    dom: ReplayDom = field(default_factory=ReplayDom)
    notes: list[str] = field(default_factory=list)
    final_url: str = ""

    def run(self) -> list[Step]:
        self._has_keys = any(_key(e) for e in self.events)
        self._loads = sorted(
            [int(e.get("timestamp", 0)) for e in self.events if e.get("type") in PAGE_LOADED]
            + self.load_times
        )
        self._edit: _Edit | None = None
        self._focused: int | None = None
        self._pending_meta: dict[str, Any] | None = None
        self._url = ""
        self._filled_forms: set[int] = set()
        self._scroll: tuple[int, int, bool] | None = None  # (ts, y, content added since)
        self._started = False
        for event in self.events:
            ts = int(event.get("timestamp") or 0)
            if ts > self.end_ms:
                break
            self._started = self._started or ts >= self.start_ms
            self._event(event, ts)
        self._close_edit(None)
        self.final_url = self._url
        return self.steps

    # ---- events ------------------------------------------------------------------------
    def _event(self, event: dict[str, Any], ts: int) -> None:
        kind, data = event.get("type"), event.get("data")
        if not isinstance(data, dict):
            return
        if kind == EventType.META:
            self._pending_meta = event
        elif kind == EventType.FULL_SNAPSHOT:
            self.dom.apply(event)
            meta, self._pending_meta = self._pending_meta, None
            if meta is not None:
                self._page_loaded(meta, ts)
            return
        elif kind == EventType.CUSTOM and _key(event):
            self._key(data["payload"], ts)
        elif kind == EventType.INCREMENTAL_SNAPSHOT:
            source = data.get("source")
            if source == IncrementalSource.MOUSE_INTERACTION:
                self._mouse(data, ts)
            elif source == IncrementalSource.INPUT:
                self._input(data, ts)
            elif source == IncrementalSource.MUTATION:
                self._mutation(data, ts)
            elif (
                source == IncrementalSource.SCROLL
                and self.dom.nodes.get(data.get("id")) is self.dom.root
            ):
                self._scroll = (ts, int(data.get("y") or 0), False)
        self.dom.apply(event)

    def _page_loaded(self, meta: dict[str, Any], ts: int) -> None:
        href = str(meta["data"].get("href") or "")
        first = not self._url
        is_load = first or any(abs(t - ts) <= LOAD_NEAR_MS for t in self._loads)
        if not is_load:
            return  # a checkout of the same page: nothing happened
        previous = self._url
        self._url = href
        self._filled_forms.clear()
        self._scroll = None
        if not self._started:
            return
        edit = self._edit
        if edit is not None and not self._has_keys and ts - edit.last_ts <= CAUSED_LOAD_MS:
            self._close_edit(None)
            inferred = "Enter (inferred: the page loaded)"
            self._append(
                Step("press", edit.last_ts, inferred, edit.step.locator, "Enter",
                     node_id=edit.node.id, wait_path=href)
            )  # fmt: skip
            return
        self._close_edit(None)
        last = self.steps[-1] if self.steps else None
        if (
            last is not None
            and last.kind in ("click", "press")
            and ts - last.ts_ms <= CAUSED_LOAD_MS
        ) and (last.kind == "press" or _navigates(self._node_kind(last))):
            last.wait_path = href
            return
        name = "reload" if href == previous else "navigation"
        self._append(
            Step("goto", int(meta.get("timestamp") or ts), f"{name} to {href}", value=href)
        )

    def _node_kind(self, step: Step) -> Node | None:
        return getattr(step, "_node", None)

    def _mouse(self, data: dict[str, Any], ts: int) -> None:
        kind = data.get("type")
        node = self.dom.nodes.get(data.get("id"))
        if kind == MouseInteraction.FOCUS:
            self._focused = data.get("id")
            return
        if kind == MouseInteraction.BLUR:
            if self._focused == data.get("id"):
                self._focused = None
            return
        action = _CLICKS.get(kind)
        if action is None or not self._started:
            return
        if node is None:
            # the recording lost the element (a gap in its mutations): the test must say
            # so at this step rather than skip it and fail somewhere later
            self._close_edit(None)
            self._append(Step(action, ts, "", None, node_id=data.get("id")))
            return
        if node.type != ELEMENT:
            return
        if self._edit is not None and self._edit.node is node:
            return  # a click inside the field being typed in
        self._close_edit(None)
        self._flush_scroll(ts)
        if page.input_type(node) == "file" and node.tag == "input":
            missing = "a file was chosen here; the recording does not hold it"
            self._append(
                Step("upload", ts, "file upload", choose(self.dom, node), node_id=node.id,
                     problem=missing)
            )  # fmt: skip
            return
        if node.tag == "select" or (node.tag == "option"):
            return
        node = _interactive(node)
        hovered = hover_target(self.dom, node, hover_rules(self.dom))
        if hovered is not None:
            self._append(Step("hover", ts, "hover (the clicked element shows on hover)",
                              choose(self.dom, hovered), node_id=hovered.id))  # fmt: skip
        step = Step(action, ts, "", choose(self.dom, node), node_id=node.id)
        x, y = data.get("x"), data.get("y")
        step.offset = (
            int(x) if isinstance(x, (int, float)) else 0,
            int(y) if isinstance(y, (int, float)) else 0,
        )
        step._node = node  # type: ignore[attr-defined]
        self._append(step)

    def _input(self, data: dict[str, Any], ts: int) -> None:
        node = self.dom.nodes.get(data.get("id"))
        if node is None or node.type != ELEMENT or not self._started:
            return
        if node.tag == "input" and page.input_type(node) in ("checkbox", "radio"):
            checked = bool(data.get("isChecked"))
            last = self.steps[-1] if self.steps else None
            if last is not None and last.kind == "click" and ts - last.ts_ms < 1_000:
                clicked = getattr(last, "_node", None)
                if clicked is node or (clicked is not None and clicked.tag == "label"):
                    last.kind = "check" if checked else "uncheck"
                    last.locator, last.node_id = choose(self.dom, node), node.id
                    return
            if (self._focused == node.id or page.input_type(node) == "radio") and (
                checked or page.input_type(node) == "checkbox"
            ):
                kind = "check" if checked else "uncheck"
                self._append(Step(kind, ts, "", choose(self.dom, node), node_id=node.id))
            return
        value = str(data.get("text") or "")
        if node.tag == "select":
            if self._focused == node.id:
                self._close_edit(None)
                step = Step("select", ts, "select", choose(self.dom, node), node_id=node.id)
                self._choose_option(step, node, value)
                self._append(step)
            return
        if not page.is_text_field(node):
            return
        edit = self._edit
        if edit is not None and edit.node is node:
            if not value and edit.value and not self._has_keys and edit.changed_at is not None:
                edit.changed_at = None  # one Enter, this one (not also "the page changed")
                self._close_edit(None)  # cleared by the page after a submit: Enter
                self._append(Step("press", edit.last_ts, "Enter (inferred: the field was cleared)",
                                  edit.step.locator, "Enter", node_id=node.id))  # fmt: skip
                return
            edit.value, edit.last_ts, edit.changed_at = value, ts, None
            return
        if self._focused != node.id:
            return  # set by the page, not typed
        last = self.steps[-1] if self.steps else None
        if (
            not value
            and last is not None
            and last.kind == "press"
            and last.node_id == node.id
            and ts - last.ts_ms <= ENTER_CHANGE_MS
        ):
            return  # the page cleared the field it submitted on the key press
        self._close_edit(None)
        self._prefilled_siblings(node, ts)
        step = Step("fill", ts, "", choose(self.dom, node), node_id=node.id)
        self._append(step)
        self._edit = _Edit(step, node, ts, value)

    def _mutation(self, data: dict[str, Any], ts: int) -> None:
        if self._scroll is not None and data.get("adds"):
            self._scroll = (self._scroll[0], self._scroll[1], True)
        edit = self._edit
        if edit is None or ts - edit.last_ts > ENTER_CHANGE_MS:
            return
        changed = sum(
            1 for a in data.get("adds") or [] if (a.get("node") or {}).get("type") == ELEMENT
        )
        changed += len(data.get("removes") or [])
        if changed >= 3:
            edit.changed_at = ts

    def _key(self, payload: dict[str, Any], ts: int) -> None:
        node = self.dom.nodes.get(payload.get("id"))
        self._close_edit(None)
        locator = choose(self.dom, node) if node is not None and node.type == ELEMENT else None
        self._append(
            Step("press", ts, f"press {payload['key']}", locator, str(payload["key"]),
                 node_id=node.id if node is not None else None)
        )  # fmt: skip

    # ---- edits and steps -----------------------------------------------------------------
    def _close_edit(self, _next: Step | None) -> None:
        edit, self._edit = self._edit, None
        if edit is None:
            return
        self._set_value(edit.step, edit.node, edit.value)
        if (
            edit.changed_at is not None
            and not self._has_keys
            and (page.form_of(edit.node) is not None or page.input_type(edit.node) == "search")
        ):
            self._append(Step("press", edit.last_ts, "Enter (inferred: the page changed)",
                              edit.step.locator, "Enter", node_id=edit.node.id))  # fmt: skip

    def _set_value(self, step: Step, node: Node, value: str) -> None:
        if (self.mask and page.masked(value)) or page.input_type(node) == "password":
            parameter = self.parameters.for_field(self.dom, node, len(value))
            step.parameter, step.value = parameter.name, parameter.default
        else:
            step.value = value

    def _choose_option(self, step: Step, select: Node, value: str) -> None:
        """A masked choice (``****``) is the one option whose value has its length; when
        several fit, a parameter defaulting to the first of them (never the stars)."""
        if not page.masked(value):
            step.value = value
            return
        values = [page.attr(o, "value") or page.text_of(o) for o in page.options(select)]
        fitting = [v for v in values if len(v) == len(value)]
        if len(fitting) == 1:
            step.value = fitting[0]
            step.note = "the recorded choice was masked: the only option of its length"
            return
        default = (fitting or values or [""])[0]
        parameter = self.parameters.for_field(self.dom, select, len(value), default)
        step.parameter, step.value = parameter.name, parameter.default

    def _prefilled_siblings(self, node: Node, ts: int) -> None:
        form = page.form_of(node)
        if form is None or form.id in self._filled_forms:
            return
        self._filled_forms.add(form.id)
        for other in page.elements(self.dom):
            if other is node or not page.is_text_field(other) or page.form_of(other) is not form:
                continue
            value = page.attr(other, "value") or ""
            if value and other.id not in self.dom.inputs:
                locator = choose(self.dom, other)
                field_name = locator.aria or page.attr(other, "name") or locator.description
                name = f"fill '{field_name}' (prefilled by the page in the recording)"
                step = Step("fill", ts, name, locator, node_id=other.id)
                self._set_value(step, other, value)
                self._append(step)

    def _flush_scroll(self, ts: int) -> None:
        scroll, self._scroll = self._scroll, None
        if scroll is not None and scroll[1] > 0 and scroll[2]:
            self._append(
                Step(
                    "scroll",
                    scroll[0],
                    "scroll (content was loaded after it)",
                    value=str(scroll[1]),
                )
            )

    def _append(self, step: Step) -> None:
        if not self.steps and step.kind != "goto" and self._url:
            self.steps.append(
                Step("goto", self.start_ms, f"the page at the start: {self._url}", value=self._url)
            )
        self.steps.append(step)


def _key(event: dict[str, Any]) -> bool:
    data = event.get("data")
    if event.get("type") != EventType.CUSTOM or not isinstance(data, dict):
        return False
    payload = data.get("payload")
    return data.get("tag") == KEY_TAG and isinstance(payload, dict) and payload.get("key") in KEYS


def _navigates(node: Node | None) -> bool:
    """A click on this can load a page: a link, a button, a form control (or inside one)."""
    if node is None:
        return False
    for element in [node, *page.ancestors(node)]:
        if element.tag in ("a", "button", "form") or (
            element.tag == "input" and page.input_type(element) in ("submit", "image", "button")
        ):
            return True
    return False


_INTERACTIVE_ROLES = frozenset({"button", "link", "checkbox", "radio", "tab", "menuitem", "option"})


def _interactive(node: Node) -> Node:
    """What a click on an icon or a span inside a link or button is a click on."""
    for element in [node, *list(page.ancestors(node))[:6]]:
        if element.tag in ("a", "button", "label", "input", "select", "textarea", "summary"):
            return element
        if (page.attr(element, "role") or "") in _INTERACTIVE_ROLES:
            return element
    return node
