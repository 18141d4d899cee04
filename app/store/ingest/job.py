"""The ingest job: stages, loads and derives a recording into a new store, with progress,
cancellation and timings per phase.

Why a module of its own: the stages (:mod:`~app.store.ingest.staging`,
:mod:`~app.store.ingest.loading`, :mod:`~app.store.ingest.derivation`) each do one thing;
this decides their order, owns the connection (so another thread can interrupt it), and
makes the result all-or-nothing: the database is built under a temporary name and renamed
into place only when complete, so a cancelled or failed ingest never leaves a half-filled
store behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from app import __version__
from app.archive.detect import Source, open_recording
from app.archive.folder import FolderSource
from app.archive.native import ArchiveReader
from app.archive.problems import ReadWarning, UnreadableFile
from app.archive.safety import DEFAULT_LIMITS, Limits
from app.store import schema
from app.store.cache import (
    content_key,
    content_size,
    partial_store_path,
    seal_store,
    store_is_intact,
    store_path_for,
    sweep_leftovers,
    unseal_store,
    work_dir_prefix,
)
from app.store.frustration import derive_frustration_signals
from app.store.ingest import derivation
from app.store.ingest.loading import Loader, TransactionAborted
from app.store.ingest.staging import stage_archive, stage_recording
from app.store.store import STORE_CONFIG

Progress = Callable[[float, str], None]
BATCH_SESSIONS = 250
# DuckDB's share of an ingest's memory (issue 23: a 1 GB input within 1.5 GB at its peak):
# beyond it DuckDB spills to the ingest's work folder beside the store. The rest (Python's
# streaming parse, the DOM mirror deriving RUM records) does not grow with the file.
MEMORY_LIMIT_BYTES = 768 * 1024 * 1024
# Reads loading at once may reserve this much of it together (see loading.read_bytes).
READ_BUDGET_BYTES = MEMORY_LIMIT_BYTES // 2


class IngestCancelled(Exception):
    """The user cancelled the ingest; nothing was kept."""


@dataclass
class IngestResult:
    db_path: Path
    format: str
    sessions: int
    warnings: list[ReadWarning] = field(default_factory=list)
    seconds: float = 0.0
    reused: bool = False
    # Wall-clock seconds per stage ("load", "commit", "frustration", "checkpoint", …): the
    # ingest benchmark prints them, so a slow stage shows without a profiler.
    phases: dict[str, float] = field(default_factory=dict)


class IngestJob:
    """One ingest, runnable on a worker thread and cancellable from another thread."""

    def __init__(
        self,
        path: str | Path,
        db_path: str | Path | None = None,
        *,
        progress: Progress | None = None,
        limits: Limits = DEFAULT_LIMITS,
        force: bool = False,
    ) -> None:
        self.path = Path(path)
        self.db_path = Path(db_path) if db_path else None
        self.progress = progress or (lambda fraction, message: None)
        self.limits = limits
        self.force = force
        self._cancel = threading.Event()
        self._batch_sessions = BATCH_SESSIONS
        self._con: duckdb.DuckDBPyConnection | None = None
        self._loader: Loader | None = None
        self._phases: dict[str, float] = {}
        self._phase_started = time.perf_counter()

    def _phase_done(self, name: str) -> None:
        now = time.perf_counter()
        self._phases[name] = now - self._phase_started
        self._phase_started = now

    def cancel(self) -> None:
        """Ask the ingest to stop; safe to call from any thread."""
        self._cancel.set()
        con, loader = self._con, self._loader
        if loader is not None:
            loader.interrupt()
        elif con is not None:
            with contextlib.suppress(duckdb.Error):
                con.interrupt()

    def _check_cancel(self) -> None:
        if self._cancel.is_set():
            raise IngestCancelled(f"ingest of {self.path.name} was cancelled")

    # ---- entry ---------------------------------------------------------------------------
    def run(self) -> IngestResult:
        started = time.perf_counter()
        if self.path.is_dir() and not self.force:  # recognising every file takes a while
            target = self.db_path or store_path_for(self.path)
            if is_current_store(target):
                return IngestResult(target, FolderSource.format, 0, [], 0.0, reused=True)
        source = open_recording(self.path, self.limits)
        target = self.db_path or store_path_for(self.path)
        if not self.force and is_current_store(target):
            _close(source)
            return IngestResult(target, source.format, 0, [], 0.0, reused=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        sweep_leftovers(target.parent)
        partial = partial_store_path(target, os.getpid(), threading.get_ident())
        try:
            try:
                count, warnings = self._build(partial, source, in_one_transaction=True)
            except TransactionAborted:
                # Rare: input that even a lenient read refuses. Build again one session per
                # statement, so that only the sessions DuckDB refuses are skipped.
                _close(source)
                source = open_recording(self.path, self.limits)
                self._batch_sessions = 1
                count, warnings = self._build(partial, source, in_one_transaction=False)
            self._check_cancel()
            if count == 0:
                raise UnreadableFile(self.path, _nothing_readable(self.path, warnings))
            unseal_store(target)
            os.replace(partial, target)
            seal_store(target)
            self._phase_done("cleanup")
        except duckdb.InterruptException:
            raise IngestCancelled(f"ingest of {self.path.name} was cancelled") from None
        finally:
            _remove_database(partial)
            _close(source)
        self.progress(1.0, "Done")
        return IngestResult(
            target,
            source.format,
            count,
            warnings,
            time.perf_counter() - started,
            False,
            self._phases,
        )

    def _build(
        self, partial: Path, source: Source, *, in_one_transaction: bool
    ) -> tuple[int, list[ReadWarning]]:
        """Fill a new database at ``partial``; returns the sessions loaded and the warnings.

        Why one transaction: appends committed one batch at a time leave a part-filled row
        group behind each batch, which the final checkpoint has to rewrite (half a second
        per million events); appends inside one transaction are written out as whole row
        groups as they fill. The price is that a statement that fails aborts everything, so
        reads are lenient and count what they kept (see :mod:`app.store.ingest.loading`).
        All-or-nothing for the user comes from building under a temporary name.
        """
        _remove_database(partial)
        with tempfile.TemporaryDirectory(prefix=work_dir_prefix(), dir=partial.parent) as tmp:
            con = duckdb.connect(str(partial))
            self._con = con
            try:
                # One checkpoint at the end instead of one whenever the WAL fills up.
                con.execute("SET checkpoint_threshold = '64GB'")
                con.execute("SET threads = 1")
                con.execute(f"SET memory_limit = '{MEMORY_LIMIT_BYTES // 2**20}MiB'")
                con.execute("SET temp_directory = ?", [tmp])
                con.execute(schema.DDL)
                con.execute(schema.RUM_STAGE_DDL)
                if in_one_transaction:
                    con.execute("BEGIN TRANSACTION")
                self._phase_done("open")
                loader = Loader(
                    con,
                    atomic=in_one_transaction,
                    check_cancel=self._check_cancel,
                    read_budget=READ_BUDGET_BYTES,
                )
                self._loader = loader
                try:
                    count = self._load(loader, source, Path(tmp))
                    loader.commit()
                finally:
                    loader.close()
                con.execute("RESET threads")
                self._phase_done("load")
                if in_one_transaction:
                    con.execute("COMMIT; BEGIN TRANSACTION")
                self._phase_done("commit")
                loader.load_sessions(Path(tmp))
                self._phase_done("sessions")
                derivation.split_rum(con)
                self._phase_done("rum split")
                self._check_cancel()
                self.progress(0.97, "Finding idle periods")
                warnings = list(source.warnings)
                self._finish(con, source, warnings)
                if in_one_transaction:
                    con.execute("COMMIT")
                self._phase_done("finish")
                con.execute("CHECKPOINT")
                self._phase_done("checkpoint")
            finally:
                self._con = self._loader = None
                con.close()
        return count, warnings

    def _load(self, loader: Loader, source: Source, tmp: Path) -> int:
        """Stage the source's sessions and load them batch by batch; sessions loaded."""
        if isinstance(source, ArchiveReader):
            return self._load_archive(loader, source, tmp)
        loaded = 0
        if isinstance(source, FolderSource):
            for archive in source.archives:
                loaded += self._load_archive(loader, archive, tmp, source.unique_id)
                source.skipped_sessions.extend(archive.skipped_sessions)
        return loaded + stage_recording(
            source,
            tmp,
            loader.load,
            size=content_size(self.path),
            check_cancel=self._check_cancel,
            progress=self.progress,
        )

    def _load_archive(
        self,
        loader: Loader,
        archive: ArchiveReader,
        tmp: Path,
        rename: Callable[[str], str] | None = None,
    ) -> int:
        loaded = stage_archive(
            archive,
            tmp,
            loader.load,
            batch_sessions=self._batch_sessions,
            check_cancel=self._check_cancel,
            progress=self.progress,
            rename=rename,
        )
        loader.load_source_maps(archive)
        return loaded

    def _finish(
        self, con: duckdb.DuckDBPyConnection, source: Any, warnings: list[ReadWarning]
    ) -> None:
        """Derive what needs every session loaded, then record where the store came from."""
        derivation.complete_sessions(con)
        derivation.derive_idle_periods(con)
        self._phase_done("idle")
        # each step reads every event: seconds for a big file, so each says it is running
        self.progress(0.98, "Finding frustration signals")
        derive_frustration_signals(con)
        self._phase_done("frustration")
        self.progress(0.99, "Writing the store")
        info = {
            "schema_version": str(schema.SCHEMA_VERSION),
            "content_key": content_key(self.path),
            "format": source.format,
            "source_name": self.path.name,
            "source_path": str(self.path.resolve()),
            "source_size": str(content_size(self.path)),
            "ingested_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "app_version": __version__,
            "manifest": json.dumps(source.manifest or {}),
            "skipped_sessions": json.dumps(source.skipped_sessions),
        }
        con.executemany("INSERT INTO archive_info VALUES (?, ?)", list(info.items()))
        if warnings:
            con.executemany(
                "INSERT INTO ingest_warnings VALUES (?, ?)",
                [(w.session_id, _message(w, self.path)) for w in warnings],
            )


