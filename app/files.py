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


def aside_path(target: str | Path) -> Path:
    """Where a folder ``target``'s previous content waits while the new one is renamed in."""
    target = Path(target)
    return target.with_name(f".{target.name}.previous")


@contextmanager
def atomic_output(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path to write; it replaces ``target`` only if the block completes.

    Works for a file or a folder written at the yielded path. When the block raises (or the
    process dies) the target keeps its previous content; the temporary file is removed
    (after a crash it stays hidden beside the target and is replaced by the next write).

    A folder cannot be renamed over a folder in one step, so the previous one is first
    renamed aside (:func:`aside_path`), the new one renamed in, and only then the previous
    one removed: at every moment one complete folder exists under one of the two names, and
    :func:`recover_previous` (run by the next write and by :func:`discard_partial`) puts
    the previous one back if a crash came between the two renames.
    """
    target = Path(target)
    part = partial_path(target)
    recover_previous(target)
    _remove(part)
    try:
        yield part
        if part.is_dir() and target.is_dir():
            _swap_folder(part, target)
        else:
            os.replace(part, target)
    finally:
        _remove(part)


def _swap_folder(new: Path, target: Path) -> None:
    aside = aside_path(target)
    os.replace(target, aside)
    try:
        os.replace(new, target)
    except BaseException:
        os.replace(aside, target)  # the previous folder stays the answer
        raise
    _remove(aside)


def recover_previous(target: str | Path) -> None:
    """Finish or undo a folder swap that a crash interrupted (see :func:`atomic_output`).

    The previous folder renamed aside goes back under ``target`` when nothing replaced it;
    when the new folder did arrive, only the removal of the previous one was lost.
    """
    target = Path(target)
    aside = aside_path(target)
    if not aside.exists():
        return
    if target.exists():
        _remove(aside)
    else:
        os.replace(aside, target)


def discard_partial(target: str | Path) -> None:
    """Remove what a write to ``target`` left under its temporary name (a killed writer),
    restoring the previous folder if the writer was killed while swapping it."""
    recover_previous(target)
    _remove(partial_path(target))


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
