"""Reading the replay-exact mirror (:class:`app.rrweb.replay_dom.ReplayDom`) as a page:
text, roles, accessible names, labels and form values of its nodes at one moment.

Why: a locator must be chosen from the document as it was when the user acted, and be
unique in it; Playwright's ``get_by_role``/``get_by_label``/``get_by_text`` match on what is
computed here (simplified from the ARIA rules Playwright follows: explicit ``role``, the
implicit roles of common elements, names from ``aria-labelledby``/``aria-label``/labels/
content/``title``/``alt``/``placeholder``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from app.rrweb.replay_dom import ReplayDom
from app.rrweb.replay_node import ELEMENT, TEXT, Node, walk

_SKIPPED = frozenset({"script", "style", "noscript", "template", "head", "title", "meta", "link"})
_TEXT_INPUTS = frozenset({"", "text", "email", "tel", "url", "search", "number", "password"})
_NAME_FROM_CONTENT = frozenset(
    {"button", "link", "heading", "tab", "menuitem", "option", "cell", "switch", "treeitem"}
)
_WS = re.compile(r"\s+")


def normalized(text: str) -> str:
    return _WS.sub(" ", text).strip()


def masked(text: str) -> bool:
    """rrweb writes masked text and values as ``*``: such text names nothing."""
    return bool(text) and (set(text) <= {"*", " "} or "***" in text)


def attr(node: Node, name: str) -> str | None:
    value = node.attrs.get(name)
    return value if isinstance(value, str) else None


def elements(dom: ReplayDom) -> Iterator[Node]:
    """The top document's elements in document order (head, scripts and styles skipped)."""
    if dom.root is None:
        return
    stack = [dom.root]
    while stack:
        node = stack.pop()
        if node.type == ELEMENT:
            if node.tag in _SKIPPED:
                continue
            yield node
        stack.extend(reversed(node.children))


def hidden(node: Node) -> bool:
    """Hidden in ways the recording shows (``hidden``, ``aria-hidden``, inline display:none)."""
    current: Node | None = node
    while current is not None:
        if current.type == ELEMENT:
            if "hidden" in current.attrs or attr(current, "aria-hidden") == "true":
                return True
            style = (attr(current, "style") or "").replace(" ", "")
            if "display:none" in style:
                return True
        current = current.parent
    return False


def text_of(node: Node, limit: int = 400) -> str:
    """The element's text content, whitespace collapsed."""
    parts: list[str] = []
    for child in walk(node):
        if child.type == TEXT and not _inside_skipped(child, node):
            parts.append(child.text)
            if sum(len(p) for p in parts) > limit:
                break
    return normalized(" ".join(parts))[:limit]


def _inside_skipped(child: Node, top: Node) -> bool:
    parent = child.parent
    while parent is not None and parent is not top:
        if parent.tag in _SKIPPED:
            return True
        parent = parent.parent
    return False


def ancestors(node: Node) -> Iterator[Node]:
    current = node.parent
    while current is not None and current.type == ELEMENT:
        yield current
        current = current.parent


def input_type(node: Node) -> str:
    return (attr(node, "type") or "").lower()


def is_text_field(node: Node) -> bool:
    return node.tag == "textarea" or (node.tag == "input" and input_type(node) in _TEXT_INPUTS)


def role(node: Node) -> str | None:
    explicit = (attr(node, "role") or "").split()
    if explicit:
        return explicit[0]
    tag = node.tag
    if tag == "a" and "href" in node.attrs:
        return "link"
    if tag == "button":
        return "button"
    if tag == "input":
        kind = input_type(node)
        if kind in ("button", "submit", "reset", "image"):
            return "button"
        if kind in ("checkbox", "radio"):
            return kind
        if kind == "number":
            return "spinbutton"
        if kind == "range":
            return "slider"
        if kind in ("", "text", "email", "tel", "url", "search"):
            if "list" in node.attrs:
                return "combobox"
            return "searchbox" if kind == "search" else "textbox"
        return None
    if tag == "textarea":
        return "textbox"
    if tag == "select":
        multiple = "multiple" in node.attrs or (attr(node, "size") or "1") not in ("", "0", "1")
        return "listbox" if multiple else "combobox"
    if tag and re.fullmatch(r"h[1-6]", tag):
        return "heading"
    if tag == "img" and attr(node, "alt"):
        return "img"
    if tag == "li":
        return "listitem"
    if tag == "option":
        return "option"
    return None


def label_text(dom: ReplayDom, node: Node) -> str | None:
    """The text of the ``<label>`` of a form control (``for=id`` or wrapping it)."""
    node_id = attr(node, "id")
    if node_id:
        for candidate in elements(dom):
            if candidate.tag == "label" and attr(candidate, "for") == node_id:
                return text_of(candidate) or None
    for parent in ancestors(node):
        if parent.tag == "label":
            return text_of(parent) or None
    return None


def _content_name(node: Node) -> str:
    """Text content, with the names of labelled or alt-texted descendants, hidden ones left out."""
    parts: list[str] = []
    stack = list(reversed(node.children))
    while stack:
        child = stack.pop()
        if child.type == TEXT:
            parts.append(child.text)
        elif child.type == ELEMENT and child.tag not in _SKIPPED:
            if attr(child, "aria-hidden") == "true" or "hidden" in child.attrs:
                continue
            label = attr(child, "aria-label") or (
                attr(child, "alt") if child.tag == "img" else None
            )
            if label:
                parts.append(f" {label} ")
                continue
            stack.extend(reversed(child.children))
    return normalized(" ".join(parts))


def accessible_name(dom: ReplayDom, node: Node) -> str:
    """The name Playwright's ``get_by_role(name=…)`` matches (simplified accname)."""
    labelled_by = attr(node, "aria-labelledby")
    if labelled_by:
        by_id = {attr(n, "id"): n for n in elements(dom) if attr(n, "id")}
        texts = [text_of(by_id[i]) for i in labelled_by.split() if i in by_id]
        if any(texts):
            return normalized(" ".join(texts))
    label = normalized(attr(node, "aria-label") or "")
    if label:
        return label
    tag = node.tag
    if tag in ("input", "textarea", "select"):
        kind = input_type(node)
        if tag == "input" and kind in ("button", "submit", "reset"):
            return normalized(
                attr(node, "value") or {"submit": "Submit", "reset": "Reset"}.get(kind, "")
            )
        if tag == "input" and kind == "image":
            return normalized(attr(node, "alt") or "")
        return normalized(
            label_text(dom, node) or attr(node, "title") or attr(node, "placeholder") or ""
        )
    if tag == "img":
        return normalized(attr(node, "alt") or "")
    if role(node) in _NAME_FROM_CONTENT:
        return _content_name(node) or normalized(attr(node, "title") or "")
    return normalized(attr(node, "title") or "")


def value_of(dom: ReplayDom, node: Node) -> tuple[str, bool]:
    """The control's value and checked state now (the last Input event, else attributes)."""
    recorded = dom.inputs.get(node.id)
    if recorded is not None:
        data = recorded[0].get("data") or {}
        return str(data.get("text") or ""), bool(data.get("isChecked"))
    return attr(node, "value") or "", "checked" in node.attrs


def options(select: Node) -> list[Node]:
    """The ``<option>`` elements of a ``<select>``, in order (inside optgroups too)."""
    return [n for n in walk(select) if n.type == ELEMENT and n.tag == "option"]


def form_of(node: Node) -> Node | None:
    return next((a for a in ancestors(node) if a.tag == "form"), None)
