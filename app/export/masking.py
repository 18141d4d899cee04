"""Mask personal data in rrweb events before they leave the app (on by default for exports).

What is masked: every value a user typed (Input events, and the ``value`` of inputs,
textareas and selects in snapshots and added nodes, and a textarea's text), and the text of
elements the recording marked as sensitive (``rr-mask`` class, ``data-record-mask`` or
``data-private`` attribute). Masked text keeps its length as ``*`` so layouts stay as they
were. The recorder may have let some fields through unmasked (``data-record-unmask``, like
the demo's postal code); an export masks them anyway.

User ids are masked in a report's text too (:func:`mask_user_id`) when they are direct
identifiers — an e-mail address or a phone number — because a report that says "Personal
data masked." is shared on that promise.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import secrets
from collections.abc import Iterable
from typing import Any

from app.rrweb.protocol import EventType, IncrementalSource, NodeType

SENSITIVE_CLASS = "rr-mask"
SENSITIVE_ATTRIBUTES = ("data-record-mask", "data-private")
VALUE_TAGS = {"input", "textarea", "select", "option"}
HIDDEN = "•••"
_EMAIL = re.compile(r"([^\s@<>()\[\],;:\"]+)@([^\s@<>()\[\],;:\"]+)")
_PHONE = re.compile(r"^\+?[\d\s().\-/]+$")
_PHONE_DIGITS = 7
_PSEUDONYM_KEY = secrets.token_bytes(16)
"""Keys the tag that tells masked users apart: one per process, so the same user has the
same tag throughout one export (which runs in one process) but tags cannot be matched
across exports, nor guessed by hashing a list of addresses."""


def stars(text: Any) -> Any:
    return "*" * len(text) if isinstance(text, str) else text


def mask_user_id(user_id: str) -> str:
    """``user_id`` with any e-mail address or phone number in it masked, and a short tag.

    ``ashley.parker@example.co.uk`` becomes ``a•••@e•••.uk [1f0c3a]``, ``+44 20 7946 0958``
    ``••••••••••58 [9b2e71]``: enough shape to read (an address, a phone), a tag that is the
    same for the same user within the report (so "the same user twice" stays visible) and
    different for users whose masks look alike. Opaque ids (``u123``, UUIDs) are already
    pseudonyms, and the investigator needs them to find the session again: they are kept.
    """

    def email(match: re.Match[str]) -> str:
        local, domain = match.group(1), match.group(2)
        top = domain.rsplit(".", 1)[-1] if "." in domain else ""
        return f"{local[:1]}{HIDDEN}@{domain[:1]}{HIDDEN}" + (f".{top}" if top else "")

    masked = _EMAIL.sub(email, user_id)
    digits = [c for c in user_id if c.isdigit()]
    if masked == user_id and _PHONE.match(user_id) and len(digits) >= _PHONE_DIGITS:
        masked = "•" * (len(digits) - 2) + "".join(digits[-2:])
    if masked == user_id:
        return user_id
    tag = hashlib.blake2b(user_id.encode(), key=_PSEUDONYM_KEY, digest_size=3).hexdigest()
    return f"{masked} [{tag}]"


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
