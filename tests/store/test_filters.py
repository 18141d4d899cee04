"""Filter text means itself: ``%`` and ``_`` typed in the user or page filter are no wildcards."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.archive.model import SessionMeta
from app.archive.writer import ArchiveWriter
from app.store.filters import SessionFilter
from app.store.open import open_store
from app.store.queries import overview as overview_queries
from app.store.queries import sessions as session_queries
from app.store.store import SessionStore
from tests.builders import T0, basic_events

SHOP = "https://shop.example"
USERS_AND_PAGES = [
    ("a_b", f"{SHOP}/deals/a_b"),
    ("axb", f"{SHOP}/deals/axb"),
    ("50%", f"{SHOP}/sale/50%"),
    ("500", f"{SHOP}/sale/500"),
    ("back\\slash", f"{SHOP}/c\\d"),
]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SessionStore]:
    """One session per user, each with one page load on its own page."""
    path = tmp_path / "wild.webreplay"
    with ArchiveWriter(path, application={"name": "shop"}) as writer:
        for index, (user, url) in enumerate(USERS_AND_PAGES):
            start = T0 + index * 60_000
            load = {"kind": "action", "id": f"a{index}", "ts": start, "type": "load",
                    "trigger": "navigation", "name": "loading of page", "url": url,
                    "duration_ms": 500}  # fmt: skip
            meta = SessionMeta(f"s{index}", user_id=user, browser="Chrome 131", os="Linux")
            writer.add_session(meta, basic_events(start), [load])
    opened, _ = open_store(path, tmp_path / "wild.db")
    with opened:
        yield opened


def _users(store: SessionStore, selection: SessionFilter) -> set[str]:
    return {s.user_id for s in session_queries.summaries(store.cursor(), selection)}


def test_underscore_and_percent_in_the_user_filter_match_only_themselves(
    store: SessionStore,
) -> None:
    assert _users(store, SessionFilter(user="a_b")) == {"a_b"}
    assert _users(store, SessionFilter(user="50%")) == {"50%"}
    assert _users(store, SessionFilter(user="%")) == {"50%"}
    assert _users(store, SessionFilter(user="_")) == {"a_b"}
    assert _users(store, SessionFilter(user="\\")) == {"back\\slash"}
    assert _users(store, SessionFilter(user="A_B")) == {"a_b"}  # still case-insensitive
    assert _users(store, SessionFilter(user="5")) == {"50%", "500"}  # still a substring


def test_underscore_and_percent_in_the_page_filter_match_only_themselves(
    store: SessionStore,
) -> None:
    assert _users(store, SessionFilter(page="/deals/a_b")) == {"a_b"}
    assert _users(store, SessionFilter(page="sale/50%")) == {"50%"}
    assert _users(store, SessionFilter(page="c\\d")) == {"back\\slash"}
    # records (actions) are narrowed by the same literal match
    assert overview_queries.summary(store.cursor(), SessionFilter(page="/deals/a_b")).actions == 1
    assert overview_queries.summary(store.cursor(), SessionFilter(page="sale/50%")).actions == 1
    assert overview_queries.summary(store.cursor(), SessionFilter(page="/SALE/")).actions == 2
