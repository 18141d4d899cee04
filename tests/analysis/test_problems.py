"""Problem detection on the demo archive (step 2) and on small archives built in code."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.analysis.problems import detect_problems
from app.demo.plan import ASHLEY_ID, RELEASE_AT_MS
from app.store.demo import demo_archive_path
from app.store.filters import SessionFilter
from app.store.open import open_store
from app.store.store import SessionStore


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SessionStore]:
    store, _ = open_store(demo_archive_path(), tmp_path_factory.mktemp("demo") / "demo.db")
    with store:
        yield store


def test_the_release_problem_with_its_business_impact(demo: SessionStore) -> None:
    problems = detect_problems(demo, SessionFilter())
    assert len(problems) == 1  # the error, the error spike and the conversion drop are one
    problem = problems[0]
    assert problem.kinds == (
        "New JavaScript error",
        "JavaScript error rate increase",
        "Conversion rate drop",
        "Frustration signals surge",  # error clicks and rage clicks on the stuck checkout
    )
    assert "reading 'groups'" in problem.title
    assert problem.root_cause.endswith("after click on 'btn_sell-421198'")
    assert problem.is_open and problem.start_ms >= RELEASE_AT_MS
    assert ASHLEY_ID in problem.users
    assert problem.users_affected >= 15 and len(problem.sessions) >= problem.users_affected
    assert problem.conversions_lost > 5
    assert problem.pages == (("https://www.performancewear.com/checkout", problem.pages[0][1]),)
    users, pages, actions = problem.status
    assert (users.item, users.affected, users.monitored) == ("Users", problem.users_affected,
                                                            users.monitored)  # fmt: skip
    assert users.monitored > users.affected and pages.affected == 1 and actions.affected == 1
    assert pages.recovered == 0  # still failing at the end of the archive


def test_no_problem_before_the_release(demo: SessionStore) -> None:
    quiet = SessionFilter(start_ms=RELEASE_AT_MS - 2 * 86_400_000, end_ms=RELEASE_AT_MS)
    assert detect_problems(demo, quiet) == []


def test_a_selection_without_sessions_has_no_problems(demo: SessionStore) -> None:
    # (an archive without any session is refused when it is opened: nothing to detect in)
    assert detect_problems(demo, SessionFilter(user="nobody at all")) == []
