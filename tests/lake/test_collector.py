"""The collector as a user runs it: real HTTP on loopback, batches kept or refused."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.lake.collector_process import CollectorProcess, gzipped, make_batch, spooled_lines

SHOP = "https://shop.example"
TOKEN = "s3cret-token-for-tests"


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[CollectorProcess, Path]]:
    """A collector with a token, one allowed origin and a 20 kB batch limit."""
    lake = tmp_path_factory.mktemp("guarded") / "lake"
    token_file = lake.parent / "token"
    token_file.write_text(TOKEN + "\n")
    collector = CollectorProcess(
        lake, "--token-file", str(token_file), "--allow-origin", SHOP,
        "--max-batch-bytes", "20000", "--max-session-bytes", "60000",
    )  # fmt: skip
    yield collector, lake
    collector.stop()


def _auth(**extra: str) -> dict[str, str]:
    return {"Origin": SHOP, "Authorization": f"Bearer {TOKEN}", **extra}


def test_an_accepted_batch_is_on_disk_when_acknowledged(guarded) -> None:
    collector, lake = guarded
    before = spooled_lines(lake)
    status, headers, body = collector.request(
        "POST", "/collect", json.dumps(make_batch("ok-1", 1, 1_795_000_000_000)).encode(),
        {"Content-Type": "application/json", **_auth()},
    )  # fmt: skip
    assert status == 200, body
    assert headers["access-control-allow-origin"] == SHOP
    assert spooled_lines(lake) == before + 1  # written (and fsynced) before the answer
    line = next((lake / "incoming").rglob("*.ndjson")).read_text().splitlines()[-1]
    assert json.loads(line)["batch"]["session"]["id"] == "ok-1"


def test_beacons_gzip_and_a_query_token_are_accepted(guarded) -> None:
    collector, lake = guarded
    before = spooled_lines(lake)
    beacon = json.dumps(make_batch("ok-2", 1, 1_795_000_000_000)).encode()
    headers = {"Origin": SHOP, "Content-Type": "text/plain;charset=UTF-8"}
    assert collector.post(beacon, headers, path=f"/collect?token={TOKEN}") == 200
    packed = gzipped(make_batch("ok-2", 2, 1_795_000_000_000))
    assert collector.post(packed, _auth(**{"Content-Encoding": "gzip"})) == 200
    assert spooled_lines(lake) == before + 2


def test_the_preflight_allows_the_listed_origin_only(guarded) -> None:
    collector, _ = guarded
    preflight = {"Origin": SHOP, "Access-Control-Request-Method": "POST"}
    status, headers, _ = collector.request("OPTIONS", "/collect", None, preflight)
    assert status == 204
    assert headers["access-control-allow-origin"] == SHOP
    assert "POST" in headers["access-control-allow-methods"]
    status, headers, _ = collector.request(
        "OPTIONS", "/collect", None, {**preflight, "Origin": "https://evil.example"}
    )
    assert status == 403
    assert "access-control-allow-origin" not in headers


@pytest.mark.parametrize(
    ("case", "status"),
    [
        ("wrong origin", 403),
        ("missing token", 401),
        ("wrong token", 401),
        ("oversized", 413),
        ("gzip bomb", 413),
        ("not json", 400),
        ("wrong schema", 400),
        ("event without timestamp", 400),
        ("hostile session id", 400),
    ],
)
def test_hostile_batches_are_refused_and_nothing_is_written(guarded, case, status) -> None:
    collector, lake = guarded
    batch = make_batch(f"hostile-{case.replace(' ', '-')}", 1, 1_795_000_000_000)
    headers = _auth()
    body: bytes | None = None
    if case == "wrong origin":
        headers["Origin"] = "https://evil.example"
    elif case == "missing token":
        del headers["Authorization"]
    elif case == "wrong token":
        headers["Authorization"] = "Bearer guess"
    elif case == "oversized":
        batch["events"].append({"type": 5, "timestamp": 1, "data": {"pad": "x" * 30_000}})
    elif case == "gzip bomb":
        body = gzipped({"pad": "0" * 5_000_000})  # ~5 kB on the wire
        headers["Content-Encoding"] = "gzip"
    elif case == "not json":
        body = b'{"format": "webreplay-batch", "seq": 1,'
    elif case == "wrong schema":
        batch["seq"] = "seven"
    elif case == "event without timestamp":
        del batch["events"][0]["timestamp"]
    elif case == "hostile session id":
        batch["session"]["id"] = "../../etc/passwd"
    before = spooled_lines(lake)
    assert collector.post(body if body is not None else batch, headers) == status
    assert spooled_lines(lake) == before


def test_a_session_over_its_limit_is_refused(guarded) -> None:
    collector, lake = guarded
    accepted = []
    for seq in range(1, 20):
        accepted.append(collector.post(make_batch("big-one", seq, 1_795_000_000_000, clicks=30),
                                       _auth()))  # fmt: skip
    assert accepted[0] == 200
    assert 413 in accepted  # 60 kB per session: later batches are refused
    refused_from = accepted.index(413)
    assert set(accepted[refused_from:]) == {413}
    lines = [
        json.loads(line)["batch"]["seq"]
        for path in (lake / "incoming").rglob("*.ndjson")
        for line in path.read_text().splitlines()
        if '"big-one"' in line
    ]
    assert sorted(lines) == list(range(1, refused_from + 1))


def test_without_an_allow_list_any_origin_posts(tmp_path: Path) -> None:
    collector = CollectorProcess(tmp_path / "lake")
    try:
        started = time.time()
        assert collector.post(make_batch("open-1", 1, 1_795_000_000_000),
                              {"Origin": "https://anywhere.example"}) == 200  # fmt: skip
        assert time.time() - started < 5
        assert spooled_lines(tmp_path / "lake") == 1
    finally:
        collector.stop()


def test_the_collector_compacts_closed_hours_on_its_timer(tmp_path: Path) -> None:
    """Batches of an hour that has ended become Parquet without anyone running compact."""
    from app.lake.spool import HourlySpool

    lake = tmp_path / "lake"
    two_hours_ago = time.time() - 7200
    spool = HourlySpool(lake)  # as another collector process wrote them earlier
    spool.append(make_batch("earlier", 1, int(two_hours_ago * 1000), final=True),
                 two_hours_ago, None)  # fmt: skip
    spool.close()
    collector = CollectorProcess(lake, "--compact-every", "0.5")  # (the last one given wins)
    try:
        deadline = time.monotonic() + 30
        while not list((lake / "tables" / "sessions").rglob("*.parquet")):
            assert time.monotonic() < deadline, "no compaction within 30 s"
            time.sleep(0.2)
        assert (lake / "compacted" / "sessions.txt").read_text() == "earlier\n"
    finally:
        collector.stop()
