"""The clicks anchored once per archive beside the store (issue 21): built atomically,
reused while the store's content is the same, nothing kept when the build is cancelled."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.maps.anchoring import anchor_clicks
from app.maps.click_map import anchored_clicks
from app.store.cache import CACHE_ENV
from app.store.demo import demo_archive_path
from app.store.lake import LakeStore
from app.store.maps_index import build_map_index, map_index_path_for, map_index_ready
from app.store.open import open_store
from app.store.sidecar import SidecarCancelled
from app.store.store import SessionStore
from tests.store.search.test_lake_search import compact


def test_anchors_are_built_once_and_reused(tmp_path: Path) -> None:
    db = tmp_path / "demo.duckdb"
    store, _ = open_store(demo_archive_path(), db)
    with store:
        assert not map_index_ready(store)
        index = anchored_clicks(store)
        clicks, anchored = (
            index.cursor()
            .execute("SELECT count(*), count(selector) FROM anchored_clicks")
            .fetchall()[0]
        )
        assert anchored_clicks(store) is index  # open for the store's lifetime
    assert clicks > 700 and anchored == clicks  # every demo click names its element
    path = map_index_path_for(db)
    built = path.stat().st_mtime_ns
    with SessionStore(db) as again:  # the store opened again: the file is current
        assert map_index_ready(again)
        anchored_clicks(again)
    assert path.stat().st_mtime_ns == built


def test_a_cancelled_build_keeps_nothing(tmp_path: Path) -> None:
    db = tmp_path / "demo.duckdb"
    store, _ = open_store(demo_archive_path(), db)

    def cancel() -> None:
        raise RuntimeError("closing")

    with store, pytest.raises(SidecarCancelled):
        build_map_index(store, anchor_clicks, check_cancel=cancel)
    assert not map_index_path_for(db).exists()
    assert not [p for p in tmp_path.iterdir() if "maps" in p.name]


def test_a_lakes_anchors_are_built_in_the_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    lake = tmp_path / "lake"
    compact(lake, ["first", "second"])
    with LakeStore(lake) as store:
        index = anchored_clicks(store)
        rows = index.cursor().execute("SELECT count(*) FROM anchored_clicks").fetchall()
        assert rows == [(2 * 3,)]  # every click of both sessions
        assert map_index_path_for(store).parent == tmp_path / "cache" / "stores"
    assert not list(lake.rglob("*.duckdb")) and not list(tmp_path.glob("*.maps.duckdb"))
