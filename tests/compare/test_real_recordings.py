"""The alignment on real recordings: the same flows recorded twice in Chromium with our
recorder (tests/reproduce/harness.py), once as the project's own sessions do them and once
with a step left out and other values typed."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page

from app.compare import Comparison, compare
from app.store.open import open_store
from tests.conftest import DATA
from tests.reproduce import sessions
from tests.reproduce.harness import record_session


def order_for_sam(page: Page) -> None:
    """multipage, like ``order_a_jacket`` without gift wrap or a colour, for another name."""
    page.get_by_test_id("start-order").click()
    page.wait_for_url("**/order.html")
    page.get_by_label("Full name").fill("Sam Lee")
    page.get_by_label("Large").check()
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url("**/result.html?*")
    page.get_by_text("Sam Lee").wait_for()


def plan_without_ticking(page: Page) -> None:
    """todo, like ``plan_the_day`` but the first item is never checked."""
    field = page.get_by_placeholder("What needs doing?")
    field.click()
    for item in ("Pack the tent", "Buy stove fuel"):
        field.type(item)
        field.press("Enter")
    second = page.locator("li", has_text="Buy stove fuel")
    second.hover()
    second.get_by_role("button", name="Delete").click()
    page.get_by_test_id("counter").filter(has_text="1 left").wait_for()


def _compare_pair(
    tmp: Path, site: str, full: Callable[[Page], None], short: Callable[[Page], None]
) -> Comparison:
    """Record both, open them as one folder, and compare the longer with the shorter."""
    folder = tmp / "pair"
    folder.mkdir()
    for name, steps in (("full", full), ("short", short)):
        archive = record_session(DATA / "sites" / site, steps, tmp=tmp / name)
        shutil.copy(archive, folder / f"{name}.webreplay")
    store, _ = open_store(folder, tmp / "pair.duckdb")
    with store:
        counts = (
            store.cursor()
            .execute("SELECT session_id, count(*) FROM actions GROUP BY ALL ORDER BY 2 DESC")
            .fetchall()
        )
        (longer, _), (shorter, _) = counts
        return compare(store, longer, shorter)


@pytest.fixture(scope="module")
def orders(tmp_path_factory: pytest.TempPathFactory) -> Comparison:
    tmp = tmp_path_factory.mktemp("orders")
    return _compare_pair(tmp, "multipage", sessions.order_a_jacket, order_for_sam)


@pytest.fixture(scope="module")
def plans(tmp_path_factory: pytest.TempPathFactory) -> Comparison:
    tmp = tmp_path_factory.mktemp("plans")
    return _compare_pair(tmp, "todo", sessions.plan_the_day, plan_without_ticking)


def _names(comparison: Comparison) -> list[tuple[str | None, str | None]]:
    return [(s.a and s.a.name, s.b and s.b.name) for s in comparison.steps]


def test_a_multipage_flow_aligns_page_by_page_with_the_extra_choices_on_one_side(
    orders: Comparison,
) -> None:
    names = _names(orders)
    matched = [a for a, b in names if a and a == b]
    assert matched[0] == "loading of page /" and matched[-1] == "loading of page /result.html"
    assert "click on 'Place order'" in matched and "loading of page /order.html" in matched
    only_a = [a for a, b in names if b is None]
    assert only_a == ["click on 'gift'", "change on 'colour'"]  # what Sam never chose
    assert all(a for a, _ in names)  # nothing Sam did is missing on Ashley's side
    # the first step that differs is the first extra choice, after the matched name step
    first = orders.steps[orders.first_divergence]
    assert first.a is not None and first.a.name == "click on 'gift'" and first.b is None


def test_what_was_typed_differs_at_the_matched_name_step(orders: Comparison) -> None:
    [step] = [s for s in orders.steps if s.a and s.a.name == "change on 'name'"]
    assert step.b is not None and step.b.name == "change on 'name'"
    [typed] = [d for d in step.differences if d.startswith("name:")]
    assert "'Ashley Parker' (13 characters" in typed and "'Sam Lee' (7 characters" in typed


def test_a_single_page_app_with_a_step_left_out_diverges_at_that_step(plans: Comparison) -> None:
    names = _names(plans)
    first = plans.steps[plans.first_divergence]
    assert first.a is not None and first.a.name == "click on 'Done: Pack the tent'"
    assert first.b is None
    # the typing before and the delete after still pair up
    assert ("change on 'What needs doing?'",) * 2 in names
    [delete] = [s for s in plans.steps if s.a and s.a.name == "click on 'Delete'"]
    assert delete.b is not None and delete.b.name == "click on 'Delete'"
    assert any("only in A" in d and "'0'" in d for d in delete.differences)  # "0 left" vs "1"
