"""The steps of the sessions recorded once per test run (see conftest.py): real Playwright
input on the sites of ``tests/data/sites``, each ending in a state a replay must reach."""

from __future__ import annotations

from playwright.sync_api import Page


def order_a_jacket(page: Page) -> None:
    """multipage: product page → order form (text, checkbox, radio, select) → result page."""
    page.get_by_test_id("start-order").click()
    page.wait_for_url("**/order.html")
    page.get_by_label("Full name").fill("Ashley Parker")
    page.get_by_label("Gift wrap").check()
    page.get_by_label("Large").check()
    colour = page.get_by_label("Colour")
    colour.focus()
    colour.press("ArrowDown")  # a trusted change (select_option's events are synthetic)
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url("**/result.html?*")
    page.get_by_text("Ashley Parker").wait_for()


def browse_trails(page: Page) -> None:
    """spa: list → detail (save it) → back to the list, by History API routes."""
    page.get_by_role("link", name="Summit Scramble").click()
    page.get_by_test_id("favourite").click()
    page.get_by_text("Saved").wait_for()
    page.get_by_role("button", name="Back to the list").click()
    page.get_by_role("heading", name="Trails").wait_for()
    page.get_by_text("Lake Loop").click()
    page.get_by_role("heading", name="Lake Loop").wait_for()


def plan_the_day(page: Page) -> None:
    """todo: two items added with Enter, the first checked, the second deleted on hover."""
    field = page.get_by_placeholder("What needs doing?")
    field.click()
    field.type("Pack the tent")
    field.press("Enter")
    field.type("Buy stove fuel")
    field.press("Enter")
    page.get_by_label("Done: Pack the tent").check()
    second = page.locator("li", has_text="Buy stove fuel")
    second.hover()
    second.get_by_role("button", name="Delete").click()
    page.get_by_test_id("counter").filter(has_text="0 left").wait_for()
