"""Global alignment of two action sequences (Needleman–Wunsch with affine gaps, Gotoh).

Why affine gaps: a rage click (the same click three times) against one click, or a detour
through two extra pages, is one stretch of extra steps; opening a gap costs more than
extending it, so such a stretch stays together instead of being spread over the sequence.
When two alignments score the same, the traceback prefers to leave the *later* repeats
unmatched, so the first of three clicks is the one aligned with the other session's click.

Tokens are ``(kind, name, page path)`` (:attr:`app.compare.model.Step.token`). Equal tokens
match best; the same action on another page (``click on 'Add to cart'`` on two products)
matches partly; another action of the same kind on the same page (a different size picked)
may stand against it as a substitution; anything else is never paired.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

Token = tuple[str, str, str]
Pair = tuple[int | None, int | None]

FULL, SAME_NAME, SAME_PLACE = 2.0, 1.0, 0.0
NEVER = -1e9
GAP_OPEN, GAP_EXTEND = -1.0, -0.5
_TIE = 1e-9  # a gap wins a tie against a match: the first of repeated steps is matched


def similarity(a: Token, b: Token) -> float:
    """How well two steps pair: equal, same action elsewhere, same kind on the same page."""
    if a == b:
        return FULL
    if a[0] != b[0]:
        return NEVER
    if a[1] == b[1]:
        return SAME_NAME
    if a[2] == b[2]:
        return SAME_PLACE
    return NEVER


def credit(a: Token, b: Token) -> float:
    """How much a pair counts towards the similarity score (0..1)."""
    value = similarity(a, b)
    return 1.0 if value == FULL else 0.5 if value == SAME_NAME else 0.25 if value > NEVER else 0


def align(
    a: Sequence[Token],
    b: Sequence[Token],
    score: Callable[[Token, Token], float] = similarity,
) -> list[Pair]:
    """The best global alignment of ``a`` and ``b`` as index pairs, in order; ``(i, None)``
    is a step only in ``a``, ``(None, j)`` one only in ``b``. O(len(a)·len(b))."""
    n, m = len(a), len(b)
    neg = float("-inf")
    # three layers: 0 = ends in a pair, 1 = ends with a step only in a, 2 = only in b
    best = [[[neg] * (m + 1) for _ in range(n + 1)] for _ in range(3)]
    back = [[[0] * (m + 1) for _ in range(n + 1)] for _ in range(3)]
    best[0][0][0] = 0.0
    for i in range(1, n + 1):
        best[1][i][0] = GAP_OPEN + (i - 1) * GAP_EXTEND
        back[1][i][0] = 1 if i > 1 else 0
    for j in range(1, m + 1):
        best[2][0][j] = GAP_OPEN + (j - 1) * GAP_EXTEND
        back[2][0][j] = 2 if j > 1 else 0
    pair_layer, a_layer, b_layer = best
    for i in range(1, n + 1):
        ai = a[i - 1]
        for j in range(1, m + 1):
            s = score(ai, b[j - 1])
            if s > NEVER:
                state, value = _pick(
                    pair_layer[i - 1][j - 1], a_layer[i - 1][j - 1], b_layer[i - 1][j - 1]
                )
                pair_layer[i][j], back[0][i][j] = value + s, state
            state, value = _pick(
                pair_layer[i - 1][j] + GAP_OPEN,
                a_layer[i - 1][j] + GAP_EXTEND,
                b_layer[i - 1][j] + GAP_OPEN,
            )
            a_layer[i][j], back[1][i][j] = value, state
            state, value = _pick(
                pair_layer[i][j - 1] + GAP_OPEN,
                a_layer[i][j - 1] + GAP_OPEN,
                b_layer[i][j - 1] + GAP_EXTEND,
            )
            b_layer[i][j], back[2][i][j] = value, state
    state, _ = _pick(pair_layer[n][m], a_layer[n][m], b_layer[n][m])
    pairs: list[Pair] = []
    i, j = n, m
    while i > 0 or j > 0:
        previous = back[state][i][j]
        if state == 0:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif state == 1:
            pairs.append((i - 1, None))
            i -= 1
        else:
            pairs.append((None, j - 1))
            j -= 1
        state = previous
    pairs.reverse()
    return pairs


def _pick(pair: float, only_a: float, only_b: float) -> tuple[int, float]:
    """The best of the three layers; on a tie a gap is preferred to a pair."""
    if only_a + _TIE >= pair and only_a >= only_b:
        return 1, only_a
    if only_b + _TIE >= pair:
        return 2, only_b
    return 0, pair


def score(a: Sequence[Token], b: Sequence[Token], pairs: Sequence[Pair] | None = None) -> float:
    """Similarity of two sequences, 0..1: twice the credit of the aligned pairs over the
    number of steps of both (1: the same steps in the same order)."""
    if not a and not b:
        return 1.0
    pairs = align(a, b) if pairs is None else pairs
    total = sum(credit(a[i], b[j]) for i, j in pairs if i is not None and j is not None)
    return min(1.0, 2 * total / (len(a) + len(b)))
