"""Masking personal data before events leave the app."""

from __future__ import annotations

import re
from pathlib import Path

from app.export.masking import ReportMasking, UserIds, mask_events, mask_query
from tests.builders import T0, el, full, meta, text, typed


def test_typed_values_and_marked_text_are_masked_and_the_original_kept() -> None:
    snapshot = full(T0 + 1)
    body = snapshot["data"]["node"]["childNodes"][0]["childNodes"][1]
    body["childNodes"] += [
        el(30, "input", {"id": "postal", "value": "NW1 6XE"}),
        el(31, "p", {"class": "rr-mask note"}, [text(32, "Ashley Parker")]),
        el(33, "textarea", {}, [text(34, "my secret")]),
    ]
    events = [
        meta(T0),
        snapshot,
        typed(T0 + 100, 30, "NW1 6XE"),
        {"type": 3, "timestamp": T0 + 200, "data": {"source": 0, "texts": [
            {"id": 32, "value": "Ashley P."}], "attributes": [
            {"id": 30, "attributes": {"value": "SW1A 1AA"}}], "removes": [], "adds": [
            {"parentId": 31, "nextId": None, "node": text(35, "London")}]}},
    ]  # fmt: skip
    masked = mask_events(events)
    flat = str(masked)
    for secret in ("NW1 6XE", "Ashley Parker", "Ashley P.", "SW1A 1AA", "my secret", "London"):
        assert secret not in flat, secret
    assert "*******" in flat  # lengths are kept
    assert "Place order" in flat  # ordinary text stays
    assert "NW1 6XE" in str(events)  # the caller's events are untouched


USERS = ("ashley.parker@example.co.uk", "amy@example.com", "+44 20 7946 0958", "u123")
QUERY = "?email=ashley.parker%40example.co.uk&step=2"


def _reports_text(tmp_path: Path, masking: ReportMasking) -> str:
    """The HTML and Markdown reports of two findings in Ashley's session, whose error every
    user in ``USERS`` had, as the export writes them (without frames): the page's address
    carries her e-mail in its query string, and the recorder's ``identify`` event her id."""
    from app.archive.model import SessionMeta
    from app.archive.writer import ArchiveWriter
    from app.export.documents import report_html, report_markdown
    from app.export.report import build_report
    from app.store.findings import Finding
    from app.store.open import open_store
    from tests.builders import basic_events, basic_rum

    def with_query(records: list[dict]) -> list[dict]:
        for record in records:
            if record.get("url") == "https://shop.example/checkout":
                record["url"] += QUERY
        return records

    archive = tmp_path / "users.webreplay"
    if not archive.exists():
        with ArchiveWriter(archive, application={"name": "shop"}) as writer:
            for index, user in enumerate(USERS):
                begin = T0 + index * 60_000
                meta_ = SessionMeta(f"s{index}", user_id=user, browser="Chrome 131", os="Linux")
                events = [
                    meta(begin, "https://shop.example/checkout" + QUERY),
                    *basic_events(begin)[1:],
                    identify(begin + 10, user),
                ]
                writer.add_session(meta_, sorted(events, key=lambda e: e["timestamp"]),
                                   with_query(basic_rum(begin)))  # fmt: skip
    store, _ = open_store(archive, tmp_path / "users.db")
    with store:
        users = UserIds(masking)  # one per report, as the export makes it
        note = f"{USERS[0]} called about it; copy support@shop.example"
        findings = [Finding("key", "s0", T0 + 1_600, "Order fails", note=note),
                    Finding("key", "s0", T0 + 1_700, "Still failing")]  # fmt: skip
        reports = [build_report(store, f, masking=masking, user_ids=users) for f in findings]
    assert reports[0].error is not None and len(reports[0].error.users) == len(USERS)
    markdown = report_markdown(reports, "Findings", tmp_path / "frames", masking)
    return report_html(reports, "Findings", masking) + markdown


def identify(ts: int, user: str) -> dict:
    """The custom event the recorder adds when the page identifies its user."""
    return {"type": 5, "timestamp": ts, "data": {"tag": "identify", "payload": {"user_id": user}}}


