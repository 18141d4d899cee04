"""A small real build: the shop recorded in QtWebEngine by worker processes, written as an
archive the app reads, and the same seed giving the same story twice."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from app.demo.build import build_demo
from app.store.open import open_store
from app.store.queries import replay as replay_queries
from app.store.queries import sessions as session_queries

pytestmark = pytest.mark.webengine


def story(path: Path, db: Path) -> dict[str, tuple]:
    """Per session: user, release, the action names in order, error messages, goals."""
    store, _ = open_store(path, db)
    with store:
        out = {}
        for summary in session_queries.summaries(store.cursor()):
            sid = summary.session_id
            detail = replay_queries.detail(store.cursor(), sid)
            assert detail is not None
            rows = store.query(f"SELECT goal FROM goals WHERE session_id = '{sid}'").rows
            out[sid] = (
                summary.user_id,
                store.query(f"SELECT release FROM sessions WHERE session_id = '{sid}'").rows[0][0],
                tuple(a.name for a in detail.actions),
                tuple(e.message for e in detail.errors),
                tuple(r[0] for r in rows),
            )
        return out


def test_build_writes_a_readable_archive_and_is_reproducible(tmp_path: Path) -> None:
    first = build_demo(tmp_path / "a.webreplay", sessions=4, seed=3, workers=2, progress=str)
    second = build_demo(tmp_path / "b.webreplay", sessions=4, seed=3, workers=1, progress=str)
    assert first["sessions"] == second["sessions"] == 4 and not first["missing"]

    with zipfile.ZipFile(tmp_path / "a.webreplay") as archive:
        manifest = json.loads(archive.read("manifest.json"))
        source_map = json.loads(archive.read(manifest["source_maps"][0]["path"]))
    assert manifest["application"]["name"] == "performancewear"
    assert [g["id"] for g in manifest["conversion_goals"]] == ["purchase"]
    assert [r["version"] for r in manifest["releases"]] == ["2.4.3", "2.5.0"]
    assert source_map["sources"] == ["src/shop.js"] and "normalisePostalCode" in str(source_map)

    a = story(tmp_path / "a.webreplay", tmp_path / "a.db")
    b = story(tmp_path / "b.webreplay", tmp_path / "b.db")
    assert a == b
    assert all(names[0].startswith("loading of page") for _u, _r, names, _e, _g in a.values())
    stuck = [s for s in a.values() if s[1] == "2.5.0" and s[3]]
    assert stuck and all("reading 'groups'" in message for message in stuck[0][3])
    assert any(goals == ("purchase",) for *_rest, goals in a.values())
