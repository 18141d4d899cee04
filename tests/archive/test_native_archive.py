"""The .webreplay container: layout, round trip, versioning, schema."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import jsonschema
import pytest

from app.archive import format as fmt
from app.archive.native import ArchiveReader, _plainly_valid_session
from app.archive.problems import UnreadableFile
from app.resources import resource_path
from tests.builders import T0, basic_events, write_archive


def test_mimetype_is_the_first_stored_member_so_magic_works(tmp_path: Path) -> None:
    path = write_archive(tmp_path / "a.webreplay")
    with zipfile.ZipFile(path) as archive:
        first = archive.infolist()[0]
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
    head = path.read_bytes()[:100]
    assert head[30:38] == b"mimetype"
    assert head[38 : 38 + len(fmt.MIMETYPE)] == fmt.MIMETYPE.encode()


def test_round_trip_keeps_sessions_metadata_and_events(tmp_path: Path) -> None:
    path = write_archive(tmp_path / "a.webreplay", sessions=3)
    with ArchiveReader(path) as reader:
        assert [e.session_id for e in reader.sessions] == ["s0", "s1", "s2"]
        assert reader.manifest["session_count"] == 3
        assert reader.manifest["apdex"]["xhr"] == {
            "tolerated_threshold_ms": 3000,
            "frustrating_threshold_ms": 12000,
        }
        meta = reader.read_meta(reader.sessions[1])
        assert meta is not None
        assert (meta.user_id, meta.browser, meta.country) == ("u1", "Chrome 131", "Germany")
        assert meta.started_at_ms == T0 + 60_000
        sink = io.BytesIO()
        result = reader.extract(reader.sessions[1].events, sink)
    lines = sink.getvalue().decode().splitlines()
    assert result.problem is None and result.lines == len(basic_events())
    assert [json.loads(line) for line in lines] == basic_events(T0 + 60_000)
    assert reader.warnings == []


def test_newer_minor_version_opens_with_a_warning(tmp_path: Path) -> None:
    path = write_archive(tmp_path / "a.webreplay", format_version="1.7")
    with ArchiveReader(path) as reader:
        assert len(reader.sessions) == 3
        assert any("1.7 is newer" in w.message for w in reader.warnings)


def test_unknown_major_version_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = write_archive(tmp_path / "future.webreplay", format_version="2.0")
    with pytest.raises(UnreadableFile) as caught:
        ArchiveReader(path)
    assert "future.webreplay" in str(caught.value)
    assert "version 2.0 is not supported" in caught.value.problem


def test_written_manifest_and_metadata_satisfy_the_published_schemas(tmp_path: Path) -> None:
    path = write_archive(tmp_path / "a.webreplay", sessions=2)
    manifest_schema = json.loads(resource_path("format", "manifest.schema.json").read_text())
    session_schema = json.loads(resource_path("format", "session.schema.json").read_text())
    with zipfile.ZipFile(path) as archive:
        jsonschema.validate(json.loads(archive.read("manifest.json")), manifest_schema)
        jsonschema.validate(json.loads(archive.read("sessions/s0/session.json")), session_schema)


@pytest.mark.parametrize(
    "doc",
    [
        {"id": "s1", "started_at": "2024-01-01T00:00:00.000Z", "ended_at": "2024-01-01T00:01:00Z"},
        {"id": "s1", "started_at": "x", "ended_at": "y", "browser": None, "screen": {"width": 3}},
        {"id": "s 1", "started_at": "x", "ended_at": "y"},
        {"id": "s1", "started_at": 5, "ended_at": "y"},
        {"id": "s1", "started_at": "x"},
        {"id": "s1", "started_at": "x", "ended_at": "y", "browser": 7},
        {"id": "s1", "started_at": "x", "ended_at": "y", "screen": {"width": "wide"}},
        {"id": "s1", "started_at": "x", "ended_at": "y", "extra": []},
        {"id": "s1", "started_at": "x", "ended_at": "y", "unknown_field": 1},
    ],
)
def test_fast_session_check_never_accepts_what_the_schema_rejects(doc: dict) -> None:
    schema = json.loads(resource_path("format", "session.schema.json").read_text())
    schema_ok = not list(jsonschema.Draft202012Validator(schema).iter_errors(doc))
    if _plainly_valid_session(doc):
        assert schema_ok
