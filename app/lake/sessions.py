"""A session from the batches a collector received: its metadata, events and RUM records.

Why its own module: the batches of one session arrive in several requests, possibly to
several collectors, in several hours, twice (the recorder retries) and out of order. The
recorder's ``seq`` numbers them across page loads; sorted and deduplicated by it, they are
the session's streams exactly as the demo path merges them (:func:`merge_batches`).
"""

from __future__ import annotations

import re
from typing import Any

from app.archive.model import SessionMeta

_BROWSERS = (  # order matters: Edge and Opera say "Chrome" too, Chrome says "Safari"
    ("Edge", re.compile(r"Edg(?:e|A|iOS)?/(\d+)")),
    ("Opera", re.compile(r"OPR/(\d+)")),
    ("Samsung Internet", re.compile(r"SamsungBrowser/(\d+)")),
    ("Firefox", re.compile(r"(?:Firefox|FxiOS)/(\d+)")),
    ("Chrome", re.compile(r"(?:Chrome|CriOS)/(\d+)")),
    ("Safari", re.compile(r"Version/(\d+).*Safari/")),
)
_SYSTEMS = (
    ("Windows", re.compile(r"Windows NT (\d+)")),
    ("Android", re.compile(r"Android (\d+)")),
    ("iOS", re.compile(r"(?:iPhone|iPad).*? OS (\d+)")),
    ("macOS", re.compile(r"Mac OS X (\d+)")),
    ("ChromeOS", re.compile(r"CrOS")),
    ("Linux", re.compile(r"Linux")),
)


def describe_user_agent(agent: str | None) -> tuple[str | None, str | None, str | None]:
    """Browser (name and major version), OS and device class of a User-Agent string.

    Why so few rules: the dashboard groups by browser and OS; a UA this does not know keeps
    its full string in ``user_agent`` and shows as unknown, never as a wrong name.
    """
    if not agent:
        return None, None, None
    browser = next(
        (f"{name} {m.group(1)}" for name, rule in _BROWSERS if (m := rule.search(agent))), None
    )
    system = None
    for name, rule in _SYSTEMS:
        if match := rule.search(agent):
            version = match.group(1) if match.groups() else None
            if name == "Windows" and version == "10":
                system = "Windows 10"
            elif name in ("Android", "iOS"):
                system = f"{name} {version}"
            else:
                system = name
            break
    mobile = "Mobi" in agent or "iPhone" in agent or ("Android" in agent and "Mobile" in agent)
    device = "tablet" if "iPad" in agent or "Tablet" in agent else "mobile" if mobile else "desktop"
    return browser, system, device


def merge_batches(batches: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A session's batches once each (the first copy of a ``seq`` kept), in ``seq`` order."""
    by_seq: dict[int, dict[str, Any]] = {}
    for batch in batches:
        by_seq.setdefault(int(batch["seq"]), batch)
    return [by_seq[seq] for seq in sorted(by_seq)]


def session_from_batches(
    batches: list[dict[str, Any]],
) -> tuple[SessionMeta, list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """Metadata, events, RUM records and warnings (missing batches) of one session."""
    ordered = merge_batches(batches)
    events = sorted(
        (e for b in ordered for e in b.get("events") or []), key=lambda e: e["timestamp"]
    )
    rum = [r for b in ordered for r in b.get("rum") or []]
    info = next((b["session"] for b in ordered if b.get("session")), {})
    user = next((b["session"].get("user_id") for b in reversed(ordered)
                 if b["session"].get("user_id")), None)  # fmt: skip
    seqs = [int(b["seq"]) for b in ordered]
    warnings = []
    missing = sorted(set(range(1, seqs[-1] + 1)) - set(seqs)) if seqs else []
    if missing:
        shown = ", ".join(map(str, missing[:10])) + (" …" if len(missing) > 10 else "")
        warnings.append(f"batches never received: {shown}")
    browser, system, device = describe_user_agent(info.get("user_agent"))
    screen = info.get("screen") or {}
    times = [int(e["timestamp"]) for e in events]
    started = info.get("started_at")
    extra = {
        key: info[key]
        for key in ("application", "language", "viewport", "recorder")
        if info.get(key) is not None
    }
    meta = SessionMeta(
        session_id=info["id"],
        started_at_ms=int(min([*times, started] if started else times)) if times else None,
        ended_at_ms=max(times) if times else None,
        user_id=user,
        browser=browser,
        os=system,
        device=device,
        screen_width=screen.get("width"),
        screen_height=screen.get("height"),
        entry_url=info.get("entry_url"),
        release=info.get("release"),
        user_agent=info.get("user_agent"),
        extra=extra,
    )
    return meta, events, rum, warnings
