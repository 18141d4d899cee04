"""Property-based fuzzing of the readers: mutated real files and generated JSON.

The property (``fuzz_inputs.check_file``): opening and ingesting any bytes ends in a store or
in ``UnreadableFile`` naming the file; never another exception, a hang or runaway memory.

Why few examples by default: the default run must stay fast, so about 100 inputs in all,
derandomized (the same inputs every run, no flaky failures). ``REPLAY_FUZZ_EXAMPLES=N``
runs N examples per test with fresh randomness; see README ("Fuzzing").
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.archive import fuzz_inputs as fz
from tests.builders import T0, basic_events, basic_rum

LONG_RUN = int(os.environ.get("REPLAY_FUZZ_EXAMPLES", "0"))


def _settings(default_examples: int) -> Callable[[Any], Any]:
    """Hypothesis settings for one test: modest and repeatable, or the long run's."""
    return settings(
        max_examples=LONG_RUN or default_examples,
        derandomize=not LONG_RUN,
        database=None,  # nothing written into the checkout; failures print a reproducer
        deadline=None,  # time is bounded per input by fuzz_inputs.time_bound instead
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


@pytest.fixture(scope="module")
def work() -> Path:
    """One scratch folder for the module: inputs and stores are overwritten in turn."""
    with tempfile.TemporaryDirectory(prefix="ri-fuzz-") as folder:
        yield Path(folder)


# ---- byte mutations of real files ---------------------------------------------------------
ops = st.lists(
    st.builds(
        fz.Op,
        kind=st.sampled_from(["flip", "truncate", "insert", "duplicate", "delete", "overwrite"]),
        where=st.floats(0, 1),
        size=st.integers(1, 512),
        payload=st.sampled_from(fz.INTERESTING) | st.binary(min_size=1, max_size=16),
    ),
    min_size=1,
    max_size=4,
)
members = st.sampled_from(["mimetype", *fz.ARCHIVE_MEMBERS, "sessions/s1/events.ndjson.gz"])


@_settings(40)
@given(
    seed=st.sampled_from(sorted(fz.seeds())),
    layer=st.sampled_from(fz.LAYERS),
    edits=ops,
    member=members,
)
@example(  # found: a damaged 'mimetype' member raised BadZipFile
    seed="archive.webreplay", layer="file", edits=[fz.Op("flip", 0.0, 3)], member="mimetype"
)
def test_mutated_real_files_end_in_a_store_or_a_clear_refusal(
    seed: str, layer: str, edits: list[fz.Op], member: str, work: Path
) -> None:
    fz.check_bytes(fz.mutate(seed, layer, edits, member), seed, work)


# ---- generated JSON ------------------------------------------------------------------------
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=2**63 - 2, max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["", "http://[", "\x00", "9999-99-99T99:99:99Z", "*" * 3]),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)


def _nested(levels: int) -> Any:
    value: Any = []
    for _ in range(levels):
        value = [value]
    return value


def _edit(draw: st.DrawFn, document: Any) -> Any:
    """Replace, delete or add one value somewhere in ``document`` (a few levels down)."""
    if not isinstance(document, dict | list) or not document:
        return draw(values)
    parent: Any = document
    while True:
        keys = list(parent) if isinstance(parent, dict) else list(range(len(parent)))
        key = draw(st.sampled_from(keys))
        child = parent[key]
        if isinstance(child, dict | list) and child and draw(st.booleans()):
            parent = child
            continue
        action = draw(st.sampled_from(["replace", "replace", "delete", "deep"]))
        if action == "delete":
            del parent[key]
        elif action == "deep":
            parent[key] = _nested(draw(st.sampled_from([50, 990, 1500, 3900])))
        else:
            parent[key] = draw(values)
        return document


@st.composite
def event_lists(draw: st.DrawFn) -> list[Any]:
    """Real events with a few wrong values, sometimes reordered or in seconds."""
    events: list[Any] = basic_events()
    for _ in range(draw(st.integers(1, 4))):
        events = _edit(draw, events)
        if not isinstance(events, list):
            events = [events]
    order = draw(st.sampled_from(["as is", "reversed", "seconds", "extra"]))
    if order == "reversed":
        events.reverse()
    elif order == "seconds":
        events = [
            dict(e, timestamp=e["timestamp"] / 1000)
            if isinstance(e, dict) and isinstance(e.get("timestamp"), int)
            else e
            for e in events
        ]
    elif order == "extra":
        events.append(draw(values))
    return events


