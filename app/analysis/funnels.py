"""Two funnels of the same steps side by side, with the differences that are not chance.

Why a test: with a few dozen sessions per step a conversion can move by ten points by
luck alone; marking every change would send investigators after noise. Each step's
conversion from the previous step is compared with a two-sided **two-proportion z-test**
(pooled proportion) at the 95 % level (|z| ≥ 1.96). A step that no session of one side
reached has nothing to compare and is never marked.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from app.store.queries.funnels import Funnel, FunnelStep, StepCount

Z_95 = 1.959964


@dataclass(frozen=True)
class StepDifference:
    """One step of both funnels: the conversions from the previous step, and the test."""

    a: StepCount
    b: StepCount
    difference: float
    """b's conversion minus a's (−1 … 1)."""
    z: float | None
    """None when either side had no session at the previous step."""

    @property
    def significant(self) -> bool:
        return self.z is not None and abs(self.z) >= Z_95


def two_proportion_z(hits_a: int, total_a: int, hits_b: int, total_b: int) -> float | None:
    """z of the difference hits_b/total_b − hits_a/total_a under the pooled proportion."""
    if total_a <= 0 or total_b <= 0:
        return None
    pooled = (hits_a + hits_b) / (total_a + total_b)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / total_a + 1 / total_b))
    if spread == 0:
        return 0.0
    return (hits_b / total_b - hits_a / total_a) / spread


def compare_funnels(a: Funnel, b: Funnel) -> list[StepDifference]:
    """Step by step, b against a (the same steps, two filters)."""
    out: list[StepDifference] = []
    base_a, base_b = a.selected, b.selected
    for step_a, step_b in zip(a.steps, b.steps, strict=True):
        z = two_proportion_z(step_a.sessions, base_a, step_b.sessions, base_b)
        out.append(
            StepDifference(
                step_a,
                step_b,
                step_b.conversion_from_previous - step_a.conversion_from_previous,
                z,
            )
        )
        base_a, base_b = step_a.sessions, step_b.sessions
    return out


SHOP_PATHS = ("/product", "/cart", "/checkout")


def default_steps(pages: list[str], goals: list[str]) -> list[FunnelStep]:
    """The funnel a new archive opens with: a shop's product page → cart → checkout (those
    of its pages that exist) → its first goal (the demo's order confirmed); otherwise its
    three most visited pages and the first goal."""
    steps = []
    for prefix in SHOP_PATHS:
        if any(page.startswith(prefix) for page in pages):
            steps.append(FunnelStep("page", prefix + ("/" if prefix == "/product" else "")))
    if len(steps) < 2:
        steps = [FunnelStep("page", page) for page in pages[:3]]
    return steps + [FunnelStep("goal", goal) for goal in goals[:1]]
