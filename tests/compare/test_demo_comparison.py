"""Issue 20's acceptance on the demo archive: Ashley's failed checkout against a converting
session of the same checkout path, through the API and the ``compare`` command."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cli.main import run_cli
from app.compare import compare, counterparts
from app.store.demo import demo_archive_path
from app.store.open import open_store
from app.store.store import SessionStore

ASHLEY = "s0191"
PLACE_ORDER = "click on 'btn_sell-421198'"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("demo-store") / "demo.duckdb"


@pytest.fixture(scope="module")
def demo(demo_db: Path) -> Iterator[SessionStore]:
    store, _ = open_store(demo_archive_path(), demo_db)
    with store:
        yield store


def test_counterparts_are_converting_sessions_of_the_same_checkout_path(
    demo: SessionStore,
) -> None:
    found = counterparts(demo, ASHLEY)
    assert 1 <= len(found) <= 5
    assert all(c.converted for c in found)
    assert ASHLEY not in {c.session_id for c in found}
    scores = [c.score for c in found]
    assert scores == sorted(scores, reverse=True) and all(0 < s <= 1 for s in scores)
    best = found[0]
    assert "same entry page" in best.why and "steps in common" in best.why
    theirs = [row.b.name for row in compare(demo, ASHLEY, best.session_id).steps if row.b]
    assert PLACE_ORDER in theirs and "click on 'Go to checkout'" in theirs


def test_first_divergence_is_her_place_order_with_error_and_confirmation(
    demo: SessionStore,
) -> None:
    result = compare(demo, ASHLEY)
    assert result.other is not None and result.first_divergence is not None
    row = result.steps[result.first_divergence]
    assert row.a is not None and row.b is not None
    assert row.a.name == PLACE_ORDER == row.b.name
    said = "\n".join(row.differences)
    assert "error only in A" in said and "TypeError" in said
    assert "Checking your address…" in said  # the indicator she kept clicking on
    # ... which never went away on her side (the frustration signal of the stuck indicator)
    assert "only in A: loading indicator visible for 34 s" in said
    assert "reached only in B" in said  # the purchase, on the other side
    assert "/api/orders 201" in said
    # every step before it matched (the same checkout path)
    assert all(r.matched for r in result.steps[: result.first_divergence])


def test_postal_code_difference_shows_the_space_in_hers(demo: SessionStore) -> None:
    result = compare(demo, ASHLEY)
    postal = [
        d
        for r in result.steps
        if r.a is not None and r.a.name == "change on 'Postal code'"
        for d in r.differences
        if d.startswith("Postal code:")
    ]
    assert postal, "no postal-code difference at the postal-code step"
    assert postal[0].startswith("Postal code: 'NW1 6XE' (7 characters, with")
    assert "a space" in postal[0].split(" vs ")[0] and "a space" not in postal[0].split(" vs ")[1]
    masked = compare(demo, ASHLEY, mask=True)
    said = "\n".join(d for r in masked.steps for d in r.differences)
    assert "NW1 6XE" not in said and "7 characters" in said


def test_compare_command_json_has_the_issues_shape(
    demo: SessionStore, demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["compare", str(demo_archive_path()), ASHLEY, "--json", "--db", str(demo_db)]
    assert run_cli(argv) == 0
    document = json.loads(capsys.readouterr().out)
    assert set(document) == {"session", "other", "candidates", "steps", "first_divergence"}
    assert document["session"] == ASHLEY and document["other"]
    assert {"session", "score", "converted", "release"} == set(document["candidates"][0])
    step = document["steps"][document["first_divergence"]]
    assert step["a"]["name"] == PLACE_ORDER and isinstance(step["a"]["ts"], int)
    assert step["a"]["page"].endswith("/checkout")
    assert any(s["b"] is None for s in document["steps"])


def test_compare_command_table_marks_the_divergence(
    demo: SessionStore, demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = counterparts(demo, ASHLEY)[1].session_id
    argv = ["compare", str(demo_archive_path()), ASHLEY, other, "--db", str(demo_db)]
    assert run_cli(argv) == 0
    out = capsys.readouterr().out
    marked = [line for line in out.splitlines() if line.startswith(">>> ")]
    assert len(marked) == 2 and PLACE_ORDER in marked[0]
    assert f"compared with {other}" in out


def test_unknown_session_is_an_error(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["compare", str(demo_archive_path()), "nope", "--db", str(demo_db)]
    assert run_cli(argv) == 2
    assert "no session 'nope'" in capsys.readouterr().err
