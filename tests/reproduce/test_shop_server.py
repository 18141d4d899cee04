"""The demo shop on a release, in real Chromium: 2.5.0 throws the recorded TypeError when a
UK postal code is ordered (the demo's bug), 2.4.3 completes the order."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

MESSAGE = "Cannot read properties of null (reading 'groups')"


def fill_checkout(page: Page, base_url: str) -> list[str]:
    """Put the first product in the cart and fill the checkout with a UK address; the
    page errors thrown from now on are collected in the list returned."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"{error.name}: {error.message}"))
    page.goto(base_url + "/")
    page.locator(".card a").first.click()
    page.get_by_role("button", name="Add to cart").click()
    page.goto(base_url + "/checkout")
    page.get_by_label("Full name").fill("Ashley Parker")
    page.get_by_label("Email").fill("ashley.parker@example.co.uk")
    page.get_by_label("Street and house number").fill("221B Baker Street")
    page.get_by_label("City").fill("London")
    page.get_by_label("Country").select_option("GB")
    page.get_by_label("Postal code").fill("NW1 6XE")
    return errors


@pytest.mark.parametrize("release", ["2.5.0", "2.4.3"])
def test_the_shop_fails_on_uk_postal_codes_only_on_2_5_0(
    shop_on: Callable[[str], str], page: Page, release: str
) -> None:
    errors = fill_checkout(page, shop_on(release))
    order = page.locator("#btn_sell-421198")
    if release == "2.5.0":
        with page.expect_event("pageerror"):
            order.click()
        assert any(e.startswith("TypeError") and MESSAGE in e for e in errors), errors
        assert "/checkout/thank-you" not in page.url
    else:
        order.click()
        page.wait_for_url("**/checkout/thank-you")
        assert errors == []
