"""The command line, as a script would use it (a real subprocess for the entry point)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli.main import run_cli
from tests.builders import write_archive


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    return write_archive(tmp_path / "shop.webreplay", sessions=2)


def test_info_json_lists_sessions(archive: Path, capsys: pytest.CaptureFixture) -> None:
    assert run_cli(["info", str(archive), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["format"] == "replay-archive"
    assert doc["warnings"] == []
    first = doc["sessions"][0]
    assert {
        k: first[k] for k in ("id", "user", "start", "duration_ms", "events", "actions", "errors")
    } == {
        "id": "s0",
        "user": "u0",
        "start": "2023-11-14T22:13:20.000Z",
        "duration_ms": 45_000,
        "events": 9,
        "actions": 2,
        "errors": 1,
    }


def test_info_on_the_real_rrweb_player_demo(shared_fixtures: Path, capsys) -> None:
    assert (
        run_cli(["info", str(shared_fixtures / "real" / "rrweb-player-demo.json"), "--json"]) == 0
    )
    doc = json.loads(capsys.readouterr().out)
    assert doc["format"] == "rrweb"
    [session] = doc["sessions"]
    assert session["events"] == 272 and session["duration_ms"] == 81_080
    assert session["clicks"] == 3
    assert session["click_names"] == [
        "click on 'render () {'",
        "click on '}'",
        "click on 'ReactHooks.js'",
    ]


def test_info_text_is_a_readable_table(archive: Path, capsys) -> None:
    assert run_cli(["info", str(archive)]) == 0
    out = capsys.readouterr().out
    assert "shop.webreplay: replay-archive, 2 session(s)" in out
    assert "u1" in out and "0:00:45" in out


def test_ingest_reports_counts_and_the_store(archive: Path, tmp_path: Path, capsys) -> None:
    db = tmp_path / "x.duckdb"
    assert run_cli(["ingest", str(archive), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "2 sessions, 18 events, 4 actions, 2 errors" in out and str(db) in out
    assert run_cli(["ingest", str(archive), "--db", str(db)]) == 0
    assert "Reused the store" in capsys.readouterr().out


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_sql_formats(archive: Path, fmt: str, capsys) -> None:
    query = "SELECT session_id, user_id, started_at FROM sessions ORDER BY 1"
    assert run_cli(["sql", str(archive), query, "--format", fmt]) == 0
    out = capsys.readouterr().out
    if fmt == "json":
        assert json.loads(out) == [
            {"session_id": "s0", "user_id": "u0", "started_at": "2023-11-14T22:13:20.000Z"},
            {"session_id": "s1", "user_id": "u1", "started_at": "2023-11-14T22:14:20.000Z"},
        ]
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(out)))
        assert rows[0] == ["session_id", "user_id", "started_at"] and len(rows) == 3
    else:
        assert out.splitlines()[0].split() == ["session_id", "user_id", "started_at"]
        assert "(2 rows)" in out


def test_sql_refuses_writes_with_an_error(archive: Path, capsys) -> None:
    assert run_cli(["sql", str(archive), "DELETE FROM sessions"]) == 1
    assert "read-only" in capsys.readouterr().err


def test_sql_syntax_error_is_reported(archive: Path, capsys) -> None:
    assert run_cli(["sql", str(archive), "SELEC nothing"]) == 1
    assert "query failed" in capsys.readouterr().err


def test_console_command_and_python_m_app_run(archive: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "app", "info", str(archive), "--json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["sessions"]) == 2
    missing = subprocess.run(
        [sys.executable, "-m", "app", "info", "/nonexistent.webreplay"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert missing.returncode == 2
    assert "nonexistent.webreplay: does not exist" in missing.stderr


def test_export_parquet_writes_every_table_partitioned_by_day(
    archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """The way out when one machine is not enough: Parquet any engine (or DuckDB over object
    storage) reads, one folder per UTC day."""
    import duckdb

    out = tmp_path / "parquet"
    assert run_cli(["export", str(archive), "--format", "parquet", "--out", str(out)]) == 0
    assert "rows in 10 tables" in capsys.readouterr().out
    days = sorted(p.name for p in (out / "events").iterdir())
    assert days and all(d.startswith("day=") for d in days)
    assert run_cli(["sql", str(archive), "SELECT count(*) FROM events", "--format", "csv"]) == 0
    expected = int(capsys.readouterr().out.split()[-1])
    (read,) = duckdb.sql(
        f"SELECT count(*), count(DISTINCT session_id) FROM read_parquet("
        f"'{out}/events/*/*.parquet', hive_partitioning = true)"
    ).fetchall()
    assert read[0] == expected and read[1] == 2
    sessions = duckdb.sql(f"SELECT count(*) FROM read_parquet('{out}/sessions/*/*.parquet')")
    assert sessions.fetchall() == [(2,)]


def test_sql_prints_every_row_not_a_page(archive: Path, capsys) -> None:
    """The SQL tab reads pages; the command line still prints the whole result."""
    assert run_cli(["sql", str(archive), "SELECT range FROM range(1234)", "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 1 + 1234 and rows[-1] == ["1233"]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Recordings kept one file per session, with a stray file among them."""
    from tests.archive.formats import blob_lines
    from tests.builders import T0, basic_events

    folder = tmp_path / "incident"
    (folder / "blobs").mkdir(parents=True)
    (folder / "a.json").write_text(json.dumps(basic_events()))
    (folder / "blobs" / "one.jsonl").write_text(blob_lines(basic_events(T0 + 60_000)))
    (folder / "README.txt").write_text("exported for the checkout incident\n")
    return folder


def test_every_command_takes_a_folder(folder: Path, tmp_path: Path, capsys) -> None:
    assert run_cli(["info", str(folder), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["format"] == "folder"
    assert [(s["events"], s["clicks"]) for s in doc["sessions"]] == [(9, 2), (9, 2)]
    assert doc["warnings"] == [
        "incident: README.txt: not read: is not a session recording (expected a .webreplay "
        "archive, an rrweb recording (JSON or NDJSON), a PostHog export, blob or API response, "
        "Sentry recording segments or a Highlight payload)"
    ]
    assert run_cli(["sql", str(folder), "SELECT count(*) FROM errors", "--format", "csv"]) == 0
    assert capsys.readouterr().out.split() == ["count_star()", "2"]
    out = tmp_path / "a.rrweb.json"
    assert run_cli(["export", str(folder), "--format", "rrweb", "--session", "a", "--out",
                    str(out)]) == 0  # fmt: skip
    assert len(json.loads(out.read_text())) == 9
    assert run_cli(["ingest", str(folder)]) == 0
    assert "Reused the store of" in capsys.readouterr().out


def test_nothing_readable_exits_2_naming_the_file(tmp_path: Path) -> None:
    empty = tmp_path / "no-events.json"
    empty.write_text(json.dumps([{"kind": "not an event"}]))
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "notes.txt").write_text("nothing\n")
    for path, problem in (
        (empty, "no-events.json: holds no session that can be read (1 item(s) skipped: no "
                "rrweb event type; contains no rrweb events)"),
        (junk, "junk: is a folder with no readable session recording in it (notes.txt: not "
               "read: is not a session recording"),
    ):  # fmt: skip
        done = subprocess.run(
            [sys.executable, "-m", "app", "info", str(path)],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert done.returncode == 2
        assert problem in done.stderr, done.stderr
        assert done.stdout == ""
