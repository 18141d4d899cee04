"""Funnel matching on small archives built in code: order, repeats, out-of-order steps,
the time limit, users against sessions, goals, and where the dropped sessions left."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest

from app.archive.model import SessionMeta
from app.archive.writer import ArchiveWriter
from app.store.filters import SessionFilter
from app.store.open import open_store
from app.store.queries.funnels import dropped_after, funnel, parse_step
from app.store.store import SessionStore
from tests.builders import T0, full, meta

SITE = "https://shop.example"
GOALS = [
    {"id": "purchase", "type": "destination", "url_or_path": "/thanks", "match_type": "begins"}
]
STEPS = [parse_step(s) for s in ("page:/product/*", "page:/cart", "action:Pay", "goal:purchase")]

# Each session: (user, release, [(seconds after T0, page path, action name or "")]).
# "!goal" as a name reports the purchase goal at that moment instead of an action.
SESSIONS: dict[str, tuple[str | None, str, list[tuple[int, str, str]]]] = {
    # the whole funnel, in order
    "inorder": ("ann", "1", [(1, "/product/1", "view"), (5, "/cart", "view"),
                             (9, "/cart", "click on 'Pay'"), (12, "/thanks", "loading")]),
    # cart and pay before any product page (out of order), then product → cart only
    "backwards": ("bob", "1", [(1, "/cart", "view"), (2, "/cart", "click on 'Pay'"),
                               (3, "/product/2", "view"), (8, "/cart", "view")]),
    # the product page repeated, cart repeated: the first of each after the previous step
    "repeats": ("ann", "2", [(1, "/product/1", "view"), (2, "/product/3", "view"),
                             (4, "/cart", "view"), (6, "/product/1", "view"),
                             (7, "/cart", "view"), (30, "/cart", "click on 'Pay'"),
                             (40, "/cart", "more"), (41, "/cart", "!goal")]),
    # only a product page; no user id
    "browser": (None, "2", [(1, "/product/9", "view"), (3, "/catalogue", "view")]),
    # never on a product page (the path must match the whole wildcard pattern)
    "elsewhere": ("cid", "2", [(1, "/products", "view"), (2, "/cart", "view")]),
}  # fmt: skip


def _rum(visits: Sequence[tuple[int, str, str]]) -> list[dict]:
    records = []
    for index, (second, path, name) in enumerate(visits):
        ts = T0 + second * 1000
        if name == "!goal":
            records.append({"kind": "goal", "ts": ts, "goal": "purchase", "url": SITE + path})
            continue
        records.append(
            {"kind": "action", "id": f"a{index}", "ts": ts, "type": "custom", "trigger": "click",
             "name": name, "url": SITE + path, "duration_ms": 10}
        )  # fmt: skip
    return records


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SessionStore]:
    folder = tmp_path_factory.mktemp("funnels")
    path = folder / "funnels.webreplay"
    with ArchiveWriter(path, application={"name": "shop", "url": SITE}) as writer:
        for sid, (user, release, visits) in SESSIONS.items():
            events = [meta(T0, SITE + "/"), full(T0), meta(T0 + 60_000, SITE + "/")]
            writer.add_session(
                SessionMeta(session_id=sid, user_id=user, release=release), events, _rum(visits)
            )
    opened, _ = open_store(path, folder / "funnels.db")
    with opened:
        yield opened


def _counts(store: SessionStore, limit_ms: int) -> list[int]:
    result = funnel(store.cursor(), STEPS, SessionFilter(), GOALS, limit_ms)
    return [s.sessions for s in result.steps]


def test_steps_count_only_in_order(store: SessionStore) -> None:
    result = funnel(store.cursor(), STEPS, SessionFilter(), GOALS)
    assert result.selected == 5
    # product: inorder, backwards, repeats, browser; cart after it: inorder, backwards,
    # repeats; Pay after that: inorder, repeats (backwards paid before its product page)
    assert [s.sessions for s in result.steps] == [4, 3, 2, 2]
    assert [s.dropped for s in result.steps] == [1, 1, 0, 0]
    assert [round(s.conversion_from_previous, 3) for s in result.steps] == [0.8, 0.75, 0.667, 1.0]


def test_repeated_steps_take_the_first_occurrence_after_the_previous(store: SessionStore) -> None:
    result = funnel(store.cursor(), STEPS, SessionFilter(release="2"), GOALS)
    # repeats: product at 1 s, cart at 4 s (not 7 s), Pay at 30 s, goal at 41 s
    assert [s.sessions for s in result.steps] == [2, 1, 1, 1]
    assert [s.median_ms_from_previous for s in result.steps] == [None, 3000, 26000, 11000]


def test_a_goal_is_reported_or_matched_by_its_definition(store: SessionStore) -> None:
    # inorder reached /thanks (the goal's destination); repeats reported the goal
    dropped = dropped_after(store.cursor(), STEPS, SessionFilter(), 2, GOALS)
    assert dropped == []
    without_definition = funnel(store.cursor(), STEPS, SessionFilter(), [])
    assert without_definition.steps[3].sessions == 1  # only the reported one


def test_time_limit_from_the_first_step(store: SessionStore) -> None:
    # within 10 s: inorder pays at 9 s but its goal comes at 12 s; repeats pays at 30 s
    assert _counts(store, limit_ms=10_000) == [4, 3, 1, 0]
    # repeats reports its goal 40 s after its first product page but 35 s after its third
    # (at 6 s): within 36 s it counts, because every product page is tried as the start
    assert _counts(store, limit_ms=36_000) == [4, 3, 2, 2]
    assert _counts(store, limit_ms=34_000) == [4, 3, 2, 1]
    # and without a limit only the first start is used, with the times measured from it
    assert funnel(store.cursor(), STEPS, SessionFilter(release="2"), GOALS).steps[1].sessions == 1


def test_users_against_sessions(store: SessionStore) -> None:
    result = funnel(store.cursor(), STEPS, SessionFilter(), GOALS)
    # ann has two sessions at every step; the anonymous session is a user of its own
    assert [(s.sessions, s.users) for s in result.steps] == [(4, 3), (3, 2), (2, 1), (2, 1)]


def test_dropped_sessions_left_at_their_last_action(store: SessionStore) -> None:
    after_product = dropped_after(store.cursor(), STEPS, SessionFilter(), 0, GOALS)
    assert [(d.session_id, d.user_id) for d in after_product] == [("browser", None)]
    assert (after_product[0].reached_ms, after_product[0].left_ms) == (T0 + 1000, T0 + 3000)
    after_cart = dropped_after(store.cursor(), STEPS, SessionFilter(), 1, GOALS)
    assert [(d.session_id, d.reached_ms, d.left_ms) for d in after_cart] == [
        ("backwards", T0 + 8000, T0 + 8000)
    ]
    assert dropped_after(store.cursor(), STEPS, SessionFilter(), 3, GOALS) == []


def test_a_step_it_cannot_read_is_named() -> None:
    with pytest.raises(ValueError, match="screen:/x"):
        parse_step("screen:/x")
    assert parse_step("Action: click on 'Pay' ").text == "action:click on 'Pay'"


def test_page_prefix_without_wildcard(store: SessionStore) -> None:
    steps = [parse_step("page:/product"), parse_step("page:/cart")]
    # /product is the page and what lies under it (/product/1), not /products: "elsewhere"
    # stays out ("browser" enters and never reaches the cart)
    assert [s.sessions for s in funnel(store.cursor(), steps, SessionFilter()).steps] == [4, 3]
    steps = [parse_step("page:/product/"), parse_step("page:/cart/")]  # a trailing slash alike
    assert [s.sessions for s in funnel(store.cursor(), steps, SessionFilter()).steps] == [4, 3]
