"""The package's layering holds: readers and the store import no Qt, views no DuckDB.

The contracts live in ``pyproject.toml`` (``[tool.importlinter]``); this runs them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def test_import_contracts_hold() -> None:
    linter = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert linter, "import-linter is part of the test extra"
    done = subprocess.run(
        [linter, "--no-cache"], cwd=REPO, capture_output=True, text=True, check=False, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_no_third_party_browser_code_is_tracked() -> None:
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=False
    ).stdout.split()
    assert not [f for f in tracked if f.startswith(("node_modules/", "app/web/vendor/"))]
    assert not [f for f in tracked if f.endswith((".min.js", ".cjs"))]


def test_the_build_vendored_rrweb_from_npm() -> None:
    from app.resources import vendor_path

    assert vendor_path("rrweb.umd.min.js").stat().st_size > 100_000


def test_state_models_use_qtcore_only() -> None:
    """``app.state`` may use QtCore signals but no widgets, web engine or charts
    (import-linter cannot forbid submodules of an external package, so this checks it)."""
    import ast

    banned = ("PySide6.QtWidgets", "PySide6.QtWebEngine", "PySide6.QtGui", "pyqtgraph")
    for path in (REPO / "app" / "state").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not [n for n in names if n.startswith(banned)], (path, names)


def test_the_window_is_a_shell_and_view_modules_stay_short() -> None:
    """The main window builds menus and tabs and wires models to screens; anything more
    belongs in a module of its own (a 1,000-line window is where this started)."""
    sizes = {p.name: len(p.read_text().splitlines()) for p in (REPO / "app" / "ui").glob("*.py")}
    assert sizes["main_window.py"] < 400
    assert not {name: n for name, n in sizes.items() if n > 500}
