"""The document rrweb's replayer shows, followed event by event in Python, with every node id.

Why: to insert synthetic checkpoints (:mod:`app.rrweb.checkpoints`) we must serialise, at
any moment, exactly the DOM the replayer would have built by applying every event up to
that moment — same node ids, same attributes, same order — so that later mutations still
apply to it. :class:`~app.rrweb.mirror.DomMirror` is too lossy for that (it is made for
naming clicks), so this mirror follows rrweb 2.2.2's ``Replayer`` rules instead of the DOM's
ideal ones: removes before adds before texts before attributes; adds are built without their
``childNodes`` (the recorder sends each descendant as its own add) except documents attached
to iframes; an add whose ``nextId`` is not there yet waits in a queue that is retried like
rrweb's resolve trees (and dropped when it can never be placed); ``-1`` neighbours are legacy
"missing nodes" kept detached until a neighbour resolves them; an add that repeats a mapped
id reuses that node when its build-time meta is equal; attribute values may be style objects
merged into the ``style`` string; scroll offsets and media state are folded into what a
snapshot rebuild reads back (``rr_scroll*``, ``initialOffset``, ``rr_media*``).

What a DOM snapshot cannot hold (CSSOM rule edits, adopted sheets, canvas commands, fonts,
custom element definitions, the text selection, scroll offsets of iframe documents, and
form state: rrweb sets ``.value``/``.checked`` as properties) is kept as the events
themselves; :meth:`ReplayDom.checkpoint_events` re-emits the ones that
still apply after the snapshot.

Pure Python, no Qt. Documented gaps: see ``ReplayDom.approximations`` and the report of
the checkpoint work (nodes rrweb leaves in the page but drops from its id map are dropped
here as well, CSS ``removeProperty`` of a shorthand is approximated on the text).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from app.rrweb.protocol import EventType, IncrementalSource, MediaInteraction, NodeType

# Bound once as module globals: this module runs per node of every event, and an enum
# attribute lookup costs five times a global's.
DOCUMENT, DOCTYPE, ELEMENT = NodeType.DOCUMENT, NodeType.DOCUMENT_TYPE, NodeType.ELEMENT
TEXT, CDATA, COMMENT = NodeType.TEXT, NodeType.CDATA, NodeType.COMMENT
FULL_SNAPSHOT, INCREMENTAL, META = (
    EventType.FULL_SNAPSHOT,
    EventType.INCREMENTAL_SNAPSHOT,
    EventType.META,
)
MUTATION, SCROLL, INPUT = (
    IncrementalSource.MUTATION,
    IncrementalSource.SCROLL,
    IncrementalSource.INPUT,
)
VIEWPORT_RESIZE, MEDIA_INTERACTION, SELECTION = (
    IncrementalSource.VIEWPORT_RESIZE,
    IncrementalSource.MEDIA_INTERACTION,
    IncrementalSource.SELECTION,
)
STYLE_SHEET_RULE, STYLE_DECLARATION, ADOPTED_STYLE_SHEET = (
    IncrementalSource.STYLE_SHEET_RULE,
    IncrementalSource.STYLE_DECLARATION,
    IncrementalSource.ADOPTED_STYLE_SHEET,
)
CANVAS_MUTATION, FONT, CUSTOM_ELEMENT = (
    IncrementalSource.CANVAS_MUTATION,
    IncrementalSource.FONT,
    IncrementalSource.CUSTOM_ELEMENT,
)
_NODE_TYPES = frozenset(NodeType)

_NO_ATTRS: dict[str, Any] = {}  # shared and never written (see Node.writable_attrs)
_CORE_KEYS = frozenset({"id", "type", "tagName", "attributes", "childNodes", "textContent"})
_MEDIA_TAGS = frozenset({"audio", "video"})
_KEPT_SOURCES = frozenset(
    {
        STYLE_SHEET_RULE,
        STYLE_DECLARATION,
        ADOPTED_STYLE_SHEET,
        CANVAS_MUTATION,
        FONT,
        CUSTOM_ELEMENT,
    }
)


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
        index = _index(siblings, self)
        return siblings[index + 1] if 0 <= index < len(siblings) - 1 else None

    def contains(self, other: Node) -> bool:
        node: Node | None = other
        while node is not None:
            if node is self:
                return True
            node = node.parent
        return False


def _index(items: list[Node], node: Node) -> int:
    for i, item in enumerate(items):
        if item is node:
            return i
    return -1


class ReplayDom:
    """Follows one window's events the way rrweb 2.2.2's replayer applies them.

    ``apply(event)`` for every event in timestamp order; ``checkpoint_events(ts, like)``
    returns a Meta + FullSnapshot (+ what the snapshot cannot hold) that rebuild this state.
    """

    def __init__(self) -> None:
        self.nodes: dict[int, Node] = {}
        self.root: Node | None = None
        self.href = ""
        self.width = 0
        self.height = 0
        self.scroll = (0, 0)  # (left, top) of the top document
        self.awaiting_snapshot = False  # a Meta was seen, its FullSnapshot not yet
        self.legacy_missing: dict[int, tuple[Node, dict[str, Any]]] = {}
        self.pending_documents: list[dict[str, Any]] = []  # rrweb's newDocumentQueue
        self.kept: list[tuple[dict[str, Any], Node | None, int]] = []
        self.selection: dict[str, Any] | None = None
        self.frame_scrolls: dict[int, dict[str, Any]] = {}
        self.inputs: dict[int, tuple[dict[str, Any], Node]] = {}
        self.approximations: dict[str, int] = {}

    # ---- events --------------------------------------------------------------------------
    def apply(self, event: dict[str, Any]) -> None:
        kind = event.get("type")
        data = event.get("data")
        if not isinstance(data, dict):
            return
        if kind == INCREMENTAL:
            self._apply_incremental(event, data)
        elif kind == META:
            self.href = data.get("href", self.href)
            self.width = data.get("width", self.width)
            self.height = data.get("height", self.height)
            self.awaiting_snapshot = True
        elif kind == FULL_SNAPSHOT:
            self._full_snapshot(data, event.get("timestamp"))

    def _note(self, what: str) -> None:
        self.approximations[what] = self.approximations.get(what, 0) + 1

    def _full_snapshot(self, data: dict[str, Any], timestamp: Any) -> None:
        self.awaiting_snapshot = False
        node = data.get("node")
        self.nodes = {}
        self.root = None
        self.legacy_missing = {}
        self.kept = []
        self.selection = None
        self.frame_scrolls = {}
        self.inputs = {}
        offset = data.get("initialOffset")
        self.scroll = (0, 0)
        if isinstance(offset, dict):
            self.scroll = (offset.get("left", 0) or 0, offset.get("top", 0) or 0)
        if isinstance(node, dict):
            self.root = self._build_tree(node, timestamp, skip_child=False)
            for built in self.nodes.values():
                if built.tag in _MEDIA_TAGS:
                    self._register_media(built, timestamp)
            # rrweb attaches queued iframe documents to iframes the snapshot rebuilt
            for iframe in [n for n in self.nodes.values() if n.tag == "iframe"]:
                self._attach_queued_document(iframe, timestamp)

    def _apply_incremental(self, event: dict[str, Any], data: dict[str, Any]) -> None:
        source = data.get("source")
        timestamp = event.get("timestamp")
        if source == MUTATION:
            try:
                self._mutation(data, timestamp)
            except DomError:
                self._note("mutation aborted by a DOM error")
        elif source == SCROLL:
            self._scroll(event, data)
        elif source == VIEWPORT_RESIZE:
            self.width = data.get("width", self.width)
            self.height = data.get("height", self.height)
        elif source == INPUT:
            self._input(event, data)
        elif source == MEDIA_INTERACTION:
            self._media_interaction(data, timestamp)
        elif source == SELECTION:
            self.selection = event
        elif source in _KEPT_SOURCES:
            target_id = data.get("id")
            target = None
            if source in (STYLE_SHEET_RULE, STYLE_DECLARATION) and not data.get("styleId"):
                target = self.nodes.get(target_id) if isinstance(target_id, int) else None
                if target is None:
                    return  # rrweb finds no sheet and does nothing
            elif source == CANVAS_MUTATION:
                target = self.nodes.get(target_id) if isinstance(target_id, int) else None
                if target is None:
                    return
            elif source == ADOPTED_STYLE_SHEET and self.nodes.get(target_id) is None:
                return  # rrweb: no host, no sheets created
            if source == STYLE_SHEET_RULE and data.get("styleId") and _replaces(data):
                # a constructed sheet replaced wholesale: its earlier edits no longer matter
                style_id = data["styleId"]
                self.kept = [
                    k
                    for k in self.kept
                    if not (
                        k[0]["data"].get("source") in (STYLE_SHEET_RULE, STYLE_DECLARATION)
                        and k[0]["data"].get("styleId") == style_id
                    )
                ]
            self.kept.append((event, target, target.epoch if target else 0))

    # ---- building ------------------------------------------------------------------------
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

    def _register_media(self, node: Node, timestamp: Any) -> None:
        """MediaManager.addMediaElements: the state rrweb derives from the rr_media* keys.

        rrweb registers only elements a FullSnapshot rebuilt; elements added by mutations play
        unsynchronised until their first MediaInteraction, and so are left alone here.
        """
        attrs = node.attrs
        state = attrs.get("rr_mediaState")
        playing = state == "played" if state else "autoplay" in attrs

        def typed(name: str, kind: type, default: Any) -> Any:
            value = attrs.get(name)
            return value if isinstance(value, kind) and not isinstance(value, bool) else default

        node.media = {
            "playing": playing,
            "time": typed("rr_mediaCurrentTime", (int, float), 0),
            "at": timestamp if isinstance(timestamp, (int, float)) else 0,
            "rate": typed("rr_mediaPlaybackRate", (int, float), 1),
            "volume": typed("rr_mediaVolume", (int, float), 1),
            "muted": attrs["rr_mediaMuted"]
            if isinstance(attrs.get("rr_mediaMuted"), bool)
            else "muted" in attrs,
            "loop": attrs["rr_mediaLoop"]
            if isinstance(attrs.get("rr_mediaLoop"), bool)
            else "loop" in attrs,
        }

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
            index = _index(siblings, node)
            if index >= 0:
                del siblings[index]
        node.parent = None
        node.in_shadow = False

    # ---- mutations -----------------------------------------------------------------------
    def _mutation(self, data: dict[str, Any], timestamp: Any) -> None:
        nodes = self.nodes
        removes = data.get("removes") or []
        for removal in [r for r in removes if isinstance(r, dict) and r.get("id") in nodes]:
            target = nodes.get(removal.get("id"))
            if target is None:
                continue  # an ancestor was removed first
            parent = nodes.get(removal.get("parentId"))
            if parent is None:
                continue
            self._unmap(target)
            in_shadow = bool(removal.get("isShadow")) and parent.shadow is not None
            if target.parent is parent and target.in_shadow == in_shadow:
                self._style_changing(parent)
                self._detach(target)
            else:
                # rrweb: removeChild throws, the node stays in the page but leaves the map
                self._detach(target)
                self._note("removed from a parent it was not in")

        queue: list[dict[str, Any]] = []
        for addition in data.get("adds") or []:
            if isinstance(addition, dict) and isinstance(addition.get("node"), dict):
                self._append(addition, queue, timestamp)
        while queue:
            trees = _queue_to_resolve_trees(queue)
            queue = []
            before = len(self.nodes)
            progressed = False
            for tree in trees:
                if tree.value.get("parentId") not in self.nodes:
                    continue  # rrweb: "Drop resolve tree since there is no parent"
                for addition in tree.walk():
                    if self._append(addition, queue, timestamp):
                        progressed = True
            if not progressed and len(self.nodes) == before:
                if queue:
                    self._note("add dropped: its nextId never arrived")
                break  # rrweb spins for 500 ms here and then drops them too

        texts = data.get("texts") or []
        seen: set[Any] = set()
        for change in reversed(texts):  # uniqueTextMutations: the last value per id
            if not isinstance(change, dict) or change.get("id") in seen:
                continue
            seen.add(change.get("id"))
            target = nodes.get(change.get("id"))
            if target is None:
                continue
            value = change.get("value")
            if target.type in (TEXT, CDATA, COMMENT):
                if target.parent is not None:
                    self._style_changing(target.parent)
                target.text = value if isinstance(value, str) else ""
            else:
                self._note("text mutation on a non-text node")

        for change in data.get("attributes") or []:
            if not isinstance(change, dict):
                continue
            target = nodes.get(change.get("id"))
            attributes = change.get("attributes")
            if target is None or target.type != ELEMENT or not isinstance(attributes, dict):
                continue
            self._set_attributes(target, attributes)

    def _append(
        self, addition: dict[str, Any], queue: list[dict[str, Any]], timestamp: Any
    ) -> bool:
        """appendNode of rrweb's applyMutation; True when the node was built."""
        nodes = self.nodes
        sn = addition["node"]
        parent = nodes.get(addition.get("parentId"))
        if parent is None:
            if sn.get("type") == DOCUMENT:
                self.pending_documents.append(addition)
            else:
                queue.append(addition)
            return False
        if sn.get("isShadow") and parent.shadow is None:
            parent.shadow = []  # attachShadow on the fly
        previous_id = addition.get("previousId")
        next_id = addition.get("nextId")
        previous = nodes.get(previous_id) if previous_id else None
        next_node = nodes.get(next_id) if next_id else None
        if next_id is not None and next_id != -1 and next_node is None:
            queue.append(addition)
            return False
        root_id = sn.get("rootId")
        if root_id and root_id not in nodes:
            return False
        if parent.tag == "iframe":
            self._attach_document(parent, sn, timestamp)
            return True

        node_id = sn.get("id")
        existing = nodes.get(node_id) if isinstance(node_id, int) else None
        if existing is not None and _meta_equal(existing.meta, sn):
            target: Node | None = existing
            if existing.tag in ("style", "link"):
                existing.epoch += 1  # moving it drops its sheet; it is parsed again
        else:
            if existing is not None:
                # rrweb builds a second node; the first stays in the page, unmapped (its
                # children stay mapped and move when they are re-added). Here it leaves.
                del nodes[existing.id]
                self._detach(existing)
                self._note("re-added id with other meta: old node dropped")
            target = self._build_tree(sn, timestamp, skip_child=True)
        if target is None:
            return False

        if previous_id == -1 or next_id == -1:
            self._detach(target)
            self.legacy_missing[target.id] = (target, addition)
            return True

        in_shadow = bool(sn.get("isShadow"))
        siblings = parent.shadow if in_shadow and parent.shadow is not None else parent.children
        if parent.type == ELEMENT and target.type == TEXT:
            if parent.tag == "textarea":
                for child in [c for c in siblings if c.type == TEXT]:
                    self._unmap(child)
                    self._detach(child)
            elif parent.tag == "style" and not siblings and "_cssText" in parent.attrs:
                # the text rrweb built from _cssText is replaced by this (mapped) node
                css = parent.writable_attrs().pop("_cssText")
                target.text = css if isinstance(css, str) else target.text
                parent.epoch += 1
        elif parent.type == DOCUMENT:
            if target.type == DOCTYPE and siblings and siblings[0].type == DOCTYPE:
                old = siblings[0]
                self._unmap(old)
                self._detach(old)
            if target.tag == "html":
                for old in [c for c in siblings if c.tag == "html" and c is not target]:
                    self._unmap(old)
                    self._detach(old)

        self._style_changing(parent)
        self._insert(parent, siblings, in_shadow, target, previous, next_node)
        if target.tag == "iframe":
            self._attach_queued_document(target, timestamp)
        if previous_id or next_id:
            self._resolve_missing(parent, target, addition)
        return True

    def _insert(
        self,
        parent: Node,
        siblings: list[Node],
        in_shadow: bool,
        target: Node,
        previous: Node | None,
        next_node: Node | None,
    ) -> None:
        reference: Node | None = None
        after = previous.next_sibling() if previous is not None else None
        if after is not None:
            reference = after
        elif next_node is not None and next_node.parent is not None:
            reference = next_node if parent.contains(next_node) else None
        if reference is not None and _index(siblings, reference) < 0:
            raise DomError("insertBefore: the reference is not a child of the parent")
        if reference is target:
            return  # insertBefore(node, itself): nothing moves
        self._detach(target)
        if reference is not None:
            siblings.insert(_index(siblings, reference), target)
        else:
            siblings.append(target)
        target.parent = parent
        target.in_shadow = in_shadow

    def _resolve_missing(self, parent: Node, target: Node, addition: dict[str, Any]) -> None:
        """legacy_resolveMissingNode: detached -1 neighbours join beside ``target``."""
        previous_id, next_id = addition.get("previousId"), addition.get("nextId")
        if previous_id and previous_id in self.legacy_missing:
            node, mutation = self.legacy_missing.pop(previous_id)
            siblings = self._siblings_of(parent, target)
            self._detach(node)
            siblings.insert(_index(siblings, target), node)
            node.parent, node.in_shadow = parent, target.in_shadow
            if mutation.get("previousId") or mutation.get("nextId"):
                self._resolve_missing(parent, node, mutation)
        if next_id and next_id in self.legacy_missing:
            node, mutation = self.legacy_missing.pop(next_id)
            siblings = self._siblings_of(parent, target)
            self._detach(node)
            siblings.insert(_index(siblings, target) + 1, node)
            node.parent, node.in_shadow = parent, target.in_shadow
            if mutation.get("previousId") or mutation.get("nextId"):
                self._resolve_missing(parent, node, mutation)

    @staticmethod
    def _siblings_of(parent: Node, target: Node) -> list[Node]:
        if target.parent is parent:
            siblings = target.siblings()
            if siblings is not None:
                return siblings
        raise DomError("insertBefore: the reference is not a child of the parent")

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
            for nested in [n for n in _walk(document) if n.tag == "iframe"]:
                self._attach_queued_document(nested, timestamp)

    def _attach_queued_document(self, iframe: Node, timestamp: Any) -> None:
        for addition in self.pending_documents:
            if addition.get("parentId") == iframe.id:
                self.pending_documents = [a for a in self.pending_documents if a is not addition]
                self._attach_document(iframe, addition["node"], timestamp)
                return

    def _style_changing(self, node: Node) -> None:
        """Call before a <style>'s text changes: its sheet will be parsed again.

        Earlier CSSOM rule edits die with the old sheet (``epoch``), and a ``_cssText`` that
        rrweb spread over the text children at build time (``applyCssSplits``) is written
        into those children now, so the snapshot shows their texts, not the stale sheet.
        """
        if node.tag != "style":
            return
        node.epoch += 1
        css = node.attrs.get("_cssText")
        texts = [c for c in node.children if c.type == TEXT]
        if not isinstance(css, str) or not texts:
            return
        splits = css.split("/* rr_split */")
        while len(splits) > 1 and len(splits) > len(texts):
            splits[-2:] = ["".join(splits[-2:])]
        for child, section in zip(texts, splits, strict=False):
            child.text = section
        del node.writable_attrs()["_cssText"]

    # ---- attributes ----------------------------------------------------------------------
    def _set_attributes(self, target: Node, attributes: dict[str, Any]) -> None:
        attrs = target.writable_attrs()
        for name, value in attributes.items():
            if value is None:
                attrs.pop(name, None)
            elif isinstance(value, str):
                if (
                    name == "_cssText"
                    and target.tag in ("link", "style")
                    and target.parent is not None
                ):
                    self._rebuild_stylesheet(target, attributes)
                    break  # rrweb rebuilds the node and stops reading this entry
                if name == "value" and target.tag == "textarea":
                    for child in list(target.children):
                        self._unmap(child)
                        self._detach(child)
                attrs[name] = value
            elif name == "style" and isinstance(value, dict):
                _apply_style_object(attrs, value)

    def _rebuild_stylesheet(self, target: Node, attributes: dict[str, Any]) -> None:
        """rrweb's answer to a late ``_cssText``: a new node from the build-time meta.

        Its attributes are the meta's merged with this entry's (later changes are lost, as
        in rrweb), it has no mapped children, and a <style> whose meta had children comes
        out empty (rrweb spreads the text over serialized children it does not build).
        """
        meta_attrs = target.meta.get("attributes")
        merged = dict(meta_attrs) if isinstance(meta_attrs, dict) else {}
        for key, value in attributes.items():
            if value is not None and not isinstance(value, dict):
                merged[key] = value
        for child in list(target.children):
            self._unmap(child)
            self._detach(child)
        if target.tag == "style" and target.meta.get("childNodes"):
            merged.pop("_cssText", None)
        target.attrs, target.owns_attrs = merged, True
        target.epoch += 1

    # ---- input, scroll, media -------------------------------------------------------------
    def _input(self, event: dict[str, Any], data: dict[str, Any]) -> None:
        """Kept as the event: rrweb sets ``.value``/``.checked`` (properties, not attributes).

        Folding them into attributes cannot be exact: a masked ``<select>`` value matches no
        option (rrweb's select then shows none), a typed field is "dirty" and ignores later
        ``value`` attribute mutations, and the attributes rrweb leaves alone would differ.
        The last Input of each element that is still mapped is replayed after a checkpoint.
        """
        target = self.nodes.get(data.get("id"))
        if target is None or target.type != ELEMENT:
            return
        self.inputs.pop(target.id, None)  # re-inserted last: replay in order of last input
        self.inputs[target.id] = (event, target)

    def _scroll(self, event: dict[str, Any], data: dict[str, Any]) -> None:
        target = self.nodes.get(data.get("id"))
        if target is None:
            return
        x, y = data.get("x", 0) or 0, data.get("y", 0) or 0
        if target is self.root:
            self.scroll = (x, y)
        elif target.type == DOCUMENT:
            self.frame_scrolls[target.id] = event  # an iframe's document: kept as the event
        elif target.type == ELEMENT:
            for name, value in (("rr_scrollLeft", x), ("rr_scrollTop", y)):
                if value:
                    target.writable_attrs()[name] = value
                elif name in target.attrs:
                    target.writable_attrs().pop(name, None)

    def _media_interaction(self, data: dict[str, Any], timestamp: Any) -> None:
        """MediaManager.getMediaStateFromMutation, kept per element (quirks included)."""
        target = self.nodes.get(data.get("id"))
        if target is None or target.type != ELEMENT:
            return
        last = target.media or {}
        kind = data.get("type")
        resumed = bool(last.get("playing")) or "autoplay" in target.attrs
        playing = kind == MediaInteraction.PLAY or (kind != MediaInteraction.PAUSE and resumed)

        def pick(key: str, name: str, default: Any) -> Any:
            value = data.get(key)
            return value if value is not None else last.get(name, default)

        target.media = {
            "playing": playing,
            "time": pick("currentTime", "time", 0),
            "at": timestamp if isinstance(timestamp, (int, float)) else 0,
            "rate": pick("playbackRate", "rate", 1),
            "volume": pick("volume", "volume", 1),
            # rrweb's own defaults: muted/loop when the attribute is *absent*
            "muted": pick("muted", "muted", "muted" not in target.attrs),
            "loop": pick("loop", "loop", "loop" not in target.attrs),
        }

    # ---- snapshots -----------------------------------------------------------------------
    @property
    def pending(self) -> bool:
        """True while rrweb holds detached legacy nodes a snapshot could not carry."""
        return bool(self.legacy_missing)

    def can_checkpoint(self) -> bool:
        return self.root is not None and not self.awaiting_snapshot

    def checkpoint_events(self, timestamp: float, like: dict[str, Any]) -> list[dict[str, Any]]:
        """Meta + FullSnapshot of the current state, then what a snapshot cannot hold.

        ``like`` is the event the checkpoint precedes: its ``windowId`` (if any) is copied.
        Every returned event carries ``"synthetic": True``.
        """
        if self.root is None:
            return []
        frames: list[Node] = []
        tree = self._serialize(self.root, timestamp, frames)
        left, top = self.scroll
        out: list[dict[str, Any]] = [
            {"type": META, "data": {"href": self.href, "width": self.width, "height": self.height}},
            {
                "type": FULL_SNAPSHOT,
                "data": {"node": tree, "initialOffset": {"left": left, "top": top}},
            },
        ]
        # Order matters: after a rebuild rrweb applies events directly until the first
        # mutation of the batch switches it to its virtual DOM, whose flush applies edits of
        # constructed sheets *before* it creates the sheets of deferred adoptions (edits to
        # a sheet created in the same batch are lost). So what belongs to the top document
        # goes first, then the iframe documents (mutations), then what lives in them.
        late: list[dict[str, Any]] = []
        created_in_frame: set[Any] = set()
        for event, target, epoch in self.kept:
            if target is not None and not (
                self.nodes.get(target.id) is target and target.epoch == epoch
            ):
                continue
            data = event["data"]
            host = target
            if data.get("source") == ADOPTED_STYLE_SHEET:
                host = self.nodes.get(data.get("id"))
                if host is not None and self._in_frame(host):
                    created_in_frame.update(
                        s.get("styleId") for s in data.get("styles") or [] if isinstance(s, dict)
                    )
            in_frame = (host is not None and self._in_frame(host)) or (
                data.get("styleId") in created_in_frame
            )
            (late if in_frame else out).append(_replayed(event))
        # iframe documents: like the recorder, one attaching mutation each, parents first
        while frames:
            iframe = frames.pop(0)
            assert iframe.content is not None
            nested: list[Node] = []
            document = self._serialize(iframe.content, timestamp, nested)
            frames[:0] = nested
            out.append(_mutation_event(iframe.id, document))
        for addition in self.pending_documents:
            out.append(_mutation_event(addition.get("parentId"), addition["node"], attach=False))
        out.extend(late)
        for event, target in self.inputs.values():
            if self.nodes.get(target.id) is target:
                out.append(_replayed(event))
        for event in self.frame_scrolls.values():
            if event["data"].get("id") in self.nodes:
                out.append(_replayed(event))
        if self.selection is not None and self._selection_alive(self.selection):
            out.append(_replayed(self.selection))
        for event in out:
            event["timestamp"] = timestamp
            event["synthetic"] = True
            if "windowId" in like:
                event["windowId"] = like["windowId"]
        return out

    def _in_frame(self, node: Node) -> bool:
        """True for a node of an iframe's document (its ancestors end at that document)."""
        while node.parent is not None:
            node = node.parent
        return node is not self.root

    def _selection_alive(self, event: dict[str, Any]) -> bool:
        ranges = event["data"].get("ranges") or []
        return all(
            isinstance(r, dict) and r.get("start") in self.nodes and r.get("end") in self.nodes
            for r in ranges
        )

    def _serialize(self, root: Node, timestamp: float, frames: list[Node]) -> dict[str, Any]:
        """The serialized node tree under ``root``; iframes with a document go to ``frames``."""
        result = self._serialize_one(root, timestamp)
        stack: list[tuple[Node, dict[str, Any]]] = [(root, result)]
        while stack:
            node, out = stack.pop()
            if node.type not in (DOCUMENT, ELEMENT):
                continue
            if node.content is not None:
                frames.append(node)
            children = out["childNodes"]
            for child in node.children:
                child_out = self._serialize_one(child, timestamp)
                children.append(child_out)
                stack.append((child, child_out))
            if node.shadow:
                for child in node.shadow:
                    child_out = self._serialize_one(child, timestamp)
                    child_out["isShadow"] = True
                    children.append(child_out)
                    stack.append((child, child_out))
        return result

    def _serialize_one(self, node: Node, timestamp: float) -> dict[str, Any]:
        out: dict[str, Any] = {k: v for k, v in node.meta.items() if k not in _CORE_KEYS}
        out.pop("isShadow", None)
        out["type"] = node.type
        out["id"] = node.id
        if node.type == ELEMENT:
            out["tagName"] = node.tag
            attrs = dict(node.attrs)
            if node.media is not None:
                _media_attributes(attrs, node.media, timestamp)
            out["attributes"] = attrs
            out["childNodes"] = []
            if node.shadow is not None:
                out["isShadowHost"] = True
        elif node.type == DOCUMENT:
            out["childNodes"] = []
        elif node.type in (TEXT, CDATA, COMMENT):
            out["textContent"] = node.text
            if node.type == TEXT and node.parent is not None and node.parent.tag == "style":
                out["isStyle"] = True  # rrweb adapts (``:hover``) any text under <style>
        return out

    def tree(self) -> dict[str, Any] | None:
        """The current top document as a serialized node tree (iframe documents inline under
        their iframe as ``contentDocument``), for tests and debugging."""
        if self.root is None:
            return None

        def walk(node: Node) -> dict[str, Any]:
            out = self._serialize_one(node, 0)
            if node.type in (DOCUMENT, ELEMENT):
                out["childNodes"] = [walk(c) for c in node.children]
                for child in node.shadow or []:
                    child_out = walk(child)
                    child_out["isShadow"] = True
                    out["childNodes"].append(child_out)
                if node.content is not None:
                    out["contentDocument"] = walk(node.content)
            return out

        return walk(self.root)


