"""The DuckDB store: tables, time types, reuse by content, cancel, read-only queries."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import duckdb
import pytest

from app.store.cache import cache_dir, content_key
from app.store.ingest import IngestCancelled, IngestJob, ingest_file, is_current_store
from app.store.open import open_store
from app.store.queries import replay as replay_queries
from app.store.queries import sessions as session_queries
from app.store.queries import tables as table_queries
from app.store.store import QueryError, SessionStore
from tests.builders import T0, write_archive

REQUIRED_COLUMNS = {
    "sessions": [
        "session_id",
        "user_id",
        "started_at",
        "ended_at",
        "duration_ms",
        "browser",
        "os",
        "country",
        "entry_url",
        "release",
    ],
    "actions": ["session_id", "ts", "type", "trigger", "name", "target", "url", "duration_ms"],
    "errors": ["session_id", "ts", "message", "stack", "source", "line", "col", "url"],
    "requests": ["session_id", "ts", "method", "url", "status", "duration_ms"],
    "events": ["session_id", "ts", "type", "source", "data"],
}


def _utc(ms: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ms / 1000, tz=dt.UTC).replace(tzinfo=None)


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    return write_archive(tmp_path / "shop.webreplay", sessions=3)


def test_store_has_the_documented_tables_and_columns(archive: Path) -> None:
    result = ingest_file(archive)
    with duckdb.connect(str(result.db_path), read_only=True) as con:
        for table, columns in REQUIRED_COLUMNS.items():
            described = {row[0]: row[1] for row in con.execute(f"DESCRIBE {table}").fetchall()}
            assert set(columns) <= set(described), table
            for column in ("ts", "started_at", "ended_at"):
                if column in described:
                    assert described[column] == "TIMESTAMP"


def test_rum_stream_and_events_land_with_millisecond_utc_times(archive: Path) -> None:
    store, _ = open_store(archive)
    with store:
        rows = store.query(
            "SELECT session_id, ts, type, trigger, name, duration_ms FROM actions "
            "WHERE session_id = 's1' ORDER BY ts"
        ).rows
        assert rows[1] == ("s1", _utc(T0 + 61_000), "xhr", "click", "click on 'Place order'", 420)
        error = replay_queries.error_records(store.cursor(), "s1")[0]
        assert (error["message"], error["line"], error["col"], error["action_id"]) == (
            "TypeError: x is undefined",
            10,
            5,
            "a2",
        )
        counts = table_queries.row_counts(store.cursor())
        assert counts == {
            "sessions": 3,
            "events": 27,
            "actions": 6,
            "errors": 3,
            "requests": 3,
            "vitals": 3,
            "goals": 3,
        }
        first = store.query(
            "SELECT ts, type, data->>'$.href' FROM events "
            "WHERE session_id = 's0' ORDER BY ts LIMIT 1"
        ).rows[0]
        assert first == (_utc(T0), 4, "https://shop.example/checkout")
        sources = store.query(
            "SELECT source, count(*) FROM events WHERE type = 3 GROUP BY ALL ORDER BY 1"
        ).rows
        assert sources == [(0, 3), (2, 6), (5, 6)]


def test_session_summary_counts_and_durations(archive: Path) -> None:
    store, _ = open_store(archive)
    with store:
        summary = session_queries.summaries(store.cursor())[0]
    assert (
        summary.session_id,
        summary.user_id,
        summary.events,
        summary.actions,
        summary.errors,
        summary.pages,
    ) == ("s0", "u0", 9, 2, 1, 1)
    assert summary.duration_ms == 45_000
    assert summary.started_at == _utc(T0)


def test_idle_periods_are_derived_for_every_session(archive: Path) -> None:
    store, _ = open_store(archive)
    with store:
        idle = store.query(
            "SELECT session_id, started_at, duration_ms FROM idle_periods ORDER BY 1"
        ).rows
    # Input at +2.3 s, next interaction (a click) at +45 s.
    assert idle[0] == ("s0", _utc(T0 + 2300), 42_700)
    assert len(idle) == 3


def test_reopening_reuses_the_store_and_a_changed_archive_is_ingested_again(
    archive: Path, tmp_path: Path
) -> None:
    first = ingest_file(archive)
    again = ingest_file(archive)
    assert again.reused and again.db_path == first.db_path
    write_archive(archive, sessions=4)  # same name, new content
    changed = ingest_file(archive)
    assert not changed.reused and changed.db_path != first.db_path
    with SessionStore(changed.db_path) as store:
        assert len(session_queries.summaries(store.cursor())) == 4


def test_content_key_follows_content_not_name(archive: Path, tmp_path: Path) -> None:
    copy = tmp_path / "renamed.bin"
    copy.write_bytes(archive.read_bytes())
    assert content_key(copy) == content_key(archive)


def test_a_store_of_another_schema_version_is_not_reused(archive: Path) -> None:
    result = ingest_file(archive)
    with duckdb.connect(str(result.db_path)) as con:
        con.execute("UPDATE archive_info SET value = '0' WHERE key = 'schema_version'")
    assert not is_current_store(result.db_path)
    assert not ingest_file(archive).reused


def test_cancel_stops_the_ingest_and_leaves_no_store(tmp_path: Path) -> None:
    archive = write_archive(tmp_path / "big.webreplay", sessions=400)
    seen: list[float] = []

    def progress(fraction: float, message: str) -> None:
        seen.append(fraction)
        if fraction > 0.2:
            job.cancel()

    job = IngestJob(archive, progress=progress)
    with pytest.raises(IngestCancelled):
        job.run()
    assert 0.2 < max(seen) < 0.95
    assert list(cache_dir().glob("*.duckdb")) == []
    assert list(cache_dir().glob(".*part*")) == []


def test_cancel_from_another_thread_interrupts(tmp_path: Path) -> None:
    archive = write_archive(tmp_path / "big.webreplay", sessions=300)
    started = threading.Event()
    job = IngestJob(archive, progress=lambda f, m: started.set())
    errors: list[BaseException] = []

    def work() -> None:
        try:
            job.run()
        except BaseException as exc:
            errors.append(exc)

    worker = threading.Thread(target=work)
    worker.start()
    assert started.wait(10)
    job.cancel()
    worker.join(30)
    assert not worker.is_alive()
    assert errors and isinstance(errors[0], IngestCancelled)


def test_user_sql_is_read_only_and_cannot_touch_files(archive: Path, tmp_path: Path) -> None:
    store, _ = open_store(archive)
    with store:
        assert store.query("SELECT count(*) FROM sessions").rows == [(3,)]
        for statement in (
            "DELETE FROM sessions",
            "DROP TABLE events",
            f"COPY sessions TO '{tmp_path / 'out.csv'}'",
            "SELECT * FROM read_csv('/etc/passwd')",
            "ATTACH '/tmp/other.duckdb' AS other",
        ):
            with pytest.raises(QueryError):
                store.query(statement)
        assert store.query("SELECT count(*) FROM sessions").rows == [(3,)]
    assert not (tmp_path / "out.csv").exists()


def test_explicit_database_path_is_used(archive: Path, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "store.duckdb"
    result = ingest_file(archive, target)
    assert result.db_path == target and target.exists()


def test_reopening_a_file_whose_store_is_open_reuses_it(archive: Path) -> None:
    store, first = open_store(archive)
    with store:
        again = ingest_file(archive)
        assert again.reused and again.db_path == first.db_path
        assert len(session_queries.summaries(store.cursor())) == 3


def test_source_maps_travel_with_the_archive_into_the_store(tmp_path: Path) -> None:
    from app.archive.model import SessionMeta
    from app.archive.writer import ArchiveWriter
    from tests.builders import basic_events

    map_text = '{"version":3,"sources":["src/checkout.ts"],"names":[],"mappings":"AAAA"}'
    path = tmp_path / "maps.webreplay"
    with ArchiveWriter(path) as writer:
        writer.add_session(SessionMeta(session_id="s0"), basic_events())
        writer.add_source_map("https://shop.example/app.min.js", map_text)
    store, _ = open_store(path)
    with store:
        assert store.query("SELECT source_url, map FROM source_maps").rows == [
            ("https://shop.example/app.min.js", map_text)
        ]
        assert store.info()["manifest"]["source_maps"] == [
            {"source_url": "https://shop.example/app.min.js", "path": "sourcemaps/app.min.js.map"}
        ]


def test_each_window_of_a_session_is_its_own_event_stream(tmp_path: Path) -> None:
    import json

    from tests.builders import basic_events

    tab_a = [dict(e, windowId="tab-a") for e in basic_events()]
    tab_b = [dict(e, windowId="tab-b") for e in basic_events(T0 + 500)[:4]]
    doc = {
        "version": "2023-04-28",
        "data": {"id": "two-tabs", "person": None, "snapshots": tab_a + tab_b},
    }
    path = tmp_path / "two-tabs.json"
    path.write_text(json.dumps(doc))
    store, _ = open_store(path)
    with store:
        assert replay_queries.windows(store.cursor(), "two-tabs") == [("tab-a", 9), ("tab-b", 4)]
        only_b = json.loads(replay_queries.events_json(store.cursor(), "two-tabs", "tab-b"))
        assert [e["timestamp"] for e in only_b] == [e["timestamp"] for e in tab_b]
        assert len(json.loads(replay_queries.events_json(store.cursor(), "two-tabs"))) == 13
        detail = replay_queries.detail(store.cursor(), "two-tabs")
        assert detail is not None and detail.windows == [("tab-a", 9), ("tab-b", 4)]


def test_every_batch_keeps_its_rum_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An archive of many batches: no session loses its actions to the next batch's file."""
    import app.store.ingest.job as job

    monkeypatch.setattr(job, "BATCH_SESSIONS", 2)
    path = write_archive(tmp_path / "many.webreplay", sessions=7)
    with open_store(path, tmp_path / "many.db")[0] as store:
        rows = store.query("SELECT count(*), count(DISTINCT session_id) FROM actions").rows[0]
        sessions = store.query("SELECT count(*) FROM sessions").rows[0][0]
    assert sessions == 7
    assert rows[1] == 7 and rows[0] >= 7


