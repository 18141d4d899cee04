"""The dashboard's queries over a lake on an S3 protocol server on loopback (moto's), against
the same lake read from its folder, in the same run. The server runs in a process of its
own (as a store would be elsewhere), not in this one's interpreter.

Run: ``.venv/bin/python tests/benchmarks/bench_lake_s3.py [--sessions 10000] [--copies 10]``

The lake is generated as ``bench_lake.py`` generates it (``--copies`` of a synthetic store's
tables as the lake's Parquet parts), uploaded to a bucket of a local ``ThreadedMotoServer``
and opened as ``s3://bench/lake`` through :class:`app.store.lake_s3.S3LakeStore` — pyarrow's
real S3 client over real HTTP, with no network latency: what it measures is the cost of
the route (HTTP ranged reads through a Python filesystem), not of a distant bucket. Also
reported: the time to open the lake (listing and ``lake.json``) and the bytes one session's
replay reads against the size of the events table.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_lake import DASHBOARD, lake_arguments, write_copies  # noqa: E402
from bench_queries import measure  # noqa: E402

from app.archive.sample import write_sample_archive  # noqa: E402
from app.store.lake import LAKE_MARKER, LakeStore  # noqa: E402
from app.store.lake_s3 import S3LakeStore  # noqa: E402
from app.store.open import open_store  # noqa: E402
from app.store.queries import replay as replay_queries  # noqa: E402

SETTLE_S = 12
"""DuckDB trusts its cache of a Parquet footer only for a file not modified in the last
seconds; a real lake's parts are hours old, these were just uploaded."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(port: int, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"the S3 server did not listen on 127.0.0.1:{port}")


def upload(lake: Path, endpoint: str) -> float:
    """The lake's ``lake.json`` and ``tables/`` into ``s3://bench/lake``; returns seconds."""
    started = time.perf_counter()
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    s3.create_bucket(Bucket="bench")
    for path in lake.rglob("*"):
        if path.is_file() and (path.name == LAKE_MARKER or "tables" in path.parts):
            s3.upload_file(str(path), "bench", f"lake/{path.relative_to(lake)}")
    return time.perf_counter() - started


def main() -> int:
    args = lake_arguments().parse_args()
    port = free_port()
    server = subprocess.Popen(  # a process of its own, as a store is: not this one's GIL
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    wait_for(port)
    host = "127.0.0.1"
    os.environ.update(
        AWS_ENDPOINT_URL=f"http://{host}:{port}", AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench", AWS_REGION="us-east-1", AWS_EC2_METADATA_DISABLED="true",
    )  # fmt: skip
    try:
        with tempfile.TemporaryDirectory(prefix="bench-lake-s3-") as tmp:
            folder = Path(tmp)
            os.environ["REPLAY_INVESTIGATOR_CACHE"] = str(folder / "cache")
            archive = write_sample_archive(
                folder / "sample.webreplay", sessions=args.sessions, events_per_session=args.events
            )
            store, _ = open_store(archive, folder / "sample.db")
            with store:
                manifest = store.info().get("manifest") or {}
            write_copies(folder / "sample.db", folder / "lake", args.copies)
            marker = {"format": "webreplay-lake", "version": 1, "manifest": manifest}
            (folder / "lake" / LAKE_MARKER).write_text(json.dumps(marker))
            sizes = {
                str(p): p.stat().st_size for p in (folder / "lake" / "tables").rglob("*.parquet")
            }
            uploaded = upload(folder / "lake", os.environ["AWS_ENDPOINT_URL"])
            time.sleep(SETTLE_S)
            with LakeStore(folder / "lake") as local:
                total = local.query("SELECT count(*) FROM sessions").rows[0][0]
                session = local.query("SELECT session_id FROM sessions LIMIT 1").rows[0][0]
                local_times = measure(local, args.repeat)
            started = time.perf_counter()
            with S3LakeStore("s3://bench/lake") as remote:
                open_s = time.perf_counter() - started
                remote_times = measure(remote, args.repeat)
                read = remote.objects.bytes_read
                read.clear()
                replay_queries.events_json(remote.cursor(), session)
                replay_bytes = sum(read.values())
                replay_objects = len(read)
    finally:
        server.terminate()
        server.wait(10)
    events_bytes = sum(size for path, size in sizes.items() if "/events/" in path)
    print(f"lake: {total:,} sessions in {len(sizes)} parts, "
          f"{sum(sizes.values()) / 1e6:.1f} MB (uploaded in {uploaded:.1f} s); "
          f"opened from s3:// in {open_s:.2f} s; queries {args.repeat}x after warm-up")  # fmt: skip
    print(f"  {'query':<28} {'folder':>10} {'s3://':>10}  s3/folder")
    for name in DASHBOARD:
        if name in remote_times:
            ms, base = remote_times[name], local_times[name]
            print(f"  {name:<28} {base:8.1f} ms {ms:8.1f} ms  {ms / base:6.2f}")
    print(f"one session's replay read {replay_bytes / 1e3:.1f} kB from {replay_objects} of the "
          f"events parts ({events_bytes / 1e6:.1f} MB in all)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
