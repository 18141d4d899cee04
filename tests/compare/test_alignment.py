"""Alignment of constructed step sequences: inserted, deleted, repeated and reordered steps."""

from __future__ import annotations

from app.compare.alignment import align, score


def steps(names: str, page: str = "/checkout") -> list[tuple[str, str, str]]:
    return [("click", f"click on '{n}'", page) for n in names]


def shown(a: str, b: str) -> list[str]:
    """Each pair as two letters, '-' for a step only in one session."""
    pairs = align(steps(a), steps(b))
    return [(a[i] if i is not None else "-") + (b[j] if j is not None else "-") for i, j in pairs]


def test_identical_sequences_match_step_by_step() -> None:
    assert shown("abcd", "abcd") == ["aa", "bb", "cc", "dd"]
    assert score(steps("abcd"), steps("abcd")) == 1.0


def test_an_inserted_step_is_only_in_the_longer_session() -> None:
    assert shown("abd", "abcd") == ["aa", "bb", "-c", "dd"]


def test_a_deleted_step_is_only_in_the_shorter_sessions_counterpart() -> None:
    assert shown("abcd", "abd") == ["aa", "bb", "c-", "dd"]


def test_a_rage_click_aligns_its_first_click_and_leaves_the_repeats_alone() -> None:
    assert shown("xcccy", "xcy") == ["xx", "cc", "c-", "c-", "yy"]
    assert shown("xcy", "xcccy") == ["xx", "cc", "-c", "-c", "yy"]


def test_reordered_steps_keep_one_pair_and_the_rest_in_order() -> None:
    pairs = shown("abcd", "acbd")
    assert pairs[0] == "aa" and pairs[-1] == "dd"
    # every step appears once on its side, in its own order
    assert "".join(p[0] for p in pairs if p[0] != "-") == "abcd"
    assert "".join(p[1] for p in pairs if p[1] != "-") == "acbd"


def test_different_pages_and_kinds_never_pair() -> None:
    a = [("click", "click on 'Buy'", "/cart")]
    b = [("input", "change on 'Buy'", "/cart")]
    assert sorted(align(a, b), key=str) == [(0, None), (None, 0)]
    assert score(a, b) == 0.0


def test_the_same_step_on_another_product_page_pairs_partly() -> None:
    a = steps("x", "/product/1")
    b = steps("x", "/product/2")
    assert align(a, b) == [(0, 0)]
    assert 0 < score(a, b) < 1


def test_score_falls_as_sequences_drift_apart() -> None:
    base = steps("abcdefgh")
    assert score(base, steps("abcdefgh")) > score(base, steps("abcdxfgh"))
    assert score(base, steps("abcdxfgh")) > score(base, steps("axcxexgx"))
