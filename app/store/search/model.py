"""What a search returns: hits (one piece of searchable text each) and their total.

Why plain frozen dataclasses: the window (on a worker thread), the command line and the
tests all read them; they carry times as integer epoch milliseconds, the unit of the replay's
time cursor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["text", "typed", "console", "error", "request", "action", "page", "user"]
KINDS: tuple[Kind, ...] = (
    "text", "typed", "console", "error", "request", "action", "page", "user",
)  # fmt: skip
"""Every kind of hit, in the order the index numbers them."""

FIELDS: dict[str, Kind] = {
    "text": "text",
    "typed": "typed",
    "console": "console",
    "error": "error",
    "url": "request",
    "status": "request",
    "action": "action",
    "user": "user",
    "page": "page",
}
"""The query language's fields and the kind of hit each one searches."""


class QuerySyntaxError(ValueError):
    """A query the parser cannot read; the message says what to change, for the user."""


@dataclass(frozen=True)
class Hit:
    """One match: a piece of text a session showed, typed, logged or requested.

    ``ts_ms`` is when it appeared (epoch ms), ``end_ms`` when it disappeared (the node was
    removed, its text changed, the page was replaced) or ``None`` when it stayed to the end
    or is an instant (a console message, a request). ``highlights`` are ``(start, end)``
    character spans of ``snippet`` that matched the query. ``node_id`` is the recorded node
    to outline in the replay (text and typed hits; ``None`` when not known).
    """

    session_id: str
    ts_ms: int
    end_ms: int | None
    kind: Kind
    snippet: str
    highlights: list[tuple[int, int]] = field(default_factory=list)
    node_id: int | None = None


@dataclass(frozen=True)
class SearchResult:
    """The ``total`` number of matches and the first ``limit`` of them as ``hits``."""

    total: int
    hits: list[Hit]
