"""Acceptance (a) of issue 18: Ashley's session exported from the demo archive reproduces the
postal-code TypeError of release 2.5.0 in a real Chromium, and passes on 2.4.3."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from app.cli.main import run_cli
from app.resources import resource_path
from tests.reproduce.running import run_generated

ASHLEY_STUCK = "s0191"


def export(tmp_path: Path, base_url: str | None, *extra: str) -> Path:
    out = tmp_path / "test_ashley.py"
    archive = resource_path("demo", "performancewear.webreplay")
    origin = ["--base-url", base_url] if base_url else []
    status = run_cli(
        ["export", str(archive), "--session", ASHLEY_STUCK, "--format", "playwright",
         "--out", str(out), *origin, *extra]
    )  # fmt: skip
    assert status == 0
    return out


@pytest.mark.parametrize(
    ("release", "extra", "passes"),
    [("2.5.0", (), False), ("2.5.0", ("--expect-errors",), True), ("2.4.3", (), True)],
    ids=["2.5.0-fails-on-the-error", "2.5.0-expect-errors-passes", "2.4.3-passes"],
)
def test_ashley_reproduces_the_release_bug(
    tmp_path: Path,
    shop_on: Callable[[str], str],
    release: str,
    extra: tuple[str, ...],
    passes: bool,
) -> None:
    result = run_generated(export(tmp_path, shop_on(release), *extra))
    output = result.stdout + result.stderr
    assert (result.returncode == 0) is passes, output[-4000:]
    if not passes:
        assert "recorded errors occurred again" in output, output[-4000:]
        assert "reading 'groups'" in output, output[-4000:]


def test_the_recorded_origin_is_replaced_when_the_test_runs_with_base_url(
    tmp_path: Path, shop_on: Callable[[str], str]
) -> None:
    """Exported as recorded (https://www.performancewear.com), pointed at a local build by
    pytest-playwright's own --base-url: the way a developer runs it against staging."""
    test_file = export(tmp_path, None)
    assert "https://www.performancewear.com" in test_file.read_text(encoding="utf-8")
    result = run_generated(test_file, pytest_args=("--base-url", shop_on("2.4.3")))
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