# ---- helpers ----------------------------------------------------------------------------
def _walk(root: Node) -> Iterable[Node]:
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))
        if node.shadow:
            stack.extend(reversed(node.shadow))


def _meta_equal(a: dict[str, Any], b: dict[str, Any]) -> bool:
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


class _ResolveTree:
    __slots__ = ("children", "parent", "value")

    def __init__(self, value: dict[str, Any], parent: _ResolveTree | None) -> None:
        self.value = value
        self.parent = parent
        self.children: list[_ResolveTree] = []

    def walk(self) -> Iterable[dict[str, Any]]:
        """iterateResolveTree: the node, then its children from the last to the first."""
        yield self.value
        for child in reversed(self.children):
            yield from child.walk()


def _queue_to_resolve_trees(queue: list[dict[str, Any]]) -> list[_ResolveTree]:
    """rrweb's queueToResolveTrees (utils.ts), statement for statement."""
    by_id: dict[Any, _ResolveTree] = {}
    trees: list[_ResolveTree] = []
    for mutation in queue:
        next_id, parent_id = mutation.get("nextId"), mutation.get("parentId")
        node_id = mutation["node"].get("id")
        if next_id and next_id in by_id:
            next_tree = by_id[next_id]
            if next_tree.parent is not None:
                siblings = next_tree.parent.children
                index = siblings.index(next_tree)
                item = _ResolveTree(mutation, next_tree.parent)
                siblings.insert(index, item)
            else:
                item = _ResolveTree(mutation, None)
                trees.insert(trees.index(next_tree), item)
            by_id[node_id] = item
            continue
        if parent_id in by_id:
            parent_tree = by_id[parent_id]
            item = _ResolveTree(mutation, parent_tree)
            parent_tree.children.append(item)
            by_id[node_id] = item
            continue
        item = _ResolveTree(mutation, None)
        trees.append(item)
        by_id[node_id] = item
    return trees


