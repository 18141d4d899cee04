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

Split by job, each in a module of its own: the node tree and id map
(:mod:`app.rrweb.replay_node`), mutations (:mod:`app.rrweb.replay_mutation`), inline style
edits (:mod:`app.rrweb.inline_style`), writing a checkpoint (:mod:`app.rrweb.replay_snapshot`);
this module follows the events and keeps what is not DOM (viewport, scroll, media, inputs,
the selection, the CSSOM events to re-emit).

Pure Python, no Qt. Documented gaps: see ``ReplayDom.approximations`` and the report of
the checkpoint work (nodes rrweb leaves in the page but drops from its id map are dropped
here as well, CSS ``removeProperty`` of a shorthand is approximated on the text).
"""

from __future__ import annotations

from typing import Any

from app.rrweb import replay_snapshot
from app.rrweb.protocol import EventType, IncrementalSource, MediaInteraction
from app.rrweb.replay_mutation import MutableDom
from app.rrweb.replay_node import DOCUMENT, ELEMENT, DomError, Node

# Bound once as module globals: read once per event, and an enum attribute lookup costs
# five times a global's.
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
CANVAS_MUTATION = IncrementalSource.CANVAS_MUTATION

_MEDIA_TAGS = frozenset({"audio", "video"})
_KEPT_SOURCES = frozenset(
    {
        STYLE_SHEET_RULE,
        STYLE_DECLARATION,
        ADOPTED_STYLE_SHEET,
        CANVAS_MUTATION,
        IncrementalSource.FONT,
        IncrementalSource.CUSTOM_ELEMENT,
    }
)


class ReplayDom(MutableDom):
    """Follows one window's events the way rrweb 2.2.2's replayer applies them.

    ``apply(event)`` for every event in timestamp order; ``checkpoint_events(ts, like)``
    returns a Meta + FullSnapshot (+ what the snapshot cannot hold) that rebuild this state.
    The node tree and mutations are its base classes' (:mod:`app.rrweb.replay_node`,
    :mod:`app.rrweb.replay_mutation`), the writing out :mod:`app.rrweb.replay_snapshot`'s.
    """

    def __init__(self) -> None:
        super().__init__()
        self.href = ""
        self.width = 0
        self.height = 0
        self.scroll = (0, 0)  # (left, top) of the top document
        self.awaiting_snapshot = False  # a Meta was seen, its FullSnapshot not yet
        self.kept: list[tuple[dict[str, Any], Node | None, int]] = []
        self.selection: dict[str, Any] | None = None
        self.frame_scrolls: dict[int, dict[str, Any]] = {}
        self.inputs: dict[int, tuple[dict[str, Any], Node]] = {}

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
            except (TypeError, AttributeError, KeyError, ValueError, IndexError):
                # rrweb's replayer catches any exception of a mutation the same way (its
                # "Exception in mutation" warning): a malformed one (``"adds": 5``) ends
                # there, and what follows still plays
                self._note("malformed mutation skipped")
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
        """Meta + FullSnapshot of the current state, then what a snapshot cannot hold
        (:func:`app.rrweb.replay_snapshot.checkpoint_events`)."""
        return replay_snapshot.checkpoint_events(self, timestamp, like)

    def tree(self) -> dict[str, Any] | None:
        """The current top document as a serialized node tree (iframe documents inline under
        their iframe as ``contentDocument``), for tests and debugging."""
        return replay_snapshot.document_tree(self)


def _replaces(data: dict[str, Any]) -> bool:
    return isinstance(data.get("replace"), str) or isinstance(data.get("replaceSync"), str)
