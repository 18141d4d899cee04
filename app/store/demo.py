"""The archive opened when the app starts without a file: the recorded demo shop.

``resources/demo/performancewear.webreplay`` is written by ``replay-investigator demo build``
(see ``app/demo/``) and committed, so a fresh checkout or an installed wheel opens a
populated window at once. Rebuild it with the command in ``resources/demo/README.md``.
"""

from __future__ import annotations

from pathlib import Path

from app.resources import resource_path

DEMO_NAME = "performancewear.webreplay"


def demo_archive_path() -> Path:
    """Path of the bundled demo archive."""
    path = resource_path("demo", DEMO_NAME)
    if not path.is_file():
        raise FileNotFoundError(f"the bundled demo archive is missing: {path}")
    return path
