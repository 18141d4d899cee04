"""The numbers of rrweb's recording protocol, as Python enums.

Why one module: an rrweb event is ``{"type": 3, "data": {"source": 5, …}}``; the numbers
were redefined in half a dozen modules and written bare in SQL. They are rrweb's, not ours:
every value here is the one of the ``rrweb`` package the player ships (2.2.2, from
``@rrweb/types``, which also re-exports ``rrweb-snapshot``'s ``NodeType``), and
``tests/rrweb/test_protocol.py`` compares them with the enums compiled into the vendored
``rrweb.umd.min.js``. Names are rrweb's in upper snake case (``IncrementalSnapshot`` →
``INCREMENTAL_SNAPSHOT``).

They are ``IntEnum``: a member equals the number a recording carries (``event["type"] ==
EventType.META``), and formats as that number, which is how the store writes them into SQL
(:mod:`app.store.sql_constants`).
"""

from __future__ import annotations

from enum import IntEnum, unique


@unique
class EventType(IntEnum):
    """An event's top-level ``type`` (``EventType`` in ``@rrweb/types``)."""

    DOM_CONTENT_LOADED = 0
    LOAD = 1
    FULL_SNAPSHOT = 2
    INCREMENTAL_SNAPSHOT = 3
    META = 4
    CUSTOM = 5
    PLUGIN = 6
    ASSET = 7
    ANNOTATION = 8


@unique
class IncrementalSource(IntEnum):
    """``data.source`` of an IncrementalSnapshot event (``IncrementalSource``)."""

    MUTATION = 0
    MOUSE_MOVE = 1
    MOUSE_INTERACTION = 2
    SCROLL = 3
    VIEWPORT_RESIZE = 4
    INPUT = 5
    TOUCH_MOVE = 6
    MEDIA_INTERACTION = 7
    STYLE_SHEET_RULE = 8
    CANVAS_MUTATION = 9
    FONT = 10
    LOG = 11
    DRAG = 12
    STYLE_DECLARATION = 13
    SELECTION = 14
    ADOPTED_STYLE_SHEET = 15
    CUSTOM_ELEMENT = 16


@unique
class MouseInteraction(IntEnum):
    """``data.type`` of a MouseInteraction source (``MouseInteractions``)."""

    MOUSE_UP = 0
    MOUSE_DOWN = 1
    CLICK = 2
    CONTEXT_MENU = 3
    DBL_CLICK = 4
    FOCUS = 5
    BLUR = 6
    TOUCH_START = 7
    TOUCH_MOVE_DEPARTED = 8
    TOUCH_END = 9
    TOUCH_CANCEL = 10


@unique
class MediaInteraction(IntEnum):
    """``data.type`` of a MediaInteraction source (``MediaInteractions``)."""

    PLAY = 0
    PAUSE = 1
    SEEKED = 2
    VOLUME_CHANGE = 3
    RATE_CHANGE = 4


@unique
class NodeType(IntEnum):
    """``type`` of a serialized DOM node in a snapshot or an add (``NodeType``)."""

    DOCUMENT = 0
    DOCUMENT_TYPE = 1
    ELEMENT = 2
    TEXT = 3
    CDATA = 4
    COMMENT = 5


USER_INTERACTION_SOURCES = (
    IncrementalSource.MOUSE_MOVE,
    IncrementalSource.MOUSE_INTERACTION,
    IncrementalSource.SCROLL,
    IncrementalSource.VIEWPORT_RESIZE,
    IncrementalSource.INPUT,
)
"""The sources rrweb's ``Replayer.isUserInteraction`` counts as the user being active
(``source > Mutation && source <= Input``): what ends an idle period."""

POSITION_SOURCES = frozenset(
    {IncrementalSource.MOUSE_MOVE, IncrementalSource.TOUCH_MOVE, IncrementalSource.DRAG}
)
"""The sources whose data is a ``positions`` list with per-position ``timeOffset``."""
