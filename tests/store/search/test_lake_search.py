"""A lake is searchable: its index is built in the cache folder (the lake may be read-only),
incrementally as compaction adds days, and finds what an ingest of the same sessions finds."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from app.archive.model import SessionMeta
from app.archive.writer import ArchiveWriter
from app.cli.main import run_cli
from app.lake.compaction import compact_lake
from app.lake.sessions import session_from_batches
from app.lake.spool import HourlySpool
from app.store.cache import CACHE_ENV
from app.store.lake import LakeStore
from app.store.open import open_store
from app.store.search import build_index, index_path_for, search, sessions_matching
from app.store.store import SessionStore
from tests.lake.collector_process import make_batch
from tests.store.search.test_search import added_text

DAY_ONE = int(datetime(2026, 11, 20, 9, tzinfo=UTC).timestamp() * 1000)
DAY_TWO = DAY_ONE + 24 * 3_600_000
NOTICES = {
    "first": (DAY_ONE, "Your parcel is delayed"),
    "second": (DAY_ONE + 600_000, "Your parcel is on its way"),
    "third": (DAY_TWO, "Your parcel was returned"),
}
QUERIES = ["parcel", '"was returned"', "action:click", "pa*", "parcel -delayed", "user:third"]


def batches_of(session: str) -> list[dict[str, Any]]:
    """Two batches of a recorded visit: the page, a notice added to it, three clicks."""
    start, notice = NOTICES[session]
    first = make_batch(session, 1, start, clicks=2)
    first["events"].append(added_text(start + 5_000, 2, 40, notice))
    return [first, make_batch(session, 2, start, final=True)]


def compact(lake: Path, sessions: list[str]) -> None:
    """The sessions' batches received by a collector, then one compaction run."""
    spool = HourlySpool(lake)
    for session in sessions:
        for batch in batches_of(session):
            spool.append(batch, NOTICES[session][0] / 1000 + 60, "https://shop.example")
    spool.close()
    assert compact_lake(lake, finish_all=True).sessions == len(sessions)


def ingested(folder: Path, sessions: list[str]) -> SessionStore:
    """The same sessions' batches as one archive, ingested into a store."""
    archive = folder / "same.webreplay"
    with ArchiveWriter(archive) as writer:
        for session in sessions:
            meta, events, rum, _ = session_from_batches(batches_of(session))
            writer.add_session(SessionMeta.from_json(meta.to_json()), events, rum)
    return open_store(archive, folder / "same.duckdb")[0]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def hits(target: Any, query: str) -> list[tuple[str, int, Any, str, str]]:
    found = search(target, query, limit=1000)
    assert found.total == len(found.hits)
    return [(h.session_id, h.ts_ms, h.end_ms, h.kind, h.snippet) for h in found.hits]


def test_a_lake_of_two_compactions_is_indexed_incrementally_and_found_like_a_store(
    tmp_path: Path, cache: Path
) -> None:
    lake = tmp_path / "lake"
    compact(lake, ["first", "second"])
    with LakeStore(lake) as day_one:
        steps = build_index(day_one)
        assert (steps["sessions indexed"], steps["sessions kept"]) == (2, 0)
        first_index = index_path_for(day_one)
        assert first_index.parent == cache / "stores"  # never written into the lake
        assert [h[0] for h in hits(day_one, '"on its way"')] == ["second"]
    assert not list(lake.rglob("*.duckdb"))

    compact(lake, ["third"])  # a second run adds a day
    with LakeStore(lake) as both_days:
        assert index_path_for(both_days) != first_index  # the lake's parts changed
        steps = build_index(both_days)
        assert (steps["sessions indexed"], steps["sessions kept"]) == (1, 2)

        with ingested(tmp_path, list(NOTICES)) as store:
            for query in QUERIES:
                assert hits(both_days, query) == hits(store, query), query
                assert sessions_matching(both_days, query) == sessions_matching(store, query)
        parcels = {(h[0], h[1]) for h in hits(both_days, "parcel")}
        assert parcels == {(s, start + 5_000) for s, (start, _) in NOTICES.items()}
        assert len(hits(both_days, "action:click")) == 3 * 3  # 2 + 1 clicks per session


def test_an_unchanged_lake_reuses_its_index_and_a_rewritten_part_is_read_again(
    tmp_path: Path, cache: Path
) -> None:
    lake = tmp_path / "lake"
    compact(lake, ["first", "second"])
    with LakeStore(lake) as store:
        assert len(hits(store, "parcel")) == 2  # built on first use
        built = index_path_for(store).stat().st_mtime_ns
    with LakeStore(lake) as store:  # opened again: the same index, not built again
        assert len(hits(store, "parcel")) == 2
        assert index_path_for(store).stat().st_mtime_ns == built
    part = next((lake / "tables" / "events").rglob("*.parquet"))
    part.write_bytes(part.read_bytes())  # rewritten in place: both its sessions read again
    with LakeStore(lake) as store:
        steps = build_index(store)
        assert (steps["sessions indexed"], steps["sessions kept"]) == (2, 0)


def test_search_command_over_a_lake(
    tmp_path: Path, cache: Path, capsys: pytest.CaptureFixture
) -> None:
    lake = tmp_path / "lake"
    compact(lake, ["first", "second", "third"])
    assert run_cli(["search", str(lake), '"was returned"', "--json"]) == 0
    found = capsys.readouterr().out
    assert '"total": 1' in found and '"session": "third"' in found


def test_each_compaction_run_does_not_leave_its_derived_files_for_good(
    tmp_path: Path, cache: Path
) -> None:
    """A new state's index removes the files of all but the two states before it: indexes,
    maps index, checkpoints — of this lake only."""
    other = tmp_path / "other-lake"
    compact(other, ["first"])
    with LakeStore(other) as store:
        build_index(store)
        other_files = {p.name for p in (cache / "stores").iterdir()}

    lake = tmp_path / "lake"
    states = []
    for session in ["first", "second", "third", None]:
        if session is None:  # a part rewritten in place is a new state as well
            part = next((lake / "tables" / "events").rglob("*.parquet"))
            part.write_bytes(part.read_bytes())
        else:
            compact(lake, [session])
        with LakeStore(lake) as store:
            build_index(store)
            checkpoints = store.sidecar_path(".checkpoints")
            checkpoints.mkdir()
            (checkpoints / "s.ndjson").write_text("{}\n")
            store.sidecar_path(".maps.duckdb").write_bytes(b"")
            states.append(store.sidecar_path(""))
    assert len(set(states)) == 4

    def files_of(state: Path) -> set[str]:
        return {p.name for p in cache.joinpath("stores").iterdir() if p.name.startswith(state.name)}

    assert files_of(states[0]) == set()  # the oldest state: gone
    for state in states[1:3]:  # the two before the newest: the new index's files are kept
        assert {f"{state.name}.search.duckdb", f"{state.name}.checkpoints"} <= files_of(state)
    assert f"{states[3].name}.search.duckdb" in files_of(states[3])
    assert other_files <= {p.name for p in (cache / "stores").iterdir()}
    with LakeStore(lake) as store:  # the newest still answers
        assert len(hits(store, "parcel")) == 3
