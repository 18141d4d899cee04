"""Apdex as Dynatrace defines it, and the thresholds it is measured against.

``Apdex = (satisfied + tolerating / 2) / total``; bands 0.94 Excellent, 0.85 Good, 0.7 Fair,
0.5 Poor, below Unacceptable. Thresholds are per action type (Load, XHR, Custom); the
defaults are 3 s tolerated and 12 s frustrating, an archive's manifest may set its own, and
the user may change them in the app. Counting happens in the store
(:func:`app.store.queries.apdex.by_type`), which also rates actions with a JavaScript error
as frustrated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.store.queries.apdex import ACTION_TYPES, ApdexTally

DEFAULT_TOLERATED_MS = 3_000
DEFAULT_FRUSTRATING_MS = 12_000
BANDS = ((0.94, "Excellent"), (0.85, "Good"), (0.70, "Fair"), (0.50, "Poor"), (0.0, "Unacceptable"))


def _defaults() -> dict[str, tuple[int, int]]:
    return {kind: (DEFAULT_TOLERATED_MS, DEFAULT_FRUSTRATING_MS) for kind in ACTION_TYPES}


@dataclass(frozen=True)
class ApdexThresholds:
    """(tolerated ms, frustrating ms) per action type."""

    by_type: dict[str, tuple[int, int]] = field(default_factory=_defaults)

    @classmethod
    def from_manifest(cls, manifest: Mapping[str, Any] | None) -> ApdexThresholds:
        """The manifest's ``apdex`` section over the defaults; bad entries are ignored."""
        by_type = _defaults()
        section = (manifest or {}).get("apdex")
        for kind, values in section.items() if isinstance(section, Mapping) else ():
            if kind not in by_type or not isinstance(values, Mapping):
                continue
            tolerated = values.get("tolerated_threshold_ms")
            frustrating = values.get("frustrating_threshold_ms")
            numbers = isinstance(tolerated, int) and isinstance(frustrating, int)
            if numbers and 0 < tolerated <= frustrating:
                by_type[kind] = (tolerated, frustrating)
        return cls(by_type)

    def with_type(self, kind: str, tolerated_ms: int, frustrating_ms: int) -> ApdexThresholds:
        if kind not in ACTION_TYPES:
            raise ValueError(f"unknown action type {kind!r}")
        if not 0 < tolerated_ms <= frustrating_ms:
            raise ValueError(
                "the tolerated threshold must be positive and not above the frustrating one"
            )
        return ApdexThresholds({**self.by_type, kind: (tolerated_ms, frustrating_ms)})


def apdex_score(tally: ApdexTally) -> float | None:
    """The Apdex of a tally, or None when there is nothing to rate."""
    if tally.total == 0:
        return None
    return (tally.satisfied + tally.tolerating / 2) / tally.total


def apdex_band(score: float | None) -> str:
    if score is None:
        return "No data"
    return next(name for floor, name in BANDS if score >= floor)


def overall(tallies: Mapping[str, ApdexTally]) -> ApdexTally:
    total = ApdexTally()
    for tally in tallies.values():
        total = total + tally
    return total
