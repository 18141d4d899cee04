"""Recordings as PostHog, Sentry and Highlight hand them out: recognised by content, read as
streams, with what each carries besides the DOM turned into errors, requests and actions."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from app.archive.detect import open_recording
from app.archive.highlight import HighlightPayload
from app.archive.posthog import PosthogApiResponse, PosthogBlob, PosthogExport
from app.archive.problems import UnreadableFile
from app.archive.recording import RrwebFile
from app.archive.sentry import SentrySegments
from app.store.ingest import ingest_file
from tests.archive.formats import WINDOW, blob_lines
from tests.builders import T0, click, full, meta, mutation, typed


def _store(path: Path, tmp: Path) -> duckdb.DuckDBPyConnection:
    result = ingest_file(path, tmp / "store.duckdb")
    return duckdb.connect(str(result.db_path), read_only=True)


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    return con.execute(sql).fetchall()


def _page(start: int = T0) -> list[dict[str, Any]]:
    """A page with a click on 'Place order' and typing, and nothing else."""
    return [meta(start), full(start + 5), click(start + 1000, 11), typed(start + 2000, 12),
            mutation(start + 2400)]  # fmt: skip


# ---- detection --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("content", "reader"),
    [
        (blob_lines(_page()), PosthogBlob),
        (json.dumps([_page()[:2], _page()[2:]]), SentrySegments),
        (json.dumps({"session_secure_id": "x", "events": {"events": _page()}}), HighlightPayload),
        (json.dumps({"result": {"snapshots": _page(), "person": None}}), PosthogApiResponse),
        (json.dumps({"snapshot_data_by_window_id": {"w": _page()}}), PosthogApiResponse),
        (json.dumps({"version": "2024-04-30", "data": {"snapshots": _page()}}), PosthogExport),
        (json.dumps(_page()), RrwebFile),
    ],
    ids=["blob_v2", "sentry", "highlight", "api result", "api windows", "export", "rrweb"],
)
def test_each_shape_is_recognised_by_its_content(
    content: str, reader: type, tmp_path: Path
) -> None:
    path = tmp_path / "download.bin"  # the name says nothing
    path.write_text(content)
    assert type(open_recording(path)) is reader


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (json.dumps(_page()[2]), "is a single rrweb event, not a recording"),
        (json.dumps(_page()[2], indent=2), "is a single rrweb event, not a recording"),
        (
            '{\n  "data": {\n    "id": "x",, "snapshots": []\n  }\n}',
            "is not valid JSON at line 3, column 15 (Expecting property name",
        ),
        ('{"name": "package", "version": 1}', "is JSON but not a session recording"),
    ],
    ids=["one event", "one pretty event", "invalid JSON", "foreign JSON"],
)
def test_a_refused_file_is_named_for_what_it_looks_like(
    content: str, message: str, tmp_path: Path
) -> None:
    path = tmp_path / "case.json"
    path.write_text(content)
    with pytest.raises(UnreadableFile) as caught:
        ingest_file(path, tmp_path / "db")
    assert message in caught.value.problem, caught.value.problem
    assert "case.json" in str(caught.value)


def test_a_file_with_no_readable_event_is_refused_not_an_empty_store(tmp_path: Path) -> None:
    path = tmp_path / "empty-recording.json"
    path.write_text(json.dumps([{"kind": "not an event"}]))
    with pytest.raises(UnreadableFile) as caught:
        ingest_file(path, tmp_path / "db")
    assert caught.value.problem.startswith("holds no session that can be read")
    assert not (tmp_path / "db").exists()


# ---- PostHog ----------------------------------------------------------------------------
@pytest.mark.parametrize("gz", [False, True], ids=["jsonl", "jsonl.gz"])
def test_a_blob_v2_file_keeps_every_line_and_each_events_window(gz: bool, tmp_path: Path) -> None:
    other_tab = "0196e180-9999-7000-8000-000000000002"
    text = blob_lines(_page()) + blob_lines(_page(T0 + 10_000), window=other_tab)
    path = tmp_path / ("blob.jsonl.gz" if gz else "blob.jsonl")
    path.write_bytes(gzip.compress(text.encode()) if gz else text.encode())
    with _store(path, tmp_path) as con:
        assert _rows(con, "SELECT session_id, duration_ms FROM sessions") == [(WINDOW, 12_400)]
        assert _rows(con, "SELECT window_id, count(*) FROM events GROUP BY 1 ORDER BY 1") == [
            (WINDOW, 5),
            (other_tab, 5),
        ]
        assert _rows(con, "SELECT count(*) FROM actions WHERE trigger = 'click'") == [(2,)]
        assert _rows(con, "SELECT count(*) FROM ingest_warnings") == [(0,)]


def test_an_export_with_an_unknown_version_is_read_with_a_warning(tmp_path: Path) -> None:
    doc = {"version": "2024-04-30", "data": {"id": "sess-1", "snapshots": _page()}}
    path = tmp_path / "download.json"
    path.write_text(json.dumps(doc))
    result = ingest_file(path, tmp_path / "db")
    assert result.sessions == 1
    assert [w.message for w in result.warnings] == [
        "PostHog export version '2024-04-30' is not one this app knows (2023-04-28, "
        "2022-12-02); its events were read as 2023-04-28 events"
    ]


def test_older_api_responses_keep_person_and_windows(tmp_path: Path) -> None:
    person = {"id": 7, "distinct_ids": ["d-7"], "properties": {"email": "ashley@example.com"}}
    path = tmp_path / "api.json"
    path.write_text(json.dumps({"result": {"snapshots": _page(), "person": person,
                                           "start_time": "2023-11-14T22:13:20Z"}}))  # fmt: skip
    with _store(path, tmp_path) as con:
        assert _rows(con, "SELECT user_id, duration_ms FROM sessions") == [
            ("ashley@example.com", 2400)
        ]
    windows = tmp_path / "windows.json"
    by_window = {"tab-a": _page(), "tab-b": _page(T0 + 5)}
    windows.write_text(json.dumps({"snapshot_data_by_window_id": by_window}))
    (tmp_path / "w").mkdir()
    with _store(windows, tmp_path / "w") as con:
        assert _rows(con, "SELECT window_id, count(*) FROM events GROUP BY 1 ORDER BY 1") == [
            ("tab-a", 5),
            ("tab-b", 5),
        ]


# ---- Sentry -----------------------------------------------------------------------------
def _sentry_custom(ts_ms: int, tag: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Sentry writes its custom events' times in seconds."""
    return {"type": 5, "timestamp": ts_ms / 1000, "data": {"tag": tag, "payload": payload}}