def _mutation_event(parent_id: Any, node: dict[str, Any], attach: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {
        "source": MUTATION,
        "texts": [],
        "attributes": [],
        "removes": [],
        "adds": [{"parentId": parent_id, "nextId": None, "node": node}],
    }
    if attach:
        data["isAttachIframe"] = True
    return {"type": INCREMENTAL, "data": data}


def _replaces(data: dict[str, Any]) -> bool:
    return isinstance(data.get("replace"), str) or isinstance(data.get("replaceSync"), str)


def _replayed(event: dict[str, Any]) -> dict[str, Any]:
    """A copy of a kept event for re-emission (the data is shared, never modified).

    ``CSSStyleSheet.replace()`` is asynchronous and blocks edits until it settles; played
    back in real time it had settled before the next edit, but after a checkpoint every
    kept edit is applied in one synchronous batch, so it is re-emitted as ``replaceSync``.
    """
    data = event.get("data")
    if (
        isinstance(data, dict)
        and data.get("source") == STYLE_SHEET_RULE
        and isinstance(data.get("replace"), str)
    ):
        data = {k: v for k, v in data.items() if k != "replace"}
        data["replaceSync"] = event["data"]["replace"]
    return {"type": event.get("type"), "data": data}


def _media_attributes(attrs: dict[str, Any], media: dict[str, Any], timestamp: float) -> None:
    """The rr_media* keys that make MediaManager resume this element where rrweb had it."""
    time = media["time"] if isinstance(media["time"], (int, float)) else 0
    rate = media["rate"] if isinstance(media["rate"], (int, float)) else 1
    if media["playing"] and isinstance(media["at"], (int, float)):
        time = time + (timestamp - media["at"]) / 1000 * rate
    attrs["rr_mediaState"] = "played" if media["playing"] else "paused"
    # rounded: summing the elapsed time in steps (checkpoint after checkpoint) must not drift
    attrs["rr_mediaCurrentTime"] = round(time, 6) if math.isfinite(time) else 0
    attrs["rr_mediaPlaybackRate"] = rate
    attrs["rr_mediaMuted"] = bool(media["muted"])
    attrs["rr_mediaLoop"] = bool(media["loop"])
    attrs["rr_mediaVolume"] = media["volume"]


# ---- inline style (CSSStyleDeclaration.setProperty / removeProperty on the text) ---------
def _split_declarations(text: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    quote = ""
    start = 0
    i = 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == ";" and depth == 0:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return [p for p in parts if p.strip()]


def parse_style(text: str) -> list[list[Any]]:
    """``style`` attribute text → ``[[property, value, important], …]`` in order."""
    declarations: list[list[Any]] = []
    for part in _split_declarations(text):
        name, sep, value = part.partition(":")
        if not sep or not name.strip():
            continue
        name = name.strip()
        if not name.startswith("--"):
            name = name.lower()
        value = value.strip()
        important = False
        bang = value.rfind("!")
        if bang >= 0 and value[bang + 1 :].strip().lower() == "important":
            important = True
            value = value[:bang].rstrip()
        declarations.append([name, value, important])
    return declarations


def format_style(declarations: list[list[Any]]) -> str:
    return " ".join(
        f"{name}: {value}{' !important' if important else ''};"
        for name, value, important in declarations
    )


def _apply_style_object(attrs: dict[str, Any], changes: dict[str, Any]) -> None:
    """rrweb's styleOMValue: ``{prop: value | [value, priority] | false}`` via CSSOM calls."""
    current = attrs.get("style")
    declarations = parse_style(current) if isinstance(current, str) else []
    changed = False
    for prop, value in changes.items():
        name = prop if prop.startswith("--") else prop.lower()
        if value is False or value == "" or (isinstance(value, list) and value[:1] == [""]):
            kept = [d for d in declarations if d[0] != name and not d[0].startswith(name + "-")]
            if len(kept) != len(declarations):
                declarations, changed = kept, True
            continue
        if isinstance(value, list):
            text = value[0] if value and isinstance(value[0], str) else None
            priority = value[1] if len(value) > 1 and isinstance(value[1], str) else ""
        elif isinstance(value, str):
            text, priority = value, ""
        else:
            continue
        if text is None or priority.lower() not in ("", "important"):
            continue
        important = priority.lower() == "important"
        for declaration in declarations:
            if declaration[0] == name:
                declaration[1], declaration[2] = text.strip(), important
                break
        else:
            declarations.append([name, text.strip(), important])
        changed = True
    if changed:
        attrs["style"] = format_style(declarations)
