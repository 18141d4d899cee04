"""``replay-investigator funnel``: the JSON document, the table, the filters, bad steps."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli.main import run_cli
from app.store.demo import demo_archive_path
from tests.builders import T0, write_archive


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    # three sessions, each: load of /checkout, click on 'Place order' 1 s later, goal at 2 s
    return write_archive(tmp_path / "shop.webreplay", sessions=3)


STEPS = ["--step", "page:/checkout", "--step", "action:Place order", "--step", "goal:purchase"]


def test_json_document(archive: Path, capsys) -> None:
    assert run_cli(["funnel", str(archive), *STEPS, "--json", "--to", str(T0 + 90_000)]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["steps"] == [
        {"step": "page:/checkout", "sessions": 2, "users": 2,
         "conversion_from_previous": 1.0, "median_ms_from_previous": None},
        {"step": "action:Place order", "sessions": 2, "users": 2,
         "conversion_from_previous": 1.0, "median_ms_from_previous": 1000},
        {"step": "goal:purchase", "sessions": 2, "users": 2,
         "conversion_from_previous": 1.0, "median_ms_from_previous": 1000},
    ]  # fmt: skip
    assert document["filter"] == {
        "release": None, "from": None, "to": T0 + 90_000, "browser": None, "os": None,
        "country": None, "user": None, "page_filter": None,
    }  # fmt: skip


def test_table_and_time_limit(archive: Path, capsys) -> None:
    assert run_cli(["funnel", str(archive), *STEPS, "--within", "1.5", "--user", "u1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "1 selected sessions"
    assert lines[3].split() == ["1", "page:/checkout", "1", "1", "100.0%"]
    assert lines[4].split() == ["2", "action:Place", "order", "1", "1", "100.0%", "1.0", "s", "1"]
    assert lines[5].split() == ["3", "goal:purchase", "0", "0", "0.0%"]  # 2 s > 1.5 s


def test_a_step_it_cannot_read(archive: Path, capsys) -> None:
    assert run_cli(["funnel", str(archive), "--step", "click:Pay"]) == 2
    assert "not a funnel step: 'click:Pay'" in capsys.readouterr().err


def test_two_sides_compared_on_the_demo(tmp_path: Path, capsys) -> None:
    """Before and after release 2.5.0: the checkout's last step is the one difference that
    is not chance, in the table (``*``) and in the JSON."""
    demo = str(demo_archive_path())
    steps = ["--step", "page:/product", "--step", "page:/cart", "--step", "page:/checkout",
             "--step", "goal:purchase", "--db", str(tmp_path / "demo.db")]  # fmt: skip
    sides = ["--compare", "before:2.5.0", "after:2.5.0"]
    assert run_cli(["funnel", demo, *steps, *sides, "--json"]) == 0
    compared = json.loads(capsys.readouterr().out)["compare"]
    assert (compared["a"], compared["b"]) == ("before release 2.5.0", "after release 2.5.0")
    assert [s["significant"] for s in compared["steps"]] == [False, False, False, True]
    last = compared["steps"][-1]
    assert last["a"]["conversion_from_previous"] > 0.8 > 0.5 > last["b"]["conversion_from_previous"]
    assert last["difference"] < -0.4 and last["z"] < -1.96
    assert run_cli(["funnel", demo, *steps, *sides]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("A: before release 2.5.0 (") and "B: after release 2.5.0" in lines[0]
    assert lines[-2].split()[1] == "goal:purchase" and lines[-2].endswith("pts *")
    assert not any(line.endswith("pts *") for line in lines[3:-2])
    assert run_cli(["funnel", demo, *steps, "--compare", "release:2.4.3", "os:"]) == 2
    assert "not a side: 'os:'" in capsys.readouterr().err