def _sentry_replay() -> list[list[dict[str, Any]]]:
    """Two segments; console errors, requests and navigations only in Sentry's own events."""
    options = {"maskAllText": True, "maskAllInputs": True, "networkCaptureBodies": True}
    first = [
        meta(T0),
        full(T0 + 5),
        _sentry_custom(T0 + 5, "options", options),
        _sentry_custom(T0, "performanceSpan", {
            "op": "navigation.navigate", "description": "https://shop.example/checkout",
            "startTimestamp": T0 / 1000, "endTimestamp": (T0 + 800) / 1000, "data": {}}),
        click(T0 + 1000, 11),
        {"type": 5, "timestamp": T0 + 1000, "data": {"tag": "breadcrumb", "payload": {
            "timestamp": (T0 + 1000) / 1000, "type": "default", "category": "ui.click",
            "message": "button.primary", "data": {"nodeId": 10}}}},
        _sentry_custom(T0 + 1100, "performanceSpan", {
            "op": "resource.fetch", "description": "https://shop.example/api/order",
            "startTimestamp": (T0 + 1100) / 1000, "endTimestamp": (T0 + 1420) / 1000,
            "data": {"method": "POST", "statusCode": 500, "request": {"size": 120},
                     "response": {"size": 2048}}}),
    ]  # fmt: skip
    second = [
        {"type": 5, "timestamp": T0 + 1500, "data": {"tag": "breadcrumb", "payload": {
            "timestamp": (T0 + 1500) / 1000, "type": "default", "category": "console",
            "level": "error", "message": "Payment failed: 500",
            "data": {"logger": "console", "arguments": ["Payment failed:", 500]}}}},
        {"type": 5, "timestamp": T0 + 1600, "data": {"tag": "breadcrumb", "payload": {
            "timestamp": (T0 + 1600) / 1000, "category": "console", "level": "log",
            "message": "retrying"}}},
        _sentry_custom(T0 + 2000, "performanceSpan", {
            "op": "largest-contentful-paint", "description": "largest-contentful-paint",
            "startTimestamp": (T0 + 2000) / 1000, "endTimestamp": (T0 + 2000) / 1000,
            "data": {"value": 1234.5, "size": 5000, "nodeIds": [10]}}),
        {"type": 5, "timestamp": T0 + 3000, "data": {"tag": "breadcrumb", "payload": {
            "timestamp": (T0 + 3000) / 1000, "category": "navigation",
            "data": {"from": "/checkout", "to": "/checkout/thank-you"}}}},
        mutation(T0 + 3100),
    ]  # fmt: skip
    return [first, second]


