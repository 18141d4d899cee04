"""Recordings made once per test run in real Chromium (tests/reproduce/harness.py) and the
demo shop served on a release (tests/reproduce/shop_server.py), for issue 18's tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import DATA
from tests.reproduce import sessions
from tests.reproduce.harness import record_session

SITES = DATA / "sites"


def _record(factory: pytest.TempPathFactory, site: str, steps: Callable) -> Path:
    return record_session(SITES / site, steps, tmp=factory.mktemp(f"recorded-{site}"))


@pytest.fixture(scope="session")
def multipage_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _record(tmp_path_factory, "multipage", sessions.order_a_jacket)


@pytest.fixture(scope="session")
def spa_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _record(tmp_path_factory, "spa", sessions.browse_trails)


@pytest.fixture(scope="session")
def todo_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _record(tmp_path_factory, "todo", sessions.plan_the_day)
