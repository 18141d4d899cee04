"""Crash safety: ``kill -9`` at random moments loses no committed finding and leaves no
half-built store behind; a damaged store cache is noticed and rebuilt on the next open.

The number of kill runs is ``REPLAY_KILL_RUNS`` (default 8 for findings, 3 for ingests;
the long run in README sets it to a few hundred).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.archive.sample import write_sample_archive
from app.store.cache import seal_path
from app.store.filters import SessionFilter
from app.store.findings import FindingsStore
from app.store.open import open_store
from app.store.queries import overview as overview_queries

REPO = Path(__file__).resolve().parents[2]
KILL_RUNS = int(os.environ.get("REPLAY_KILL_RUNS", "0"))

# Saves, edits and deletes findings for ever; prints each change once it is committed.
WRITER = """
import random, sys
from dataclasses import replace
from app.store.findings import Finding, FindingsStore
store = FindingsStore(sys.argv[1])
rng = random.Random(int(sys.argv[2]))
mine = []
for n in range(10**6):
    roll = rng.random()
    if mine and roll < 0.2:
        victim = mine.pop(rng.randrange(len(mine)))
        print("will-delete", victim.id, flush=True)
        store.delete(victim.id)
        print("deleted", victim.id, flush=True)
    else:
        if mine and roll < 0.45:
            change = replace(mine.pop(), title=f"edit {n}")
        else:
            change = Finding("arch", "s1", n, f"finding {n}", note="x" * rng.randrange(5000))
        print("will-save", change.id, change.title, flush=True)
        mine.append(store.save(change))
        print("saved", change.id, change.title, flush=True)
"""


def _kill_at_random(command: list[str], seed: int, after_s: tuple[float, float]) -> list[str]:
    """Run ``command``, kill -9 it after a random time, return the lines it printed."""
    proc = subprocess.Popen(
        command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    time.sleep(random.Random(seed).uniform(*after_s))
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.stdout is not None
    lines = proc.stdout.read().splitlines()
    proc.stdout.close()
    return lines


@pytest.mark.parametrize("seed", range(KILL_RUNS or 8))
def test_findings_survive_kill_9_at_a_random_moment(tmp_path: Path, seed: int) -> None:
    path = tmp_path / "findings.duckdb"
    if seed % 2:  # half the runs kill a writer whose file already exists
        FindingsStore(path)
    lines = _kill_at_random([sys.executable, "-c", WRITER, str(path), str(seed)], seed, (0.05, 2.5))
    committed: dict[str, str] = {}  # id -> title, as of the last change reported done
    in_flight: tuple[str, ...] = ()  # the change started and not reported done
    for line in lines:
        kind, *rest = line.split(" ", 2)
        if kind.startswith("will-"):
            in_flight = (kind, *rest)
        elif kind == "saved":
            committed[rest[0]] = rest[1]
            in_flight = ()
        elif kind == "deleted":
            committed.pop(rest[0], None)
            in_flight = ()
    with_it = dict(committed)
    if in_flight[:1] == ("will-save",):
        with_it[in_flight[1]] = in_flight[2]
    elif in_flight[:1] == ("will-delete",):
        with_it.pop(in_flight[1], None)
    found = {f.id: f.title for f in FindingsStore(path).for_archive("arch")}
    # Every change reported done is there; the one in flight when killed, all or nothing.
    assert found in (committed, with_it)


INGEST = """
import sys
from app.store.ingest import ingest_file
ingest_file(sys.argv[1], sys.argv[2], force=True)
print("done", flush=True)
"""


@pytest.fixture(scope="module")
def medium_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("medium")
    return write_sample_archive(folder / "medium.webreplay", sessions=300, events_per_session=400)


@pytest.mark.parametrize("seed", range(KILL_RUNS // 4 or 3))
def test_a_killed_ingest_leaves_nothing_and_the_next_open_works(
    tmp_path: Path, medium_archive: Path, seed: int
) -> None:
    db = tmp_path / "stores" / "medium.duckdb"
    db.parent.mkdir()
    lines = _kill_at_random(
        [sys.executable, "-c", INGEST, str(medium_archive), str(db)], seed, (0.3, 2.0)
    )
    store, result = open_store(medium_archive, db)
    with store:
        assert overview_queries.summary(store.cursor(), SessionFilter()).sessions == 300
    leftovers = [p.name for p in db.parent.iterdir() if p.name not in (db.name, db.name + ".seal")]
    assert leftovers == []
    assert result.reused == (lines == ["done"])  # a finished ingest is reused, else rebuilt


def _damage(db: Path, how: str) -> None:
    data = db.read_bytes()
    if how == "truncated":
        db.write_bytes(data[: len(data) // 2])
    elif how == "overwritten in the middle":
        middle = len(data) // 2
        db.write_bytes(data[:middle] + os.urandom(256 * 1024) + data[middle + 256 * 1024 :])
    elif how == "not sealed":
        seal_path(db).unlink()
    elif how == "garbage":
        db.write_bytes(b"not a database at all" * 1000)
    elif how == "seal of another store":
        seal_path(db).write_text('{"size": 1, "digest": "00"}', encoding="utf-8")


@pytest.mark.parametrize(
    "how",
    ["truncated", "overwritten in the middle", "not sealed", "garbage", "seal of another store"],
)
def test_a_damaged_store_cache_is_rebuilt_on_open(
    tmp_path: Path, medium_archive: Path, how: str
) -> None:
    db = tmp_path / "medium.duckdb"
    store, first = open_store(medium_archive, db)
    store.close()
    assert not first.reused
    _damage(db, how)
    store, again = open_store(medium_archive, db)
    with store:
        count = store.query("SELECT count(*) FROM events").rows[0][0]
    assert not again.reused and count == 300 * 400
    store, third = open_store(medium_archive, db)
    store.close()
    assert third.reused
