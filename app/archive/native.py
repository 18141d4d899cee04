"""Reader of the native ``.webreplay`` archive (a zip; see ``resources/format/README.md``).

The reader validates the container (``mimetype`` first, manifest, version, member safety)
when opened and then hands out sessions one at a time; event members are copied out as
bounded, line-complete NDJSON for DuckDB to read, so no event is parsed in Python.
"""

from __future__ import annotations

import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from app.archive import format as fmt
from app.archive.model import SessionMeta
from app.archive.problems import ReadWarning, UnreadableFile
from app.archive.safety import (
    DEFAULT_LIMITS,
    InflateResult,
    Limits,
    UnsafeInput,
    gunzip_lines,
    load_small_json,
    unsafe_member_reason,
)
from app.archive.validate import schema_problem

# What reading a damaged member can raise: zipfile's own errors, a corrupt deflate stream
# (zlib.error is none of the others), a cut file, and a compression method or header flag
# zipfile does not implement (a flipped bit is enough).
MEMBER_ERRORS = (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError)


@dataclass(frozen=True)
class SessionEntry:
    """Where one session's members live inside the archive."""

    session_id: str
    meta: zipfile.ZipInfo
    events: zipfile.ZipInfo
    rum: zipfile.ZipInfo | None


def is_native_archive(head: bytes) -> bool:
    """True when the first bytes are a zip whose first member is our stored ``mimetype``."""
    return head.startswith(b"PK\x03\x04") and head[30:38] == b"mimetype"


