"""The sides a funnel is compared between (the Funnels tab's choices, ``funnel --compare``)."""

from __future__ import annotations

import pytest

from app.analysis.funnel_sides import parse_side, sides_of
from app.archive.model import ms_from_iso
from app.store.filters import SessionFilter

MANIFEST = {"releases": [{"version": "2.5.0", "at": "2026-11-20T08:00:00Z"}, {"bad": 1}]}
RELEASED = ms_from_iso("2026-11-20T08:00:00Z")


def test_every_attribute_value_and_each_release_moment_is_a_side() -> None:
    values = {"release": ["2.4.3", "2.5.0"], "browser": ["Chrome", "Safari"], "os": ["iOS"],
              "country": ["DE"]}  # fmt: skip
    labels = [side.label for side in sides_of(values, MANIFEST)]
    assert labels == [
        "the filter bar's selection", "release 2.4.3", "release 2.5.0",
        "before release 2.5.0", "after release 2.5.0",
        "browser Chrome", "browser Safari", "system iOS", "country DE",
    ]  # fmt: skip
    safari = sides_of(values, MANIFEST)[6]
    assert safari.narrow(SessionFilter(country="DE")) == SessionFilter(
        country="DE", browser="Safari"
    )


def test_a_side_named_on_the_command_line() -> None:
    assert parse_side("release:2.4.3", MANIFEST).narrow(SessionFilter()).release == "2.4.3"
    before = parse_side("before:2.5.0", MANIFEST)  # the manifest's release time
    assert before.label == "before release 2.5.0" and before.end_ms == RELEASED
    after = parse_side("after:2026-11-21", None)  # any time
    assert after.label == "after 2026-11-21" and after.start_ms == ms_from_iso("2026-11-21")
    # a side only ever narrows: an earlier start of the selection is kept
    assert after.narrow(SessionFilter(start_ms=RELEASED * 2)).start_ms == RELEASED * 2
    assert parse_side("all", None).narrow(SessionFilter(os="iOS")) == SessionFilter(os="iOS")
    with pytest.raises(ValueError, match="not a side: 'colour:red'"):
        parse_side("colour:red", None)
    with pytest.raises(ValueError, match=r"not a release of the archive nor a time: '9\.9'"):
        parse_side("after:9.9", MANIFEST)
