"""Investigation aggregates: filters, Apdex tallies, time series, goals and error groups."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.archive.model import SessionMeta
from app.archive.writer import ArchiveWriter
from app.store.filters import SessionFilter
from app.store.open import open_store
from app.store.queries import apdex as apdex_queries
from app.store.queries import errors as error_queries
from app.store.queries import goals as goal_queries
from app.store.queries import overview as overview_queries
from app.store.queries.apdex import ApdexTally
from app.store.store import SessionStore
from tests.builders import T0, basic_events

THRESHOLDS = {"load": (3000, 12000), "xhr": (1000, 4000), "custom": (3000, 12000)}
MINUTE = 60_000


def action(ts: int, aid: str, kind: str, ms: int, name: str, url: str) -> dict[str, Any]:
    return {"kind": "action", "id": aid, "ts": ts, "type": kind, "trigger": "click",
            "name": name, "url": url, "duration_ms": ms}  # fmt: skip


def error(ts: int, message: str, aid: str | None, line: int = 1) -> dict[str, Any]:
    stack = f"TypeError: x\n    at f (https://shop.example/app.js:1:{line})"
    return {"kind": "error", "ts": ts, "message": message, "stack": stack, "action_id": aid,
            "url": "https://shop.example/checkout"}  # fmt: skip


SHOP = "https://shop.example"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SessionStore]:
    """Three sessions: a satisfied buyer, a frustrated one, a visitor on another browser."""
    path = tmp_path / "m.webreplay"
    sessions = [
        ("a", "ann", "Chrome 131", 0, [
            action(T0, "a1", "load", 800, "loading of page /", f"{SHOP}/"),
            action(T0 + 5_000, "a2", "xhr", 500, "click on 'Add'", f"{SHOP}/p/1"),
            action(T0 + 9_000, "a3", "xhr", 2_000, "click on 'Pay'", f"{SHOP}/checkout"),
            {"kind": "goal", "ts": T0 + 12_000, "goal": "purchase", "url": f"{SHOP}/thanks"},
        ]),
        ("b", "bob", "Chrome 131", 3 * MINUTE, [
            action(T0 + 3 * MINUTE, "b1", "load", 13_000, "loading of page /", f"{SHOP}/"),
            action(T0 + 4 * MINUTE, "b2", "xhr", 200, "click on 'Pay'", f"{SHOP}/checkout"),
            error(T0 + 4 * MINUTE + 100, "Uncaught TypeError: bad 42", "b2"),
            error(T0 + 4 * MINUTE + 900, "Uncaught TypeError: bad 7", "b2"),
            error(T0 + 4 * MINUTE + 950, "ReferenceError: y", None, line=9),
        ]),
        ("c", "cid", "Firefox 133", 6 * MINUTE, [
            action(T0 + 6 * MINUTE, "c1", "custom", 100, "click on 'Menu'", f"{SHOP}/"),
            {**action(T0 + 6 * MINUTE + 10, "c2", "custom", 4_000, "Render basket", f"{SHOP}/"),
             "trigger": "api"},
        ]),
    ]  # fmt: skip
    with ArchiveWriter(path, application={"name": "shop"}) as writer:
        for sid, user, browser, offset, rum in sessions:
            meta = SessionMeta(sid, user_id=user, browser=browser, os="Linux", release="1.0")
            writer.add_session(meta, basic_events(T0 + offset), rum)
    opened, _ = open_store(path, tmp_path / "m.db")
    with opened:
        yield opened


def test_apdex_tallies_per_type_with_errors_as_frustrated(store: SessionStore) -> None:
    tallies = apdex_queries.by_type(store.cursor(), SessionFilter(), THRESHOLDS)
    assert tallies["load"] == ApdexTally(satisfied=1, tolerating=0, frustrated=1)  # 13 s > 12 s
    # a2 fast, a3 2 s is tolerating against the 1 s XHR threshold, b2 fast but had an error
    assert tallies["xhr"] == ApdexTally(satisfied=1, tolerating=1, frustrated=1)
    # the API action is rated (4 s: tolerating); the plain click is an event, not rated
    assert tallies["custom"] == ApdexTally(tolerating=1)


def test_filters_narrow_sessions_and_records(store: SessionStore) -> None:
    everything = overview_queries.summary(store.cursor(), SessionFilter())
    assert (everything.sessions, everything.users, everything.actions, everything.errors) == (
        3, 3, 7, 3,
    )  # fmt: skip
    assert everything.converted_sessions == 1
    firefox = overview_queries.summary(store.cursor(), SessionFilter(browser="Firefox 133"))
    assert (firefox.sessions, firefox.actions, firefox.errors) == (1, 2, 0)
    checkout = overview_queries.summary(store.cursor(), SessionFilter(page="/CHECKOUT"))
    assert (checkout.sessions, checkout.actions) == (2, 2)
    early = overview_queries.summary(
        store.cursor(), SessionFilter(start_ms=T0, end_ms=T0 + 2 * MINUTE)
    )
    assert (early.sessions, early.actions, early.errors) == (1, 3, 0)
    assert overview_queries.summary(store.cursor(), SessionFilter(user="BO")).users == 1
    hostile = overview_queries.summary(store.cursor(), SessionFilter(user="' OR 1=1 --"))
    assert hostile.sessions == 0


def test_time_series_buckets_add_up_to_the_totals(store: SessionStore) -> None:
    buckets = overview_queries.timeseries(store.cursor(), SessionFilter(), MINUTE, THRESHOLDS)
    assert buckets[0].start_ms == T0 // MINUTE * MINUTE  # buckets are aligned to their width
    assert sum(sum(b.actions.values()) for b in buckets) == 7  # every user action, as the totals
    assert sum(b.apdex.total for b in buckets) == 6  # Apdex rates a subset
    assert sum(b.errors for b in buckets) == 3
    assert sum(b.sessions for b in buckets) == 3
    assert sum(b.conversions for b in buckets) == 1
    errors_bucket = next(b for b in buckets if b.errors)
    assert errors_bucket.errors == 3 and errors_bucket.apdex.frustrated == 1


def test_goals_of_every_kind(store: SessionStore) -> None:
    goals = [
        {"id": "purchase", "type": "destination", "url_or_path": "/thanks"},
        {"id": "checkout", "type": "destination", "url_or_path": "/CHECK", "match_type": "begins"},
        {"id": "pay", "type": "user_action", "match_entity": "action_name", "value": "Pay",
         "action_type": "xhr"},
        {"id": "long", "type": "visit_duration", "duration_ms": 1},
        {"id": "busy", "type": "visit_num_actions", "num_actions": 3},
    ]  # fmt: skip
    done = goal_queries.completions(store.cursor(), SessionFilter(), goals)
    assert done == {"purchase": 1, "checkout": 2, "pay": 2, "long": 3, "busy": 1}
    assert (
        goal_queries.completions(store.cursor(), SessionFilter(browser="Firefox 133"), goals)[
            "checkout"
        ]
        == 0
    )


def test_error_groups_merge_messages_that_differ_only_in_numbers(store: SessionStore) -> None:
    groups = error_queries.groups(store.cursor(), SessionFilter())
    assert [(g.occurrences, g.sessions, g.users) for g in groups] == [(2, 1, 1), (1, 1, 1)]
    assert groups[0].top_frame == "https://shop.example/app.js:1:1"
    assert groups[0].key.startswith("TypeError: bad <n> @ ")
    assert groups[1].top_frame.endswith(":1:9")
