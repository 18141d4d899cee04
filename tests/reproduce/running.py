"""Running a generated Python test in its own pytest process, in Debian's chromium.

The generated file needs nothing but Playwright; the ``conftest.py`` written beside it
points pytest-playwright at ``/usr/bin/chromium`` (Playwright cannot download browsers
here) and, when asked, writes the state the page ends in to a JSON file: it wraps
pytest-playwright's ``page`` fixture, so the generated test itself runs unchanged.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.reproduce.end_state import END_STATE_JS

CONFTEST = """import json
import os
from pathlib import Path

import pytest

END_STATE_JS = {script}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {{**browser_type_launch_args, "executable_path": "/usr/bin/chromium",
            "args": ["--no-sandbox"]}}


@pytest.fixture
def page(page):
    yield page
    target = os.environ.get("END_STATE_FILE")
    if target:
        Path(target).write_text(json.dumps(page.evaluate(END_STATE_JS)), encoding="utf-8")
"""

END_STATE_NAME = "end_state.json"


def run_generated(
    test_file: Path,
    timeout: float = 240,
    env: dict[str, str] | None = None,
    pytest_args: tuple[str, ...] = (),
) -> subprocess.CompletedProcess[str]:
    """``python -m pytest test_file`` in the file's folder, with the chromium conftest;
    ``env`` adds variables (the test's parameters, ``RI_NAME=…``), ``pytest_args`` options
    (``--base-url URL``)."""
    conftest = CONFTEST.format(script=repr(END_STATE_JS))
    (test_file.parent / "conftest.py").write_text(conftest, encoding="utf-8")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "RI_"))}
    clean["END_STATE_FILE"] = str(test_file.parent / END_STATE_NAME)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-x",
            *pytest_args,
            test_file.name,
        ],
        cwd=test_file.parent,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def end_state(test_file: Path) -> dict[str, Any]:
    """The state the page ended in, as the last :func:`run_generated` of ``test_file`` wrote."""
    return json.loads((test_file.parent / END_STATE_NAME).read_text(encoding="utf-8"))
