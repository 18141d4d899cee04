"""The issue's demo checks: Ashley's postcode and the stuck "Checking your address" indicator."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from app.store.demo import demo_archive_path
from app.store.open import open_store
from app.store.search import search, sessions_matching
from app.store.sql_constants import EVENT_INCREMENTAL_SNAPSHOT, SOURCE_MUTATION


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Any:
    store, _ = open_store(demo_archive_path(), Path(tmp_path_factory.mktemp("demo")) / "d.db")
    yield store
    store.close()


def test_nw1_6xe_finds_ashley_at_the_moment_she_typed_it(demo) -> None:
    hits = [h for h in search(demo, "NW1 6XE").hits if h.kind == "typed"]
    users = dict(demo.cursor().execute("SELECT session_id, user_id FROM sessions").fetchall())
    assert {users[h.session_id] for h in hits} == {"ashley.parker@example.co.uk"}
    day5 = [h for h in hits if datetime.fromtimestamp(h.ts_ms / 1000, UTC).day == 20]
    first = datetime.fromtimestamp(day5[0].ts_ms / 1000, UTC)
    assert (first.hour, first.minute) in {(14, 2), (14, 3)}  # "on day 5 at 14:02 UTC"
    typed_at = (
        demo.cursor()
        .execute(  # the input event that completed the code
            f"""SELECT min(epoch_ms(ts)) FROM events WHERE session_id = ?
            AND type = {EVENT_INCREMENTAL_SNAPSHOT} AND data->>'$.text' = 'NW1 6XE'""",
            [day5[0].session_id],
        )
        .fetchone()[0]
    )
    assert day5[0].ts_ms == typed_at
    assert day5[0].node_id is not None


def test_checking_your_address_lists_every_session_that_showed_it(demo) -> None:
    """The overlay is rendered hidden with the checkout form (the shop's style sheet:
    ``.loading-overlay {display: none}``) and shown by ``placeOrder`` (class
    ``is-visible``) just before it posts to ``/api/checkout/validate``: the sessions that
    showed it are those that sent that request (the RUM request log, not the page), and
    its text became visible while the first such request was under way."""
    requests = {
        session: (start, start + duration)
        for session, start, duration in demo.cursor()
        .execute(
            """SELECT session_id, min(epoch_ms(ts)), arg_min(duration_ms, ts) FROM requests
               WHERE url LIKE '%/api/checkout/validate%' GROUP BY session_id"""
        )
        .fetchall()
    }
    rendered = {
        row[0]
        for row in demo.cursor()
        .execute(
            f"""SELECT DISTINCT session_id FROM events
                WHERE type = {EVENT_INCREMENTAL_SNAPSHOT} AND source = {SOURCE_MUTATION}
                  AND contains(data::VARCHAR, 'Checking your address')"""
        )
        .fetchall()
    }
    assert len(requests) == 94 and len(rendered) == 114  # 20 checkouts never ordered
    result = search(demo, '"Checking your address"', limit=10_000)
    first_hit: dict[str, int] = {}
    for hit in result.hits:
        first_hit.setdefault(hit.session_id, hit.ts_ms)
    assert set(first_hit) == set(requests)
    for session, (sent, answered) in requests.items():
        assert sent <= first_hit[session] <= answered, session
    assert set(sessions_matching(demo, '"Checking your address"')) == set(first_hit)
