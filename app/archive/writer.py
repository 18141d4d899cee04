"""Write ``.webreplay`` archives (used by the demo generator, the tests and exports)."""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from app import __version__
from app.archive import format as fmt
from app.archive.model import SessionMeta, iso_from_ms


def _ndjson_gz(records: Iterable[Mapping[str, Any]]) -> bytes:
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=6, mtime=0) as gz:
        for record in records:
            gz.write(json.dumps(record, separators=(",", ":"), ensure_ascii=False).encode())
            gz.write(b"\n")
    return buffer.getvalue()


class ArchiveWriter:
    """Build an archive session by session; the manifest is written on :meth:`close`.

    Layout (see ``resources/format/README.md``): ``mimetype`` first and stored, then per
    session ``sessions/<id>/session.json``, ``events.ndjson.gz`` and ``rum.ndjson.gz``,
    optional ``sourcemaps/*.map``, and ``manifest.json`` last.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        application: Mapping[str, str] | None = None,
        producer: Mapping[str, str] | None = None,
        conversion_goals: Iterable[Mapping[str, Any]] = (),
        apdex: Mapping[str, Mapping[str, int]] | None = None,
        releases: Iterable[Mapping[str, Any]] = (),
        format_version: str = fmt.format_version_string(),
    ) -> None:
        self.path = Path(path)
        self._zip = zipfile.ZipFile(self.path, "w", compression=zipfile.ZIP_DEFLATED)
        mimetype = zipfile.ZipInfo(fmt.MIMETYPE_MEMBER)
        mimetype.compress_type = zipfile.ZIP_STORED
        self._zip.writestr(mimetype, fmt.MIMETYPE)
        self._manifest: dict[str, Any] = {
            "format": fmt.FORMAT_NAME,
            "format_version": format_version,
            "producer": dict(producer or {"name": "Replay Investigator", "version": __version__}),
            "application": dict(application or {}),
            "conversion_goals": [dict(goal) for goal in conversion_goals],
            "apdex": {k: dict(v) for k, v in (apdex or fmt.DEFAULT_APDEX).items()},
            "releases": [dict(release) for release in releases],
            "source_maps": [],
        }
        self._session_ids: list[str] = []
        self._start: int | None = None
        self._end: int | None = None
        self._closed = False

    def add_session(
        self,
        meta: SessionMeta,
        events: Iterable[Mapping[str, Any]],
        rum: Iterable[Mapping[str, Any]] = (),
    ) -> None:
        """Add one session: its metadata, rrweb events and RUM records (see the format doc)."""
        sid = meta.session_id
        if not fmt.SESSION_ID_PATTERN.match(sid):
            raise ValueError(f"session id {sid!r} is not allowed in an archive")
        if sid in self._session_ids:
            raise ValueError(f"session {sid!r} was added twice")
        events = list(events)
        if meta.started_at_ms is None and events:
            meta.started_at_ms = min(int(e["timestamp"]) for e in events)
        if meta.ended_at_ms is None and events:
            meta.ended_at_ms = max(int(e["timestamp"]) for e in events)
        stored = zipfile.ZIP_STORED
        self._zip.writestr(
            fmt.session_member(sid, fmt.SESSION_META),
            json.dumps(meta.to_json(), indent=1, ensure_ascii=False),
        )
        self._zip.writestr(
            fmt.session_member(sid, fmt.SESSION_EVENTS), _ndjson_gz(events), compress_type=stored
        )
        self._zip.writestr(
            fmt.session_member(sid, fmt.SESSION_RUM), _ndjson_gz(rum), compress_type=stored
        )
        self._session_ids.append(sid)
        for moment in (meta.started_at_ms, meta.ended_at_ms):
            if moment is not None:
                self._start = moment if self._start is None else min(self._start, moment)
                self._end = moment if self._end is None else max(self._end, moment)

    def add_source_map(self, source_url: str, map_text: str, name: str | None = None) -> None:
        """Store a source map for a script URL, so stack traces can be resolved offline."""
        name = name or (source_url.rstrip("/").rsplit("/", 1)[-1] or "script.js") + ".map"
        path = f"{fmt.SOURCEMAPS_DIR}{name}"
        self._zip.writestr(path, map_text)
        self._manifest["source_maps"].append({"source_url": source_url, "path": path})

    def close(self, extra_manifest: Mapping[str, Any] | None = None) -> None:
        if self._closed:
            return
        manifest = dict(self._manifest)
        manifest["session_count"] = len(self._session_ids)
        manifest["sessions"] = list(self._session_ids)
        if self._start is not None and self._end is not None:
            manifest["time_range"] = {
                "start": iso_from_ms(self._start),
                "end": iso_from_ms(self._end),
            }
        manifest.update(extra_manifest or {})
        self._zip.writestr(fmt.MANIFEST_MEMBER, json.dumps(manifest, indent=1, ensure_ascii=False))
        self._zip.close()
        self._closed = True

    def __enter__(self) -> ArchiveWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self._zip.close()
