"""Derive RUM records (actions, errors, requests) from a stream of rrweb events.

Definitions (written down because the numbers are choices):

* A **click** / **double click** is one action named after its target (see ``naming``);
  the two clicks that precede a double click (within ``DOUBLE_CLICK_MS``) are folded into it.
* Typing into a field is one **input** action per field: consecutive Input events on the same
  field, less than ``INPUT_DEBOUNCE_MS`` apart and not interrupted by another action.
* A **navigation** is a Meta event whose ``href`` differs from the current page (the first
  Meta is the entry page), or a PostHog ``$pageview`` custom event; it is a ``load`` action
  named ``loading of page <path>``.
* An action is an **XHR** action when a request starts within ``XHR_START_WINDOW_MS`` after it;
  its duration runs until the last such request ends. Other clicks and inputs are ``custom``
  actions lasting until the page's first visible response (a DOM mutation) within
  ``RESPONSE_WINDOW_MS``, else 0.
* **Errors** are ``rrweb/console@1`` entries at level ``error`` (and legacy source 11 logs);
  an error belongs to the last click or input within ``ERROR_ACTION_WINDOW_MS`` before it.
* **Requests** come from ``rrweb/network@1`` entries; their size is the first of
  ``transferSize``, ``encodedBodySize``, ``decodedBodySize`` that is given.
* Sentry's ``breadcrumb`` and ``performanceSpan`` custom events add errors, navigations,
  requests and vitals (rules in :mod:`app.derive.sentry`); records a file carries beside
  its events (Highlight's errors and resources) are added with :meth:`RumDeriver.add`.
"""

from __future__ import annotations

import bisect
import contextlib
import json
import math
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from app.derive import sentry
from app.derive.naming import action_target, element_name, selector
from app.rrweb.mirror import DomMirror
from app.rrweb.protocol import EventType, IncrementalSource, MouseInteraction

INPUT_DEBOUNCE_MS = 5_000
XHR_START_WINDOW_MS = 1_000
RESPONSE_WINDOW_MS = 10_000
ERROR_ACTION_WINDOW_MS = 5_000
DOUBLE_CLICK_MS = 600
MAX_ACTION_MS = 180_000  # Dynatrace caps web user actions at 3 minutes

# rrweb's numbers bound once as module globals: :meth:`RumDeriver.feed` runs per event.
META, FULL, INCREMENTAL = EventType.META, EventType.FULL_SNAPSHOT, EventType.INCREMENTAL_SNAPSHOT
CUSTOM, PLUGIN = EventType.CUSTOM, EventType.PLUGIN
MUTATION, MOUSE_INTERACTION = IncrementalSource.MUTATION, IncrementalSource.MOUSE_INTERACTION
INPUT, LOG = IncrementalSource.INPUT, IncrementalSource.LOG
CLICK, DBLCLICK = MouseInteraction.CLICK, MouseInteraction.DBL_CLICK
_FRAME = re.compile(r"\(?((?:https?|file|blob|webpack|app)[^\s()]*?):(\d+):(\d+)\)?\s*$")


