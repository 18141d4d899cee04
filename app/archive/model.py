"""Plain records shared by the readers, the writer and the store."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any


def iso_from_ms(ms: int | float) -> str:
    """``1700000000123`` → ``"2023-11-14T22:13:20.123Z"`` (UTC, millisecond precision)."""
    moment = datetime.fromtimestamp(ms / 1000, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{int(ms) % 1000:03d}Z"


def ms_from_iso(text: str) -> int:
    """Parse an ISO 8601 timestamp (``Z`` or an offset; naive means UTC) to epoch ms."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return round(moment.timestamp() * 1000)


@dataclass
class SessionMeta:
    """What is known about one recorded session besides its events."""

    session_id: str
    started_at_ms: int | None = None
    ended_at_ms: int | None = None
    user_id: str | None = None
    browser: str | None = None
    os: str | None = None
    device: str | None = None
    screen_width: int | None = None
    screen_height: int | None = None
    country: str | None = None
    city: str | None = None
    entry_url: str | None = None
    release: str | None = None
    user_agent: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The ``session.json`` form of the archive format."""
        out: dict[str, Any] = {"id": self.session_id}
        for key, value in asdict(self).items():
            if key in {"session_id", "extra", "started_at_ms", "ended_at_ms"} or value is None:
                continue
            out[key] = value
        if self.started_at_ms is not None:
            out["started_at"] = iso_from_ms(self.started_at_ms)
        if self.ended_at_ms is not None:
            out["ended_at"] = iso_from_ms(self.ended_at_ms)
        if self.screen_width is not None:
            out.pop("screen_width"), out.pop("screen_height", None)
            out["screen"] = {"width": self.screen_width, "height": self.screen_height}
        if self.extra:
            out["extra"] = self.extra
        return out

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> SessionMeta:
        screen = doc.get("screen") or {}
        return cls(
            session_id=str(doc["id"]),
            started_at_ms=ms_from_iso(doc["started_at"]) if doc.get("started_at") else None,
            ended_at_ms=ms_from_iso(doc["ended_at"]) if doc.get("ended_at") else None,
            user_id=_str_or_none(doc.get("user_id")),
            browser=_str_or_none(doc.get("browser")),
            os=_str_or_none(doc.get("os")),
            device=_str_or_none(doc.get("device")),
            screen_width=screen.get("width"),
            screen_height=screen.get("height"),
            country=_str_or_none(doc.get("country")),
            city=_str_or_none(doc.get("city")),
            entry_url=_str_or_none(doc.get("entry_url")),
            release=_str_or_none(doc.get("release")),
            user_agent=_str_or_none(doc.get("user_agent")),
            extra=dict(doc.get("extra") or {}),
        )


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)
