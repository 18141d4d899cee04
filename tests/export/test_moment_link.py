"""Links to a moment: what is built is what is parsed, and hostile links are refused with a
sentence (never a traceback)."""

from __future__ import annotations

import pytest

from app.export.moment_link import LinkError, MomentLink, is_moment_link, moment_url, parse_link

KEY = "0123456789abcdef0123456789abcdef"
OPEN = f"replay-investigator://open?archive={KEY}&session=s&t=1"


@pytest.mark.parametrize(
    ("session", "path"),
    [
        ("s0191", "/home/ana/Downloads/performancewear.webreplay"),
        ("a b+c&d=e/f?g#h%i", "/tmp/with space/&odd=name?.webreplay"),
        ("séance-日本", "C:\\Users\\Ana\\Desktop\\shop.webreplay"),
        ("s1", "shop.webreplay"),
        ("s1", ""),
    ],
)
def test_a_link_round_trips(session: str, path: str) -> None:
    url = moment_url(KEY, session, 1_796_224_864_111, path)
    assert url.startswith("replay-investigator://open?archive=" + KEY + "&session=")
    assert "/" not in url.split("?", 1)[1]  # the path is percent-encoded whole
    assert parse_link(url) == MomentLink(KEY, session, 1_796_224_864_111, path)


def test_the_expected_name_comes_from_the_hint() -> None:
    assert MomentLink(KEY, "s", 0, "/a/b/shop.webreplay").archive_name == "shop.webreplay"
    assert MomentLink(KEY, "s", 0, "C:\\x\\shop.webreplay").archive_name == "shop.webreplay"
    assert MomentLink(KEY, "s", 0).archive_name == ""


def test_unknown_parameters_are_ignored_so_later_links_still_open() -> None:
    link = parse_link(f"replay-investigator://open?archive={KEY}&session=s&t=5&window=w2&x=")
    assert (link.session, link.t_ms) == ("s", 5)


def test_upper_case_scheme_and_key_are_accepted() -> None:
    link = parse_link(f"Replay-Investigator://open?archive={KEY.upper()}&session=s&t=5")
    assert link.archive == KEY


@pytest.mark.parametrize(
    ("link", "says"),
    [
        ("https://example.com/?archive=x", "not a Replay Investigator link"),
        ("replay-investigator://delete?archive=" + KEY + "&session=s&t=1", "cannot do"),
        ("replay-investigator://open?session=s&t=1", "no archive"),
        ("replay-investigator://open?archive=" + KEY + "&t=1", "no session"),
        ("replay-investigator://open?archive=" + KEY + "&session=s", "no t"),
        ("replay-investigator://open?archive=../../etc&session=s&t=1", "not a content key"),
        ("replay-investigator://open?archive=" + KEY[:20] + "&session=s&t=1", "cut short"),
        ("replay-investigator://open?archive=" + KEY + "&session=s&t=" + "9" * 400, "epoch"),
        ("replay-investigator://open?archive=" + KEY + "&session=s&t=1e309", "epoch"),
        ("replay-investigator://open?archive=" + KEY + "&session=s&t=-5", "epoch"),
        ("replay-investigator://open?archive=" + KEY + "&session=s&t=%EF%BC%91", "epoch"),
        ("replay-investigator://open?archive=" + KEY + "&session=s&t=1&t=2", "twice"),
        ("replay-investigator://open?archive=" + KEY + "&session=a%00b&t=1", "session id"),
        ("replay-investigator://open?archive=" + KEY + "&session=" + "s" * 300 + "&t=1", "session"),
        (f"{OPEN}&path=%2Fhome%2F..%2F..%2Fetc%2Fpasswd", "climbs out"),
        ("replay-investigator://open?archive=" + KEY + "&session=s&t=1&path=..%5C..%5Cx", "climbs"),
        ("replay-investigator://open?archive=" + KEY + "&session=s&t=1&path=a%2Fb", "absolute"),
        ("replay-investigator://open?archive=" + KEY + "&session=s&t=1&path=%2Fa%0A", "path hint"),
        ("replay-investigator://open?" + "&".join(f"p{i}=1" for i in range(100)), "cannot be read"),
        ("replay-investigator://open?archive=" + KEY + "&session=s&t=1&x=" + "y" * 20_000, "long"),
        ("replay-investigator://[::1", "cannot be read"),
    ],
)
def test_hostile_links_are_refused_with_a_reason(link: str, says: str) -> None:
    with pytest.raises(LinkError) as refused:
        parse_link(link)
    assert says in str(refused.value)


def test_building_a_link_checks_it_too() -> None:
    with pytest.raises(LinkError):
        moment_url("", "s", 1)  # an archive without a content key has no link
    with pytest.raises(LinkError):
        moment_url(KEY, "s", 10**20)


def test_links_are_told_from_files() -> None:
    assert is_moment_link("replay-investigator://open?x")
    assert is_moment_link("REPLAY-INVESTIGATOR:open")
    assert not is_moment_link("/home/ana/replay-investigator://x")
    assert not is_moment_link("shop.webreplay")