SHAPES = ("array", "object", "ndjson", "posthog-v2", "posthog-v1", "posthog-jsonl", "archive")


@_settings(30)
@given(events=event_lists(), shape=st.sampled_from(SHAPES))
@example(  # found: a damaged deflate stream in a PostHog payload raised zlib.error
    events=[{"type": 2, "timestamp": T0, "cv": "2024-10", "data": "\x1f\x8b\x08\x00\x00junk"}],
    shape="posthog-v2",
)
@example(  # found: an href that is not a URL ("http://[") raised ValueError in derivation
    events=[*basic_events(), {"type": 4, "timestamp": T0 + 1, "data": {"href": "http://["}}],
    shape="array",
)
@example(  # found: NaN timestamps (NDJSON) crashed round(); 1e300 crashed DuckDB's cast
    events=[*basic_events(), {"type": 3, "timestamp": float("nan"), "data": {}}],
    shape="ndjson",
)
@example(
    events=[*basic_events(), {"type": 3, "timestamp": 1e300, "data": {"source": 1}}],
    shape="archive",
)
@example(  # found: mutation payloads of the wrong type crashed the DOM mirror
    events=[*basic_events(), {"type": 3, "timestamp": T0 + 9, "data": {"source": 0, "adds": 5}}],
    shape="array",
)
@example(  # found: click coordinates that are not numbers failed frustration detection
    events=[
        *basic_events(),
        {"type": 3, "timestamp": T0 + 9, "data": {"source": 2, "type": 2, "x": []}},
    ],
    shape="array",
)
@example(  # found: NaN in a network payload crashed request derivation
    events=[
        *basic_events(),
        {
            "type": 6,
            "timestamp": T0 + 9,
            "data": {
                "plugin": "rrweb/network@1",
                "payload": {"requests": [{"name": "u", "duration": float("nan")}]},
            },
        },
    ],
    shape="ndjson",
)
def test_generated_events_end_in_a_store_or_a_clear_refusal(
    events: list[Any], shape: str, work: Path
) -> None:
    name, data = fz.wrap_events(events, shape)
    fz.check_bytes(data, name, work)


@st.composite
def metadata_documents(draw: st.DrawFn) -> tuple[str, Any]:
    """A manifest, session.json or RUM stream with a few wrong values."""
    import io
    import zipfile

    which = draw(st.sampled_from(["manifest.json", "sessions/s0/session.json", "rum"]))
    if which == "rum":
        rum: Any = basic_rum(T0)
        for _ in range(draw(st.integers(1, 3))):
            rum = _edit(draw, rum)
        return which, rum
    with zipfile.ZipFile(io.BytesIO(fz.seeds()["archive.webreplay"])) as archive:
        doc = json.loads(archive.read(which))
    for _ in range(draw(st.integers(1, 3))):
        doc = _edit(draw, doc)
    return which, doc


@_settings(30)
@given(document=metadata_documents())
@example(document=("rum", [dict(basic_rum(T0)[0], ts=1e300, duration_ms=-1e300)]))
@example(document=("manifest.json", {"format_version": "1.0", "sessions": ["s0", "s0"]}))
def test_generated_archive_metadata_ends_in_a_store_or_a_clear_refusal(
    document: tuple[str, Any], work: Path
) -> None:
    which, doc = document
    if which == "rum":
        data = fz.archive_with_events(basic_events(), doc if isinstance(doc, list) else [doc])
    else:
        data = fz.archive_with_json(which, doc)
    fz.check_bytes(data, "meta.webreplay", work)


def test_the_seeds_themselves_are_read(work: Path) -> None:
    """The mutations start from files the readers accept, or they test nothing."""
    for name, data in fz.seeds().items():
        assert fz.check_bytes(data, name, work).startswith("ingested"), name
