"""A failed export leaves the previous file (or nothing) under the target name, never a
partial one, and no temporary file behind."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.export.tables import write_csv
from app.files import aside_path, atomic_output, discard_partial, partial_path
from app.store.open import open_store
from tests.builders import write_archive


def _leftovers(folder: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


def test_a_write_that_fails_keeps_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_text("the previous report")
    with pytest.raises(RuntimeError), atomic_output(target) as part:
        part.write_text("half a new rep")
        raise RuntimeError("the disk is full")
    assert target.read_text() == "the previous report"
    assert _leftovers(tmp_path, {"report.html"}) == []


def test_a_write_that_completes_replaces_the_file_in_one_step(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_text("old")
    with atomic_output(target) as part:
        part.write_text("new")
        assert target.read_text() == "old"  # readers see the old file until the end
    assert target.read_text() == "new" and not partial_path(target).exists()


def test_csv_export_failing_half_way_leaves_no_partial_file(tmp_path: Path) -> None:
    def rows() -> Iterator[tuple[int, str]]:
        yield 1, "a"
        yield 2, "b"
        raise OSError("the database went away")

    target = tmp_path / "sessions.csv"
    with pytest.raises(OSError):
        write_csv(target, ["n", "name"], rows())
    assert _leftovers(tmp_path, set()) == []


def test_parquet_export_failing_half_way_leaves_no_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.store.store as store_module

    archive = write_archive(tmp_path / "shop.webreplay", sessions=3)
    store, _ = open_store(archive, tmp_path / "shop.db")
    # a table that does not exist fails the export after the real tables were written
    monkeypatch.setattr(
        store_module, "PARQUET_TABLES", {**store_module.PARQUET_TABLES, "missing": "ts"}
    )
    with store, pytest.raises(Exception, match="missing"):
        store.export_parquet(tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert not partial_path(tmp_path / "out").exists()


def test_parquet_export_refuses_a_folder_holding_other_files(tmp_path: Path) -> None:
    archive = write_archive(tmp_path / "shop.webreplay", sessions=2)
    store, _ = open_store(archive, tmp_path / "shop.db")
    target = tmp_path / "mine"
    target.mkdir()
    (target / "thesis.docx").write_text("do not delete")
    with store, pytest.raises(ValueError, match="other files"):
        store.export_parquet(target)
    assert (target / "thesis.docx").read_text() == "do not delete"
    again, _ = open_store(archive, tmp_path / "shop.db")
    with again:
        written = again.export_parquet(tmp_path / "fresh")
        assert written["sessions"] == 2
        assert again.export_parquet(tmp_path / "fresh") == written  # a re-export replaces it


def test_a_pdf_report_that_fails_to_print_keeps_the_previous_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.replay.exporting as exporting
    from app.store.findings import Finding

    def print_half(document: str, out: Path) -> None:
        out.write_bytes(b"%PDF-1.4 half")
        raise OSError("the browser engine did not answer")

    monkeypatch.setattr(exporting, "build_reports", lambda *a, **k: [])
    monkeypatch.setattr(exporting, "print_pdf", print_half)
    target = tmp_path / "findings.pdf"
    target.write_bytes(b"%PDF-1.4 the previous complete report")
    finding = Finding("key", "s0", 0, "Checkout hangs")
    with pytest.raises(OSError, match="did not answer"):
        exporting.export_findings(None, [finding], "pdf", target)  # type: ignore[arg-type]
    assert target.read_bytes() == b"%PDF-1.4 the previous complete report"
    assert _leftovers(tmp_path, {"findings.pdf"}) == []


def _folder(path: Path, text: str) -> Path:
    path.mkdir()
    (path / "sessions.parquet").write_text(text)
    return path


def _export_failing_to_rename_the_new_folder_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, crash: bool
) -> Path:
    """Replace a folder while the OS refuses to rename the new one onto it (and, with
    ``crash``, every rename after that, as if the process had died at that moment).

    Fault injection on the OS call itself; returns the target folder.
    """
    import app.files

    target = _folder(tmp_path / "export", "the previous export")
    real = os.replace
    failed: list[object] = []

    def replace(src: object, dst: object) -> None:
        if Path(str(src)) == partial_path(target) or (crash and failed):
            failed.append(src)
            raise OSError("injected: the rename did not happen")
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(app.files.os, "replace", replace)
    with pytest.raises(OSError, match="injected"), atomic_output(target) as part:
        _folder(part, "the new export")
    monkeypatch.undo()
    return target


def test_a_folder_swap_failing_between_the_renames_keeps_the_previous_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = _export_failing_to_rename_the_new_folder_in(tmp_path, monkeypatch, crash=False)
    assert (target / "sessions.parquet").read_text() == "the previous export"
    assert _leftovers(tmp_path, {"export"}) == []


def test_a_crash_between_the_renames_is_recovered_by_the_next_sweep(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = _export_failing_to_rename_the_new_folder_in(tmp_path, monkeypatch, crash=True)
    discard_partial(target)  # what the window does after a failed export
    assert (target / "sessions.parquet").read_text() == "the previous export"
    assert _leftovers(tmp_path, {"export"}) == []


def test_a_crash_after_the_new_folder_arrived_only_drops_the_previous_one(
    tmp_path: Path,
) -> None:
    target = _folder(tmp_path / "export", "the new export")
    _folder(aside_path(target), "the previous export")
    with atomic_output(target) as part:  # the next write sweeps first
        _folder(part, "the newest export")
    assert (target / "sessions.parquet").read_text() == "the newest export"
    assert _leftovers(tmp_path, {"export"}) == []


def test_a_folder_replaces_a_folder(tmp_path: Path) -> None:
    target = _folder(tmp_path / "export", "old")
    with atomic_output(target) as part:
        _folder(part, "new")
    assert (target / "sessions.parquet").read_text() == "new"
    assert _leftovers(tmp_path, {"export"}) == []
