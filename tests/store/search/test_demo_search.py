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
    shown = dict(
        demo.cursor()
        .execute(
            f"""SELECT session_id, min(epoch_ms(ts)) FROM events
                WHERE type = {EVENT_INCREMENTAL_SNAPSHOT} AND source = {SOURCE_MUTATION}
                  AND contains(data::VARCHAR, 'loading-overlay is-visible')
                GROUP BY session_id"""
        )
        .fetchall()
    )
    assert len(shown) > 20
    result = search(demo, '"Checking your address"', limit=10_000)
    first_hit: dict[str, int] = {}
    for hit in result.hits:
        first_hit.setdefault(hit.session_id, hit.ts_ms)
    # Every session where the overlay was made visible is listed, with the time its text
    # was in the page (the overlay is rendered hidden with the checkout form).
    assert set(shown) <= set(first_hit)
    assert all(first_hit[s] <= shown[s] for s in shown)
    assert set(sessions_matching(demo, '"Checking your address"')) == set(first_hit)