def _replace_member(path: Path, name: str, content: bytes) -> None:
    """Rewrite one zip member of ``path`` (the writer only writes well-formed members)."""
    import gzip
    import zipfile

    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w") as target:
        for info, data in members:
            target.writestr(info, gzip.compress(content) if info.filename == name else data)


def test_sessions_keep_their_own_events_whatever_their_lines_look_like(archive: Path) -> None:
    """Session ids are attached by line position: blank, whitespace-only, CRLF and
    malformed lines in one session must not shift any event into another session."""
    import json

    from tests.builders import basic_events

    events = basic_events(T0 + 60_000)
    lines = [json.dumps(e) for e in events]
    odd = (
        "\n".join(lines[:3])
        + "\n\n   \n\x0c\n{oops\n[1, 2]\n"
        + '{"type": 3, "timestamp": NaN, "data": {}}\n'
        + "\r\n".join(lines[3:])
        + "\r\n\n"
    )
    _replace_member(archive, "sessions/s1/events.ndjson.gz", odd.encode())
    result = ingest_file(archive, archive.with_suffix(".db"), force=True)
    with duckdb.connect(str(result.db_path), read_only=True) as con:
        counts = dict(
            con.execute("SELECT session_id, count(*) FROM events GROUP BY ALL").fetchall()
        )
        spans = {
            sid: (lo, hi)
            for sid, lo, hi in con.execute(
                "SELECT session_id, epoch_ms(min(ts)), epoch_ms(max(ts)) FROM events GROUP BY ALL"
            ).fetchall()
        }
    assert counts == {"s0": len(events), "s1": len(events), "s2": len(events)}
    for index in range(3):  # each session's events lie within its own minute
        start = T0 + index * 60_000
        assert start <= spans[f"s{index}"][0] <= spans[f"s{index}"][1] < start + 60_000
    messages = [(w.session_id, w.message) for w in result.warnings]
    assert ("s1", "3 malformed event line(s) were skipped") in messages


