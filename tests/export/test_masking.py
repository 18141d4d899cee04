"""Masking personal data before events leave the app."""

from __future__ import annotations

from pathlib import Path

from app.export.masking import mask_events, mask_user_id
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


def _reports_text(tmp_path: Path, *, mask: bool) -> str:
    """The HTML and Markdown reports of a finding in Ashley's session, whose error every
    user in ``USERS`` had, as the export writes them (without frames)."""
    from app.archive.model import SessionMeta
    from app.archive.writer import ArchiveWriter
    from app.export.documents import report_html, report_markdown
    from app.export.report import build_report
    from app.store.findings import Finding
    from app.store.open import open_store
    from tests.builders import basic_events, basic_rum

    archive = tmp_path / "users.webreplay"
    if not archive.exists():
        with ArchiveWriter(archive, application={"name": "shop"}) as writer:
            for index, user in enumerate(USERS):
                begin = T0 + index * 60_000
                meta_ = SessionMeta(f"s{index}", user_id=user, browser="Chrome 131", os="Linux")
                writer.add_session(meta_, basic_events(begin), basic_rum(begin))
    store, _ = open_store(archive, tmp_path / "users.db")
    with store:
        finding = Finding("key", "s0", T0 + 1_600, "Order fails")
        reports = [build_report(store, finding, mask=mask)]
    assert reports[0].error is not None and len(reports[0].error.users) == len(USERS)
    markdown = report_markdown(reports, "Findings", tmp_path / "frames", mask)
    return report_html(reports, "Findings", mask) + markdown


def test_reports_mask_e_mail_and_phone_user_ids_consistently(tmp_path: Path) -> None:
    masked = _reports_text(tmp_path, mask=True)
    assert "Personal data masked." in masked
    for identifier in ("ashley.parker", "example.co.uk", "amy@", "7946", "+44"):
        assert identifier not in masked, identifier
    ashley = mask_user_id(USERS[0])
    assert ashley.startswith("a•••@e•••.uk [")
    # the same user reads the same everywhere (header, summary, affected users)…
    assert masked.count(ashley) >= 4
    # …and users whose masks look alike are still told apart
    assert mask_user_id(USERS[1]).startswith("a•••@e•••.com [")
    assert mask_user_id(USERS[1]) in masked and mask_user_id(USERS[1]) != ashley
    assert mask_user_id(USERS[2]).startswith("••••••••••58 [")
    assert "u123" in masked  # an opaque id is already a pseudonym; it finds the session


def test_reports_without_masking_name_the_users(tmp_path: Path) -> None:
    plain = _reports_text(tmp_path, mask=False)
    assert all(user in plain for user in USERS)
    assert "Personal data NOT masked." in plain
