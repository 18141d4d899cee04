"""Locators chosen from the mirror (app.reproduce.locators): the most readable one that is
unique in the document at that moment."""

from __future__ import annotations

from typing import Any

from app.reproduce.locators import choose, generated_class, generated_id
from app.reproduce.model import Locator
from app.rrweb.replay_dom import ReplayDom
from tests.builders import T0, el, text
from tests.reproduce.documents import page_load


def locate(body: list[dict[str, Any]], node_id: int) -> Locator:
    dom = ReplayDom()
    for event in page_load(T0, body):
        dom.apply(event)
    return choose(dom, dom.nodes[node_id])


def methods(locator: Locator) -> list[str]:
    return [p.method for p in locator.parts]


def test_a_test_id_beats_role_and_name() -> None:
    body = [el(20, "button", {"data-testid": "buy-now"}, [text(21, "Buy")])]
    locator = locate(body, 20)
    assert locator.kind == "test-id"
    assert locator.description == "get_by_test_id('buy-now')"


def test_data_cy_is_a_test_id_too() -> None:
    body = [el(20, "button", {"data-cy": "buy"}, [text(21, "Buy")])]
    assert locate(body, 20).description == "locator('[data-cy=\"buy\"]')"


def test_role_and_name_when_unique() -> None:
    body = [el(20, "a", {"href": "/cart"}, [text(21, "Go to checkout")])]
    locator = locate(body, 20)
    assert locator.kind == "role"
    assert locator.description == "get_by_role('link', name='Go to checkout')"


def test_a_name_inside_another_of_the_same_role_is_matched_exactly() -> None:
    body = [el(20, "button", {}, [text(21, "S")]), el(22, "button", {}, [text(23, "XS")])]
    assert locate(body, 20).description == "get_by_role('button', name='S', exact=True)"


def test_a_field_by_its_label() -> None:
    body = [
        el(20, "label", {"for": "pc"}, [text(21, "Postal code")]),
        el(22, "input", {"id": "pc", "type": "text"}),
    ]
    locator = locate(body, 22)
    assert "Postal code" in locator.description
    assert locator.kind in ("role", "label")


def test_duplicate_names_are_scoped_under_a_unique_ancestor() -> None:
    def panel(first: int, ident: str, title: str) -> dict[str, Any]:
        return el(first, "section", {"id": ident}, [
            el(first + 1, "h2", {}, [text(first + 2, title)]),
            el(first + 3, "button", {}, [text(first + 4, "Remove")]),
        ])  # fmt: skip

    body = [panel(20, "cart", "Cart"), panel(30, "wishlist", "Wish list")]
    locator = locate(body, 33)
    assert locator.kind == "scoped"
    assert locator.description == ("locator('#wishlist').get_by_role('button', name='Remove')")


def test_identical_elements_without_a_telling_ancestor_get_nth() -> None:
    body = [el(20, "button", {}, [text(21, "Remove")]), el(22, "button", {}, [text(23, "Remove")])]
    locator = locate(body, 22)
    assert locator.kind == "nth"
    assert methods(locator)[-1] == "nth"
    assert locator.parts[-1].args == (1,)


def test_generated_classes_are_never_used() -> None:
    body = [
        el(20, "div", {"class": "sc-bdVaJa css-1x2y3z4 card"}),
        el(21, "div", {"class": "sc-htpNat css-9q8w7e6 note"}),
    ]
    locator = locate(body, 20)
    assert locator.description == "div.card"
    assert "sc-" not in locator.css and "css-" not in locator.css


def test_a_stable_id_is_used_and_a_generated_one_is_not() -> None:
    assert locate([el(20, "div", {"id": "btn_sell-421198"})], 20).description == (
        "locator('#btn_sell-421198')"
    )
    locator = locate([el(20, "div", {"id": ":r5:"}), el(21, "div")], 20)
    assert ":r5:" not in locator.description


def test_generated_names_are_recognised() -> None:
    assert generated_id("a3f9c2e1") and generated_id(":r5:") and generated_id("ember123")
    assert not generated_id("btn_sell-421198") and not generated_id("email_field")
    assert generated_class("sc-bdVaJa") and generated_class("Button_primary__3xK9q")
    assert not generated_class("primary") and not generated_class("place-order")


def test_masked_text_is_never_a_locator() -> None:
    body = [el(20, "span", {"class": "who"}, [text(21, "*****")]), el(22, "span")]
    locator = locate(body, 20)
    assert "*" not in locator.description
