"""A link to a moment: ``replay-investigator://open?archive=KEY&session=ID&t=MS&path=HINT``.

Why a link: a developer pastes it into a ticket, a teammate clicks it and lands on the same
second of the same session. The archive is named by its content key (the store's, see
:func:`app.store.cache.content_key`), so the link survives the archive being copied, renamed
or moved; the path is only a hint of where the sharer kept it.

A link is untrusted input — it arrives from a ticket, a chat or a web page — so
:func:`parse_link` checks every part and refuses with a sentence a user can act on, never
with a traceback: the key must be a content key, the time a plausible epoch millisecond, the
session id printable and short, and the path hint an absolute path or a bare file name
without ``..`` (the hint is only ever compared by content, but it must not walk anywhere).
Parameters this version does not know are ignored, so a later version's links still open.

It lives in the export layer (no Qt) because reports carry these links beside each finding,
and the desktop integration and the window use the same builder and parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from urllib.parse import parse_qsl, quote, urlsplit

SCHEME = "replay-investigator"
ACTION = "open"
MAX_LINK = 16_384
MAX_SESSION = 256
MAX_PATH = 4_096
MAX_FIELDS = 32
MAX_T_MS = 253_402_300_799_999  # 9999-12-31T23:59:59.999Z, the last moment ISO-8601 spells
KEY = re.compile(r"[0-9a-f]{32}")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class LinkError(ValueError):
    """A link that cannot be followed; the message says why, in the user's terms."""


@dataclass(frozen=True)
class MomentLink:
    """A session of an archive at a moment, and where the sharer kept the archive."""

    archive: str
    session: str
    t_ms: int
    path: str = ""

    def __post_init__(self) -> None:
        check_archive_key(self.archive)
        check_session(self.session)
        check_time(self.t_ms)
        check_path_hint(self.path)

    @property
    def archive_name(self) -> str:
        """The file name the hint gives (for "Find the archive of this link…"), or ""."""
        if not self.path:
            return ""
        kind = PureWindowsPath if "\\" in self.path else PurePosixPath
        return kind(self.path).name

    def url(self) -> str:
        """The link as text: parameters percent-encoded, ``/`` in the path included."""
        parts = [
            f"archive={self.archive}",
            f"session={quote(self.session, safe='')}",
            f"t={self.t_ms}",
        ]
        if self.path:
            parts.append(f"path={quote(self.path, safe='')}")
        return f"{SCHEME}://{ACTION}?{'&'.join(parts)}"


def is_moment_link(text: str) -> bool:
    """Whether a command-line argument is one of our links (rather than a file)."""
    return text[: len(SCHEME) + 1].lower() == f"{SCHEME}:"


def check_archive_key(key: str) -> None:
    if not KEY.fullmatch(key):
        raise LinkError(
            "the link's archive is not a content key (32 hexadecimal digits); "
            "it may have been cut short when it was pasted"
        )


def check_session(session: str) -> None:
    if not session:
        raise LinkError("the link names no session")
    if len(session) > MAX_SESSION or CONTROL.search(session):
        raise LinkError(
            f"the link's session id is not one a recording has (over {MAX_SESSION} "
            "characters, or control characters)"
        )


def check_time(t_ms: int) -> None:
    if isinstance(t_ms, bool) or not isinstance(t_ms, int) or not 0 <= t_ms <= MAX_T_MS:
        raise LinkError("the link's time is not a moment in epoch milliseconds (year 1970–9999)")


def check_path_hint(path: str) -> None:
    """An absolute path or a bare file name; never ``..``, control characters or a huge text."""
    if not path:
        return
    if len(path) > MAX_PATH or CONTROL.search(path):
        raise LinkError("the link's path hint is not a path (too long, or control characters)")
    segments = re.split(r"[\\/]", path)
    if ".." in segments:
        raise LinkError("the link's path hint climbs out of its folder ('..'); it is refused")
    bare = len(segments) == 1
    if not bare and not (PurePosixPath(path).is_absolute() or PureWindowsPath(path).is_absolute()):
        raise LinkError("the link's path hint is neither an absolute path nor a file name")


def parse_link(text: str) -> MomentLink:
    """The moment a link names; :class:`LinkError` saying what is wrong with it otherwise."""
    text = text.strip()
    if len(text) > MAX_LINK:
        raise LinkError(f"the link is over {MAX_LINK:,} characters long; it is not one of ours")
    if not is_moment_link(text):
        raise LinkError(f"not a Replay Investigator link (it must start with {SCHEME}://)")
    try:
        parts = urlsplit(text)
        fields = parse_qsl(
            parts.query, keep_blank_values=True, strict_parsing=False, max_num_fields=MAX_FIELDS
        )
    except ValueError as exc:  # too many fields, a malformed netloc
        raise LinkError(f"the link cannot be read ({exc})") from None
    action = parts.netloc or parts.path.strip("/")
    if action.lower() != ACTION:
        raise LinkError(f"the link asks for '{action[:40]}', which this version cannot do")
    values: dict[str, str] = {}
    for name, value in fields:
        if name in values:
            raise LinkError(f"the link gives '{name[:40]}' twice")
        values[name] = value
    missing = [n for n in ("archive", "session", "t") if not values.get(n)]
    if missing:
        raise LinkError(f"the link is incomplete: no {', '.join(missing)}")
    t_text = values["t"]
    if not (t_text.isascii() and t_text.isdigit()) or len(t_text) > len(str(MAX_T_MS)):
        raise LinkError("the link's time is not a moment in epoch milliseconds (year 1970–9999)")
    archive, session, path = values["archive"].lower(), values["session"], values.get("path", "")
    return MomentLink(archive, session, int(t_text), path)


def moment_url(archive: str, session: str, t_ms: int, path: str = "") -> str:
    """The link to ``session`` of the archive with content key ``archive`` at ``t_ms``."""
    return MomentLink(archive, session, int(t_ms), path).url()
