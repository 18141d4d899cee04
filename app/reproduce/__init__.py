"""From replay to reproduction: a recorded session turned into a test that runs it again.

Why a package of its own: a replay shows what happened; a developer needs it to happen again,
on their machine, against their build. This reads a session from the store (its rrweb events,
actions, requests and errors), infers the steps a person took (navigations, clicks, typing,
keys, scrolls, hovers), chooses for each step a locator that is unique in the document as it
was at that moment, and writes them out as a pytest-playwright test, a ``@playwright/test``
spec or a Chrome DevTools Recorder file. The generated test needs nothing of this app.

Pure Python: no Qt, no DuckDB (it asks the store's queries).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from app.store.store import SessionStore

TestFormat = Literal["playwright", "playwright-ts", "devtools-recorder"]
FORMATS: tuple[TestFormat, ...] = ("playwright", "playwright-ts", "devtools-recorder")


@dataclass(frozen=True)
class TestOptions:
    """What the user chose for one generated test."""

    format: TestFormat = "playwright"
    base_url: str | None = None  # replaces the recorded origin; paths are kept
    mask: bool = True  # masked typed values become named parameters
    start_ms: int | None = None  # epoch ms: steps from here (None: the session's start)
    end_ms: int | None = None  # epoch ms: steps up to here (None: the session's end)
    expect_errors: bool = False  # assert the recorded errors occur (a reproduction check)


@dataclass
class GeneratedTest:
    """A generated test and what a user should know about it."""

    text: str
    session_id: str
    format: TestFormat
    steps: int
    unlocated: list[str] = field(default_factory=list)  # steps that cannot be located, why
    parameters: list[str] = field(default_factory=list)  # masked values made parameters


def generate_test(store: SessionStore, session_id: str, options: TestOptions) -> GeneratedTest:
    """The test for ``session_id`` (raises ``ValueError`` for an unknown or empty session)."""
    raise NotImplementedError("issue 18: the generator lands with branch repro-core")


def write_test(
    store: SessionStore, session_id: str, path: str | Path, options: TestOptions
) -> GeneratedTest:
    """Generate and write atomically to ``path``."""
    raise NotImplementedError("issue 18: the generator lands with branch repro-core")
