"""Acceptance (b), (c), (d) of issue 18: the tests generated from real recordings (made in
Chromium by tests/reproduce/harness.py) run in a real Chromium against the same site served
again, and leave the page in the state the recording ended in.

The end state is read by the conftest written beside the generated test (it wraps
pytest-playwright's ``page`` fixture, tests/reproduce/running.py), so the generated file
runs as a user would run it; the recording's side is the mirror after its last event.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from app.cli.main import run_cli
from tests.builders import write_recording
from tests.conftest import DATA
from tests.reproduce.end_state import recorded_end_state, recorded_events
from tests.reproduce.harness import serve_site
from tests.reproduce.running import end_state, run_generated


def export(recording: Path, out: Path, base_url: str) -> str:
    out.parent.mkdir(parents=True, exist_ok=True)
    status = run_cli(
        ["export", str(recording), "--format", "playwright", "--out", str(out),
         "--base-url", base_url, "--db", str(out.with_suffix(".duckdb"))]
    )  # fmt: skip
    assert status == 0
    return out.read_text(encoding="utf-8")


def replay(site: str, recording: Path, work: Path) -> tuple[str, dict[str, Any]]:
    """Export ``recording`` as a test, run it against ``site`` served again; returns the
    generated text and the state the page ended in (the run must pass)."""
    with serve_site(DATA / "sites" / site) as server:
        test_file = work / f"test_{site}_replayed.py"
        text = export(recording, test_file, server.base_url)
        result = run_generated(test_file)
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:] + text
    return text, end_state(test_file)


@pytest.mark.parametrize("site", ["multipage", "spa", "todo"])
def test_generated_test_ends_where_the_recording_ended(
    site: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    archive: Path = request.getfixturevalue(f"{site}_archive")
    _, reached = replay(site, archive, tmp_path)
    recorded = recorded_end_state(recorded_events(archive))
    assert recorded["text"], "the recording's last frame has no text to compare"
    assert reached == recorded


def test_multipage_end_state_is_the_submitted_order(
    multipage_archive: Path, tmp_path: Path
) -> None:
    """What (b) compares is telling: the result page shows every submitted field."""
    recorded = recorded_end_state(recorded_events(multipage_archive))
    assert "Ashley Parker" in recorded["text"]
    assert "yes" in recorded["text"] and "L" in recorded["text"] and "moss" in recorded["text"]


def test_hover_only_delete_is_hovered_then_clicked(todo_archive: Path, tmp_path: Path) -> None:
    """(c): the delete button shows only on ``li:hover``; the test hovers the item first."""
    text, reached = replay("todo", todo_archive, tmp_path)
    body = text[text.index("def test_") :]
    hover = body.index(".hover()")
    assert hover < body.index('get_by_role("button", name="Delete").click()')
    assert "Buy stove fuel" not in reached["text"] and "Pack the tent" in reached["text"]


def _presses(text: str) -> list[str]:
    """Each Enter press with the comment above it."""
    return re.findall(r"# \d:\d\d\.\d ([^\n]*)\n\s*[^\n]*\.press\(\"Enter\"\)", text)


def test_enter_submitted_field_is_pressed_from_the_key_event(
    todo_archive: Path, tmp_path: Path
) -> None:
    """(d): our recorder wrote the Enter presses; the test presses them on the field."""
    text, _ = replay("todo", todo_archive, tmp_path)
    assert _presses(text) == ["press Enter", "press Enter"]


def test_enter_is_inferred_when_the_recording_has_no_key_events(
    todo_archive: Path, tmp_path: Path
) -> None:
    """(d) without our recorder's key events (rrweb alone records none): the Enter presses
    are inferred from the page's answer, and the run still ends where the recording did."""
    events = recorded_events(todo_archive)
    stripped = [e for e in events if not (e["type"] == 5 and e["data"].get("tag") == "key")]
    assert len(stripped) == len(events) - 2
    recording = write_recording(tmp_path / "todo-without-keys.json", stripped)
    text, reached = replay("todo", recording, tmp_path / "run")
    presses = _presses(text)
    assert len(presses) == 2 and all("inferred" in p for p in presses), text
    assert reached == recorded_end_state(events)
