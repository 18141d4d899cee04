"""The generator's vocabulary: what the user chose, the steps inferred, their locators.

Why apart from the inference and the writers: the three output formats render the same
:class:`Step` list, and the tests build steps and locators directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

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


@dataclass(frozen=True)
class Part:
    """One call of a Playwright locator chain: ``method(*args, **options)``.

    Methods are Playwright's Python names (``get_by_role``, ``locator``, ``filter``, ``nth``…);
    the TypeScript writer translates them.
    """

    method: str
    args: tuple[Any, ...] = ()
    options: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class Locator:
    """How a step finds its element, checked unique in the document at that moment.

    ``kind`` says which rule chose it (``test-id``, ``role``, ``label``, ``placeholder``,
    ``id``, ``text``, ``scoped``, ``css``, ``nth``); ``css`` is a CSS selector for the same
    element (the DevTools Recorder's fallback) and ``aria`` its accessible name, if any.
    """

    parts: tuple[Part, ...]
    kind: str
    css: str
    aria: str | None = None
    description: str = ""


@dataclass
class Step:
    """One thing the user did, as the test does it again."""

    kind: str  # goto click dblclick fill check uncheck select press hover upload scroll
    ts_ms: int
    name: str  # the action's name, for the comment (``click on 'Place order'``)
    locator: Locator | None = None
    value: str | None = None  # typed text, option value, key, URL, scroll offset
    parameter: str | None = None  # a masked value's parameter name
    node_id: int | None = None
    action_id: str | None = None
    waits: list[tuple[str, str]] = field(default_factory=list)  # (method, path) to answer
    wait_grace_ms: int = 0  # how long the page took to start those requests, plus a margin
    wait_path: str | None = None  # a page load this step caused: wait for this path
    problem: str | None = None  # why it cannot be done (unlocated element, file upload)
    note: str | None = None
    offset: tuple[int, int] = (0, 0)  # where in the element the click landed


@dataclass(frozen=True)
class Parameter:
    """A masked typed value turned into a named parameter of the test."""

    name: str
    default: str
    field: str  # the field as a user would name it
    length: int


@dataclass
class Plan:
    """Everything a writer needs: steps, parameters, errors, where the test starts."""

    session_id: str
    user_id: str | None
    origin: str  # the recorded origin (scheme://host:port)
    base_url: str  # what the test uses instead (``--base-url``, else the origin)
    start_ms: int
    steps: list[Step]
    parameters: list[Parameter]
    errors: list[str]  # distinct recorded messages the test watches for
    error_wait_ms: int  # how long after the last step the recorded errors took
    expect_errors: bool
    omitted: list[str]  # later steps left out (the user's reaction to the last error)
    viewport: tuple[int, int]
    notes: list[str] = field(default_factory=list)