def test_reports_pseudonymise_every_user_id_the_same_way_throughout(tmp_path: Path) -> None:
    masked = _reports_text(tmp_path, ReportMasking())
    for identifier in (*USERS, "ashley.parker", "example.co.uk", "amy@", "7946", "u123"):
        assert identifier not in masked, identifier  # text, tables, clip events: nowhere
    pseudonyms = set(re.findall(r"user [0-9a-f]{6}\b", masked))
    assert len(pseudonyms) == len(USERS)  # four users, four pseudonyms…
    ashley = next(p for p in pseudonyms if masked.count(p) == max(map(masked.count, pseudonyms)))
    # …and Ashley, the user of both findings, is the same pseudonym in the summary, each
    # finding's facts, each affected-users list and each clip's identify event
    assert masked.count(ashley) >= 8
    assert "Personal data masked: values typed into fields; text the recording marked " in masked
    assert "user ids replaced by pseudonyms such as" in masked
    assert "the values of page addresses' query strings" in masked
    assert "checkout?email=•••&step=•••" in masked and "step=2" not in masked
    # a person's note: the user's address becomes her pseudonym, any other address is hidden
    assert f"{ashley} called about it; copy •••@•••" in masked
    assert "e-mail addresses in finding titles and notes" in masked


def test_pseudonyms_differ_between_reports(tmp_path: Path) -> None:
    first = set(re.findall(r"user [0-9a-f]{6}\b", _reports_text(tmp_path, ReportMasking())))
    second = set(re.findall(r"user [0-9a-f]{6}\b", _reports_text(tmp_path, ReportMasking())))
    assert first and not first & second


def test_reports_keep_user_ids_when_chosen_and_say_so(tmp_path: Path) -> None:
    kept = _reports_text(tmp_path, ReportMasking(keep_user_ids=True))
    assert all(user in kept for user in USERS)
    assert f"{USERS[0]} called about it; copy •••@•••" in kept
    assert "Not masked: user ids, shown as recorded (kept by choice)." in kept
    assert "step=2" not in kept  # the rest is masked as before


def test_reports_without_masking_name_the_users(tmp_path: Path) -> None:
    plain = _reports_text(tmp_path, ReportMasking(personal_data=False))
    assert all(user in plain for user in USERS)
    assert "Personal data NOT masked" in plain and QUERY.replace("&", "&amp;") in plain


def test_a_query_string_keeps_its_names_and_loses_its_values() -> None:
    assert (
        mask_query("https://x/c?email=a%40b.c&step=2#/cart")
        == "https://x/c?email=•••&step=•••#/cart"
    )
    assert mask_query("https://x/c#/cart?x=1") == "https://x/c#/cart?x=1"  # a route, not a query
    assert mask_query("/plain") == "/plain"


def test_a_shared_rrweb_recording_names_its_user_by_a_pseudonym_unless_unmasked(
    tmp_path: Path,
) -> None:
    from app.archive.model import SessionMeta
    from app.archive.writer import ArchiveWriter
    from app.export.session_recording import write_rrweb
    from app.store.open import open_store
    from tests.builders import basic_events

    user = "ashley.parker@example.co.uk"
    identify = {"type": 5, "timestamp": T0 + 2,
                "data": {"tag": "identify", "payload": {"user_id": user}}}  # fmt: skip
    path = tmp_path / "one.webreplay"
    with ArchiveWriter(path, application={"name": "shop"}) as writer:
        writer.add_session(SessionMeta("s1", user_id=user), [*basic_events(T0), identify], [])
    store, _ = open_store(path, tmp_path / "one.db")
    with store:
        write_rrweb(store, "s1", tmp_path / "masked.json")
        write_rrweb(store, "s1", tmp_path / "plain.json", mask=False)
    masked = (tmp_path / "masked.json").read_text()
    assert user not in masked and '"user_id":"user ' in masked
    assert user in (tmp_path / "plain.json").read_text()