def _message(warning: ReadWarning, path: Path) -> str:
    """A warning as stored: a folder's name the file inside it that it is about."""
    same = warning.file == path.name
    return warning.message if same else f"{warning.file}: {warning.message}"


def _close(source: Source) -> None:
    if isinstance(source, ArchiveReader | FolderSource):
        source.close()


def _nothing_readable(path: Path, warnings: list[ReadWarning]) -> str:
    """Why no session came out of ``path``, for the refusal (exit status 2)."""
    reasons = [str(w) if path.is_dir() else w.message for w in warnings]
    what = (
        "is a folder with no readable session recording in it"
        if path.is_dir()
        else "holds no session that can be read"
    )
    shown = "; ".join(reasons[:4]) + (f"; and {len(reasons) - 4} more" if len(reasons) > 4 else "")
    return what + (f" ({shown})" if shown else "")


def _remove_database(path: Path) -> None:
    path.unlink(missing_ok=True)
    Path(str(path) + ".wal").unlink(missing_ok=True)


def is_current_store(path: Path) -> bool:
    """True when ``path`` is a complete, undamaged store of the current schema version."""
    if not path.exists() or not store_is_intact(path):
        return False
    try:
        # Same configuration as SessionStore: DuckDB refuses a second connection to an
        # open file with different settings, which would look like a stale store.
        with duckdb.connect(str(path), read_only=True, config=STORE_CONFIG) as con:
            row = con.execute(
                "SELECT value FROM archive_info WHERE key = 'schema_version'"
            ).fetchone()
    except duckdb.Error:
        return False
    return bool(row) and row[0] == str(schema.SCHEMA_VERSION)


def ingest_file(
    path: str | Path,
    db_path: str | Path | None = None,
    *,
    progress: Progress | None = None,
    force: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> IngestResult:
    """Ingest ``path`` into its store (reusing a current one unless ``force``)."""
    return IngestJob(path, db_path, progress=progress, force=force, limits=limits).run()
