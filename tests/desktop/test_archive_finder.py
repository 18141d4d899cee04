"""Finding a link's archive by content key among recent files, their folders and the hint;
and telling links from files on the command line."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from app.desktop.archive_finder import find_archive
from app.desktop.launch_arguments import split_arguments
from app.store.cache import content_key
from tests.builders import write_archive as write_archive_in


def write_archive(path: Path, sessions: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_archive_in(path, sessions)


def test_a_renamed_copy_beside_a_recent_file_is_found(tmp_path: Path) -> None:
    shared = write_archive(tmp_path / "theirs" / "shop.webreplay", sessions=2)
    mine = tmp_path / "mine"
    other = write_archive(mine / "other.webreplay", sessions=3)
    copy = mine / "renamed.webreplay"
    shutil.copyfile(shared, copy)
    search = find_archive(content_key(shared), [str(other)], "/nowhere/shop.webreplay")
    assert search.found == copy
    assert search.tried == 2  # the recent file itself, then its folder's files in order


def test_the_hint_is_used_when_no_recent_file_matches(tmp_path: Path) -> None:
    archive = write_archive(tmp_path / "a" / "shop.webreplay", sessions=1)
    search = find_archive(content_key(archive), [], str(archive))
    assert search.found == archive


def test_a_recent_folder_is_matched_as_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "recordings"
    write_archive(folder / "one.webreplay", sessions=1)
    assert find_archive(content_key(folder), [str(folder)]).found == folder


def test_not_found_says_what_was_looked_for_and_where(tmp_path: Path) -> None:
    recent = write_archive(tmp_path / "recent" / "x.webreplay", sessions=1)
    search = find_archive("f" * 32, [str(recent)], "/gone/shop.webreplay")
    assert search.found is None
    told = search.describe("shop.webreplay")
    assert "'shop.webreplay' (content key " + "f" * 32 + ")" in told
    assert str(recent.parent) in told and "/gone" in told


def test_a_hostile_hint_never_reads_a_device_a_fifo_or_a_folder_beside(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    (tmp_path / "sub").mkdir()
    read: list[Path] = []

    def key_of(path: Path) -> str:
        read.append(path)
        return content_key(path)

    for hint in ("/dev/zero", str(fifo), "/dev/stdin"):
        assert find_archive("f" * 32, [], hint, key_of=key_of).found is None
    assert all(p.is_file() for p in read)  # only regular files were hashed
    assert fifo not in read and tmp_path / "sub" not in read


def test_arguments_are_split_into_files_and_links(tmp_path: Path) -> None:
    link = "replay-investigator://open?archive=x&session=s&t=1&path=%2Fa"
    files, links = split_arguments(
        [str(tmp_path / "a b.webreplay"), link, "file:///tmp/with%20space.webreplay",
         "file://elsewhere/x.webreplay"]
    )  # fmt: skip
    assert files == [tmp_path / "a b.webreplay", Path("/tmp/with space.webreplay")]
    assert links == [link]  # unchanged: its // kept
