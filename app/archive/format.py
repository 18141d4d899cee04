"""Constants and version rules of the ``.webreplay`` session archive format.

The format itself is documented in ``resources/format/README.md`` with JSON Schemas beside it.
Versioning: ``format_version`` is ``"MAJOR.MINOR"``. A reader opens every minor version of the
major versions it knows (newer minors with a warning: unknown fields are ignored) and refuses
any other major version, because a major bump is allowed to change meaning.
"""

from __future__ import annotations

import re

FORMAT_NAME = "webreplay"
MIMETYPE = "application/vnd.replay-investigator.webreplay+zip"
FILE_SUFFIX = ".webreplay"
FORMAT_VERSION = (1, 0)
SUPPORTED_MAJOR = 1

MIMETYPE_MEMBER = "mimetype"
MANIFEST_MEMBER = "manifest.json"
SESSIONS_DIR = "sessions/"
SESSION_META = "session.json"
SESSION_EVENTS = "events.ndjson.gz"
SESSION_RUM = "rum.ndjson.gz"
SOURCEMAPS_DIR = "sourcemaps/"

RUM_KINDS = ("action", "error", "request", "vital", "goal")
ACTION_TYPES = ("load", "xhr", "custom")

DEFAULT_APDEX = {
    kind: {"tolerated_threshold_ms": 3000, "frustrating_threshold_ms": 12000}
    for kind in ACTION_TYPES
}

SESSION_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_VERSION_PATTERN = re.compile(r"^(\d{1,4})\.(\d{1,4})$")


class UnsupportedVersion(ValueError):
    """The archive's major version is not one this reader understands."""


def format_version_string(version: tuple[int, int] = FORMAT_VERSION) -> str:
    return f"{version[0]}.{version[1]}"


def check_version(value: object) -> str | None:
    """Validate a manifest's ``format_version``; return a warning for newer minors.

    Raises :class:`UnsupportedVersion` for a malformed value or an unknown major version.
    """
    if not isinstance(value, str) or not (match := _VERSION_PATTERN.match(value)):
        raise UnsupportedVersion(f"format_version {value!r} is not of the form 'MAJOR.MINOR'")
    major, minor = int(match.group(1)), int(match.group(2))
    if major != SUPPORTED_MAJOR:
        raise UnsupportedVersion(
            f"archive format version {value} is not supported: this version of Replay "
            f"Investigator reads format {SUPPORTED_MAJOR}.x only"
            + (" (the archive was written by a newer tool)" if major > SUPPORTED_MAJOR else "")
        )
    if minor > FORMAT_VERSION[1]:
        return (
            f"archive format version {value} is newer than {format_version_string()}; "
            "it was opened, but fields this version does not know are ignored"
        )
    return None


def session_member(session_id: str, name: str) -> str:
    return f"{SESSIONS_DIR}{session_id}/{name}"
