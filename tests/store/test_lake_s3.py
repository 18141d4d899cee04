"""A lake on object storage: ``s3://bucket/prefix`` opened in place through pyarrow's S3
client, against a real S3 protocol server (moto's) on loopback — never AWS."""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path

import pytest

from app.cli.main import run_cli
from app.replay.events import events_for_player, parts_in_child, split_events
from app.store.filters import SessionFilter
from app.store.lake import LakeStore, open_session_store
from app.store.lake_s3 import LakeUnreachable, S3LakeStore
from app.store.queries import overview
from app.store.queries import replay as replay_queries
from app.store.queries import sessions as session_queries
from app.store.store import QueryError
from tests.store import s3_lake
from tests.store.s3_lake import DAY, FIRST_DAY, HOUR, SESSIONS

endpoint, local_lake, bucket, uploaded_at = (
    s3_lake.endpoint, s3_lake.local_lake, s3_lake.bucket, s3_lake.uploaded_at
)  # fmt: skip
aws_env = s3_lake.aws_env  # autouse: the server's endpoint and keys, a private cache


def test_a_lake_on_s3_answers_as_the_same_lake_in_a_folder(bucket: str, local_lake: Path) -> None:
    with LakeStore(local_lake) as local, open_session_store(f"s3://{bucket}/prod/web") as remote:
        assert isinstance(remote, S3LakeStore)
        assert remote.info()["format"] == "lake"
        assert remote.info()["source_path"] == "s3://lakes/prod/web"
        listed = session_queries.summaries(remote.cursor())
        assert sorted(s.session_id for s in listed) == sorted(SESSIONS)
        assert listed == session_queries.summaries(local.cursor())
        for f in (SessionFilter(), SessionFilter(start_ms=FIRST_DAY + DAY)):
            assert overview.summary(remote.cursor(), f) == overview.summary(local.cursor(), f)
            hourly = (HOUR, {"custom": (500, 2000)})
            assert overview.timeseries(remote.cursor(), f, *hourly) == overview.timeseries(
                local.cursor(), f, *hourly
            )
        events = replay_queries.events_json(remote.cursor(), "d1-1")
        assert events == replay_queries.events_json(local.cursor(), "d1-1")
        assert [e["type"] for e in json.loads(events)[:2]] == [4, 2]  # Meta, then the snapshot
        actions = replay_queries.action_records(remote.cursor(), "d1-1")
        assert actions == replay_queries.action_records(local.cursor(), "d1-1")
        assert len(actions) == 300


def test_a_child_process_reopens_the_lake_from_its_stand_in_folder(bucket: str) -> None:
    """A long session's replay is prepared by a child handed ``store.db_path``: for a lake
    on S3 that is a local folder naming the URL, and the child reads the bucket itself."""
    with S3LakeStore(f"s3://{bucket}/prod/web") as lake:
        assert lake.db_path.is_dir() and not list(lake.db_path.rglob("*.parquet"))
        parts = parts_in_child(lake.db_path, "d2-0", None)
        expected = split_events(
            events_for_player(replay_queries.events_json(lake.cursor(), "d2-0"))
        )
    assert parts == expected
    assert len(json.loads(parts[0])["events"]) > 300


def test_the_users_sql_reaches_no_other_bucket_or_prefix(bucket: str) -> None:
    with S3LakeStore(f"s3://{bucket}/prod/web") as lake:
        assert lake.query("SELECT count(*) FROM sessions").rows == [(len(SESSIONS),)]
        escapes = "s3lake://lakes/prod/web/tables/../../../../secrets/s.parquet"
        for target in ("s3lake://secrets/s.parquet", "s3lake://lakes/not-a-lake/readme.txt",
                       "s3://secrets/s.parquet", escapes):  # fmt: skip
            with pytest.raises(QueryError):
                lake.query(f"SELECT * FROM read_parquet('{target}')")
        for target in ("s3lake://secrets/s.parquet", escapes):  # refused by the filesystem
            with pytest.raises(PermissionError):  # itself, whatever DuckDB's settings
                lake.objects.info(target)
        with pytest.raises(QueryError):
            lake.query("SET enable_external_access = true")


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("s3://no-such-bucket/lake", "there is no bucket named 'no-such-bucket'"),
        ("s3://lakes/not-a-lake", "not a lake: there is no lake.json under this prefix"),
        ("s3://lakes/prod", "not a lake"),
    ],
)
def test_what_is_not_a_lake_is_named_with_its_url(bucket: str, url: str, problem: str) -> None:
    with pytest.raises(LakeUnreachable) as caught:
        S3LakeStore(url)
    assert str(caught.value).startswith(f"{url}: {problem}")


