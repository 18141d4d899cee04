"""A folder of recordings, read as one investigation.

People keep recordings in folders: one file per session, or one file per blob or payload of
a session. Every file inside (recursively) is recognised by content like a single file;
files that are not recordings are listed as warnings, not errors. One session per
recording, except that files carrying the same session id in their content (PostHog blobs
sharing a window id, Highlight payloads of one ``session_secure_id``, exports of one
PostHog session) are parts of one session: their events are streamed one file after the
other, earliest first. Ids made from file names are never joined; a repeated one gets a
suffix, so every session stays apart.

Hidden files and folders (names starting with a dot) and symbolic links are skipped: they
are version-control or editor leftovers, and a link may lead out of the folder or round in
a circle.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from app.archive.model import SessionMeta
from app.archive.native import ArchiveReader
from app.archive.problems import ReadWarning, UnreadableFile
from app.archive.recording import NO_FULL_SNAPSHOT, RecordedSession, RecordingFile
from app.archive.safety import DEFAULT_LIMITS, Limits

MAX_FILES = 100_000


def folder_files(folder: Path) -> list[Path]:
    """The regular files a folder's investigation reads, in a stable order."""
    found: list[Path] = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(root) / name
            if not name.startswith(".") and not path.is_symlink() and path.is_file():
                found.append(path)
                if len(found) >= MAX_FILES:
                    return found
    return found


class FolderSource:
    """Every recording in a folder; sessions joined by the ids their files carry.

    ``open_file`` recognises one file (it is :func:`app.archive.detect.open_recording`,
    passed in because that module imports this one).
    """

    format = "folder"

    def __init__(
        self,
        path: Path,
        open_file: Callable[[Path, Limits], Any],
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        self.path = path
        self.limits = limits
        self.skipped_sessions: list[str] = []
        self.manifest: dict[str, Any] = {}
        self._own: list[ReadWarning] = []
        self.archives: list[ArchiveReader] = []
        self.recordings: list[RecordingFile] = []
        self._ids: set[str] = set()
        files = folder_files(path)
        if len(files) >= MAX_FILES:
            self.warn(f"only the first {MAX_FILES:,} files of the folder were read")
        formats: dict[str, int] = {}
        for file in files:
            try:
                source = open_file(file, limits)
            except UnreadableFile as exc:
                self._own.append(ReadWarning(self._name(file), f"not read: {exc.problem}"))
                continue
            formats[source.format] = formats.get(source.format, 0) + 1
            if isinstance(source, ArchiveReader):
                self.archives.append(source)
            else:
                self.recordings.append(source)
        self.manifest = {"folder": {"files": len(files), "formats": formats}}

    @property
    def warnings(self) -> list[ReadWarning]:
        """The folder's own warnings, then each file's (named by their path inside)."""
        out = list(self._own)
        for source in [*self.archives, *self.recordings]:
            name = self._name(source.path)
            out.extend(ReadWarning(name, w.message, w.session_id) for w in source.warnings)
        return out

    def warn(self, message: str, session_id: str | None = None) -> None:
        self._own.append(ReadWarning(self.path.name, message, session_id))

    def _name(self, file: Path) -> str:
        try:
            return file.relative_to(self.path).as_posix()
        except ValueError:
            return file.name

    def unique_id(self, session_id: str) -> str:
        """``session_id``, or with a suffix when another file already used it."""
        candidate, number = session_id, 1
        while candidate in self._ids:
            number += 1
            candidate = f"{session_id}-{number}"
        self._ids.add(candidate)
        return candidate

    def close(self) -> None:
        for archive in self.archives:
            archive.close()

    def sessions(self) -> Iterator[RecordedSession]:
        """One session per recording, parts of a session (same carried id) joined."""
        groups: dict[str, list[tuple[RecordingFile, RecordedSession]]] = {}
        for source in self.recordings:
            try:
                parts = list(source.sessions())
            except UnreadableFile as exc:
                self._own.append(ReadWarning(self._name(source.path), exc.problem))
                continue
            for part in parts:
                key = part.meta.session_id if part.joinable else f"\0{id(part)}"
                groups.setdefault(key, []).append((source, part))
        for members in groups.values():
            yield self._joined(members)

    def _joined(self, members: list[tuple[RecordingFile, RecordedSession]]) -> RecordedSession:
        first = members[0][1]
        first.meta.session_id = self.unique_id(first.meta.session_id)
        if len(members) == 1:
            return first
        sources = [source for source, _ in members]
        for source in sources:
            source.defer_snapshot_check = True
        parts = [part for _, part in members]
        started = []
        for part in parts:  # earliest part first: peek at each stream's first event
            head = next(part.events, None)
            rest = part.events if head is None else itertools.chain([head], part.events)
            started.append((head["timestamp"] if head else float("inf"), rest, part))
        started.sort(key=lambda item: item[0])
        meta = _merged([p.meta for _, _, p in started], first.meta.session_id)
        sides = [p.side_records for _, _, p in started if p.side_records is not None]

        def side_records(origin_ms: int) -> Iterator[dict[str, Any]]:
            for records in sides:
                yield from records(origin_ms)

        def check_snapshots() -> Iterator[dict[str, Any]]:
            if not any(s.full_snapshots_read for s in sources):
                self.warn(NO_FULL_SNAPSHOT, meta.session_id)
            yield from ()

        return RecordedSession(
            meta,
            itertools.chain(*(rest for _, rest, _ in started), check_snapshots()),
            next((p.person for p in parts if p.person), {}),
            joinable=True,
            side_records=side_records if sides else None,
        )


def _merged(metas: list[SessionMeta], session_id: str) -> SessionMeta:
    """The first part's metadata, its gaps filled from the later parts'."""
    meta = metas[0]
    meta.session_id = session_id
    for other in metas[1:]:
        for name, value in vars(other).items():
            if name == "extra":
                meta.extra = {**value, **meta.extra}
            elif getattr(meta, name) is None and value is not None:
                setattr(meta, name, value)
    return meta
