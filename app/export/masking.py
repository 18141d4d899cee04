"""Mask personal data in rrweb events before they leave the app (on by default for exports).

What is masked: every value a user typed (Input events, and the ``value`` of inputs,
textareas and selects in snapshots and added nodes, and a textarea's text), and the text of
elements the recording marked as sensitive (``rr-mask`` class, ``data-record-mask`` or
``data-private`` attribute). Masked text keeps its length as ``*`` so layouts stay as they
were. The recorder may have let some fields through unmasked (``data-record-unmask``, like
the demo's postal code); an export masks them anyway.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from typing import Any

from app.rrweb.protocol import EventType, IncrementalSource, NodeType

SENSITIVE_CLASS = "rr-mask"
SENSITIVE_ATTRIBUTES = ("data-record-mask", "data-private")
VALUE_TAGS = {"input", "textarea", "select", "option"}


def stars(text: Any) -> Any:
    return "*" * len(text) if isinstance(text, str) else text


def _sensitive(node: dict[str, Any]) -> bool:
    attrs = node.get("attributes") or {}
    classes = str(attrs.get("class", "")).split()
    return SENSITIVE_CLASS in classes or any(name in attrs for name in SENSITIVE_ATTRIBUTES)


def _mask_tree(root: dict[str, Any], inside_sensitive: bool = False) -> None:
    stack = [(root, inside_sensitive)]
    while stack:
        node, hidden = stack.pop()
        if not isinstance(node, dict):
            continue
        tag = str(node.get("tagName", "")).lower()
        attrs = node.get("attributes")
        if isinstance(attrs, dict) and tag in VALUE_TAGS and "value" in attrs:
            attrs["value"] = stars(attrs["value"])
        if node.get("type") == NodeType.TEXT and hidden:
            node["textContent"] = stars(node.get("textContent"))
        child_hidden = hidden or _sensitive(node) or tag == "textarea"
        for child in node.get("childNodes") or []:
            stack.append((child, child_hidden))


def mask_events(events: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """A masked copy of ``events`` (the originals are not changed)."""
    out = []
    sensitive_ids: set[int] = set()
    for original in events:
        event = copy.deepcopy(original)
        data = event.get("data")
        if isinstance(data, dict):
            kind, source = event.get("type"), data.get("source")
            if kind == EventType.FULL_SNAPSHOT and isinstance(data.get("node"), dict):
                sensitive_ids = _collect_sensitive(data["node"])
                _mask_tree(data["node"])
            elif kind == EventType.INCREMENTAL_SNAPSHOT and source == IncrementalSource.INPUT:
                data["text"] = stars(data.get("text"))
            elif kind == EventType.INCREMENTAL_SNAPSHOT and source == IncrementalSource.MUTATION:
                for add in data.get("adds") or []:
                    if isinstance(add, dict) and isinstance(add.get("node"), dict):
                        _mask_tree(add["node"], add.get("parentId") in sensitive_ids)
                        sensitive_ids |= _collect_sensitive(add["node"])
                for change in data.get("texts") or []:
                    if isinstance(change, dict) and change.get("id") in sensitive_ids:
                        change["value"] = stars(change.get("value"))
                for change in data.get("attributes") or []:
                    attrs = change.get("attributes") if isinstance(change, dict) else None
                    if isinstance(attrs, dict) and "value" in attrs:
                        attrs["value"] = stars(attrs["value"])
        out.append(event)
    return out


def _collect_sensitive(root: dict[str, Any]) -> set[int]:
    """Ids of the nodes inside sensitive elements (their text changes are masked too)."""
    found: set[int] = set()
    stack = [(root, False)]
    while stack:
        node, hidden = stack.pop()
        if not isinstance(node, dict):
            continue
        hidden = hidden or _sensitive(node)
        if hidden and isinstance(node.get("id"), int):
            found.add(node["id"])
        for child in node.get("childNodes") or []:
            stack.append((child, hidden))
    return found


def mask_events_json(data: bytes) -> bytes:
    """:func:`mask_events` over a JSON array of events."""
    return json.dumps(mask_events(json.loads(data)), separators=(",", ":")).encode()
