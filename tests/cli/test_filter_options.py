"""The filter bar's options on the command line become the same SessionFilter."""

from __future__ import annotations

import argparse

import pytest

from app.cli.filter_options import add_filter_options, filter_from_args
from app.store.filters import SessionFilter


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_filter_options(parser)
    return parser.parse_args(list(argv))


def test_no_options_is_no_filter() -> None:
    assert filter_from_args(_parse()).is_empty


def test_every_option_lands_in_its_field() -> None:
    args = _parse(
        "--release", "2.5.0", "--browser", "Chrome", "--os", "Linux", "--country", "GB",
        "--user", "ashley", "--page-filter", "/checkout",
        "--from", "1700000000000", "--to", "2023-11-15T00:00:00Z",
    )  # fmt: skip
    assert filter_from_args(args) == SessionFilter(
        start_ms=1_700_000_000_000,
        end_ms=1_700_006_400_000,
        page="/checkout",
        browser="Chrome",
        os="Linux",
        country="GB",
        release="2.5.0",
        user="ashley",
    )


def test_a_date_alone_spans_its_whole_day() -> None:
    f = filter_from_args(_parse("--from", "2023-11-14", "--to", "2023-11-14"))
    assert (f.start_ms, f.end_ms) == (1_699_920_000_000, 1_700_006_400_000)


def test_a_time_it_cannot_read_is_named() -> None:
    with pytest.raises(ValueError, match="yesterday"):
        filter_from_args(_parse("--from", "yesterday"))


def test_help_says_how_times_are_written(capsys) -> None:
    with pytest.raises(SystemExit):
        _parse("--help")
    out = capsys.readouterr().out
    assert "epoch ms" in out and "ISO-8601" in out and "--page-filter" in out
