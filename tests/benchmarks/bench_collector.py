"""Load test of the collector on loopback: N simulated recorders for a bounded time, a
``kill -9`` of the collector in the middle, and a count of acknowledged batches afterwards.

Run: ``.venv/bin/python tests/benchmarks/bench_collector.py [--recorders 16] [--seconds 60]``

Each simulated recorder posts its session's batches one after another over a keep-alive
connection, as ``recorder.js`` does (~10 kB each: clicks, their actions and a mutation),
and starts a new session after its ``final`` batch; a refused or failed post is retried
after 100 ms (the recorder retries too). A batch counts as acknowledged when the collector
answered 200. Half-way through, the collector is killed with SIGKILL and started again on
the same port. At the end the lake is compacted (every session ended) and every
acknowledged batch is looked for in the lake's ``actions`` table by its actions' ids.
Figures: batches/s acknowledged, p95 acknowledgement latency, the collector's CPU (share of
one core, user + system, both processes), and acknowledged batches lost (goal: 0).
Loopback only; bounded by ``--seconds`` and ``--recorders``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from figures import Figure  # noqa: E402
from figures import report as report_figures  # noqa: E402

from app.lake.compaction import compact_lake  # noqa: E402
from app.store.lake import LakeStore  # noqa: E402
from tests.lake.collector_process import CollectorProcess, make_batch  # noqa: E402

BATCHES_PER_SESSION = 8


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (``/proc/PID/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def mutation(timestamp: int, node_id: int) -> dict:
    """An rrweb mutation adding ~8 kB of text: batches the size real pages send."""
    node = {"type": 3, "textContent": "lorem ipsum " * 700, "id": node_id}
    data = {"source": 0, "texts": [], "attributes": [], "removes": [],
            "adds": [{"parentId": 2, "nextId": None, "node": node}]}  # fmt: skip
    return {"type": 3, "timestamp": timestamp, "data": data}


class Recorder(threading.Thread):
    """One simulated page: sessions of :data:`BATCHES_PER_SESSION` batches, retried."""

    def __init__(self, index: int, port: int, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.index, self.port, self.stop = index, port, stop
        self.acked: list[str] = []  # action ids of acknowledged batches
        self.latencies: list[float] = []
        self.failures = 0

    def run(self) -> None:
        connection = None
        session = 0
        while not self.stop.is_set():
            session += 1
            sid = f"load-{self.index}-{session}"
            started = int(time.time() * 1000)
            for seq in range(1, BATCHES_PER_SESSION + 1):
                batch = make_batch(sid, seq, started, final=seq == BATCHES_PER_SESSION,
                                   clicks=3, spacing_ms=2_000)  # fmt: skip
                batch["events"].append(mutation(started + seq, 1000 + seq))
                body = json.dumps(batch).encode()
                while True:
                    if self.stop.is_set() and seq == 1:
                        return
                    try:
                        if connection is None:
                            connection = http.client.HTTPConnection("127.0.0.1", self.port, 5)
                            connection.connect()  # no Nagle: a browser sends at once too
                            connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                        sent = time.perf_counter()
                        connection.request("POST", "/collect", body,
                                           {"Content-Type": "application/json"})  # fmt: skip
                        response = connection.getresponse()
                        response.read()
                        if response.status == 200:
                            self.latencies.append(time.perf_counter() - sent)
                            self.acked.extend(r["id"] for r in batch["rum"])
                            break
                        self.failures += 1
                    except (OSError, http.client.HTTPException):
                        self.failures += 1
                        if connection is not None:
                            connection.close()
                        connection = None
                    time.sleep(0.1)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recorders", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-collector-") as tmp:
        lake = Path(tmp) / "lake"
        port = free_port()
        first = CollectorProcess(lake, port=port)
        stop = threading.Event()
        recorders = [Recorder(k, port, stop) for k in range(args.recorders)]
        began = time.perf_counter()
        for recorder in recorders:
            recorder.start()
        time.sleep(args.seconds / 2)
        cpu = cpu_seconds(first.process.pid)
        acked_before_kill = sum(len(r.acked) for r in recorders) // 3
        first.kill()  # SIGKILL, mid-stream: some requests are in flight
        killed_at = time.perf_counter() - began
        second = CollectorProcess(lake, port=port)
        time.sleep(max(0.0, args.seconds - (time.perf_counter() - began)))
        cpu += cpu_seconds(second.process.pid)
        stop.set()
        for recorder in recorders:
            recorder.join(30)
        wall = time.perf_counter() - began
        second.stop()
        raw = sum(p.stat().st_size for p in (lake / "incoming").rglob("*.ndjson"))
        compacted = time.perf_counter()
        report = compact_lake(lake, finish_all=True)
        compaction_s = time.perf_counter() - compacted
        parquet = sum(p.stat().st_size for p in (lake / "tables").rglob("*.parquet"))
        with LakeStore(lake) as store:
            found = {row[0] for row in store.query("SELECT action_id FROM actions").rows}
    acked = [a for r in recorders for a in r.acked]
    lost = len(set(acked) - found) // 3  # three actions per batch
    batches = len(acked) // 3
    latencies = sorted(x for r in recorders for x in r.latencies)
    if not latencies:
        print("no batch was acknowledged: the collector did not work", file=sys.stderr)
        return 1
    p95 = latencies[int(0.95 * (len(latencies) - 1))] * 1000
    failures = sum(r.failures for r in recorders)
    print(
        f"{args.recorders} recorders for {wall:.1f} s; collector killed (SIGKILL) at "
        f"{killed_at:.1f} s after {acked_before_kill:,} acknowledged batches and restarted"
    )
    print(
        f"acknowledged {batches:,} batches ({batches / wall:,.0f}/s), p50 "
        f"{statistics.median(latencies) * 1000:.1f} ms, p95 {p95:.1f} ms; "
        f"{failures:,} posts failed or refused and were retried"
    )
    print(f"collector CPU {cpu:.1f} s = {100 * cpu / wall:.0f} % of one core")
    print(
        f"compaction: {report.describe()} in {compaction_s:.1f} s; "
        f"{raw / 1e6:,.1f} MB of batches became {parquet / 1e6:,.1f} MB of Parquet"
    )
    print(f"acknowledged batches missing from the lake: {lost}")
    figures = [
        Figure("collector: acknowledged batches per second (loopback, fsync each)",
               batches / wall, "/s", "report", True,
               f"{args.recorders} recorders, CPU {100 * cpu / wall:.0f} % of a core"),
        Figure("collector: p95 acknowledgement latency", p95, "ms", "report", True,
               f"p50 {statistics.median(latencies) * 1000:.1f} ms"),
        Figure("collector: acknowledged batches lost across kill -9", lost, "batches",
               "= 0", lost == 0, f"{batches:,} acknowledged"),
    ]  # fmt: skip
    report_figures(figures)
    return 0 if lost == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
