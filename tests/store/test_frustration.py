"""Frustration signals derived at ingest: rage, dead and error clicks, form abandonment."""

from __future__ import annotations

import json
from pathlib import Path

from app.demo.plan import ASHLEY_ID, RELEASE_AFTER
from app.store.demo import demo_archive_path
from app.store.filters import SessionFilter
from app.store.open import open_store
from app.store.queries import overview as overview_queries
from app.store.queries import replay as replay_queries
from tests.builders import T0, click, console_error, full, meta, mutation, typed


def test_each_signal_is_found_once_where_it_happened(tmp_path: Path) -> None:
    events = [
        meta(T0),
        full(T0 + 5),
        *(click(T0 + t, 11) for t in (1000, 1300, 1600, 1900)),  # one burst of four
        mutation(T0 + 2000),
        click(T0 + 10_000, 15),  # "Close dialog": nothing happens for 10 s
        click(T0 + 20_000, 11),
        console_error(T0 + 20_300, "TypeError: boom", "f (https://shop.example/app.js:1:1)"),
        mutation(T0 + 20_400),
        typed(T0 + 25_000, 12, "*"),
        typed(T0 + 26_000, 12, "**"),  # typed, then left without clicking anything
        mutation(T0 + 40_000),
    ]
    path = tmp_path / "frustrated.json"
    path.write_text(json.dumps(events), encoding="utf-8")
    store, _ = open_store(path, tmp_path / "f.db")
    with store:
        rows = store.query(
            "SELECT epoch_ms(ts), kind FROM frustration_signals ORDER BY ts, kind"
        ).rows
    assert [(ts - T0, kind) for ts, kind in rows] == [
        (1000, "rage click"),
        (10_000, "dead click"),
        (20_000, "error click"),
        (25_000, "form abandonment"),
    ]


def test_ashleys_session_shows_her_error_clicks_and_rage_clicks(tmp_path: Path) -> None:
    store, _ = open_store(demo_archive_path(), tmp_path / "demo.db")
    with store:
        (sid,) = store.query(
            f"SELECT session_id FROM sessions WHERE user_id = '{ASHLEY_ID}'"
            f" AND release = '{RELEASE_AFTER}'"
        ).rows[0]
        detail = replay_queries.detail(store.cursor(), sid)
        assert detail is not None
        kinds = [kind for _ts, kind, _what in detail.frustration]
        assert kinds.count("error click") == 2 and "rage click" in kinds
        # the loading indicator stayed up after each attempt (until her reload, until she left)
        spinners = [
            (ts, what) for ts, kind, what in detail.frustration if kind == "loading indicator"
        ]
        assert len(spinners) == 2 and all(what.startswith("visible for") for _ts, what in spinners)
        errors = [e.ts_ms for e in detail.errors]
        first_error_click = next(ts for ts, kind, _ in detail.frustration if kind == "error click")
        assert 0 <= errors[0] - first_error_click <= 2_000
        per_release = dict(
            store.query(
                "SELECT s.release, count(*) FROM frustration_signals f JOIN sessions s"
                " USING (session_id) WHERE f.kind = 'rage click' GROUP BY 1"
            ).rows
        )
        assert per_release.get(RELEASE_AFTER, 0) >= 3
        assert overview_queries.summary(store.cursor(), SessionFilter()).sessions == 300
