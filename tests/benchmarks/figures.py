"""One row per measured figure, shared by every benchmark script and the suite runner.

Why: each script prints its own details, but the suite must end in ONE table — figure, goal,
the baseline measured in the same run, the ratio, met or not. A script reports its rows with
:func:`report`; when ``REPLAY_BENCH_OUT`` names a file (the runner sets it) they are also
appended there as JSON lines for :func:`print_table`.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

OUT_ENV = "REPLAY_BENCH_OUT"


@dataclass
class Figure:
    """A measured figure against its goal (``ratio`` = value / baseline when both exist)."""

    name: str
    value: float
    unit: str
    goal: str  # as the issue states it: "≥ 0.5", "< 1 s", …
    met: bool
    baseline: str = ""  # what the same run measured to compare with, in words and numbers
    ratio: float | None = None

    def shown_value(self) -> str:
        if self.unit == "×":
            return f"{self.value:.2f}×"
        if self.unit == "MiB":
            return f"{self.value:,.0f} MiB"
        if self.unit == "s":
            return f"{self.value:.2f} s"
        return f"{self.value:,.1f} {self.unit}"


def report(figures: list[Figure]) -> None:
    """Print the rows and hand them to the suite runner if it is listening."""
    print_table(figures)
    target = os.environ.get(OUT_ENV)
    if target:
        with Path(target).open("a", encoding="utf-8") as sink:
            for figure in figures:
                sink.write(json.dumps(asdict(figure), ensure_ascii=False) + "\n")


def load(path: Path) -> list[Figure]:
    if not path.exists():
        return []
    return [Figure(**json.loads(line)) for line in path.read_text("utf-8").splitlines() if line]


def print_table(figures: list[Figure]) -> None:
    headers = ("figure", "measured", "goal", "baseline (same run)", "ratio", "")
    rows = [
        (
            f.name,
            f.shown_value(),
            f.goal,
            f.baseline,
            "" if f.ratio is None else f"{f.ratio:.2f}",
            "met" if f.met else "NOT MET",
        )
        for f in figures
    ]
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    print()
    print(line.format(*headers))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line.format(*row))
