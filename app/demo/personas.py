"""What each kind of visitor does in the shop, acted out with real input.

A persona is a function of the browser, the session plan and a seeded random generator.
Think times and typing speeds are pauses (see :meth:`ShopBrowser.pause`), so the recording
reads at a person's pace once re-timed. ``run_persona`` returns what happened
(``converted``, ``stuck``) so the generator can report the story it recorded.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from PySide6.QtCore import Qt

from app.demo.browser import ShopBrowser
from app.demo.plan import SessionPlan

CATEGORY_IDS = ("jackets", "running", "cycling", "base-layers", "accessories")
PRODUCTS_BY_CATEGORY = {
    "jackets": (421101, 421102, 421103),
    "running": (421110, 421111, 421112),
    "cycling": (421120, 421121, 421122),
    "base-layers": (421130, 421131),
    "accessories": (421140,),
}
SEARCHES = ("merino", "jacket", "running shoe", "gloves", "rain jacket", "cap", "daypack", "tights")


class Visit:
    """One persona acting: the browser, the plan and the random choices of this visit."""

    def __init__(self, browser: ShopBrowser, plan: SessionPlan) -> None:
        self.browser = browser
        self.plan = plan
        self.user = plan.user
        self.rng = random.Random(plan.seed)
        self.outcome = {"converted": False, "stuck": False}

    # ------------------------------------------------------------ pace

    def think(self, low: float = 1.0, high: float = 4.0) -> None:
        self.browser.pause(self.rng.uniform(low, high) * 1000)

    def read(self) -> None:
        """Look at a page: a pause, sometimes a scroll down and back."""
        self.think(3.0, 11.0)
        if self.rng.random() < 0.45:
            self.browser.scroll(self.rng.choice((240, 360, 480)))
            self.think(1.0, 3.5)
            if self.rng.random() < 0.5:
                self.browser.scroll(-360)

    def type(self, selector: str, text: str, *, click_first: bool = True) -> None:
        if click_first:
            self.browser.click(selector, approach_ms=self.rng.uniform(350, 900))
            self.think(0.2, 0.6)
        base = self.rng.uniform(95, 200)
        delays = []
        for char in text:
            delay = base * self.rng.uniform(0.55, 1.6)
            if char == " ":
                delay += self.rng.uniform(80, 300)
            delays.append(delay)
        self.browser.type_text(text, delays_ms=delays)

    def click(self, selector: str) -> None:
        self.browser.click(selector, approach_ms=self.rng.uniform(350, 1000))
        self.browser.wait_idle()

    # ------------------------------------------------------------ building blocks

    def open_entry(self) -> None:
        roll = self.rng.random()
        if roll < 0.6:
            self.browser.open("/")
        elif roll < 0.85:
            self.browser.open(f"/catalogue/{self.rng.choice(CATEGORY_IDS)}")
        else:
            category = self.rng.choice(CATEGORY_IDS)
            self.browser.open(f"/product/{self.rng.choice(PRODUCTS_BY_CATEGORY[category])}")
        self.read()

    def go_category(self, category: str | None = None) -> str:
        category = category or self.rng.choice(CATEGORY_IDS)
        self.click(f'#nav_categories a[href="/catalogue/{category}"]')
        self.read()
        return category

    def view_product(self, category: str) -> int:
        product = self.rng.choice(PRODUCTS_BY_CATEGORY[category])
        selector = f"#card_{product} .art"
        if not self.browser.exists(selector):
            self.go_category(category)
        self.click(selector)
        self.read()
        return product

    def add_to_cart(self, product: int) -> None:
        sizes = '.sizes button[aria-pressed="false"]'
        if self.rng.random() < 0.5 and self.browser.exists(sizes):
            self.click(sizes)
            self.think(0.4, 1.2)
        self.click(f"#btn_add-{product}")
        self.think(0.8, 2.0)

    def search(self) -> None:
        self.type("#search_input", self.rng.choice(SEARCHES))
        self.think(0.2, 0.6)
        self.browser.key(Qt.Key.Key_Return)
        self.browser.wait_idle()
        self.read()

    def go_checkout(self) -> None:
        self.click("#link_cart")
        self.read()
        self.click("#btn_checkout")
        self.think(1.0, 3.0)

    def fill_form(self, postal_code: str, *, partial: bool = False) -> None:
        u = self.user
        self.type("#name", u.full_name)
        self.think(0.3, 1.0)
        if partial and self.rng.random() < 0.5:
            return
        self.type("#street", u.street)
        self.think(0.3, 1.0)
        self.type("#city", u.city)
        self.think(0.3, 1.0)
        if partial:
            return
        self.type("#postal_code", postal_code)
        self.think(0.4, 1.2)
        self.type("#card", "4242 4242 4242 4242")
        self.think(0.8, 2.5)

    def place_order(self) -> str:
        """Click the order button; returns 'ok', 'invalid' or 'stuck'."""
        self.click("#btn_sell-421198")
        self.browser.spin(40)
        if self.browser.page.url().path() == "/checkout/thank-you":
            self.outcome["converted"] = True
            self.read()
            return "ok"
        if self.browser.exists("#loading_overlay.is-visible"):
            self.outcome["stuck"] = True
            return "stuck"
        return "invalid"

    def retype_postal_code(self, text: str) -> None:
        self.browser.click("#postal_code", approach_ms=self.rng.uniform(300, 700))
        self.think(0.3, 0.9)
        self.browser.key(Qt.Key.Key_End)
        self.browser.key(Qt.Key.Key_Backspace, count=10, delay_ms=self.rng.uniform(70, 120))
        self.think(0.3, 0.8)
        self.type("#postal_code", text, click_first=False)

    def wait_on_spinner(self, low: float, high: float) -> None:
        self.think(low, high)

    def rage_click(self, times: int) -> None:
        for _ in range(times):
            self.browser.click(
                "#btn_sell-421198", approach_ms=self.rng.uniform(60, 160), covered_ok=True
            )
            self.browser.pause(self.rng.uniform(180, 420))

    def checkout(self) -> None:
        """Fill the form and order; recover from a typo; give up when stuck."""
        self.go_checkout()
        postal = self.user.typed_postal_code
        typo = self.rng.random() < 0.1
        self.fill_form(postal[:-1] if typo else postal)
        result = self.place_order()
        if result == "invalid":
            self.think(1.5, 4.0)
            self.retype_postal_code(postal)
            self.think(0.5, 1.5)
            result = self.place_order()
        if result == "stuck":
            self.wait_on_spinner(8, 25)
            self.rage_click(self.rng.randint(1, 4))
            self.think(3, 10)
            if self.rng.random() < 0.35:
                self.browser.reload()
                self.read()
                self.fill_form(postal)
                if self.place_order() == "stuck":
                    self.wait_on_spinner(6, 20)
                    self.rage_click(self.rng.randint(1, 3))
                    self.think(2, 6)


# ------------------------------------------------------------------ personas


def bounce(v: Visit) -> None:
    v.open_entry()
    if v.rng.random() < 0.3:
        v.read()


def browse(v: Visit) -> None:
    v.open_entry()
    for _ in range(v.rng.randint(1, 3)):
        category = v.go_category()
        v.view_product(category)


def search(v: Visit) -> None:
    v.browser.open("/")
    v.read()
    v.search()
    cards = ".grid .card .art"
    if v.browser.exists(cards):
        v.click(cards)
        v.read()
        if v.rng.random() < 0.4:
            product = int(v.browser.page.url().path().rsplit("/", 1)[-1])
            v.add_to_cart(product)


def abandon(v: Visit) -> None:
    v.open_entry()
    category = v.go_category()
    product = v.view_product(category)
    v.add_to_cart(product)
    if v.rng.random() < 0.5:
        v.go_checkout()
        v.fill_form(v.user.typed_postal_code, partial=True)
        v.think(3, 9)
    else:
        v.click("#link_cart")
        v.read()


def buy(v: Visit) -> None:
    v.open_entry()
    category = v.go_category()
    product = v.view_product(category)
    v.add_to_cart(product)
    if v.rng.random() < 0.35:
        other = v.go_category()
        v.add_to_cart(v.view_product(other))
    v.checkout()


def ashley_stuck(v: Visit) -> None:
    """The tutorial's session: the wrong postal-code format, the spinner, retries, gone."""
    v.browser.open("/")
    v.think(2.5, 3.5)
    v.go_category("jackets")
    v.click("#card_421101 .art")
    v.think(4, 6)
    v.click('.sizes button[data-size="S"]')
    v.think(1, 2)
    v.click("#btn_add-421101")
    v.think(1.5, 2.5)
    v.go_checkout()
    v.fill_form("NW1 6XE")
    v.place_order()  # the TypeError; the loading indicator stays
    v.wait_on_spinner(14, 16)
    v.rage_click(2)
    v.think(3, 4)
    v.retype_postal_code("NW16XE")  # she corrects the format…
    v.think(1, 2)
    v.rage_click(2)  # …but the order button no longer answers
    v.think(6, 8)
    v.browser.reload()
    v.think(3, 4)
    v.fill_form("NW1 6XE")  # fills the form again
    v.place_order()
    v.wait_on_spinner(18, 22)
    v.rage_click(3)
    v.think(4, 6)  # and leaves


PERSONA_SCRIPTS: dict[str, Callable[[Visit], None]] = {
    "bounce": bounce,
    "browse": browse,
    "search": search,
    "abandon": abandon,
    "buy": buy,
    "ashley": ashley_stuck,
}


def run_persona(browser: ShopBrowser, plan: SessionPlan) -> dict[str, object]:
    visit = Visit(browser, plan)
    PERSONA_SCRIPTS[plan.persona](visit)
    return visit.outcome
