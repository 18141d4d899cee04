"""The archive opened when the app starts without a file.

Until the recorded demo shop exists (a later issue), this is the synthetic sample archive,
written once into the user cache and reused."""

from __future__ import annotations

import os
from pathlib import Path

from app.archive.sample import write_sample_archive
from app.store.cache import cache_dir

DEMO_NAME = "performancewear-sample-v1.webreplay"


def demo_archive_path() -> Path:
    """Path of the demo archive, writing it on first use."""
    target = cache_dir().parent / "demo" / DEMO_NAME
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.part")
        write_sample_archive(partial)
        os.replace(partial, target)
    return target
