"""Name user actions after their target the way Dynatrace does.

Rule (first that gives a value): the element's visible text, else ``aria-label``, ``title``,
``alt``, ``placeholder``, ``name``, ``id``, else the tag with its classes (``span.chip``).
A click inside a button or link is named after that button or link. Values typed by the
user never appear in a name: fields whose text is user content are named by attributes.
"""

from __future__ import annotations

from app.rrweb.mirror import DomMirror, MirrorNode

NAME_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder", "name", "id")
INTERACTIVE_TAGS = {"a", "button", "select", "textarea", "input", "label", "summary", "option"}
INTERACTIVE_ROLES = {
    "button",
    "link",
    "checkbox",
    "radio",
    "menuitem",
    "tab",
    "option",
    "switch",
    "combobox",
}
USER_CONTENT_TAGS = {"input", "textarea", "select"}
BUTTON_INPUT_TYPES = {"submit", "button", "reset"}
MAX_NAME = 60
ANCESTOR_STEPS = 6


def _is_interactive(node: MirrorNode) -> bool:
    role = str(node.attributes.get("role", "")).lower()
    return node.tag in INTERACTIVE_TAGS or role in INTERACTIVE_ROLES


def action_target(mirror: DomMirror, node_id: object) -> MirrorNode | None:
    """The element an action is about: the nearest interactive ancestor, else the node."""
    element = mirror.element(node_id)
    current, steps = element, 0
    while current is not None and steps <= ANCESTOR_STEPS:
        if _is_interactive(current):
            return current
        current, steps = mirror.parent(current), steps + 1
    return element


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_NAME else text[: MAX_NAME - 1].rstrip() + "…"


def _masked(text: str) -> bool:
    return bool(text) and set(text.replace(" ", "")) <= {"*"}


def element_name(mirror: DomMirror, node: MirrorNode) -> str:
    """Dynatrace-style display name of an element (see the module docstring)."""
    attrs = node.attributes
    if node.tag == "input" and str(attrs.get("type", "")).lower() in BUTTON_INPUT_TYPES:
        value = str(attrs.get("value", "")).strip()
        if value and not _masked(value):
            return _clip(value)
    elif node.tag not in USER_CONTENT_TAGS and attrs.get("contenteditable") in (None, "false"):
        text = mirror.text_of(node)
        if text and not _masked(text):
            return _clip(text)
    for name in NAME_ATTRIBUTES:
        value = attrs.get(name)
        if isinstance(value, str) and value.strip():
            return _clip(value)
    for child_alt in _descendant_alts(mirror, node):
        return _clip(child_alt)
    return selector(node)


def _descendant_alts(mirror: DomMirror, node: MirrorNode) -> list[str]:
    found: list[str] = []
    stack = list(reversed(node.children))
    while stack and not found:
        child = mirror.nodes.get(stack.pop())
        if child is None or child.tag is None:
            continue
        for name in ("alt", "aria-label", "title"):
            value = child.attributes.get(name)
            if isinstance(value, str) and value.strip():
                found.append(value)
                break
        stack.extend(reversed(child.children))
    return found


def selector(node: MirrorNode) -> str:
    """A short CSS-like description: ``button#buy.primary``."""
    tag = node.tag or "node"
    ident = node.attributes.get("id")
    classes = str(node.attributes.get("class", "")).split()
    out = tag + (f"#{ident}" if isinstance(ident, str) and ident else "")
    name = node.attributes.get("name")
    if not ident and isinstance(name, str) and name:
        out += f"[name={name}]"
    return out + "".join(f".{c}" for c in classes[:3])
