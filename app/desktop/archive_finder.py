"""Find the archive a link names, by content key, among the files the user keeps.

Why by content: a link travels to another machine, where the archive lives under another
folder or name. Its content key (:func:`app.store.cache.content_key`) is cheap for zip
archives (their central directory) and needs no ingest, so the places a user keeps archives
can be tried one by one: each recent file, the path hint, then the other files of the
recent files' folders and of the hint's folder. Only regular files are read (a FIFO or a
device named by a hostile hint would block or never end) and a folder is tried only when
it is a recent entry or the hint itself. No Qt: the window runs it as a task.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from app.store.cache import content_key

MAX_FOLDER_FILES = 500
"""Files tried per folder (a Downloads folder can hold thousands)."""


@dataclass
class ArchiveSearch:
    """Where the archive was found (None: nowhere), and what was tried, for the message."""

    key: str
    found: Path | None = None
    tried: int = 0
    folders: list[Path] = field(default_factory=list)

    def describe(self, name: str = "") -> str:
        """What was looked for and where, in a sentence."""
        what = f"'{name}' (content key {self.key})" if name else f"content key {self.key}"
        where = ", ".join(str(f) for f in self.folders[:5]) or "no folder"
        more = f" and {len(self.folders) - 5} more" if len(self.folders) > 5 else ""
        return (
            f"Looked for the archive {what} in {self.tried} files: the recent files, the "
            f"link's path hint and the folders {where}{more}."
        )


def _hint_path(hint: str) -> Path | None:
    path = Path(hint) if hint else None
    return path if path is not None and path.is_absolute() else None


def candidates(recent: Sequence[str | Path], hint: str = "") -> Iterator[Path]:
    """Paths worth a content key, most likely first, each once."""
    hinted = _hint_path(hint)
    name = Path(hint.replace("\\", "/")).name if hint else ""
    entries = [Path(p) for p in recent]
    first = [*entries, *([hinted] if hinted else [])]
    folders = list(dict.fromkeys(p.parent for p in first))
    yield from first
    for folder in folders:  # a file of the hinted name beside a recent archive
        if name:
            yield folder / name
    for folder in folders:
        yield from _folder_files(folder)


def _folder_files(folder: Path) -> list[Path]:
    try:
        names = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    except OSError:
        return []
    return [p for p in names if _is_regular(p)][:MAX_FOLDER_FILES]


def _is_regular(path: Path) -> bool:
    try:
        return path.is_file() and not path.is_symlink()
    except OSError:
        return False


def find_archive(
    key: str,
    recent: Sequence[str | Path],
    hint: str = "",
    *,
    key_of: Callable[[Path], str] = content_key,
    cancelled: Callable[[], bool] = lambda: False,
) -> ArchiveSearch:
    """The first candidate whose content key is ``key`` (run it on a worker thread)."""
    search = ArchiveSearch(key)
    seen: set[Path] = set()
    allowed_folders = {Path(p) for p in recent} | ({_hint_path(hint)} - {None})
    for path in candidates(recent, hint):
        if cancelled():
            break
        if path in seen:
            continue
        seen.add(path)
        if path.parent not in search.folders:
            search.folders.append(path.parent)
        try:
            usable = _is_regular(path) or (path in allowed_folders and path.is_dir())
            if not usable:
                continue
            search.tried += 1
            if key_of(path) == key:
                search.found = path
                return search
        except OSError:
            continue  # unreadable, or gone since it was listed
    return search
