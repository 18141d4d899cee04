"""Hatchling build hook: fetch the pinned browser libraries with ``npm ci``.

Why: rrweb is third-party JavaScript, so it is never committed. ``package.json`` and
``package-lock.json`` pin it; this hook installs it (for editable installs, wheels and
sdist builds alike) and copies the few files the app serves into ``app/web/vendor/``,
which is git-ignored and declared as a build artifact so wheels carry it.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

VENDOR_FILES = {
    "node_modules/rrweb/dist/rrweb.umd.min.cjs": "rrweb.umd.min.js",
    "node_modules/rrweb/dist/style.min.css": "rrweb.min.css",
    "node_modules/rrweb/package.json": "rrweb.package.json",
    "node_modules/@rrweb/rrweb-plugin-console-record/dist/"
    "rrweb-plugin-console-record.umd.min.cjs": "rrweb-console-record.umd.min.js",
}


class NpmVendorHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        root = Path(self.root)
        lock = root / "package-lock.json"
        stamp = root / "node_modules" / ".package-lock.json"
        fresh = stamp.exists() and stamp.stat().st_mtime >= lock.stat().st_mtime
        if not fresh or any(not (root / src).exists() for src in VENDOR_FILES):
            npm = shutil.which("npm")
            if npm is None:
                raise RuntimeError(
                    "npm was not found: it is needed to install rrweb (see README, set-up)."
                )
            subprocess.run(
                [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
                cwd=root,
                check=True,
            )
        vendor = root / "app" / "web" / "vendor"
        vendor.mkdir(parents=True, exist_ok=True)
        for src, dst in VENDOR_FILES.items():
            source, target = root / src, vendor / dst
            if not target.exists() or target.read_bytes() != source.read_bytes():
                shutil.copyfile(source, target)
        build_data["artifacts"].append("app/web/vendor/")
