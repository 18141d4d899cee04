"""What a comparison of two sessions is made of: steps, candidates, aligned steps.

Plain frozen dataclasses, no Qt and no DuckDB, so the window (issue 20's side-by-side view),
the command line and reports share them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit


def page_path(url: str | None) -> str:
    """The path of a page address (``/checkout``), what two sessions share across hosts and
    query strings; ``""`` when there is no address."""
    if not url:
        return ""
    try:
        return urlsplit(url).path or "/"
    except ValueError:
        return url


@dataclass(frozen=True)
class Step:
    """One user action of a session, as the ``actions`` table holds it.

    ``kind`` is what the user did (``click``, ``dblclick``, ``input``, ``navigation``: the
    action's trigger, or its type when it has none), ``name`` the action's name (``click on
    'Place order'``), ``page`` the page address it happened on, ``target`` the element's
    selector. ``action_id`` ties it to the requests and errors it caused.
    """

    index: int
    ts_ms: int
    kind: str
    name: str
    page: str | None
    target: str | None
    action_id: str | None = None

    @property
    def path(self) -> str:
        return page_path(self.page)

    @property
    def token(self) -> tuple[str, str, str]:
        """What alignment compares: the kind of action, on what, on which page."""
        return (self.kind, self.name, self.path)


@dataclass(frozen=True)
class Candidate:
    """A session that went right on the same path, with why it was proposed.

    ``score`` (0..1) is the similarity of the two action sequences (1: the same steps in the
    same order); ``why`` says it in words for a list ("14 of 17 steps in common, same
    release, other browser").
    """

    session_id: str
    user_id: str | None
    score: float
    converted: bool
    release: str | None
    browser: str | None
    same_release: bool
    same_browser: bool
    why: str


@dataclass(frozen=True)
class AlignedStep:
    """One row of the alignment: a step of each session (``None`` when only one has it) and
    how they differ, in words (typed values, requests, errors, what the page showed)."""

    a: Step | None
    b: Step | None
    differences: list[str] = field(default_factory=list)

    @property
    def matched(self) -> bool:
        return self.a is not None and self.b is not None


@dataclass(frozen=True)
class Comparison:
    """Session ``session`` against ``other``: the candidates that were proposed for it, the
    aligned steps and the index (into ``steps``) of the first divergence that matters."""

    session: str
    other: str | None
    candidates: list[Candidate]
    steps: list[AlignedStep]
    first_divergence: int | None
