"""A lake's tables look to the user's SQL exactly like a store's, while the app's own
queries still break ties by ``rowid`` (the order rows were ingested in)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app.analysis.apdex import ApdexThresholds
from app.analysis.experience import rate_sessions
from app.analysis.problems import detect_problems
from app.archive.sample import write_sample_archive
from app.lake.layout import ensure_lake
from app.store.filters import SessionFilter
from app.store.lake import LAKE_MARKER, LAKE_TABLES, LakeStore, write_lake_parts
from app.store.open import open_store
from app.store.queries import apdex, errors, overview, sessions
from app.store.queries import goals as goal_queries
from app.store.queries import replay as replay_queries
from app.store.store import SessionStore
from tests.store.search.test_lake_search import compact, ingested

TABLES = [*LAKE_TABLES, "ingest_warnings", "source_maps", "archive_info"]


def test_select_star_shows_a_store_s_columns_on_a_lake(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    compact(lake, ["first", "third"])
    assert not list((lake / "tables").glob("vitals/*/*.parquet"))  # a table with no part yet
    with ingested(tmp_path, ["first", "third"]) as store, LakeStore(lake) as lake_store:
        for table in TABLES:
            ours = lake_store.query(f"SELECT * FROM {table} LIMIT 0").columns
            assert ours == store.query(f"SELECT * FROM {table} LIMIT 0").columns, table
            assert "rowid" not in ours
            described = lake_store.query(f"DESCRIBE {table}").rows
            assert described == store.query(f"DESCRIBE {table}").rows, table
        # the app's queries keep the ingest's order of rows with the same time
        for session in ("first", "third"):
            assert replay_queries.action_records(lake_store.cursor(), session) == (
                replay_queries.action_records(store.cursor(), session)
            )
        ordered = "SELECT session_id, rowid FROM actions ORDER BY session_id, ts, rowid"
        assert len(lake_store.cursor().execute(ordered).fetchall()) == 2 * 3  # 3 clicks each


def test_the_dashboard_answers_the_same_on_a_lake_of_a_stores_sessions(tmp_path: Path) -> None:
    """The dashboard's cards, charts and lists over a lake written from a store's tables (as
    compaction writes them) equal the same queries on the store."""
    archive = write_sample_archive(tmp_path / "sample.webreplay", sessions=120)
    store, _ = open_store(archive, tmp_path / "sample.db")
    lake = ensure_lake(tmp_path / "lake")
    write_lake_parts(store.db_path, lake / "tables", "run")
    marker = {"format": "webreplay-lake", "version": 1, "manifest": store.info()["manifest"]}
    (lake / LAKE_MARKER).write_text(json.dumps(marker))
    with store, LakeStore(lake) as lake_store:
        answers = [dashboard(s) for s in (store, lake_store)]
    assert answers[0]["all: overview"].sessions == 120 and answers[0]["all: error groups"]
    for name in answers[0]:
        assert answers[1][name] == answers[0][name], name


def dashboard(store: SessionStore) -> dict[str, Any]:
    """What the dashboard and the session list show of ``store``, whole and for a release."""
    thresholds = ApdexThresholds.from_manifest(store.info().get("manifest")).by_type
    goals = (store.info().get("manifest") or {}).get("conversion_goals") or []
    shown: dict[str, Any] = {}
    for label, f in (("all", SessionFilter()), ("release", SessionFilter(release="2.4.0"))):
        span = overview.summary(store.cursor(), f)
        width = max(60_000, ((span.last_ms or 0) - (span.first_ms or 0)) // 120)
        groups = errors.groups(store.cursor(), f, 10)
        shown |= {
            f"{label}: overview": span,
            f"{label}: apdex": apdex.by_type(store.cursor(), f, thresholds),
            f"{label}: time series": overview.timeseries(store.cursor(), f, width, thresholds),
            f"{label}: goals": goal_queries.completions(store.cursor(), f, goals),
            f"{label}: sessions": sessions.summaries(store.cursor(), f),
            f"{label}: ratings": rate_sessions(store, f, thresholds),
            f"{label}: error groups": groups,
            f"{label}: error sessions": [
                errors.group_sessions(store.cursor(), f, g.key) for g in groups
            ],
            f"{label}: problems": detect_problems(store, f),
        }
    return shown