def page_name(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:  # a recorded href is untrusted text: "http://[" is not a URL
        return url[:200]
    path = parts.path or "/"
    return path + (f"#{parts.fragment}" if parts.fragment.startswith("/") else "")


def console_text(payload: Any) -> str:
    """The text of an ``rrweb/console@1`` payload (each argument is JSON-stringified)."""
    items = payload if isinstance(payload, list) else [payload]
    texts = []
    for item in items:
        if isinstance(item, str):
            with contextlib.suppress(json.JSONDecodeError, RecursionError):
                item = json.loads(item)
        texts.append(item if isinstance(item, str) else json.dumps(item)[:500])
    return " ".join(texts).strip()


def parse_frame(frame: str) -> tuple[str | None, int | None, int | None]:
    """``"at f (https://x/app.js:10:5)"`` → ``("https://x/app.js", 10, 5)``."""
    match = _FRAME.search(frame.strip())
    if not match:
        return None, None, None
    return match.group(1), int(match.group(2)), int(match.group(3))


def _number(value: Any) -> float | int | None:
    """A finite number, or ``None``: recorded payloads carry anything, NaN included."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value if math.isfinite(value) else None


class _Window:
    """Derivation state of one browser window (tab)."""

    def __init__(self) -> None:
        self.mirror = DomMirror()
        self.url = ""


class RumDeriver:
    """Feed rrweb events in time order with :meth:`feed`; :meth:`finish` returns records."""

    def __init__(self) -> None:
        self._windows: dict[Any, _Window] = {}
        self.actions: list[dict[str, Any]] = []
        self.errors: list[dict[str, Any]] = []
        self.requests: list[dict[str, Any]] = []
        self.vitals: list[dict[str, Any]] = []
        self._mutations: list[int] = []
        self._editing: tuple[Any, int, int] | None = None  # (field id, last ts, action index)
        self._pending_load: dict[str, Any] | None = None

    # ---- feeding -------------------------------------------------------------------------
    def feed(self, event: dict[str, Any]) -> None:
        etype, ts, data = event["type"], event["timestamp"], event.get("data")
        if not isinstance(data, dict):
            return
        window = self._windows.get(event.get("windowId"))
        if window is None:
            window = self._windows[event.get("windowId")] = _Window()
        if etype == INCREMENTAL:
            source = data.get("source")
            if source == MUTATION:
                window.mirror.apply_mutation(data)
                self._mutations.append(ts)
            elif source == MOUSE_INTERACTION and data.get("type") in (CLICK, DBLCLICK):
                self._click(window, ts, data)
            elif source == INPUT and data.get("userTriggered") is not False:
                self._input(window, ts, data)
            elif source == LOG:
                self._log(window, ts, data)
        elif etype == META:
            href = data.get("href")
            if isinstance(href, str) and href != window.url:
                self._navigation(window, ts, href)
        elif etype == FULL:
            if isinstance(data.get("node"), dict):
                window.mirror.reset(data["node"])
            if self._pending_load is not None:
                self._pending_load["duration_ms"] = max(0, ts - self._pending_load["ts"])
                self._pending_load = None
        elif etype == PLUGIN:
            plugin = data.get("plugin")
            payload = data.get("payload")
            if not isinstance(payload, dict):
                return
            if plugin == "rrweb/console@1":
                self._log(window, ts, payload)
            elif plugin == "rrweb/network@1":
                self._network(ts, payload)
        elif etype == CUSTOM:
            tag = data.get("tag")
            if tag == "$pageview":
                payload = data.get("payload")
                href = payload.get("href") if isinstance(payload, dict) else None
                if isinstance(href, str) and href != window.url:
                    self._navigation(window, ts, href)
            elif tag in sentry.TAGS:
                self._sentry(window, ts, sentry.read(tag, data.get("payload"), ts, window.url))

    def _sentry(self, window: _Window, ts: int, fact: sentry.Fact) -> None:
        if isinstance(fact, sentry.Navigation):
            if fact.url != window.url:
                self._navigation(window, ts, fact.url)
            if fact.duration_ms is not None:
                load = next((a for a in reversed(self.actions) if a["type"] == "load"), None)
                if load is not None and load["url"] == fact.url:
                    load["duration_ms"] = min(MAX_ACTION_MS, fact.duration_ms)
                    if self._pending_load is load:
                        self._pending_load = None
        elif isinstance(fact, sentry.ConsoleError):
            self._log(window, ts, {"level": "error", "payload": [fact.message]})
        elif isinstance(fact, dict):
            self.add(fact)

    def add(self, record: dict[str, Any]) -> None:
        """A ready-made error, request or vital record (from beside the events)."""
        kind = record.get("kind")
        if kind == "error":
            record["action_id"] = self._recent_action(record["ts"])
            self.errors.append(record)
        elif kind == "request":
            self.requests.append(record)
        elif kind == "vital":
            self.vitals.append(record)

    def feed_all(self, events: Iterable[dict[str, Any]]) -> RumDeriver:
        for event in events:
            self.feed(event)
        return self

    def _add_action(self, **fields: Any) -> dict[str, Any]:
        action = {"kind": "action", "id": f"a{len(self.actions) + 1}", **fields}
        self.actions.append(action)
        self._editing = None
        return action

    def _navigation(self, window: _Window, ts: int, href: str) -> None:
        window.url = href
        self._pending_load = self._add_action(
            ts=ts,
            type="load",
            trigger="navigation",
            name=f"loading of page {page_name(href)}",
            target=None,
            url=href,
            duration_ms=0,
        )

    def _click(self, window: _Window, ts: int, data: dict[str, Any]) -> None:
        target = action_target(window.mirror, data.get("id"))
        verb = "click" if data.get("type") == CLICK else "double click"
        if verb == "double click":  # a double click arrives after its two clicks: fold them
            while (
                self.actions
                and self.actions[-1]["trigger"] == "click"
                and self.actions[-1]["target"] == (selector(target) if target else None)
                and ts - self.actions[-1]["ts"] <= DOUBLE_CLICK_MS
            ):
                self.actions.pop()
        name = element_name(window.mirror, target) if target else f"node {data.get('id')}"
        self._add_action(
            ts=ts,
            type="custom",
            trigger="click" if verb == "click" else "dblclick",
            name=f"{verb} on '{name}'",
            target=selector(target) if target else None,
            url=window.url,
            duration_ms=0,
        )

    def _input(self, window: _Window, ts: int, data: dict[str, Any]) -> None:
        field_id = data.get("id")
        if (
            self._editing
            and self._editing[0] == field_id
            and ts - self._editing[1] < INPUT_DEBOUNCE_MS
        ):
            self._editing = (field_id, ts, self._editing[2])
            return
        target = window.mirror.element(field_id)
        name = element_name(window.mirror, target) if target else f"node {field_id}"
        self._add_action(
            ts=ts,
            type="custom",
            trigger="input",
            name=f"change on '{name}'",
            target=selector(target) if target else None,
            url=window.url,
            duration_ms=0,
        )
        self._editing = (field_id, ts, len(self.actions) - 1)

    def _log(self, window: _Window, ts: int, payload: dict[str, Any]) -> None:
        if payload.get("level") != "error":
            return
        trace = payload.get("trace")
        trace = [str(t) for t in trace if t] if isinstance(trace, list) else []
        source, line, col = parse_frame(trace[0]) if trace else (None, None, None)
        self.errors.append(
            {
                "kind": "error",
                "ts": ts,
                "message": console_text(payload.get("payload")) or "(empty)",
                "stack": "\n".join(trace) or None,
                "source": source,
                "line": line,
                "col": col,
                "url": window.url or None,
                "action_id": self._recent_action(ts),
            }
        )

    def _network(self, ts: int, payload: dict[str, Any]) -> None:
        requests = payload.get("requests")
        for request in requests if isinstance(requests, list) else []:
            if not isinstance(request, dict):
                continue
            url = request.get("name") or request.get("url")
            if not isinstance(url, str):
                continue
            duration = _number(request.get("duration"))
            if duration is None and _number(request.get("endTime")) is not None:
                duration = _number(request["endTime"] - (_number(request.get("startTime")) or 0))
            started = _number(request.get("timestamp"))
            status = _number(request.get("responseStatus", request.get("status")))
            size = next(
                (n for n in map(_number, (request.get("transferSize"),
                                          request.get("encodedBodySize"),
                                          request.get("decodedBodySize"))) if n is not None),
                None,
            )  # fmt: skip
            self.requests.append(
                {
                    "kind": "request",
                    "ts": int(started) if started is not None and 1e11 < started < 1e15 else ts,
                    "method": str(request.get("method") or "GET").upper(),
                    "url": url,
                    "status": int(status) if status is not None and abs(status) < 2**31 else None,
                    "duration_ms": round(duration) if duration is not None else None,
                    "size": int(size) if size is not None and 0 <= size < 2**62 else None,
                    "action_id": None,
                }
            )

    def _recent_action(self, ts: int) -> str | None:
        for action in reversed(self.actions):
            if (
                action["trigger"] in ("click", "dblclick", "input")
                and 0 <= ts - action["ts"] <= ERROR_ACTION_WINDOW_MS
            ):
                return action["id"]
            if ts - action["ts"] > ERROR_ACTION_WINDOW_MS:
                break
        return None

    # ---- finishing -----------------------------------------------------------------------
    def finish(self) -> list[dict[str, Any]]:
        """Classify actions (XHR or custom), time them, link requests; return all records."""
        self.requests.sort(key=lambda r: r["ts"])
        starts = [r["ts"] for r in self.requests]
        self._mutations.sort()
        for index, action in enumerate(self.actions):
            if action["type"] == "load":
                continue
            limit = self.actions[index + 1]["ts"] if index + 1 < len(self.actions) else None
            first = bisect.bisect_left(starts, action["ts"])
            last = bisect.bisect_right(starts, action["ts"] + XHR_START_WINDOW_MS)
            linked = [r for r in self.requests[first:last] if limit is None or r["ts"] < limit]
            if linked:
                action["type"] = "xhr"
                end = max(r["ts"] + (r["duration_ms"] or 0) for r in linked)
                action["duration_ms"] = min(MAX_ACTION_MS, max(0, end - action["ts"]))
                for request in linked:
                    request["action_id"] = action["id"]
            else:
                m = bisect.bisect_right(self._mutations, action["ts"])
                if (
                    m < len(self._mutations)
                    and self._mutations[m] - action["ts"] <= RESPONSE_WINDOW_MS
                ):
                    action["duration_ms"] = self._mutations[m] - action["ts"]
        return [*self.actions, *self.errors, *self.requests, *self.vitals]
