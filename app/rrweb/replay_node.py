"""The node tree of :class:`~app.rrweb.replay_dom.ReplayDom`: nodes, the id map, building.

Why a module of its own: the replay-exact mirror has three jobs (keeping rrweb's node tree
and id map, applying mutations to it, serialising it as a checkpoint) and this is the one
the other two stand on. :class:`NodeMap` does what rrweb-snapshot's ``buildNodeWithSN`` and
rrweb's ``Mirror`` do: build nodes from serialized ones, map them by id, unmap subtrees and
attach documents to iframes (the replayer's ``newDocumentQueue``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from app.rrweb.protocol import NodeType

# Bound once as module globals (and imported by the sibling modules): read per node, and an
# enum attribute lookup costs five times a global's.
DOCUMENT, DOCTYPE, ELEMENT = NodeType.DOCUMENT, NodeType.DOCUMENT_TYPE, NodeType.ELEMENT
TEXT, CDATA, COMMENT = NodeType.TEXT, NodeType.CDATA, NodeType.COMMENT
_NODE_TYPES = frozenset(NodeType)

_NO_ATTRS: dict[str, Any] = {}  # shared and never written (see Node.writable_attrs)


class DomError(Exception):
    """What the browser's DOM would throw (e.g. ``insertBefore`` with a foreign reference).

    rrweb catches it around the whole mutation, so the rest of that mutation is skipped.
    """


class Node:
    """One node of the replayed document, as rrweb's mirror maps it."""

    __slots__ = (
        "attrs",
        "children",
        "content",
        "epoch",
        "id",
        "in_shadow",
        "media",
        "meta",
        "owns_attrs",
        "parent",
        "shadow",
        "tag",
        "text",
        "type",
    )

    def __init__(self, sn: dict[str, Any], node_id: int) -> None:
        self.id = node_id
        kind = sn.get("type", -1)
        self.type: int = kind
        self.meta = sn  # the serialized node it was built from (rrweb's mirror meta)
        self.tag: str | None = None
        # shared with the event until the first change (most nodes never change): read
        # freely, but write only through writable_attrs()
        self.attrs: dict[str, Any] = _NO_ATTRS
        self.owns_attrs = False
        self.text = ""
        if kind == ELEMENT:
            tag = sn.get("tagName")
            self.tag = tag if isinstance(tag, str) else None
            attrs = sn.get("attributes")
            if isinstance(attrs, dict):
                self.attrs = attrs
        elif kind in (TEXT, CDATA, COMMENT):
            text = sn.get("textContent")
            self.text = text if isinstance(text, str) else ""
        self.children: list[Node] = []
        self.shadow: list[Node] | None = [] if sn.get("isShadowHost") else None
        self.parent: Node | None = None
        self.in_shadow = False
        self.content: Node | None = None  # the document attached to an <iframe>
        self.media: dict[str, Any] | None = None
        self.epoch = 0  # bumped when a <style>'s sheet is rebuilt from its text

    def writable_attrs(self) -> dict[str, Any]:
        if not self.owns_attrs:
            self.attrs = dict(self.attrs)
            self.owns_attrs = True
        return self.attrs

    def siblings(self) -> list[Node] | None:
        parent = self.parent
        if parent is None:
            return None
        if self.in_shadow:
            return parent.shadow
        return parent.children

    def next_sibling(self) -> Node | None:
        siblings = self.siblings()
        if not siblings:
            return None
        index = index_of(siblings, self)
        return siblings[index + 1] if 0 <= index < len(siblings) - 1 else None

    def contains(self, other: Node) -> bool:
        node: Node | None = other
        while node is not None:
            if node is self:
                return True
            node = node.parent
        return False


def index_of(items: list[Node], node: Node) -> int:
    for i, item in enumerate(items):
        if item is node:
            return i
    return -1


def walk(root: Node) -> Iterable[Node]:
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))
        if node.shadow:
            stack.extend(reversed(node.shadow))


