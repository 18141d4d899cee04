"""Name user actions after their target the way Dynatrace does.

Rule (first that gives a value): the element's visible text, else ``aria-label``, ``title``,
``alt``, ``placeholder``, ``name``, ``id``, else the tag with its classes (``span.chip``).
A click inside a button or link is named after that button or link. Values typed by the
user never appear in a name: fields whose text is user content are named by attributes.

Masking (the rules of ``resources/recorder/masking.json``, :mod:`app.derive.masking_rules`,
the same the recorder names by): text inside an element marked to be masked counts as
stars, as rrweb records it, even when a recording kept it in clear — all stars, and the
attributes name the element; a click in a blocked element is about the box rrweb keeps of
it and is named by its tag and classes, never by what is inside.
"""

from __future__ import annotations

from app.derive.masking_rules import BLOCK, MASK_TEXT, mask_text
from app.rrweb.mirror import INVISIBLE_TAGS, DomMirror, MirrorNode

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
MAX_TEXT = 200
ANCESTOR_STEPS = 6


def _is_interactive(node: MirrorNode) -> bool:
    role = str(node.attributes.get("role", "")).lower()
    return node.tag in INTERACTIVE_TAGS or role in INTERACTIVE_ROLES


def action_target(mirror: DomMirror, node_id: object) -> MirrorNode | None:
    """The element an action is about: a blocked box around it, else the nearest
    interactive ancestor, else the node."""
    element = mirror.element(node_id)
    box = _blocked_box(mirror, element)
    if box is not None:
        return box
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


def _ancestry(mirror: DomMirror, node: MirrorNode | None) -> list[MirrorNode]:
    """``node`` and its ancestors, innermost first."""
    chain = []
    while node is not None and len(chain) < 1_000:
        chain.append(node)
        node = mirror.parent(node)
    return chain


def _blocked_box(mirror: DomMirror, node: MirrorNode | None) -> MirrorNode | None:
    """The outermost blocked element around ``node`` (what rrweb keeps as a box), or None."""
    blocked = [n for n in _ancestry(mirror, node) if n.tag and BLOCK.matches(n.attributes)]
    return blocked[-1] if blocked else None


def recorded_text(mirror: DomMirror, node: MirrorNode) -> str:
    """The visible text below ``node`` with masked text as stars (what the recorder names
    from too): text nodes joined by a space, as :meth:`DomMirror.text_of` joins them."""
    inherited = any(n.tag and MASK_TEXT.matches(n.attributes) for n in _ancestry(mirror, node))
    parts: list[str] = []
    size = 0
    stack = [(node.node_id, inherited)]
    while stack and size < MAX_TEXT:
        node_id, hidden = stack.pop()
        current = mirror.nodes.get(node_id)
        if current is None or current.tag in INVISIBLE_TAGS:
            continue
        if current.tag is None:
            if current.text.strip():
                parts.append(mask_text(current.text) if hidden else current.text)
                size += len(current.text)
            continue
        hidden = hidden or MASK_TEXT.matches(current.attributes)
        stack.extend((child, hidden) for child in reversed(current.children))
    return " ".join(" ".join(parts).split())


def box_selector(node: MirrorNode) -> str:
    """What rrweb keeps of a blocked element: ``div.rr-block.payment``."""
    classes = str(node.attributes.get("class", "")).split()
    return (node.tag or "node") + "".join(f".{c}" for c in classes[:3])


def element_name(mirror: DomMirror, node: MirrorNode) -> str:
    """Dynatrace-style display name of an element (see the module docstring)."""
    if _blocked_box(mirror, node) is node:
        return box_selector(node)
    attrs = node.attributes
    if node.tag == "input" and str(attrs.get("type", "")).lower() in BUTTON_INPUT_TYPES:
        value = str(attrs.get("value", "")).strip()
        if value and not _masked(value):
            return _clip(value)
    elif node.tag not in USER_CONTENT_TAGS and attrs.get("contenteditable") in (None, "false"):
        text = recorded_text(mirror, node)
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
