"""The lake's commands: ``compact``, and ``info``/``sql``/``export`` over a lake directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli.main import run_cli
from app.lake.spool import HourlySpool
from tests.lake.collector_process import make_batch

START = 1_795_000_000_000


@pytest.fixture
def lake(tmp_path: Path) -> Path:
    """Two sessions received (one of them twice over), not compacted yet."""
    root = tmp_path / "lake"
    spool = HourlySpool(root)
    for sid in ("a", "b"):
        for seq in (2, 1, 2):
            spool.append(make_batch(sid, seq, START, final=seq == 2), START / 1000, None)
    spool.close()
    return root


def test_compact_then_info_sql_and_export(
    lake: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    assert run_cli(["info", str(lake), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["sessions"] == []  # nothing compacted yet
    assert run_cli(["compact", str(lake)]) == 0
    out = capsys.readouterr().out
    assert "2 sessions from 4 batches (2 duplicates" in out
    assert run_cli(["info", str(lake), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["format"] == "lake"
    assert sorted(s["id"] for s in info["sessions"]) == ["a", "b"]
    query = "SELECT session_id, count(*) AS n FROM actions GROUP BY 1 ORDER BY 1"
    assert run_cli(["sql", str(lake), query, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"session_id": "a", "n": 2},
                                                   {"session_id": "b", "n": 2}]  # fmt: skip
    out_csv = tmp_path / "sessions.csv"
    assert run_cli(["export", str(lake), "--format", "csv", "--table", "sessions",
                    "--out", str(out_csv)]) == 0  # fmt: skip
    assert out_csv.read_text().count("\n") == 3


def test_a_lakes_sql_reads_nothing_outside_its_tables(
    lake: Path, capsys: pytest.CaptureFixture
) -> None:
    run_cli(["compact", str(lake)])
    secret = lake / "incoming.csv"
    secret.write_text("x\n1\n")
    assert run_cli(["sql", str(lake), f"SELECT * FROM read_csv('{secret}')"]) == 1
    assert "disabled by configuration" in capsys.readouterr().err
    assert run_cli(["sql", str(lake), "SET enable_external_access = true"]) == 1


def test_collect_refuses_an_empty_token_file(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    token = tmp_path / "token"
    token.write_text("\n")
    args = ["collect", "--out", str(tmp_path / "lake"), "--token-file", str(token)]
    assert run_cli(args) == 2
    assert "the token file is empty" in capsys.readouterr().err
