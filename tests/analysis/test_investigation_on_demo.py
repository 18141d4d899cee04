"""The tutorial's first steps in numbers on the demo archive: Apdex and the Top-10 errors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.analysis.apdex import ApdexThresholds, apdex_band, apdex_score, overall
from app.analysis.errors import FLAG_DEFINITIONS, analysis_window, top_errors
from app.demo.plan import RELEASE_AFTER, RELEASE_AT_MS
from app.store.demo import demo_archive_path
from app.store.filters import SessionFilter
from app.store.open import open_store
from app.store.queries import apdex as apdex_queries
from app.store.queries.apdex import ApdexTally
from app.store.store import SessionStore


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SessionStore]:
    store, _ = open_store(demo_archive_path(), tmp_path_factory.mktemp("demo") / "demo.db")
    with store:
        yield store


def test_apdex_bands_and_scores() -> None:
    assert apdex_score(ApdexTally(8, 2, 0)) == 0.9
    assert apdex_band(0.9) == "Good" and apdex_band(0.95) == "Excellent"
    assert apdex_band(0.3) == "Unacceptable" and apdex_band(None) == "No data"
    assert apdex_score(ApdexTally()) is None


def test_thresholds_come_from_the_manifest_and_can_be_changed() -> None:
    manifest = {
        "apdex": {
            "xhr": {"tolerated_threshold_ms": 1000, "frustrating_threshold_ms": 4000},
            "load": {"tolerated_threshold_ms": 9, "frustrating_threshold_ms": 2},
        }
    }
    thresholds = ApdexThresholds.from_manifest(manifest)
    assert thresholds.by_type["xhr"] == (1000, 4000)
    assert thresholds.by_type["load"] == (3000, 12000)  # inconsistent values are ignored
    assert thresholds.with_type("custom", 500, 2000).by_type["custom"] == (500, 2000)
    with pytest.raises(ValueError):
        thresholds.with_type("custom", 5000, 2000)


def test_apdex_drops_after_the_release(demo: SessionStore) -> None:
    thresholds = ApdexThresholds.from_manifest(demo.info().get("manifest")).by_type
    before = overall(
        apdex_queries.by_type(demo.cursor(), SessionFilter(end_ms=RELEASE_AT_MS), thresholds)
    )
    after = overall(
        apdex_queries.by_type(demo.cursor(), SessionFilter(start_ms=RELEASE_AT_MS), thresholds)
    )
    assert before.total > 400 and after.total > 300
    assert after.frustrated / after.total > before.frustrated / before.total
    score_before, score_after = apdex_score(before), apdex_score(after)
    assert score_before is not None and score_after is not None and score_after < score_before


def test_the_postal_code_error_tops_the_list_flagged_new_and_high_frequency(
    demo: SessionStore,
) -> None:
    ranked = top_errors(demo, SessionFilter())
    assert 1 <= len(ranked) <= 10
    postal = ranked[0]
    assert "reading 'groups'" in postal.group.message
    assert postal.flags == ["new", "high frequency"]
    assert postal.group.first_ms >= RELEASE_AT_MS
    assert postal.group.top_frame.startswith("https://www.performancewear.com/static/app.min.js:1:")
    carousel = next(r for r in ranked if "getBoundingClientRect" in r.group.message)
    assert not carousel.new and not carousel.high_frequency  # an old, rare error
    assert set(FLAG_DEFINITIONS) == {"new", "high frequency", "unknown"}


def test_the_analysis_window_starts_at_the_latest_release() -> None:
    releases = [
        {"version": "1", "at": "2026-11-15T00:00:00Z"},
        {"version": RELEASE_AFTER, "at": "2026-11-20T09:00:00.000Z"},
    ]
    start, _end = analysis_window(
        RELEASE_AT_MS - 10**9, RELEASE_AT_MS + 10**8, releases, SessionFilter()
    )
    assert start == RELEASE_AT_MS
    start, _ = analysis_window(0, 1000, [], SessionFilter())
    assert start == 500
    assert analysis_window(0, 1000, releases, SessionFilter(start_ms=7, end_ms=9)) == (7, 9)
