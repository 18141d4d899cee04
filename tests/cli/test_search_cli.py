"""``replay-investigator search``: ingest and index on first use, the table and the JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli.main import run_cli
from tests.builders import T0, write_archive


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    return write_archive(tmp_path / "shop.webreplay", sessions=3)


def test_json_lists_hits_by_session_and_time(archive: Path, capsys) -> None:
    assert run_cli(["search", str(archive), "status:500 OR console:undefined", "--json"]) == 0
    out, err = capsys.readouterr()
    result = json.loads(out)
    assert result["total"] == 6
    assert [(h["session"], h["ts"], h["kind"]) for h in result["hits"]] == [
        (f"s{i}", T0 + i * 60_000 + offset, kind)
        for i in range(3)
        for offset, kind in ((1100, "request"), (1500, "console"))
    ]
    assert all(set(h) == {"session", "ts", "kind", "snippet"} for h in result["hits"])
    assert "Search index ready" in err  # built on first use, progress on stderr


def test_session_limit_and_table(archive: Path, capsys) -> None:
    assert (
        run_cli(["search", str(archive), '"place order"', "--session", "s1", "--limit", "1"]) == 0
    )
    out, _ = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0].split() == ["session", "time", "(UTC)", "kind", "snippet"]
    assert lines[1].split() == ["s1", "2023-11-14", "22:14:20.005", "text", "Place", "order"]
    assert lines[-1] == "2 hits, first 1 shown"  # the button's text and the click on it


def test_a_query_it_cannot_read_fails_with_what_to_change(archive: Path, capsys) -> None:
    assert run_cli(["search", str(archive), '"place order']) == 1
    _, err = capsys.readouterr()
    assert "add a closing" in err
