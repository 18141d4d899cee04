"""rrweb's protocol numbers as SQL text, so that no query of the store writes a bare ``3``.

The ``events`` table keeps rrweb's ``type`` and ``source`` numbers as recorded. A query
reads them through these names, written into its text with an f-string
(``f"WHERE type = {EVENT_INCREMENTAL_SNAPSHOT} AND source = {SOURCE_INPUT}"``); the values
come from :mod:`app.rrweb.protocol`, the one place that knows them.

Why literals rendered into the query text rather than the alternatives:

* **DuckDB macros** (``CREATE MACRO event_meta() AS 4``) would be objects stored in every
  cached database file: stores built before them would lack them (a schema-version bump
  and a re-ingest for no new data), and they would show up in the SQL tab and in the
  Parquet export, where the numbers are rrweb's anyway.
* **Query parameters** would have to travel with every statement that reads events, next
  to its real parameters: the name in the SQL and its value in a dictionary elsewhere.
* **Literals** leave the text DuckDB plans exactly as it was (``type = 3``), so plans and
  timings cannot change, and a misspelt name fails at import (ruff ``F821``), not in SQL.

Each constant is a ``str`` holding the number. A JSON string compared as text
(``json_extract_string(data, '$.type') = '2'``) quotes it in the query:
``= '{MOUSE_CLICK}'``. ``tests/rrweb/test_protocol.py`` fails on any bare number compared
with ``type`` or ``source`` in the app's SQL.
"""

from __future__ import annotations

from typing import Final

from app.rrweb.protocol import (
    USER_INTERACTION_SOURCES,
    EventType,
    IncrementalSource,
    MouseInteraction,
)

EVENT_FULL_SNAPSHOT: Final = str(int(EventType.FULL_SNAPSHOT))
EVENT_INCREMENTAL_SNAPSHOT: Final = str(int(EventType.INCREMENTAL_SNAPSHOT))
EVENT_META: Final = str(int(EventType.META))
EVENT_PLUGIN: Final = str(int(EventType.PLUGIN))

SOURCE_MUTATION: Final = str(int(IncrementalSource.MUTATION))
SOURCE_MOUSE_MOVE: Final = str(int(IncrementalSource.MOUSE_MOVE))
SOURCE_TOUCH_MOVE: Final = str(int(IncrementalSource.TOUCH_MOVE))
SOURCE_MOUSE_INTERACTION: Final = str(int(IncrementalSource.MOUSE_INTERACTION))
SOURCE_SCROLL: Final = str(int(IncrementalSource.SCROLL))
SOURCE_INPUT: Final = str(int(IncrementalSource.INPUT))
SOURCE_DRAG: Final = str(int(IncrementalSource.DRAG))

MOUSE_CLICK: Final = str(int(MouseInteraction.CLICK))
MOUSE_DBL_CLICK: Final = str(int(MouseInteraction.DBL_CLICK))
POINTER_PRESSES: Final = ", ".join(
    str(int(m))
    for m in (
        MouseInteraction.MOUSE_UP, MouseInteraction.MOUSE_DOWN, MouseInteraction.CLICK,
        MouseInteraction.TOUCH_START, MouseInteraction.TOUCH_END,
    )
)  # fmt: skip
"""Mouse interactions that put the pointer over an element (an ``IN (…)`` list)."""

USER_INTERACTION: Final = (
    f"source BETWEEN {min(USER_INTERACTION_SOURCES):d} AND {max(USER_INTERACTION_SOURCES):d}"
)
"""The condition on an incremental event's ``source`` that the user was active (rrweb's
``isUserInteraction``). A range, as the store always wrote it, because those sources are
consecutive numbers (``tests/rrweb/test_protocol.py`` checks it)."""
