"""Coverage-guided fuzzing of the readers with atheris (opt-in; not part of ``pytest``).

Why beside the hypothesis tests: libFuzzer keeps inputs that reach new code, so it digs
into the zip, gzip and JSON handling far deeper than random mutation does in the same time.
The property is the same (``tests/archive/fuzz_inputs.check_file``): a store or a clear
``UnreadableFile``; anything else is a crash libFuzzer saves as ``crash-<hash>``.

libFuzzer's last line ("Done N runs") is the number of inputs fuzzed.
The first byte of an input picks where the rest goes: the file itself, gzipped, or as an
archive's events, RUM, manifest or session.json (so the bytes pass the container checks).
Run (see README, "Fuzzing")::

    .venv/bin/pip install atheris
    .venv/bin/python tests/fuzz/fuzz_readers.py -max_total_time=600 build/fuzz-corpus
"""

from __future__ import annotations

import gzip
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

import atheris  # noqa: E402

with atheris.instrument_imports(include=["app"]):
    from tests.archive import fuzz_inputs as fz

WRAPPERS = ("file", "gzip", "events", "rum", "manifest", "session")
WORK = Path(tempfile.mkdtemp(prefix="ri-atheris-"))


def wrap(kind: str, body: bytes) -> tuple[str, bytes]:
    """The file to judge: ``body`` placed by ``kind`` (see the module docstring)."""
    if kind == "file":
        return "input.json", body
    if kind == "gzip":
        return "input.json.gz", gzip.compress(body, mtime=0)
    if kind in ("events", "rum"):
        target = f"sessions/s0/{kind}.ndjson.gz"
        return "input.webreplay", fz.rewrite_zip(
            fz.seeds()["archive.webreplay"],
            lambda name, data: gzip.compress(body, mtime=0) if name == target else data,
        )
    target = "manifest.json" if kind == "manifest" else "sessions/s0/session.json"
    return "input.webreplay", fz.rewrite_zip(
        fz.seeds()["archive.webreplay"], lambda name, data: body if name == target else data
    )


def one_input(data: bytes) -> None:
    if not data:
        return
    name, content = wrap(WRAPPERS[data[0] % len(WRAPPERS)], data[1:])
    fz.check_bytes(content, name, WORK)


def write_seed_corpus(folder: Path) -> None:
    """Start libFuzzer from the real seeds (and an archive's members) when the folder is new."""
    import io
    import zipfile

    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        return
    for index, (name, data) in enumerate(fz.seeds().items()):
        (folder / f"seed-{index}-{name}").write_bytes(bytes([0]) + data)
    with zipfile.ZipFile(io.BytesIO(fz.seeds()["archive.webreplay"])) as archive:
        members = {
            2: gzip.decompress(archive.read("sessions/s0/events.ndjson.gz")),
            3: gzip.decompress(archive.read("sessions/s0/rum.ndjson.gz")),
            4: archive.read("manifest.json"),
            5: archive.read("sessions/s0/session.json"),
        }
    for kind, body in members.items():
        (folder / f"seed-member-{WRAPPERS[kind]}").write_bytes(bytes([kind]) + body)


def main() -> None:
    corpus = [Path(a) for a in sys.argv[1:] if not a.startswith("-")]
    for folder in corpus:
        write_seed_corpus(folder)
    flags = [a for a in sys.argv if a.startswith("-")]
    defaults = ["-rss_limit_mb=3072", "-timeout=120", "-max_len=262144"]
    argv = [sys.argv[0], *defaults, *flags, *map(str, corpus)]
    atheris.Setup(argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
