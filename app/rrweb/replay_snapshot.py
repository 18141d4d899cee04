"""The replay-exact mirror written out as a checkpoint: Meta, FullSnapshot and what follows.

Why a module of its own: serialising is the mirror's third job (after keeping the tree and
applying mutations) and the one rrweb's recorder does, not its replayer: the node tree is
written back as rrweb-snapshot's serialized nodes with every id, iframe documents as the
attaching mutations the recorder sends, and the events a snapshot cannot hold (CSSOM edits,
adopted sheets, inputs, scroll offsets of iframe documents, the selection) re-emitted in
the order the replayer needs them.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from app.rrweb.protocol import EventType, IncrementalSource
from app.rrweb.replay_node import CDATA, COMMENT, DOCUMENT, ELEMENT, TEXT, Node

if TYPE_CHECKING:
    from app.rrweb.replay_dom import ReplayDom

_CORE_KEYS = frozenset({"id", "type", "tagName", "attributes", "childNodes", "textContent"})


def checkpoint_events(
    dom: ReplayDom, timestamp: float, like: dict[str, Any]
) -> list[dict[str, Any]]:
    """Meta + FullSnapshot of the current state, then what a snapshot cannot hold.

    ``like`` is the event the checkpoint precedes: its ``windowId`` (if any) is copied.
    Every returned event carries ``"synthetic": True``.
    """
    if dom.root is None:
        return []
    frames: list[Node] = []
    tree = _serialize(dom.root, timestamp, frames)
    left, top = dom.scroll
    out: list[dict[str, Any]] = [
        {
            "type": EventType.META,
            "data": {"href": dom.href, "width": dom.width, "height": dom.height},
        },
        {
            "type": EventType.FULL_SNAPSHOT,
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
    for event, target, epoch in dom.kept:
        if target is not None and not (
            dom.nodes.get(target.id) is target and target.epoch == epoch
        ):
            continue
        data = event["data"]
        host = target
        if data.get("source") == IncrementalSource.ADOPTED_STYLE_SHEET:
            host = dom.nodes.get(data.get("id"))
            if host is not None and _in_frame(dom, host):
                created_in_frame.update(
                    s.get("styleId") for s in data.get("styles") or [] if isinstance(s, dict)
                )
        in_frame = (host is not None and _in_frame(dom, host)) or (
            data.get("styleId") in created_in_frame
        )
        _append_kept(late if in_frame else out, _replayed(event))
    # iframe documents: like the recorder, one attaching mutation each, parents first
    while frames:
        iframe = frames.pop(0)
        assert iframe.content is not None
        nested: list[Node] = []
        document = _serialize(iframe.content, timestamp, nested)
        frames[:0] = nested
        out.append(_mutation_event(iframe.id, document))
    for addition in dom.pending_documents:
        out.append(_mutation_event(addition.get("parentId"), addition["node"], attach=False))
    out.extend(late)
    for event, target in dom.inputs.values():
        if dom.nodes.get(target.id) is target:
            out.append(_replayed(event))
    for event in dom.frame_scrolls.values():
        if event["data"].get("id") in dom.nodes:
            out.append(_replayed(event))
    if dom.selection is not None and _selection_alive(dom, dom.selection):
        out.append(_replayed(dom.selection))
    for event in out:
        event["timestamp"] = timestamp
        event["synthetic"] = True
        if "windowId" in like:
            event["windowId"] = like["windowId"]
    return out


_RULE_ADDS_KEYS = frozenset({"source", "id", "styleId", "adds"})


def _append_kept(events: list[dict[str, Any]], event: dict[str, Any]) -> None:
    """Append a kept event, folding rule inserts into the previous event's when both only
    insert rules into the same sheet: rrweb inserts a StyleSheetRule's ``adds`` one after
    the other, as it would the events, but each event costs a seek its own dispatch (a page
    that inserts a rule a minute carried 360 events in each checkpoint after 6 hours)."""
    data = event["data"]
    last = events[-1]["data"] if events else None
    if (
        last is not None
        and data.get("source") == IncrementalSource.STYLE_SHEET_RULE
        and last.get("source") == IncrementalSource.STYLE_SHEET_RULE
        and set(data) <= _RULE_ADDS_KEYS
        and set(last) <= _RULE_ADDS_KEYS
        and isinstance(data.get("adds"), list)
        and isinstance(last.get("adds"), list)
        and (data.get("id"), data.get("styleId")) == (last.get("id"), last.get("styleId"))
    ):
        # a new data object: the kept events' data is shared, never modified
        events[-1] = {**events[-1], "data": {**last, "adds": [*last["adds"], *data["adds"]]}}
    else:
        events.append(event)


def _in_frame(dom: ReplayDom, node: Node) -> bool:
    """True for a node of an iframe's document (its ancestors end at that document)."""
    while node.parent is not None:
        node = node.parent
    return node is not dom.root


def _selection_alive(dom: ReplayDom, event: dict[str, Any]) -> bool:
    ranges = event["data"].get("ranges") or []
    return all(
        isinstance(r, dict) and r.get("start") in dom.nodes and r.get("end") in dom.nodes
        for r in ranges
    )


def _serialize(root: Node, timestamp: float, frames: list[Node]) -> dict[str, Any]:
    """The serialized node tree under ``root``; iframes with a document go to ``frames``."""
    result = _serialize_one(root, timestamp)
    stack: list[tuple[Node, dict[str, Any]]] = [(root, result)]
    while stack:
        node, out = stack.pop()
        if node.type not in (DOCUMENT, ELEMENT):
            continue
        if node.content is not None:
            frames.append(node)
        children = out["childNodes"]
        for child in node.children:
            child_out = _serialize_one(child, timestamp)
            children.append(child_out)
            stack.append((child, child_out))
        if node.shadow:
            for child in node.shadow:
                child_out = _serialize_one(child, timestamp)
                child_out["isShadow"] = True
                children.append(child_out)
                stack.append((child, child_out))
    return result


def _serialize_one(node: Node, timestamp: float) -> dict[str, Any]:
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


def document_tree(dom: ReplayDom) -> dict[str, Any] | None:
    """The current top document as a serialized node tree (iframe documents inline under
    their iframe as ``contentDocument``), for tests and debugging."""
    if dom.root is None:
        return None

    def walk(node: Node) -> dict[str, Any]:
        out = _serialize_one(node, 0)
        if node.type in (DOCUMENT, ELEMENT):
            out["childNodes"] = [walk(c) for c in node.children]
            for child in node.shadow or []:
                child_out = walk(child)
                child_out["isShadow"] = True
                out["childNodes"].append(child_out)
            if node.content is not None:
                out["contentDocument"] = walk(node.content)
        return out

    return walk(dom.root)


def _mutation_event(parent_id: Any, node: dict[str, Any], attach: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {
        "source": IncrementalSource.MUTATION,
        "texts": [],
        "attributes": [],
        "removes": [],
        "adds": [{"parentId": parent_id, "nextId": None, "node": node}],
    }
    if attach:
        data["isAttachIframe"] = True
    return {"type": EventType.INCREMENTAL_SNAPSHOT, "data": data}


def _replayed(event: dict[str, Any]) -> dict[str, Any]:
    """A copy of a kept event for re-emission (the data is shared, never modified).

    ``CSSStyleSheet.replace()`` is asynchronous and blocks edits until it settles; played
    back in real time it had settled before the next edit, but after a checkpoint every
    kept edit is applied in one synchronous batch, so it is re-emitted as ``replaceSync``.
    """
    data = event.get("data")
    if (
        isinstance(data, dict)
        and data.get("source") == IncrementalSource.STYLE_SHEET_RULE
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