def test_a_batch_duckdb_refuses_costs_only_its_own_session(
    archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read DuckDB refuses outright aborts the one-transaction load; the ingest starts
    again one session per statement and skips only the session that is refused."""
    from app.store.ingest import loading

    original = loading.ndjson_statement

    def refuse_s1(con, kind, paths, rows, **options):  # type: ignore[no-untyped-def]
        if kind == "events" and any(sid == "s1" for sid, _ in rows):
            raise duckdb.InvalidInputException("simulated: the reader gave up")
        return original(con, kind, paths, rows, **options)

    monkeypatch.setattr(loading, "ndjson_statement", refuse_s1)
    result = ingest_file(archive, archive.with_suffix(".db"), force=True)
    with duckdb.connect(str(result.db_path), read_only=True) as con:
        sessions = [
            r[0] for r in con.execute("SELECT session_id FROM sessions ORDER BY 1").fetchall()
        ]
        with_events = con.execute("SELECT count(DISTINCT session_id) FROM events").fetchone()[0]
        skipped = con.execute(
            "SELECT value FROM archive_info WHERE key = 'skipped_sessions'"
        ).fetchone()[0]
    assert sessions == ["s0", "s2"] and with_events == 2
    assert "s1" in skipped
    assert any(w.session_id == "s1" and "the reader gave up" in w.message for w in result.warnings)
