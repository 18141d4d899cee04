"""A :class:`~app.reproduce.model.Plan` as a Chrome DevTools Recorder file: the JSON user
flow of ``@puppeteer/replay`` (``{"title", "steps": [...]}``; step types ``setViewport``,
``navigate``, ``click``, ``doubleClick``, ``hover``, ``change``, ``keyDown``/``keyUp``,
``scroll``, ``waitForElement``), importable in Chrome's Recorder panel.

Selectors per step: ``aria/NAME`` when the element has an accessible name, then the CSS
selector. Masked values are the parameters' defaults (JSON has no variables). A step that
cannot be done becomes a ``waitForExpression`` that fails with the reason, so a replay
stops there and says why.
"""

from __future__ import annotations

import json
from typing import Any

from app.reproduce.model import Plan, Step
from app.reproduce.plan import path_of, step_label, step_problem


def _selectors(step: Step) -> list[list[str]]:
    assert step.locator is not None
    chosen = [[f"aria/{step.locator.aria}"]] if step.locator.aria else []
    return [*chosen, [step.locator.css]]


def render_devtools(plan: Plan) -> tuple[str, list[str]]:
    steps: list[dict[str, Any]] = [
        {"type": "setViewport", "width": plan.viewport[0], "height": plan.viewport[1],
         "deviceScaleFactor": 1, "isMobile": False, "hasTouch": False, "isLandscape": False}
    ]  # fmt: skip
    problems: list[str] = []
    for number, step in enumerate(plan.steps, 1):
        label = step_label(plan, step)
        problem = step_problem(step)
        if problem:
            message = f"step {number} ({label}): {problem}"
            problems.append(message)
            steps.append({"type": "waitForExpression", "expression": f"!{json.dumps(message)}"})
            continue
        steps += _steps(plan, step)
    title = f"Session {plan.session_id}" + (f" of {plan.user_id}" if plan.user_id else "")
    return json.dumps(
        {"title": title, "steps": steps}, indent=2, ensure_ascii=False
    ) + "\n", problems


def _steps(plan: Plan, step: Step) -> list[dict[str, Any]]:
    if step.kind == "goto":
        url = plan.base_url + path_of(step.value or "/")
        return [{"type": "navigate", "url": url,
                 "assertedEvents": [{"type": "navigation", "url": url, "title": ""}]}]  # fmt: skip
    if step.kind == "scroll":
        return [{"type": "scroll", "x": 0, "y": int(step.value or 0)}]
    base: dict[str, Any] = {"target": "main", "selectors": _selectors(step)}
    if step.wait_path:
        url = plan.base_url + path_of(step.wait_path)
        base["assertedEvents"] = [{"type": "navigation", "url": url, "title": ""}]
    if step.kind in ("click", "dblclick", "check", "uncheck"):
        kind = "doubleClick" if step.kind == "dblclick" else "click"
        return [{"type": kind, **base, "offsetX": step.offset[0], "offsetY": step.offset[1]}]
    if step.kind == "hover":
        return [{"type": "hover", **base}]
    if step.kind in ("fill", "select"):
        return [{"type": "change", "value": step.value or "", **base}]
    if step.kind == "press":
        return [
            {"type": "waitForElement", "target": "main", "selectors": base["selectors"]},
            {"type": "keyDown", "target": "main", "key": step.value},
            {"type": "keyUp", "target": "main", "key": step.value},
        ]
    return []