def test_no_server_at_the_endpoint_says_so(bucket: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # discard: nothing listens
    with pytest.raises(LakeUnreachable) as caught:
        S3LakeStore("s3://lakes/prod/web")
    assert "cannot reach the storage service at http://127.0.0.1:9" in str(caught.value)


def test_unknown_credentials_are_refused_with_a_clear_message(
    bucket: str, endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def require_auth(count: str) -> None:
        request = urllib.request.Request(
            f"{endpoint}/moto-api/reset-auth", count.encode(), {"Content-Type": "text/plain"}
        )
        urllib.request.urlopen(request, timeout=10).close()

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIANOTAREALKEY00000")
    require_auth("0")  # the server checks keys from now on
    try:
        with pytest.raises(LakeUnreachable) as caught:
            S3LakeStore("s3://lakes/prod/web")
    finally:
        require_auth("inf")
    assert "access denied: no valid credentials" in str(caught.value)


def test_the_cli_opens_a_lake_url(
    bucket: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    assert run_cli(["info", "s3://lakes/prod/web", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert sorted(s["id"] for s in info["sessions"]) == sorted(SESSIONS)
    query = "SELECT count(*) AS n FROM actions WHERE session_id = 'd0-1'"
    assert run_cli(["sql", "s3://lakes/prod/web", query, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"n": 300}]
    out_csv = tmp_path / "actions.csv"
    assert run_cli(["export", "s3://lakes/prod/web", "--format", "csv", "--table", "actions",
                    "--out", str(out_csv)]) == 0  # fmt: skip
    assert out_csv.read_text().count("\n") == 1 + 300 * len(SESSIONS)
    capsys.readouterr()
    assert run_cli(["info", "s3://lakes/not-a-lake"]) == 2
    err = capsys.readouterr().err
    assert "s3://lakes/not-a-lake: not a lake" in err
    assert "Traceback" not in err


@pytest.fixture
def settled(bucket: str, uploaded_at: float) -> str:
    """The bucket once its objects are 12 s old: DuckDB trusts its cache of a part's footer
    only for a file not modified in the last seconds (a lake's parts are hours old; these
    were just uploaded), and without the cache every query reads every footer again."""
    time.sleep(max(0.0, uploaded_at + 12 - time.time()))
    return bucket


def test_one_sessions_replay_reads_only_the_part_of_its_day(settled: str) -> None:
    with S3LakeStore(f"s3://{settled}/prod/web") as lake:
        read = lake.objects.bytes_read
        lake.cursor().execute("SELECT count(*) FROM events").fetchall()  # footers, then cached
        assert len([key for key in read if "/events/" in key]) == 3
        read.clear()
        assert json.loads(replay_queries.events_json(lake.cursor(), "d1-1"))
        assert [key.split("/")[-2] for key in read] == ["day=2026-11-21"], dict(read)
        overview.summary(lake.cursor(), SessionFilter())  # the other tables' footers
        read.clear()
        overview.summary(lake.cursor(), SessionFilter(start_ms=FIRST_DAY + 2 * DAY))
        assert sorted({key.split("/")[-2] for key in read}) == ["day=2026-11-22"], dict(read)


def test_a_lake_on_s3_is_searchable_like_the_same_lake_in_a_folder(
    bucket: str, local_lake: Path
) -> None:
    """The full-text index of a lake on S3 is built from the bucket (its parts as listed
    when opened key the index and each session's reuse), into the local cache."""
    from app.store.search import build_index, index_path_for, search

    def hits(store: LakeStore, query: str) -> list[tuple[str, int, str]]:
        found = search(store, query, limit=10_000)
        return sorted((h.session_id, h.ts_ms, h.snippet) for h in found.hits)

    with LakeStore(local_lake) as local, open_session_store(f"s3://{bucket}/prod/web") as remote:
        assert build_index(remote)["sessions indexed"] == len(SESSIONS)
        build_index(local)
        clicks = hits(remote, "action:click")
        assert len(clicks) == 300 * len(SESSIONS) and clicks == hits(local, "action:click")
        built = index_path_for(remote)
        assert built != index_path_for(local) and built.stat().st_size > 0
        built_at = built.stat().st_mtime_ns
    with open_session_store(f"s3://{bucket}/prod/web") as again:  # the same parts: the same
        assert index_path_for(again) == built  # index, searched without building it again
        assert len(hits(again, "action:click")) == 300 * len(SESSIONS)
        assert built.stat().st_mtime_ns == built_at


@pytest.mark.webengine
def test_the_frame_command_renders_a_session_of_a_lake_url(
    bucket: str, local_lake: Path, tmp_path: Path
) -> None:
    """``frame s3://…`` replays the session from the bucket in its own process (the
    endpoint and keys reach it through the environment, as a user's would): the same frame
    as from the lake's folder."""
    import os
    import subprocess
    import sys

    from PySide6.QtGui import QImage

    def frame(lake: str, out: Path) -> QImage:
        done = subprocess.run(
            [sys.executable, "-m", "app", "frame", lake, "--session", "d1-1", "--at", "+1",
             "--out", str(out)],
            capture_output=True, text=True, timeout=300, check=False,
            env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]
        return QImage(str(out / "frame-1.png"))

    remote = frame("s3://lakes/prod/web", tmp_path / "s3")
    local = frame(str(local_lake), tmp_path / "folder")
    assert remote.width() > 600 and remote.height() > 400
    assert remote == local