class ArchiveReader:
    """Open and validate a ``.webreplay`` archive; iterate its sessions.

    Raises :class:`UnreadableFile` when the container itself cannot be used. Problems that
    only cost some sessions are collected in :attr:`warnings` and the rest stays readable.
    """

    format = "replay-archive"

    def __init__(self, path: str | Path, limits: Limits = DEFAULT_LIMITS) -> None:
        self.path = Path(path)
        self.limits = limits
        self.warnings: list[ReadWarning] = []
        self.skipped_sessions: list[str] = []
        try:
            self._zip = zipfile.ZipFile(self.path)
        except zipfile.BadZipFile as exc:
            raise UnreadableFile(self.path, f"the zip container is damaged ({exc})") from None
        except OSError as exc:
            raise UnreadableFile(self.path, f"cannot be read ({exc.strerror or exc})") from None
        try:
            self._check_container()
            self.manifest = self._read_manifest()
            self._entries = self._collect_sessions()
        except BaseException:
            self._zip.close()
            raise

    # ---- opening -------------------------------------------------------------------------
    def warn(self, message: str, session_id: str | None = None) -> None:
        self.warnings.append(ReadWarning(self.path.name, message, session_id))

    def _check_container(self) -> None:
        infos = self._zip.infolist()
        if not infos or infos[0].filename != fmt.MIMETYPE_MEMBER:
            raise UnreadableFile(
                self.path, "is a zip file but not a .webreplay archive (no leading 'mimetype')"
            )
        try:
            with self._zip.open(infos[0]) as member:
                raw = member.read(200)
        except MEMBER_ERRORS as exc:
            raise UnreadableFile(self.path, f"its 'mimetype' member is damaged ({exc})") from None
        mimetype = raw.decode("ascii", errors="replace").strip()
        if mimetype != fmt.MIMETYPE:
            raise UnreadableFile(
                self.path, f"is a zip of type '{mimetype}', not a .webreplay session archive"
            )
        self._unsafe: set[str] = set()
        seen: dict[str, int] = {}
        for info in infos:
            seen[info.filename] = seen.get(info.filename, 0) + 1
            reason = unsafe_member_reason(info, self.limits)
            if reason:
                self._unsafe.add(info.filename)
                self.warn(f"{reason}; it was not read")
        for name, count in seen.items():
            # Tools disagree on which copy counts (zipfile reads the last): say which did.
            if count > 1:
                self.warn(f"member '{name}' appears {count} times; only its last copy was read")

    def _read_small_json(self, info: zipfile.ZipInfo, what: str) -> Any:
        if info.file_size > self.limits.metadata_bytes:
            raise UnsafeInput(f"{what} declares {info.file_size:,} bytes, over the limit")
        with self._zip.open(info) as member:
            raw = member.read(self.limits.metadata_bytes + 1)
        return load_small_json(raw, what, self.limits.metadata_bytes)

    def _read_manifest(self) -> dict[str, Any]:
        try:
            info = self._zip.getinfo(fmt.MANIFEST_MEMBER)
        except KeyError:
            raise UnreadableFile(self.path, "has no manifest.json; it is incomplete") from None
        if info.filename in self._unsafe:
            raise UnreadableFile(self.path, "its manifest.json was refused (see warnings)")
        copies = sum(i.filename == fmt.MANIFEST_MEMBER for i in self._zip.infolist())
        if copies > 1:
            # Which copy counts differs between zip tools: an archive can show one thing
            # to a checker and another to us. Refuse instead of guessing.
            raise UnreadableFile(
                self.path, f"holds {copies} copies of manifest.json; it is ambiguous, refused"
            )
        try:
            manifest = self._read_small_json(info, "manifest.json")
        except (UnsafeInput, *MEMBER_ERRORS) as exc:
            raise UnreadableFile(self.path, str(exc)) from None
        if not isinstance(manifest, dict):
            raise UnreadableFile(self.path, "manifest.json is not a JSON object")
        try:
            warning = fmt.check_version(manifest.get("format_version"))
        except fmt.UnsupportedVersion as exc:
            raise UnreadableFile(self.path, str(exc)) from None
        if warning:
            self.warn(warning)
        problem = schema_problem("manifest", manifest)
        if problem:
            raise UnreadableFile(self.path, f"manifest.json is invalid: {problem}")
        return manifest

    def _collect_sessions(self) -> list[SessionEntry]:
        members: dict[str, dict[str, zipfile.ZipInfo]] = {}
        for info in self._zip.infolist():
            name = info.filename
            if not name.startswith(fmt.SESSIONS_DIR) or name in self._unsafe:
                continue
            parts = name[len(fmt.SESSIONS_DIR) :].split("/")
            if len(parts) == 2 and parts[1]:
                members.setdefault(parts[0], {})[parts[1]] = info
        listed = self.manifest.get("sessions")
        order = list(dict.fromkeys(listed)) if isinstance(listed, list) else sorted(members)
        if isinstance(listed, list):
            times = Counter(s for s in listed if isinstance(s, str))  # not list.count: O(n²)
            for sid in sorted(s for s, n in times.items() if n > 1):
                self.warn(
                    f"session '{sid}' is listed {times[sid]} times in the manifest; "
                    "it was read once"
                )
        for sid in sorted(set(members) - set(order)):
            self.warn(f"session folder '{sid}' is not listed in the manifest; read anyway")
            order.append(sid)
        entries: list[SessionEntry] = []
        for sid in order:
            files = members.get(sid, {})
            meta, events = files.get(fmt.SESSION_META), files.get(fmt.SESSION_EVENTS)
            if not fmt.SESSION_ID_PATTERN.match(sid):
                self.skip(sid, "its id is not allowed in an archive")
            elif meta is None or events is None:
                missing = [
                    n
                    for n, i in ((fmt.SESSION_META, meta), (fmt.SESSION_EVENTS, events))
                    if i is None
                ]
                self.skip(sid, f"{' and '.join(missing)} missing")
            else:
                entries.append(SessionEntry(sid, meta, events, files.get(fmt.SESSION_RUM)))
        count = self.manifest.get("session_count")
        if isinstance(count, int) and count != len(order):
            self.warn(f"the manifest announces {count} sessions but the archive holds {len(order)}")
        return entries

    def skip(self, session_id: str, why: str) -> None:
        self.skipped_sessions.append(session_id)
        self.warn(f"session skipped: {why}", session_id)

    # ---- reading -------------------------------------------------------------------------
    @property
    def sessions(self) -> list[SessionEntry]:
        return list(self._entries)

    def read_meta(self, entry: SessionEntry) -> SessionMeta | None:
        """The session's metadata, or ``None`` (with a warning) when it is unusable."""
        try:
            doc = self._read_small_json(entry.meta, f"sessions/{entry.session_id}/session.json")
        except UnsafeInput as exc:
            self.skip(entry.session_id, str(exc))
            return None
        except MEMBER_ERRORS as exc:
            self.skip(entry.session_id, f"session.json cannot be read from the zip ({exc})")
            return None
        if not _plainly_valid_session(doc):  # the full schema check is slow; run it on doubt
            problem = schema_problem("session", doc)
            if problem:
                self.skip(entry.session_id, f"session.json is invalid: {problem}")
                return None
        if doc["id"] != entry.session_id:
            self.skip(entry.session_id, f"session.json names another session ('{doc['id']}')")
            return None
        try:
            return SessionMeta.from_json(doc)
        except (ValueError, TypeError, AttributeError) as exc:
            self.skip(entry.session_id, f"session.json is invalid: {exc}")
            return None

    def extract(self, info: zipfile.ZipInfo, sink: IO[bytes]) -> InflateResult:
        """Inflate one gzip NDJSON member into ``sink`` (complete non-blank lines, bounded;
        see :func:`gunzip_lines`)."""
        try:
            with self._zip.open(info) as member:
                return gunzip_lines(
                    member, sink, compressed_size=info.compress_size, limits=self.limits
                )
        except MEMBER_ERRORS as exc:
            return InflateResult(problem=f"cannot be read from the zip ({exc})")

    def source_maps(self) -> Iterator[tuple[str, str]]:
        """``(script URL, source map text)`` for every readable map the manifest lists."""
        for item in self.manifest.get("source_maps") or []:
            path = item["path"]
            if path in self._unsafe:
                continue
            try:
                info = self._zip.getinfo(path)
                with self._zip.open(info) as member:
                    raw = member.read(self.limits.metadata_bytes + 1)
                if len(raw) > self.limits.metadata_bytes:
                    raise UnsafeInput("too large")
                yield item["source_url"], raw.decode("utf-8")
            except (KeyError, UnsafeInput, UnicodeDecodeError, *MEMBER_ERRORS) as exc:
                self.warn(f"source map '{path}' could not be read ({exc})")

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> ArchiveReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_OPTIONAL_TEXT = (
    "user_id",
    "browser",
    "os",
    "device",
    "country",
    "city",
    "entry_url",
    "release",
    "user_agent",
)
_KNOWN_KEYS = {"id", "started_at", "ended_at", "screen", "extra", *_OPTIONAL_TEXT}


def _plainly_valid_session(doc: Any) -> bool:
    """A fast check that implies ``session.schema.json`` holds (used to skip jsonschema).

    It accepts only the common, obviously valid shape; anything else goes to the schema,
    which then names the problem. ``tests/archive`` checks the two agree.
    """
    if not isinstance(doc, dict) or not _KNOWN_KEYS.issuperset(doc):
        return False
    if not all(isinstance(doc.get(k), str) for k in ("id", "started_at", "ended_at")):
        return False
    if not fmt.SESSION_ID_PATTERN.match(doc["id"]):
        return False
    if not all(isinstance(doc.get(k), str | None) for k in _OPTIONAL_TEXT):
        return False
    screen = doc.get("screen", {})
    if not isinstance(screen, dict) or not all(
        type(v) is int for k, v in screen.items() if k in ("width", "height")
    ):
        return False
    return isinstance(doc.get("extra", {}), dict)
