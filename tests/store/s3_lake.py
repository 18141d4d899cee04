"""A real S3 protocol server (moto's) on loopback holding a compacted lake, for the tests
that open ``s3://…`` lakes: import the fixtures into a test module to use them."""

from __future__ import annotations

import logging
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer

from app.lake.compaction import compact_lake
from app.lake.spool import HourlySpool
from tests.lake.collector_process import make_batch

DAY = 86_400_000
HOUR = 3_600_000
FIRST_DAY = int(datetime(2026, 11, 20, tzinfo=UTC).timestamp() * 1000)
SESSIONS = {f"d{day}-{n}": FIRST_DAY + day * DAY + n * 60_000 for day in range(3) for n in range(2)}
"""Two sessions a day over three UTC days."""


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    # the servers of one process share moto's state: start from no bucket at all
    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", b""), timeout=10)
    yield url
    server.stop()


@pytest.fixture(scope="module")
def local_lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six sessions over three UTC days, 300 clicks each, compacted."""
    root = tmp_path_factory.mktemp("s3lake") / "lake"
    spool = HourlySpool(root)
    for sid, started in SESSIONS.items():
        for seq in (1, 2):
            batch = make_batch(sid, seq, started, final=seq == 2, clicks=150, spacing_ms=200_000)
            spool.append(batch, started / 1000, "https://shop.example")
    spool.close()
    report = compact_lake(root, finish_all=True)
    assert report.sessions == len(SESSIONS)
    return root


@pytest.fixture(scope="module")
def uploaded_at(bucket: str) -> float:
    return time.time()


@pytest.fixture(scope="module")
def bucket(endpoint: str, local_lake: Path) -> str:
    """The lake uploaded to ``s3://lakes/prod/web`` (only what a lake keeps), and a bucket of
    someone else's beside it."""
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                      aws_access_key_id="test", aws_secret_access_key="test")  # fmt: skip
    s3.create_bucket(Bucket="lakes")
    s3.put_object(Bucket="lakes", Key="not-a-lake/readme.txt", Body=b"hello")
    for path in local_lake.rglob("*"):
        if path.is_file() and (path.name == "lake.json" or path.parts[-4] == "tables"):
            s3.upload_file(str(path), "lakes", f"prod/web/{path.relative_to(local_lake)}")
    s3.create_bucket(Bucket="secrets")
    s3.upload_file(
        str(next((local_lake / "tables" / "sessions").rglob("*.parquet"))), "secrets", "s.parquet"
    )
    return "lakes"


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch, endpoint: str) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # never ask 169.254.169.254
