"""``replay-investigator demo build``: record the demo shop's visits into a ``.webreplay``.

Steps: plan the visits from the seed (:mod:`app.demo.plan`), minify the shop with its
source map (:mod:`app.demo.site`), record shares of the plan in parallel worker processes
(:mod:`app.demo.worker`, one browser engine each), then write the archive in plan order
with the manifest's goals, release and the source map of the shop's bundle.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import IO

from app.archive.model import SessionMeta, iso_from_ms
from app.archive.writer import ArchiveWriter
from app.demo.plan import RELEASE_AFTER, RELEASE_AT_MS, RELEASE_BEFORE, plan_sessions
from app.demo.site import MINIFIED_NAME, SHOP_ORIGIN, build_site
from app.resources import app_command

CONVERSION_GOALS = [
    {
        "id": "purchase",
        "name": "Purchase",
        "type": "destination",
        "url_or_path": "/checkout/thank-you",
        "match_type": "begins",
    }
]


class DemoBuildError(RuntimeError):
    """The demo could not be built; the message says which step failed."""


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def build_demo(
    out: Path,
    *,
    sessions: int = 300,
    seed: int = 7,
    workers: int | None = None,
    progress: Callable[[str], None] = print,
) -> dict[str, object]:
    """Record the demo and write it to ``out``; returns a summary of what was recorded."""
    started = time.monotonic()
    plans = plan_sessions(sessions, seed)
    workers = max(1, min(workers or default_workers(), len(plans)))
    with tempfile.TemporaryDirectory(prefix="demo-build-") as tmp:
        work = Path(tmp)
        site = build_site(work / "site")
        recorded = work / "sessions"
        recorded.mkdir()
        outcomes = _run_workers(sessions, seed, workers, work, recorded, len(plans), progress)
        missing = [
            p.session_id for p in plans if not (recorded / f"{p.session_id}.json.gz").exists()
        ]
        story = [p.session_id for p in plans if p.notes]
        if any(sid in missing for sid in story):
            raise DemoBuildError(f"the story's sessions were not recorded: {', '.join(story)}")
        partial = out.with_name(out.name + ".part")
        out.parent.mkdir(parents=True, exist_ok=True)
        with ArchiveWriter(
            partial,
            application={"name": "performancewear", "url": SHOP_ORIGIN + "/"},
            conversion_goals=CONVERSION_GOALS,
            releases=[
                {"version": RELEASE_BEFORE, "at": iso_from_ms(plans[0].start_ms - 3_600_000),
                 "note": "baseline"},
                {"version": RELEASE_AFTER, "at": iso_from_ms(RELEASE_AT_MS),
                 "note": "new postal-code formatter in the order summary"},
            ],
        ) as writer:  # fmt: skip
            for plan in plans:
                path = recorded / f"{plan.session_id}.json.gz"
                if not path.exists():
                    continue
                with gzip.open(path, "rt", encoding="utf-8") as handle:
                    session = json.load(handle)
                writer.add_session(
                    SessionMeta.from_json(session["meta"]), session["events"], session["rum"]
                )
            writer.add_source_map(
                f"{SHOP_ORIGIN}/static/{MINIFIED_NAME}", site.source_map.read_text(encoding="utf-8")
            )
        os.replace(partial, out)
    summary = {
        "sessions": sessions - len(missing),
        "missing": missing,
        "users": len({p.user.user_id for p in plans}),
        "converted": sum(1 for o in outcomes.values() if o.get("converted")),
        "stuck": sum(1 for o in outcomes.values() if o.get("stuck")),
        "personas": dict(Counter(p.persona for p in plans)),
        "seconds": round(time.monotonic() - started, 1),
        "bytes": out.stat().st_size,
    }
    return summary


def _run_workers(
    sessions: int,
    seed: int,
    workers: int,
    work: Path,
    recorded: Path,
    total: int,
    progress: Callable[[str], None],
) -> dict[str, dict[str, object]]:
    procs = []
    for k in range(1, workers + 1):
        command = [
            *app_command("demo-worker"), "--sessions", str(sessions),
            "--seed", str(seed), "--part", f"{k}/{workers}", "--site", str(work / "site"),
            "--out", str(recorded),
        ]  # fmt: skip
        log = (work / f"worker-{k}.log").open("w")
        procs.append(
            (subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True), log)
        )
    outcomes: dict[str, dict[str, object]] = {}
    failures: list[str] = []
    lock = threading.Lock()

    def follow(stream: IO[str]) -> None:
        for line in stream:
            word, _, rest = line.strip().partition(" ")
            sid, _, detail = rest.partition(" ")
            with lock:
                if word == "done":
                    outcomes[sid] = json.loads(detail or "{}")
                elif word == "failed":
                    failures.append(f"{sid}: {detail}")
                progress(f"recorded {len(outcomes)}/{total} sessions ({len(failures)} failed)")

    readers = [threading.Thread(target=follow, args=(proc.stdout,)) for proc, _ in procs]
    try:
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join()
        for proc, _log in procs:
            proc.wait()
    finally:
        for proc, log in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            if proc.stdout is not None:
                proc.stdout.close()
            log.close()
    for k, (proc, _log) in enumerate(procs, start=1):
        if proc.returncode not in (0, 1):
            log_text = (work / f"worker-{k}.log").read_text(errors="replace")
            tail = "".join(log_text.splitlines(True)[-5:])
            raise DemoBuildError(f"a recording worker stopped with code {proc.returncode}: {tail}")
    for failure in failures:
        progress(f"warning: {failure}")
    return outcomes
