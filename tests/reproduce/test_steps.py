"""Steps inferred from rrweb events (app.reproduce.steps) on recordings built in code."""

from __future__ import annotations

from typing import Any

from app.reproduce.model import Step
from app.reproduce.steps import StepInference
from tests.builders import T0, el, text
from tests.reproduce.documents import (
    TODO_CSS,
    click,
    focus,
    page_load,
    todo_page,
    typed,
    typing_a_task,
)


def infer(events: list[dict[str, Any]], mask: bool = True) -> list[Step]:
    end = max(int(e["timestamp"]) for e in events)
    return StepInference(events, [], mask, T0, end).run()


def kinds(steps: list[Step]) -> list[str]:
    return [s.kind for s in steps]


def test_one_fill_per_field_edit_with_its_final_value() -> None:
    steps = infer(
        [
            *page_load(T0, todo_page()),
            focus(T0 + 100, 21),
            typed(T0 + 200, 21, "b"),
            typed(T0 + 300, 21, "br"),
            typed(T0 + 400, 21, "bread"),
            click(T0 + 2000, 22),
        ],
        mask=False,
    )
    assert kinds(steps) == ["goto", "fill", "click"]
    assert steps[1].value == "bread"


def test_a_value_the_page_set_without_focus_is_no_step() -> None:
    steps = infer([*page_load(T0, todo_page()), typed(T0 + 200, 21, "draft"), click(T0 + 900, 22)])
    assert kinds(steps) == ["goto", "click"]


def test_enter_is_inferred_when_the_page_added_items_and_cleared_the_field() -> None:
    steps = infer(typing_a_task(keys=False), mask=False)
    assert kinds(steps) == ["goto", "fill", "press"]
    assert steps[2].value == "Enter"
    assert "inferred" in steps[2].name
    assert steps[2].locator == steps[1].locator


def test_enter_comes_from_the_recorded_key_event_when_there_is_one() -> None:
    steps = infer(typing_a_task(keys=True), mask=False)
    assert kinds(steps) == ["goto", "fill", "press"]
    assert steps[2].name == "press Enter"
    assert steps[1].value == "Call mum"
    assert steps[2].locator is not None
    assert steps[2].locator.parts == steps[1].locator.parts


def test_no_enter_without_a_key_event_or_a_change_of_the_page() -> None:
    events = [*typing_a_task(keys=False)[:-2], click(T0 + 3000, 22)]
    assert kinds(infer(events)) == ["goto", "fill", "click"]


def test_a_click_on_a_button_shown_only_on_hover_is_preceded_by_a_hover_of_its_item() -> None:
    steps = infer([*page_load(T0, todo_page(), css=TODO_CSS), click(T0 + 800, 33)])
    assert kinds(steps) == ["goto", "hover", "click"]
    hover, delete = steps[1].locator, steps[2].locator
    assert hover is not None and delete is not None
    assert "Buy milk" in hover.description
    assert "Delete Buy milk" in delete.description


def test_no_hover_when_no_rule_hides_the_clicked_element() -> None:
    steps = infer([*page_load(T0, todo_page()), click(T0 + 800, 33)])
    assert kinds(steps) == ["goto", "click"]


def test_a_checkbox_click_becomes_check() -> None:
    body = [
        el(20, "label", {}, [
            el(21, "input", {"type": "checkbox", "name": "gift"}), text(22, "Gift wrap")
        ])
    ]  # fmt: skip
    steps = infer([*page_load(T0, body), click(T0 + 300, 21), typed(T0 + 310, 21, "on", True)])
    assert kinds(steps) == ["goto", "check"]


def test_masked_typing_becomes_a_parameter_never_stars() -> None:
    body = [el(20, "form", {}, [el(21, "input", {"type": "email", "name": "email"})])]
    steps = infer([*page_load(T0, body), focus(T0 + 100, 21), typed(T0 + 200, 21, "*" * 17)])
    fill = steps[-1]
    assert fill.parameter == "EMAIL"
    assert fill.value == "user@example.com"


def test_a_click_on_an_element_the_recording_lost_is_a_step_without_locator() -> None:
    steps = infer([*page_load(T0, todo_page()), click(T0 + 300, 999)])
    assert kinds(steps) == ["goto", "click"]
    assert steps[1].locator is None


def _colour_page(*values: str) -> list[dict[str, Any]]:
    options = [
        el(30 + i, "option", {"value": v}, [text(40 + i, v.title())]) for i, v in enumerate(values)
    ]
    return [el(20, "select", {"name": "colour", "aria-label": "Colour"}, options)]


def test_a_masked_choice_is_the_only_option_of_its_length() -> None:
    events = [
        *page_load(T0, _colour_page("black", "moss", "red")),
        focus(T0 + 100, 20),
        typed(T0 + 200, 20, "****"),
    ]
    select = infer(events)[-1]
    assert (select.kind, select.value, select.parameter) == ("select", "moss", None)


def test_a_masked_choice_several_options_fit_is_a_parameter() -> None:
    events = [
        *page_load(T0, _colour_page("blue", "moss", "red")),
        focus(T0 + 100, 20),
        typed(T0 + 200, 20, "****"),
    ]
    select = infer(events)[-1]
    assert (select.value, select.parameter) == ("blue", "COLOUR")


def test_a_field_the_page_prefilled_is_filled_too_and_named_after_its_field() -> None:
    body = [
        el(20, "form", {}, [
            el(21, "input", {"type": "email", "aria-label": "Email", "value": "a@b.example"}),
            el(22, "input", {"type": "text", "aria-label": "Full name"}),
        ])
    ]  # fmt: skip
    events = [*page_load(T0, body), focus(T0 + 100, 22), typed(T0 + 200, 22, "Ann")]
    steps = infer(events, mask=False)
    assert kinds(steps) == ["goto", "fill", "fill"]
    assert steps[1].name == "fill 'Email' (prefilled by the page in the recording)"
    assert steps[1].value == "a@b.example" and steps[2].value == "Ann"
    assert steps[2].name == ""  # named later from the recorded action, not the prefilled one
