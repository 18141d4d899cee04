"""The bundled demo archive tells the tutorial's story, read back through the store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from app.demo.plan import ASHLEY_ID, RELEASE_AFTER, RELEASE_AT_MS
from app.store.demo import demo_archive_path
from app.store.open import open_store
from app.store.queries import replay as replay_queries
from app.store.store import SessionStore

POSTAL_ERROR = "%reading ''groups''%"  # SQL-quoted
RELEASE_AT = datetime.fromtimestamp(RELEASE_AT_MS / 1000, UTC).replace(tzinfo=None)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SessionStore]:
    store, _result = open_store(demo_archive_path(), tmp_path_factory.mktemp("demo") / "demo.db")
    with store:
        yield store


def one(store: SessionStore, sql: str) -> tuple:
    return tuple(store.query(sql).rows[0])


def test_sessions_users_and_days(demo: SessionStore) -> None:
    sessions, users, days, browsers, systems, countries = one(
        demo,
        """SELECT count(*), count(DISTINCT user_id), count(DISTINCT CAST(started_at AS DATE)),
                  count(DISTINCT browser), count(DISTINCT os), count(DISTINCT country)
           FROM sessions""",
    )
    assert sessions >= 300
    assert 140 <= users <= 160
    assert days == 7
    assert browsers >= 4 and systems >= 4 and countries >= 7
    assert one(demo, "SELECT count(*) FROM ingest_warnings") == (0,)


def test_the_postal_code_error_appears_only_after_the_release(demo: SessionStore) -> None:
    before, after, first = one(
        demo,
        f"""SELECT count(*) FILTER (WHERE ts < TIMESTAMP '{RELEASE_AT}'),
                   count(*) FILTER (WHERE ts >= TIMESTAMP '{RELEASE_AT}'), min(ts)
            FROM errors WHERE message LIKE '{POSTAL_ERROR}'""",
    )
    assert before == 0
    assert after >= 10
    assert first >= RELEASE_AT
    # JavaScript errors jump: per session, several times the rate before the release.
    rate_before, rate_after = one(
        demo,
        f"""SELECT count(e.ts) FILTER (WHERE s.release <> '{RELEASE_AFTER}')
                     / count(DISTINCT s.session_id) FILTER (WHERE s.release <> '{RELEASE_AFTER}'),
                   count(e.ts) FILTER (WHERE s.release = '{RELEASE_AFTER}')
                     / count(DISTINCT s.session_id) FILTER (WHERE s.release = '{RELEASE_AFTER}')
            FROM sessions s LEFT JOIN errors e USING (session_id)""",
    )
    assert rate_after > 3 * rate_before


def test_conversion_drops_after_the_release(demo: SessionStore) -> None:
    rows = demo.query(
        """SELECT s.release, count(*) AS sessions, count(g.session_id) AS converted
           FROM sessions s LEFT JOIN (SELECT DISTINCT session_id FROM goals
                                      WHERE goal = 'purchase') g USING (session_id)
           GROUP BY s.release"""
    ).rows
    rate = {release: converted / sessions for release, sessions, converted in rows}
    before = next(v for k, v in rate.items() if k != RELEASE_AFTER)
    assert 0.25 <= before <= 0.38
    assert rate[RELEASE_AFTER] < before - 0.07


def test_ashleys_session_holds_the_error_the_retries_and_no_order(demo: SessionStore) -> None:
    (sid,) = one(
        demo,
        f"""SELECT session_id FROM sessions
            WHERE user_id = '{ASHLEY_ID}' AND release = '{RELEASE_AFTER}'""",
    )
    actions = replay_queries.action_records(demo.cursor(), sid)
    names = [a["name"] for a in actions]
    errors = demo.query(
        f"SELECT ts, message, action_id FROM errors WHERE session_id = '{sid}' ORDER BY ts"
    ).rows
    assert len(errors) == 2
    assert all("reading 'groups'" in message for _ts, message, _a in errors)
    orders = [a for a in actions if a["name"] == "click on 'btn_sell-421198'"]
    assert len(orders) == 2 and orders[0]["type"] == "xhr"
    assert errors[0][2] == orders[0]["action_id"]  # the exact user action that caused it
    checkout_loads = [n for n in names if n == "loading of page /checkout"]
    assert len(checkout_loads) == 1  # she reloaded the checkout page…
    assert names.count("change on 'Postal code'") >= 3  # …typed, corrected, typed again
    clicks_on_spinner = [n for n in names if n == "click on 'Checking your address…'"]
    assert len(clicks_on_spinner) >= 5  # and clicked on the stuck order summary
    assert one(demo, f"SELECT count(*) FROM goals WHERE session_id = '{sid}'") == (0,)
    assert one(demo, f"SELECT country FROM sessions WHERE session_id = '{sid}'") == (
        "United Kingdom",
    )


def test_the_archive_carries_the_shops_source_map(demo: SessionStore) -> None:
    url, size = one(demo, "SELECT source_url, length(map) FROM source_maps")
    assert url.endswith("/static/app.min.js") and size > 1000
    (stack,) = one(demo, f"SELECT any_value(stack) FROM errors WHERE message LIKE '{POSTAL_ERROR}'")
    assert "app.min.js:1:" in stack
