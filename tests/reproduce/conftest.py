"""Recordings made once per test run in real Chromium (tests/reproduce/harness.py) and the
demo shop served on a release (tests/reproduce/shop_server.py), for issue 18's tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import DATA
from tests.reproduce import sessions
from tests.reproduce.harness import record_session
from tests.reproduce.shop_server import serve_shop

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


@pytest.fixture(scope="session")
def shop_on(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], str]]:
    """``shop_on("2.5.0")`` -> the base URL of the demo shop on that release (started once
    per release per test run, each with the bundle built as the demo build makes it)."""
    work = tmp_path_factory.mktemp("shop-site")
    running: dict[str, tuple[str, Callable[[], None]]] = {}

    def start(release: str) -> str:
        if release not in running:
            running[release] = serve_shop(release, work / release)
        return running[release][0]

    yield start
    for _, stop in running.values():
        stop()
