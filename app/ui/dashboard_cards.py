"""The dashboard's row of cards: each a headline number and a link to what explains it.

Why apart from the charts: the cards are filled from one refresh's figures and from problem
detection, which arrives later; what each says (and what it must not claim — a 0 % with no
goal defined, a red 0 errors) is read and tested here without the charts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QWidget

from app.analysis.apdex import apdex_band, apdex_score, overall
from app.analysis.problems import Problem
from app.store.queries.apdex import ApdexTally
from app.store.queries.overview import USER_ACTIONS, Overview
from app.ui.charts import BAND_COLOURS, ERROR_COLOUR, TYPE_NAMES, Card


class DashboardCards(QWidget):
    """Apdex, sessions, user actions, errors, conversion and open problems."""

    clicked = Signal(str)
    """(card name) — the user clicked a card (see :mod:`app.ui.dashboard_links`)."""
    define_goals_requested = Signal()
    """The conversion card's "Define a goal…" link."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cards = {
            "apdex": Card("Apdex", "the sessions, most frustrating first"),
            "sessions": Card("Sessions", "the sessions and their users"),
            "actions": Card("User actions", "the sessions, most actions first"),
            "errors": Card("JavaScript errors", "the errors, most frequent first"),
            "conversion": Card("Conversion rate", "the problems, conversion drops among them"),
            "problems": Card("Open problems", "the top problem and its impacted sessions"),
        }
        self.top_problem: str | None = None
        actions = self.cards["actions"]
        actions.setToolTip(f"{USER_ACTIONS}\n{actions.toolTip()}")
        self.cards["conversion"].detail.linkActivated.connect(
            lambda _link: self.define_goals_requested.emit()
        )
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(10)
        for name, card in self.cards.items():
            row.addWidget(card, 1)
            card.clicked.connect(lambda name=name: self.clicked.emit(name))

    def clear(self) -> None:
        self.top_problem = None
        for card in self.cards.values():
            card.show_value("—", "")

    def fill(
        self,
        shown: Overview,
        tallies: dict[str, ApdexTally],
        span_ms: int,
        completions: dict[str, int],
        goals: Sequence[dict[str, Any]],
    ) -> None:
        """The figures of one refresh; ``goals`` are the archive's (the first is shown)."""
        score = apdex_score(overall(tallies))
        band = apdex_band(score)
        per_type = " · ".join(
            f"{TYPE_NAMES[kind]} {_fmt_score(apdex_score(tally))}"
            for kind, tally in tallies.items()
        )
        self.cards["apdex"].show_value(
            f"{_fmt_score(score)} {band}", per_type, BAND_COLOURS.get(band)
        )
        users = f"{shown.users:,} user" + ("" if shown.users == 1 else "s")
        self.cards["sessions"].show_value(f"{shown.sessions:,}", users)
        # the one count of user actions (the Sessions table and the replay count the same)
        rated = sum(t.total for t in tallies.values())
        self.cards["actions"].show_value(
            f"{shown.actions:,}",
            " · ".join(f"{TYPE_NAMES[k]} {n:,}" for k, n in shown.actions_by_type.items()),
        )
        self.cards["actions"].setToolTip(
            f"{USER_ACTIONS}\n\nApdex rates {rated:,} of them: page loads, XHR actions and the "
            "custom actions a recorder reported (a click or edit that started no request has "
            "no duration worth rating).\n\nClick: " + self.cards["actions"].link
        )
        per_minute = shown.errors / max(span_ms / 60_000, 1)
        self.cards["errors"].show_value(
            f"{shown.errors:,}",
            f"{per_minute:.3f} per minute on average",
            ERROR_COLOUR if shown.errors else None,  # red is for errors, not for their absence
        )
        if goals:
            goal = goals[0]
            done = completions.get(str(goal.get("id")), 0)
            rate = done / shown.sessions if shown.sessions else 0.0
            per_goal = " · ".join(
                f"{g.get('name') or g.get('id')} {completions.get(str(g.get('id')), 0):,}"
                for g in goals
            )
            self.cards["conversion"].show_value(
                f"{rate:.1%}", f"“{goal.get('name', goal.get('id'))}” · completions: {per_goal}"
            )
        elif shown.converted_sessions:  # goals reached in the recording, none defined
            rate = shown.converted_sessions / shown.sessions if shown.sessions else 0.0
            self.cards["conversion"].show_value(f"{rate:.1%}", "sessions that reached any goal")
        else:  # a rate of 0 % would claim that nobody converted
            self.cards["conversion"].show_value(
                "—", 'no goal defined · <a href="goals">Define a goal…</a>'
            )

    def fill_problems(self, problems: list[Problem]) -> None:
        """The open-problems card: how many, and the top one (where a click on it leads)."""
        still_open = [p for p in problems if p.is_open]
        self.top_problem = None
        if not problems:
            self.cards["problems"].show_value("0", "nothing detected in the selection", "#2b8a3e")
            return
        top = problems[0]
        self.top_problem = top.title
        self.cards["problems"].show_value(
            f"{len(still_open)}",
            f"{top.users_affected} users affected by “{top.title.split(': ', 1)[-1]}”",
            ERROR_COLOUR if still_open else "#2b8a3e",
        )
        self.cards["problems"].setToolTip("\n".join(p.title for p in problems))


def _fmt_score(score: float | None) -> str:
    return "—" if score is None else f"{score:.2f}"
