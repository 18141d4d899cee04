"""The two sides a funnel is compared between: the selection narrowed by one choice.

Why a choice and not a second free filter: the questions asked of a funnel are "did this
release hurt?" and "is it one browser, one system, one country?"; each side is the
selection (the filter bar, or the command's filter options) narrowed by a release, a
browser, a system, a country, or before/after a moment (a release's time from the
archive's manifest, or any time). The Funnels tab lists them; ``funnel --compare A B``
names them as ``release:2.5.0``, ``browser:Safari``, ``before:2.5.0``,
``after:2026-11-20T08:00Z`` or ``all``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from app.archive.model import ms_from_iso
from app.store.filters import SessionFilter

ATTRIBUTES = ("release", "browser", "os", "country")
"""The session attributes a side can pick one value of (:class:`SessionFilter` fields)."""
_NAMES = {"release": "release", "browser": "browser", "os": "system", "country": "country"}


@dataclass(frozen=True)
class Side:
    """The selection narrowed by one attribute's value, or to before/after a moment."""

    label: str
    attribute: str | None = None
    value: str | None = None
    start_ms: int | None = None
    end_ms: int | None = None

    def narrow(self, f: SessionFilter) -> SessionFilter:
        narrowed = replace(f, **{self.attribute: self.value}) if self.attribute else f
        if self.start_ms is not None:
            narrowed = replace(narrowed, start_ms=max(self.start_ms, f.start_ms or 0))
        if self.end_ms is not None:
            narrowed = replace(narrowed, end_ms=min(self.end_ms, f.end_ms or self.end_ms))
        return narrowed


SELECTION = Side("the filter bar's selection")


def release_times(manifest: Any) -> dict[str, int]:
    """When each release of the archive's manifest went out (epoch ms), by version."""
    times: dict[str, int] = {}
    for release in manifest.get("releases") or [] if isinstance(manifest, dict) else []:
        try:
            times[str(release["version"])] = ms_from_iso(str(release["at"]))
        except (KeyError, TypeError, ValueError):
            continue
    return times


def sides_of(attribute_values: dict[str, list[str]], manifest: Any) -> list[Side]:
    """Every side the archive offers: the selection; each release; before/after each
    release of the manifest; each browser, system and country."""
    sides = [SELECTION]
    sides += [Side(f"release {v}", "release", v) for v in attribute_values.get("release", [])]
    for version, at in release_times(manifest).items():
        sides.append(Side(f"before release {version}", end_ms=at))
        sides.append(Side(f"after release {version}", start_ms=at))
    for attribute in ATTRIBUTES[1:]:
        name = _NAMES[attribute]
        sides += [Side(f"{name} {v}", attribute, v) for v in attribute_values.get(attribute, [])]
    return sides


def parse_side(text: str, manifest: Any) -> Side:
    """A side named on the command line (see the module's docstring); ``ValueError`` with
    the text when it names none."""
    kind, _, value = text.partition(":")
    kind = kind.strip().lower()
    if kind in ("all", "selection") and not value:
        return replace(SELECTION, label="the selection")
    if kind in ATTRIBUTES and value:
        return Side(f"{_NAMES[kind]} {value}", kind, value)
    if kind in ("before", "after") and value:
        at = release_times(manifest).get(value)
        label = f"{kind} release {value}"
        if at is None:
            label = f"{kind} {value}"
            try:
                at = int(value) if value.isdigit() else ms_from_iso(value)
            except ValueError:
                raise ValueError(
                    f"not a release of the archive nor a time: {value!r} in {text!r}"
                ) from None
        return Side(label, end_ms=at) if kind == "before" else Side(label, start_ms=at)
    raise ValueError(
        f"not a side: {text!r} (release:V, browser:B, os:S, country:C, before:V|TIME, "
        "after:V|TIME or all)"
    )
