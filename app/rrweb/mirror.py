"""An incremental mirror of the recorded DOM: node id → tag, attributes, text, parent.

Why: a click event only carries the id of the node that was clicked. To name the action the
way Dynatrace does (``click on 'Place order'``) we need that node's tag, attributes and text
at the moment of the click, so the mirror follows full snapshots and mutations as events
stream past. It keeps no layout, styles or iframe contents: just enough to name things.
The replay-exact mirror that checkpoints need is :mod:`app.rrweb.replay_dom` (slower, and
it follows rrweb's replayer quirks rather than the DOM's rules).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.rrweb.protocol import NodeType

# Bound once as module globals: read per node of every snapshot and mutation.
ELEMENT, TEXT, CDATA = NodeType.ELEMENT, NodeType.TEXT, NodeType.CDATA


@dataclass
class MirrorNode:
    node_id: int
    tag: str | None  # None for text-like nodes
    attributes: dict[str, Any] = field(default_factory=dict)
    text: str = ""
    parent: int | None = None
    children: list[int] = field(default_factory=list)


class DomMirror:
    """Follows ``FullSnapshot`` and ``Mutation`` events of one window."""

    def __init__(self) -> None:
        self.nodes: dict[int, MirrorNode] = {}

    def reset(self, root: dict[str, Any]) -> None:
        self.nodes.clear()
        self._add_tree(root, None)

    def _add_tree(self, root: dict[str, Any], parent: int | None) -> None:
        stack: list[tuple[dict[str, Any], int | None]] = [(root, parent)]
        while stack:
            node, parent_id = stack.pop()
            node_id = node.get("id")
            if not isinstance(node_id, int):
                continue
            kind = node.get("type")
            tag = node.get("tagName") if kind == ELEMENT else None
            attrs = node.get("attributes") if kind == ELEMENT else None
            self.nodes[node_id] = MirrorNode(
                node_id,
                tag.lower() if isinstance(tag, str) else None,
                dict(attrs) if isinstance(attrs, dict) else {},
                _text(node.get("textContent")) if kind in (TEXT, CDATA) else "",
                parent_id,
            )
            if parent_id is not None and parent_id in self.nodes:
                self.nodes[parent_id].children.append(node_id)
            children = node.get("childNodes")
            if isinstance(children, list):
                stack.extend(
                    (child, node_id) for child in reversed(children) if isinstance(child, dict)
                )

    def apply_mutation(self, data: dict[str, Any]) -> None:
        """Follow one mutation; parts of the wrong shape (recordings are untrusted) are ignored."""
        for removal in _items(data, "removes"):
            if isinstance(removal, dict):
                self._remove(removal.get("id"))
        for addition in _items(data, "adds"):
            if not isinstance(addition, dict) or not isinstance(addition.get("node"), dict):
                continue
            parent_id = _node_id(addition.get("parentId"))
            node = addition["node"]
            self._remove(node.get("id"))
            self._add_tree(node, parent_id if parent_id in self.nodes else None)
            # _add_tree appended the node; honour nextId so text order stays right.
            parent = self.nodes.get(parent_id)
            next_id = addition.get("nextId")
            if parent and next_id in parent.children and node.get("id") in parent.children:
                parent.children.remove(node["id"])
                parent.children.insert(parent.children.index(next_id), node["id"])
        for change in _items(data, "texts"):
            if isinstance(change, dict) and _node_id(change.get("id")) in self.nodes:
                self.nodes[change["id"]].text = _text(change.get("value"))
        for change in _items(data, "attributes"):
            if not isinstance(change, dict) or _node_id(change.get("id")) not in self.nodes:
                continue
            attrs = self.nodes[change["id"]].attributes
            changed = change.get("attributes")
            for name, value in changed.items() if isinstance(changed, dict) else ():
                if value is None:
                    attrs.pop(name, None)
                elif isinstance(value, str):
                    attrs[name] = value

    def _remove(self, node_id: Any) -> None:
        node = self.nodes.get(_node_id(node_id))
        if node is None:
            return
        parent = self.nodes.get(node.parent) if node.parent is not None else None
        if parent and node_id in parent.children:
            parent.children.remove(node_id)
        stack = [node_id]
        while stack:
            current = self.nodes.pop(stack.pop(), None)
            if current:
                stack.extend(current.children)

    def element(self, node_id: Any) -> MirrorNode | None:
        """The element for ``node_id`` (a text node's parent element)."""
        node = self.nodes.get(_node_id(node_id))
        while node is not None and node.tag is None:
            node = self.nodes.get(node.parent) if node.parent is not None else None
        return node

    def parent(self, node: MirrorNode) -> MirrorNode | None:
        return self.nodes.get(node.parent) if node.parent is not None else None

    def text_of(self, node: MirrorNode, limit: int = 200) -> str:
        """Visible text below ``node`` in document order (script/style excluded)."""
        parts: list[str] = []
        size = 0
        stack = [node.node_id]
        while stack and size < limit:
            current = self.nodes.get(stack.pop())
            if current is None or current.tag in INVISIBLE_TAGS:
                continue
            if current.tag is None:
                if current.text.strip():
                    parts.append(current.text)
                    size += len(current.text)
                continue
            stack.extend(reversed(current.children))
        return " ".join(" ".join(parts).split())


def _node_id(value: Any) -> int | None:
    """A node id, or ``None`` for anything else (a list id would not even be hashable)."""
    return value if isinstance(value, int) else None


def _items(data: dict[str, Any], key: str) -> list[Any]:
    """The list under ``key``, or no items when the recording put something else there."""
    value = data.get(key)
    return value if isinstance(value, list) else []


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


INVISIBLE_TAGS = {"script", "noscript", "style", "template", "head", "title", "meta", "link"}
