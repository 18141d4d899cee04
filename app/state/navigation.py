"""Where the investigation goes next: every number on a screen is a link to the view that
explains it.

Why a model: a dashboard card, a chart bar, a problem's impacted session and an error's
user all lead somewhere else, already narrowed — and no screen may drive another. A screen
asks :class:`Navigation` to go to a *destination* (a small frozen value saying what to show);
the window, which owns the tabs, hears ``requested`` and shows it. New screens add a
destination here and a case to the window's router, nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

REPLAY_LEAD_MS = 3_000
"""A replay "at the error" starts this much earlier, to show what the user did before it."""


@dataclass(frozen=True)
class ShowProblems:
    """The Problems screen; on the problem whose title is ``title`` when given (else the
    first open one)."""

    title: str | None = None


@dataclass(frozen=True)
class ShowErrors:
    """The Errors screen; on the error group ``key`` (its impacted users when ``users``)."""

    key: str | None = None
    users: bool = False


@dataclass(frozen=True)
class ShowSessions:
    """The Sessions screen, sorted by ``sort`` (a column name of the session table, worst or
    largest first), searched for ``search`` (any part of a user or session id), and limited
    to the sessions where the full-text query ``where`` holds (the search box's "sessions
    where …"; empty: every session)."""

    sort: str | None = None
    search: str = ""
    where: str = ""


@dataclass(frozen=True)
class ShowReplay:
    """A session's replay, at ``at_ms`` (epoch ms) or from its start."""

    session_id: str
    at_ms: int | None = None

    @classmethod
    def at_error(cls, session_id: str, error_ms: int) -> ShowReplay:
        """The replay a little before ``error_ms``, so the user's last steps are seen."""
        return cls(session_id, error_ms - REPLAY_LEAD_MS)


@dataclass(frozen=True)
class CompareWith:
    """Ask which session to compare ``session_id`` with: the best candidates that went right
    on the same path, or any session picked by id."""

    session_id: str


@dataclass(frozen=True)
class ShowComparison:
    """Two sessions side by side in the Compare tab, from their first divergence; ``other``
    None: the best candidate."""

    session_id: str
    other_id: str | None = None


Destination = ShowProblems | ShowErrors | ShowSessions | ShowReplay | CompareWith | ShowComparison


class Navigation(QObject):
    """The one place screens ask to go somewhere; the window listens."""

    requested = Signal(object)
    """(Destination) — show this."""

    def go(self, destination: Destination) -> None:
        self.requested.emit(destination)