def test_sentry_breadcrumbs_and_spans_become_errors_requests_and_navigations(
    tmp_path: Path,
) -> None:
    path = tmp_path / "recording-segments.json"
    path.write_text(json.dumps(_sentry_replay()))
    assert open_recording(path).format == "sentry"
    with _store(path, tmp_path) as con:
        assert _rows(con, "SELECT epoch_ms(started_at), duration_ms FROM sessions") == [(T0, 3100)]
        click_id, click_type = con.execute(
            "SELECT action_id, type FROM actions WHERE name = 'click on ''Place order'''"
        ).fetchone()
        assert click_type == "xhr"  # the fetch span starts 100 ms after the click
        assert _rows(con, "SELECT count(*) FROM actions WHERE trigger = 'click'") == [(1,)]
        assert _rows(con, "SELECT message, action_id FROM errors") == [
            ("Payment failed: 500", click_id)
        ]
        assert _rows(
            con, "SELECT epoch_ms(ts), method, url, status, duration_ms, size_bytes FROM requests"
        ) == [(T0 + 1100, "POST", "https://shop.example/api/order", 500, 320, 2048)]
        assert _rows(con, "SELECT name, url, duration_ms FROM actions WHERE type = 'load' "
                          "ORDER BY ts") == [
            ("loading of page /checkout", "https://shop.example/checkout", 800),
            ("loading of page /checkout/thank-you", "https://shop.example/checkout/thank-you", 0),
        ]  # fmt: skip
        assert _rows(con, "SELECT name, value FROM vitals") == [("LCP", 1234.5)]
        extra = json.loads(con.execute("SELECT extra FROM sessions").fetchone()[0])
        assert extra["sentry_options"]["maskAllInputs"] is True


# ---- Highlight --------------------------------------------------------------------------
def highlight_payload(secure_id: str, events: list[dict[str, Any]], **extra: Any) -> str:
    doc = {"session_secure_id": secure_id, "events": {"events": events},
           "messages": json.dumps({"messages": extra.get("messages", [])}),
           "resources": json.dumps({"resources": extra.get("resources", [])}),
           "errors": extra.get("errors", [])}  # fmt: skip
    return json.dumps(doc)


def test_highlight_errors_messages_and_resources_become_errors_and_requests(
    tmp_path: Path,
) -> None:
    error = {"event": "TypeError: x is undefined", "type": "window.onerror",
             "url": "https://shop.example/checkout", "source": "https://shop.example/app.js",
             "lineNumber": 10, "columnNumber": 5, "timestamp": "2023-11-14T22:13:21.500Z",
             "stackTrace": [{"functionName": "validate", "fileName": "https://shop.example/app.js",
                             "lineNumber": 10, "columnNumber": 5}]}  # fmt: skip
    messages = [
        {"type": "error", "value": ["TypeError: x is undefined"], "time": T0 + 1500},  # twice
        {"type": "error", "value": ["Payment declined"], "time": T0 + 1600},
        {"type": "log", "value": ["hello"], "time": T0 + 1700},
    ]
    resource = {"name": "https://shop.example/api/order", "initiatorType": "fetch",
                "startTime": 1100, "duration": 320, "transferSize": 900,
                "requestResponsePairs": {"request": {"url": "https://shop.example/api/order",
                                                     "verb": "POST"},
                                         "response": {"status": 500, "size": 2048}}}  # fmt: skip
    path = tmp_path / "payload.json"
    path.write_text(highlight_payload("HL-1", _page(), errors=[error], messages=messages,
                                      resources=[resource]))  # fmt: skip
    with _store(path, tmp_path) as con:
        assert _rows(con, "SELECT session_id FROM sessions") == [("HL-1",)]
        assert _rows(con, "SELECT epoch_ms(ts), message, source, line, col FROM errors "
                          "ORDER BY ts") == [
            (T0 + 1500, "TypeError: x is undefined", "https://shop.example/app.js", 10, 5),
            (T0 + 1600, "Payment declined", None, None, None),
        ]  # fmt: skip
        stack = con.execute("SELECT stack FROM errors ORDER BY ts LIMIT 1").fetchone()[0]
        assert stack == "at validate (https://shop.example/app.js:10:5)"
        assert _rows(con, "SELECT epoch_ms(ts), method, status, duration_ms, size_bytes "
                          "FROM requests") == [(T0 + 1100, "POST", 500, 320, 2048)]  # fmt: skip
