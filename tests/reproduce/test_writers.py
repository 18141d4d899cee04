"""The three outputs of one recording built in code, written by the CLI (``export --format
playwright|playwright-ts|devtools-recorder``): valid code, the same steps, the recorded
errors, masked values as parameters, ``--base-url`` keeping paths, and an unlocatable step
that fails saying why."""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from app.cli.main import run_cli
from tests.builders import T0, console_error, el, text, write_recording
from tests.reproduce.documents import click, focus, page_load, typed

BASE = "http://127.0.0.1:8123"
NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"


def checkout_events() -> list[dict]:
    """Load /checkout?step=2, type a masked e-mail, place the order, click an element the
    recording lost, then the page throws."""
    body = [
        el(20, "form", {"id": "order"}, [
            el(21, "input", {"type": "email", "name": "email", "aria-label": "Email"}),
            el(22, "button", {"type": "button"}, [text(23, "Place order")]),
        ])
    ]  # fmt: skip
    return [
        *page_load(T0, body, path="/checkout?step=2"),
        focus(T0 + 400, 21),
        typed(T0 + 500, 21, "*" * 17),
        click(T0 + 1500, 22),
        click(T0 + 2500, 999),
        console_error(T0 + 2600, "TypeError: total is undefined", "pay (https://x/app.js:1:1)"),
    ]


def export(tmp_path: Path, fmt: str, out: str, *extra: str) -> str:
    recording = write_recording(tmp_path / "checkout.json", checkout_events())
    target = tmp_path / out
    status = run_cli(
        ["export", str(recording), "--format", fmt, "--out", str(target),
         "--db", str(tmp_path / "store.duckdb"), *extra]
    )  # fmt: skip
    assert status == 0
    return target.read_text(encoding="utf-8")


@pytest.fixture
def python_test(tmp_path: Path) -> str:
    return export(tmp_path, "playwright", "test_checkout.py", "--base-url", BASE + "/")


def test_python_output_parses_and_names_one_test(python_test: str) -> None:
    module = ast.parse(python_test)
    tests = [n.name for n in module.body if isinstance(n, ast.FunctionDef)]
    assert [t for t in tests if t.startswith("test_")] == [tests[-1]]


def test_base_url_replaces_the_origin_and_keeps_path_and_query(python_test: str) -> None:
    assert f'BASE_URL = os.environ.get("RI_BASE_URL", "{BASE}")' in python_test
    assert 'root = (base_url or BASE_URL).rstrip("/")' in python_test  # pytest's --base-url first
    assert 'page.goto(root + "/checkout?step=2")' in python_test
    code = [line for line in python_test.split('"""', 2)[2].splitlines() if "#" not in line]
    assert not [line for line in code if "shop.example" in line]


def test_masked_values_become_parameters_never_stars(python_test: str) -> None:
    assert 'EMAIL = os.environ.get("RI_EMAIL", "user@example.com")' in python_test
    assert ".fill(EMAIL)" in python_test
    assert "**" not in python_test


def test_an_unlocatable_step_fails_there_saying_why(python_test: str) -> None:
    failing = r'pytest\.fail\("step (\d+) \((\d:\d\d\.\d) ([^"]*)\): ([^"]*)"\)'
    fail = re.search(failing, python_test)
    assert fail is not None, python_test
    number, clock, _action, why = fail.groups()
    assert (number, clock) == ("4", "0:02.5")
    assert "not in the recorded DOM" in why
    body = python_test[python_test.index("def test_") :]
    assert body.index("pytest.fail(") < body.index("_check_errors(page, seen)")


def test_recorded_errors_are_watched(python_test: str) -> None:
    assert "RECORDED_ERRORS = " in python_test
    assert "TypeError: total is undefined" in python_test
    assert "EXPECT_ERRORS = False" in python_test


def test_expect_errors_asserts_them(tmp_path: Path) -> None:
    assert "EXPECT_ERRORS = True" in export(tmp_path, "playwright", "t.py", "--expect-errors")


def _step_comments(text: str, comment: str) -> list[str]:
    return re.findall(rf"^\s*{re.escape(comment)} (\d:\d\d\.\d .*)$", text, re.M)


def test_typescript_has_the_same_steps_and_parses(tmp_path: Path, python_test: str) -> None:
    spec = export(tmp_path, "playwright-ts", "checkout.spec.ts", "--base-url", BASE)
    assert _step_comments(spec, "//") == _step_comments(python_test, "#")
    assert spec.count("await page.") - spec.count("await page.waitForTimeout") >= 3
    assert 'process.env.RI_EMAIL ?? "user@example.com"' in spec
    assert 'throw new Error("step 4 (0:02.5' in spec
    if shutil.which("node") is None or not (NODE_MODULES / "acorn").is_dir():
        pytest.skip("node or acorn (installed with npm ci) is missing")
    stripped = re.sub(r"\btype (Page|Request)\b", r"\1", spec)
    stripped = re.sub(
        r":\s*(\(\)\s*=>\s*)?(Promise<void>|\[string, string\]\[\]|string|boolean|number|"
        r"Page|Request)(\[\])?(?=[,)=;{\s])",
        "",
        stripped,
    )
    script = (
        "const src = require('fs').readFileSync(0, 'utf8');"
        "require('acorn').parse(src, {ecmaVersion: 'latest', sourceType: 'module'});"
    )
    parsed = subprocess.run(
        ["node", "-e", script], input=stripped, capture_output=True, text=True,
        env={"NODE_PATH": str(NODE_MODULES)}, timeout=60, check=False,
    )  # fmt: skip
    assert parsed.returncode == 0, parsed.stderr + stripped


def test_devtools_recording_uses_the_schema_field_names(tmp_path: Path) -> None:
    recording = json.loads(export(tmp_path, "devtools-recorder", "r.json", "--base-url", BASE))
    assert set(recording) == {"title", "steps"}
    types = [s["type"] for s in recording["steps"]]
    assert types[:2] == ["setViewport", "navigate"]
    assert recording["steps"][1]["url"] == BASE + "/checkout?step=2"
    change = next(s for s in recording["steps"] if s["type"] == "change")
    assert set(change) >= {"type", "target", "selectors", "value"}
    assert change["value"] == "user@example.com"
    clicked = next(s for s in recording["steps"] if s["type"] == "click")
    assert set(clicked) >= {"type", "target", "selectors", "offsetX", "offsetY"}
    assert all(isinstance(s, list) and s for s in clicked["selectors"])
    assert any(s[0].startswith("aria/") for s in clicked["selectors"])
    assert "waitForExpression" in types  # the unlocatable step stops the replay there
