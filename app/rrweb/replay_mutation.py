"""Mutations applied to the replay-exact mirror statement for statement like rrweb's replayer.

Why a module of its own: ``Replayer.applyMutation`` is the largest and most rule-laden part
of what :class:`~app.rrweb.replay_dom.ReplayDom` follows — removes before adds before texts
before attributes, adds whose ``nextId`` is missing queued and retried as resolve trees,
``-1`` neighbours kept detached as legacy "missing nodes", repeated ids reused when their
meta is equal, a late ``_cssText`` rebuilding a stylesheet node — and it only needs the node
tree (:class:`~app.rrweb.replay_node.NodeMap`), not the events around it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from app.rrweb.inline_style import apply_style_object
from app.rrweb.replay_node import (
    CDATA,
    COMMENT,
    DOCTYPE,
    DOCUMENT,
    ELEMENT,
    TEXT,
    DomError,
    Node,
    NodeMap,
    index_of,
    meta_equal,
)


class MutableDom(NodeMap):
    """The node tree plus rrweb's ``applyMutation`` (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__()
        self.legacy_missing: dict[int, tuple[Node, dict[str, Any]]] = {}

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
        if existing is not None and meta_equal(existing.meta, sn):
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
        if reference is not None and index_of(siblings, reference) < 0:
            raise DomError("insertBefore: the reference is not a child of the parent")
        if reference is target:
            return  # insertBefore(node, itself): nothing moves
        self._detach(target)
        if reference is not None:
            siblings.insert(index_of(siblings, reference), target)
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
            siblings.insert(index_of(siblings, target), node)
            node.parent, node.in_shadow = parent, target.in_shadow
            if mutation.get("previousId") or mutation.get("nextId"):
                self._resolve_missing(parent, node, mutation)
        if next_id and next_id in self.legacy_missing:
            node, mutation = self.legacy_missing.pop(next_id)
            siblings = self._siblings_of(parent, target)
            self._detach(node)
            siblings.insert(index_of(siblings, target) + 1, node)
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
                apply_style_object(attrs, value)

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
