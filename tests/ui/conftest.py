"""Fixtures for window tests: a private store cache and settings, archives built in code."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from app.archive.model import SessionMeta
from app.archive.writer import ArchiveWriter
from app.ui.main_window import MainWindow
from app.ui.theme import Appearance, apply_appearance

T0 = 1_700_000_000_000  # 2023-11-14 22:13:20 UTC


@dataclass
class SessionSpec:
    """What a test session should look like in the table."""

    session_id: str
    user_id: str
    duration_s: int = 60
    errors: int = 0
    events: int = 20
    start_ms: int = T0
    browser: str = "Chrome"


def rrweb_events(start_ms: int, duration_ms: int, count: int) -> list[dict[str, Any]]:
    """A meta event, a tiny full snapshot and mouse moves spread over the session."""
    events: list[dict[str, Any]] = [
        {"type": 4, "timestamp": start_ms, "data": {"href": "https://x/", "width": 1280}},
        {
            "type": 2,
            "timestamp": start_ms + 1,
            "data": {"node": {"type": 0, "childNodes": [], "id": 1}, "initialOffset": {}},
        },
    ]
    step = max(duration_ms // max(count, 1), 1)
    for i in range(max(count - 2, 0)):
        events.append(
            {
                "type": 3,
                "timestamp": start_ms + 2 + i * step,
                "data": {"source": 1, "positions": [{"x": i % 500, "y": 40, "id": 1}]},
            }
        )
    return events


def rum_records(spec: SessionSpec) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = [
        {
            "kind": "action",
            "ts": spec.start_ms + 5,
            "type": "load",
            "trigger": "navigation",
            "name": "loading of page /",
            "url": "https://x/",
            "duration_ms": 100,
            "id": f"{spec.session_id}-a1",
        }
    ]
    for n in range(spec.errors):
        records.append(
            {
                "kind": "error",
                "ts": spec.start_ms + 10 + n,
                "message": f"TypeError: x{n}",
                "stack": "TypeError: x\n    at f (https://x/app.js:1:1)",
                "url": "https://x/",
            }
        )
    return records


def write_archive(path: Path, specs: list[SessionSpec]) -> Path:
    with ArchiveWriter(path) as writer:
        for spec in specs:
            duration_ms = spec.duration_s * 1000
            writer.add_session(
                SessionMeta(
                    session_id=spec.session_id,
                    user_id=spec.user_id,
                    started_at_ms=spec.start_ms,
                    ended_at_ms=spec.start_ms + duration_ms,
                    browser=spec.browser,
                    os="Linux",
                    country="DE",
                ),
                events=rrweb_events(spec.start_ms, duration_ms, spec.events),
                rum=rum_records(spec),
            )
    return path


def rewrite_members(path: Path, replace: Mapping[str, bytes]) -> None:
    """Replace zip members' bytes in place (order and compression kept), to damage them."""
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w") as target:
        for info, data in members:
            target.writestr(info, replace.get(info.filename, data))


def big_archive(path: Path, sessions: int = 400, events: int = 200) -> Path:
    specs = [
        SessionSpec(f"s{i:04d}", f"user{i}", 30 + i, i % 3, events, T0 + i * 60_000)
        for i in range(sessions)
    ]
    return write_archive(path, specs)


class ArchiveFactory:
    """Builds test archives in the test's temp dir (a fixture, so tests need no imports)."""

    T0 = T0
    Spec = SessionSpec

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def write(self, name: str, specs: list[SessionSpec]) -> Path:
        return write_archive(self.folder / name, specs)

    def big(self, name: str, sessions: int = 400, events: int = 200) -> Path:
        return big_archive(self.folder / name, sessions, events)

    def damage(self, path: Path, replace: Mapping[str, bytes]) -> Path:
        rewrite_members(path, replace)
        return path

    def text_file(self, name: str, text: str) -> Path:
        path = self.folder / name
        path.write_text(text, encoding="utf-8")
        return path


@pytest.fixture
def archives(tmp_path: Path) -> ArchiveFactory:
    return ArchiveFactory(tmp_path / "files")


@pytest.fixture
def stores_dir(isolated_cache: Path) -> Path:
    """Where this test's stores go (``tests/conftest.py`` isolates cache and settings)."""
    return isolated_cache / "stores"


def store_files(folder: Path) -> list[Path]:
    """The stores in ``folder`` (``<content key>.duckdb``), not the indexes built beside
    them (``<content key>.search.duckdb``, ``.maps.duckdb``)."""
    return sorted(p for p in folder.glob("*.duckdb") if "." not in p.stem)


@pytest.fixture
def window(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> MainWindow:
    """A shown window whose error dialogs are recorded in ``shown_errors`` instead."""
    win = MainWindow()
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(win, "show_error", lambda title, text: shown.append((title, text)))
    win.shown_errors = shown  # type: ignore[attr-defined]
    questions: list[str] = []  # closing with work running asks; tests answer "Quit"
    monkeypatch.setattr(win, "confirm_close", lambda q: questions.append(q) or True)
    win.close_questions = questions  # type: ignore[attr-defined]
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def dark_appearance(qapp: Any) -> Iterator[None]:
    """The application in dark appearance (View › Appearance › Dark) for one test."""
    apply_appearance(Appearance.DARK, remember=False)
    yield
    apply_appearance(Appearance.SYSTEM, remember=False)
