"""Build the standalone Linux bundle with one command.

    .venv/bin/python packaging/build_bundle.py [--no-tarball] [--dist DIR]

Writes ``DIR/replay-investigator-<version>-linux-<arch>/`` (default ``DIR`` is ``dist/``) and,
unless ``--no-tarball``, a ``.tar.gz`` of it. Why PyInstaller in onedir mode: it handles
QtWebEngine (its helper process, ``.pak`` resources and locales) reliably, builds in about a
minute without a C toolchain, and a directory — unlike onefile or an AppImage — lets
Chromium's sandbox work (see ``packaging/README.md``). The bundle's executable behaves like
the installed ``replay-investigator`` command, subcommands included.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "packaging" / "replay-investigator.spec"
PYINSTALLER = "pyinstaller>=6.10,<7"


def version() -> str:
    text = (ROOT / "app" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'__version__\s*=\s*"([^"]+)"', text)
    if match is None:
        raise SystemExit("build_bundle: no __version__ in app/__init__.py")
    return match.group(1)


def ensure_pyinstaller() -> None:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        print(f"build_bundle: installing {PYINSTALLER} into {sys.prefix}", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", PYINSTALLER], check=True)


def size_mb(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 1e6
    files = (p for p in path.rglob("*") if p.is_file() and not p.is_symlink())
    return sum(p.stat().st_size for p in files) / 1e6


def missing_libraries(bundle: Path) -> dict[str, list[str]]:
    """Libraries some file of the bundle links against that neither it nor the system has.

    Why: the spec drops Qt libraries the app does not use; a kept plugin that needed one
    would fail only at run time, on the user's machine. ``readelf`` lists each ELF file's
    ``NEEDED`` entries; they must be in the bundle or known to the system's loader.
    """
    readelf = shutil.which("readelf")
    if readelf is None:
        print("build_bundle: readelf not found; library check skipped", flush=True)
        return {}
    present = {p.name for p in bundle.rglob("*") if p.is_file() or p.is_symlink()}
    system = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=False)
    known = {line.split()[0] for line in system.stdout.splitlines()[1:] if line.strip()}
    missing: dict[str, list[str]] = {}
    for path in bundle.rglob("*"):
        if not path.is_file() or path.is_symlink():
            continue
        with path.open("rb") as handle:
            if handle.read(4) != b"\x7fELF":
                continue
        out = subprocess.run([readelf, "-d", str(path)], capture_output=True, text=True).stdout
        for needed in re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out):
            if needed not in present and needed not in known:
                missing.setdefault(needed, []).append(str(path.relative_to(bundle)))
    return missing


OWN_LIBRARIES = (
    "libQt6", "libpyside", "libshiboken", "libicu", "libpython", "libarrow", "libparquet",
)  # fmt: skip


def check_libraries(bundle: Path) -> None:
    """Fail on a missing Qt/Python library; list missing system ones (desktop-only)."""
    missing = missing_libraries(bundle)
    ours = {lib: users for lib, users in missing.items() if lib.startswith(OWN_LIBRARIES)}
    for lib, users in sorted(missing.items()):
        if lib not in ours:
            print(f"note: {lib} (system) is not on this machine; needed by {users[0]}")
    if ours:
        lines = [f"  {lib}: needed by {', '.join(users[:3])}" for lib, users in ours.items()]
        raise SystemExit("build_bundle: the bundle lacks libraries it needs:\n" + "\n".join(lines))


def build(dist: Path, tarball: bool) -> Path:
    """Run PyInstaller and rename its output; returns the bundle directory."""
    if not (ROOT / "app" / "web" / "vendor" / "rrweb.umd.min.js").is_file():
        raise SystemExit("build_bundle: rrweb is not installed; run `bash .ci/setup` first")
    ensure_pyinstaller()
    name = f"replay-investigator-{version()}-linux-{platform.machine()}"
    work = ROOT / "build" / "pyinstaller"
    staging = work / "dist"
    started = time.monotonic()
    subprocess.run(
        [
            sys.executable, "-m", "PyInstaller", str(SPEC), "--noconfirm", "--clean",
            "--log-level", "WARN", "--workpath", str(work / "work"), "--distpath", str(staging),
        ],
        cwd=ROOT,
        check=True,
    )  # fmt: skip
    built = time.monotonic() - started
    bundle = dist / name
    if bundle.exists():
        shutil.rmtree(bundle)
    dist.mkdir(parents=True, exist_ok=True)
    shutil.move(staging / "replay-investigator", bundle)
    check_libraries(bundle)
    print(f"bundle: {bundle} ({size_mb(bundle):.0f} MB) built in {built:.0f} s", flush=True)
    if tarball:
        started = time.monotonic()
        archive = dist / f"{name}.tar.gz"
        with tarfile.open(archive, "w:gz", compresslevel=6) as tar:
            tar.add(bundle, arcname=name)
        print(
            f"tarball: {archive} ({size_mb(archive):.0f} MB) in {time.monotonic() - started:.0f} s",
            flush=True,
        )
    return bundle


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder")
    parser.add_argument("--no-tarball", action="store_true", help="only the directory")
    args = parser.parse_args(argv)
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    build(args.dist.resolve(), not args.no_tarball)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
