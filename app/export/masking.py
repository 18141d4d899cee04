"""Mask personal data in rrweb events and reports before they leave the app (on by default).

What is masked: every value a user typed (Input events, and the ``value`` of inputs,
textareas and selects in snapshots and added nodes, and a textarea's text), and the text of
elements the recording marked as sensitive (the ``mask_text`` rule of
``resources/recorder/masking.json``: ``rr-mask`` class, ``data-record-mask`` or
``data-private`` attribute — the recorder masks the same). Masked text keeps its length as
``*`` so layouts stay as they were. The recorder may have let some fields through unmasked
(``data-record-unmask``, like the demo's postal code); an export masks them anyway. The
values of a page address's query string (``?email=…``) are masked too, in the events and in
a report's text.

A report also replaces user ids with pseudonyms (:class:`UserIds`) unless the user chose to
keep them, and its header says exactly what was masked (:meth:`ReportMasking.statement`):
a report that says "Personal data masked." is shared on that promise.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from app.derive.masking_rules import BLOCK, MASK_TEXT
from app.rrweb.protocol import EventType, IncrementalSource, NodeType

VALUE_TAGS = {"input", "textarea", "select", "option"}
HIDDEN = "•••"
PSEUDONYM_DIGITS = 6
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def stars(text: Any) -> Any:
    return "*" * len(text) if isinstance(text, str) else text


def mask_query(url: str) -> str:
    """``url`` with the value of every query parameter hidden (names kept, to read the
    page's state: ``/checkout?email=•••&step=•••``); a fragment route (``#/cart``) stays."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.query:
        return url
    names = [part.split("=", 1)[0] if "=" in part else "" for part in parts.query.split("&")]
    query = "&".join(f"{name}={HIDDEN}" if name else HIDDEN for name in names)
    return urlunsplit(parts._replace(query=query))


@dataclass(frozen=True)
class ReportMasking:
    """What a report masks, as the user chose it in the export dialog (or on the command line).

    ``personal_data`` masks typed values, text the recording marked, the values of query
    strings and — unless ``keep_user_ids`` — user ids, which become pseudonyms.
    """

    personal_data: bool = True
    keep_user_ids: bool = False

    @property
    def user_ids(self) -> bool:
        return self.personal_data and not self.keep_user_ids

    def statement(self) -> str:
        """The report's header line: exactly what was masked, and what was not."""
        if not self.personal_data:
            return (
                "Personal data NOT masked: typed values, marked text, user ids and page "
                "addresses appear as recorded."
            )
        marked = MASK_TEXT.describe()
        users = (
            "user ids, shown as recorded (kept by choice)"
            if self.keep_user_ids
            else "user ids replaced by pseudonyms such as “user 3f2a…” (the same user has "
            "the same pseudonym throughout this report, and only in this report)"
        )
        masked = [
            "values typed into fields",
            f"text the recording marked private ({marked}, the recorder's maskTextSelector)",
            "the values of page addresses' query strings",
            "e-mail addresses in finding titles and notes",
        ]
        if self.user_ids:
            masked.append(users)
        closing = "" if self.user_ids else f" Not masked: {users}."
        return (
            "Personal data masked: " + "; ".join(masked) + f". Elements marked "
            f"{BLOCK.describe()} (or the recorder's blockSelector) were never recorded." + closing
        )


class UserIds:
    """How one report names users: pseudonyms when user ids are masked, else as recorded.

    A pseudonym is keyed by a secret made for this report alone: the same user reads the
    same in every finding, table and list of the report, but pseudonyms cannot be matched
    across reports, nor guessed by hashing a list of addresses. Two users never share one
    (a clash takes a longer tag).
    """

    def __init__(self, masking: ReportMasking) -> None:
        self.masking = masking
        self._key = secrets.token_bytes(16)
        self._names: dict[str, str] = {}
        self._seen: set[str] = set()  # every user id named, pseudonymised or kept

    def __call__(self, user_id: str) -> str:
        self._seen.add(user_id)
        if not self.masking.user_ids or not user_id:
            return user_id
        name = self._names.get(user_id)
        if name is None:
            taken = set(self._names.values())
            digest = hashlib.blake2b(user_id.encode(), key=self._key, digest_size=16).hexdigest()
            length = PSEUDONYM_DIGITS
            while (name := f"user {digest[:length]}") in taken:
                length += 2
            self._names[user_id] = name
        return name

    def in_text(self, text: str) -> str:
        """Free text (a finding's title or note, written by a person) with every user id this
        report has named replaced by its pseudonym, and any other e-mail address hidden.

        Why: a note such as "ashley.parker@… reported it by phone" would otherwise print the
        address the rest of the report pseudonymises.
        """
        if not self.masking.personal_data or not text:
            return text
        if self.masking.user_ids:
            for user_id in sorted(self._names, key=len, reverse=True):  # longest first
                text = text.replace(user_id, self._names[user_id])
        kept = set() if self.masking.user_ids else self._seen  # user ids kept by choice
        return EMAIL.sub(lambda m: m.group(0) if m.group(0) in kept else f"{HIDDEN}@{HIDDEN}", text)


def _sensitive(node: dict[str, Any]) -> bool:
    attrs = node.get("attributes")
    return isinstance(attrs, dict) and MASK_TEXT.matches(attrs)


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


def mask_events(
    events: Iterable[dict[str, Any]], user_ids: Callable[[str], str] | None = None
) -> list[dict[str, Any]]:
    """A masked copy of ``events`` (the originals are not changed); ``user_ids`` renames the
    user of the recorder's ``identify`` events (a report's pseudonyms)."""
    out = []
    sensitive_ids: set[int] = set()
    for original in events:
        event = copy.deepcopy(original)
        data = event.get("data")
        if isinstance(data, dict):
            kind, source = event.get("type"), data.get("source")
            if kind == EventType.META and isinstance(data.get("href"), str):
                data["href"] = mask_query(data["href"])
            elif kind == EventType.CUSTOM and user_ids and data.get("tag") == "identify":
                payload = data.get("payload")
                if isinstance(payload, dict) and isinstance(payload.get("user_id"), str):
                    payload["user_id"] = user_ids(payload["user_id"])
            elif kind == EventType.FULL_SNAPSHOT and isinstance(data.get("node"), dict):
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


def typed_values(events: Iterable[dict[str, Any]]) -> set[str]:
    """Every value typed in ``events`` that the recording kept readable (Input events whose
    text is not already the recorder's ``*``): what a masked export must not print."""
    found: set[str] = set()
    for event in events:
        data = event.get("data")
        if event.get("type") == EventType.INCREMENTAL_SNAPSHOT and isinstance(data, dict):
            text = data.get("text") if data.get("source") == IncrementalSource.INPUT else None
            if isinstance(text, str) and text.strip("*"):
                found.add(text)
    return found


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


def mask_events_json(data: bytes, user_ids: Callable[[str], str] | None = None) -> bytes:
    """:func:`mask_events` over a JSON array of events."""
    return json.dumps(mask_events(json.loads(data), user_ids), separators=(",", ":")).encode()