def meta_equal(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """rrweb-snapshot isNodeMetaEqual (attributes compared like JSON.stringify)."""
    kind = a.get("type")
    if kind != b.get("type"):
        return False
    if kind == DOCUMENT:
        return a.get("compatMode") == b.get("compatMode")
    if kind == DOCTYPE:
        return all(a.get(k) == b.get(k) for k in ("name", "publicId", "systemId"))
    if kind in (TEXT, CDATA, COMMENT):
        return a.get("textContent") == b.get("textContent")
    if kind == ELEMENT:
        attrs_a, attrs_b = a.get("attributes") or {}, b.get("attributes") or {}
        return (
            a.get("tagName") == b.get("tagName")
            and list(attrs_a.items()) == list(attrs_b.items())
            and a.get("isSVG") == b.get("isSVG")
            and a.get("needBlock") == b.get("needBlock")
        )
    return False


class NodeMap:
    """rrweb's id → node map and the node tree it points into (see the module docstring)."""

    def __init__(self) -> None:
        self.nodes: dict[int, Node] = {}
        self.root: Node | None = None
        self.pending_documents: list[dict[str, Any]] = []  # rrweb's newDocumentQueue
        self.approximations: dict[str, int] = {}

    def _note(self, what: str) -> None:
        self.approximations[what] = self.approximations.get(what, 0) + 1

    def _build_tree(self, sn: dict[str, Any], timestamp: Any, skip_child: bool) -> Node | None:
        """buildNodeWithSN: the node (and, unless ``skip_child``, its subtree) into the map."""
        node_id = sn.get("id")
        if not isinstance(node_id, int) or sn.get("type") not in _NODE_TYPES:
            return None
        node = Node(sn, node_id)
        self.nodes[node_id] = node
        if skip_child or node.type not in (DOCUMENT, ELEMENT):
            return node
        if node.tag == "textarea" and "value" in node.attrs:
            return node  # rrweb-snapshot drops a textarea's children when it has a value
        children = sn.get("childNodes")
        if not isinstance(children, list):
            return node
        for child_sn in children:
            if not isinstance(child_sn, dict):
                continue
            child = self._build_tree(child_sn, timestamp, skip_child=False)
            if child is None:
                continue
            if child_sn.get("isShadow") and node.shadow is not None:
                child.parent, child.in_shadow = node, True
                node.shadow.append(child)
            else:
                child.parent = node
                node.children.append(child)
        return node

    def _unmap(self, node: Node) -> None:
        """Mirror.removeNodeFromMap: the node and its light and shadow subtree."""
        stack = [node]
        nodes = self.nodes
        while stack:
            current = stack.pop()
            if nodes.get(current.id) is current:
                del nodes[current.id]
            stack.extend(current.children)
            if current.shadow:
                stack.extend(current.shadow)
            if current.content is not None:
                stack.append(current.content)

    @staticmethod
    def _detach(node: Node) -> None:
        siblings = node.siblings()
        if siblings is not None:
            index = index_of(siblings, node)
            if index >= 0:
                del siblings[index]
        node.parent = None
        node.in_shadow = False

    def _attach_document(self, iframe: Node, sn: dict[str, Any], timestamp: Any) -> None:
        """attachDocumentToIframe: the whole document subtree becomes the iframe's content."""
        if sn.get("type") != DOCUMENT:
            self._note("non-document node added under an iframe")
            return
        if iframe.content is not None:
            self._unmap(iframe.content)
        document = self._build_tree(sn, timestamp, skip_child=False)
        if document is not None:
            iframe.content = document
            for nested in [n for n in walk(document) if n.tag == "iframe"]:
                self._attach_queued_document(nested, timestamp)

    def _attach_queued_document(self, iframe: Node, timestamp: Any) -> None:
        for addition in self.pending_documents:
            if addition.get("parentId") == iframe.id:
                self.pending_documents = [a for a in self.pending_documents if a is not addition]
                self._attach_document(iframe, addition["node"], timestamp)
                return
