"""From replay to reproduction: a recorded session turned into a test that runs it again.

Why a package of its own: a replay shows what happened; a developer needs it to happen again,
on their machine, against their build. This reads a session from the store (its rrweb events,
actions, requests and errors), infers the steps a person took (navigations, clicks, typing,
keys, scrolls, hovers: :mod:`.steps`), chooses for each step a locator that is unique in the
document as it was at that moment (:mod:`.locators`), and writes them out as a
pytest-playwright test (:mod:`.python_test`), a ``@playwright/test`` spec (:mod:`.ts_test`)
or a Chrome DevTools Recorder file (:mod:`.devtools`). The generated test needs nothing of
this app.

Pure Python: no Qt, no DuckDB (it asks the store's queries).
"""

from __future__ import annotations

from pathlib import Path

from app.files import atomic_output
from app.reproduce.devtools import render_devtools
from app.reproduce.model import FORMATS, GeneratedTest, TestFormat, TestOptions
from app.reproduce.plan import build_plan
from app.reproduce.python_test import render_python
from app.reproduce.ts_test import render_ts
from app.store.store import SessionStore

__all__ = ["FORMATS", "GeneratedTest", "TestFormat", "TestOptions", "generate_test", "write_test"]


def generate_test(store: SessionStore, session_id: str, options: TestOptions) -> GeneratedTest:
    """The test for ``session_id`` (raises ``ValueError`` for an unknown or empty session)."""
    if options.format not in FORMATS:
        raise ValueError(f"unknown test format {options.format!r} (one of {', '.join(FORMATS)})")
    plan = build_plan(store, session_id, options)
    render = {"playwright": render_python, "playwright-ts": render_ts}.get(
        options.format, render_devtools
    )
    text, problems = render(plan)
    return GeneratedTest(
        text, session_id, options.format, len(plan.steps), problems,
        [p.name for p in plan.parameters],
    )  # fmt: skip


def write_test(
    store: SessionStore, session_id: str, path: str | Path, options: TestOptions
) -> GeneratedTest:
    """Generate and write atomically to ``path``."""
    generated = generate_test(store, session_id, options)
    with atomic_output(path) as partial:
        partial.write_text(generated.text, encoding="utf-8")
    return generated
