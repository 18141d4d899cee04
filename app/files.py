"""Writing output files so that a failed or killed write never leaves a partial file.

Why: an export the user starts may fail half-way (a full disk, a browser engine that does
not answer, Cancel, ``kill -9``). A reader of the target name must then find either the
previous complete file or nothing, never a truncated report. Everything is written under a
temporary name beside the target (same directory, so the final rename is atomic) and renamed
into place only when complete.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def partial_path(target: str | Path) -> Path:
    """The temporary name a write to ``target`` goes to (hidden, beside it)."""
    target = Path(target)
    return target.with_name(f".{target.name}.part")


@contextmanager
def atomic_output(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path to write; it replaces ``target`` only if the block completes.

    Works for a file or a folder written at the yielded path. When the block raises (or the
    process dies) the target keeps its previous content; the temporary file is removed
    (after a crash it stays hidden beside the target and is replaced by the next write).
    """
    target = Path(target)
    part = partial_path(target)
    _remove(part)
    try:
        yield part
        if part.is_dir() and target.is_dir():
            _remove(target)
        os.replace(part, target)
    finally:
        _remove(part)


def discard_partial(target: str | Path) -> None:
    """Remove what a write to ``target`` left under its temporary name (a killed writer)."""
    _remove(partial_path(target))


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
