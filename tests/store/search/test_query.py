"""The query language: what a query means and what a user is told when it cannot be read."""

from __future__ import annotations

import pytest

from app.store.search.model import QuerySyntaxError
from app.store.search.query import And, Not, Or, Status, Term, parse


def test_adjacent_words_mean_and_and_are_folded() -> None:
    assert parse("Crème  BRÛLÉE") == And((Term(("creme",)), Term(("brulee",))))


def test_phrase_prefix_and_field() -> None:
    assert parse('"Place order"') == Term(("place", "order"))
    assert parse("postal*") == Term(("postal",), prefix=True)
    assert parse('text:"postal co*"') == Term(("postal", "co"), prefix=True, field="text")
    assert parse("url:/api/order") == Term(("api", "order"), field="url")


def test_status_codes_and_ranges() -> None:
    assert parse("status:500") == Status(500, 500)
    assert parse("status:5xx") == Status(500, 599)
    assert parse("status:40*") == Status(400, 409)


def test_precedence_not_over_and_over_or() -> None:
    assert parse("a b OR c -d") == Or(
        (And((Term(("a",)), Term(("b",)))), And((Term(("c",)), Not(Term(("d",))))))
    )
    assert parse("error:(undefined OR null) NOT checkout") == And(
        (
            Or((Term(("undefined",), field="error"), Term(("null",), field="error"))),
            Not(Term(("checkout",))),
        )
    )


def test_lower_case_operators_are_words() -> None:
    assert parse("cats and dogs") == And((Term(("cats",)), Term(("and",)), Term(("dogs",))))


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ('"open phrase', "not closed"),
        ("(a OR b", "not closed"),
        ("a)", "closes nothing"),
        ("a OR", "needs a term after it"),
        ("AND a", "needs a term on each side"),
        ("NOT", "needs a term after it"),
        ("status:ok", "status code"),
        ("error:", "needs a word"),
        ("-checkout", "only says what to leave out"),
        ("*** ---", "Type a word"),
    ],
)
def test_errors_say_what_to_change(query: str, says: str) -> None:
    with pytest.raises(QuerySyntaxError, match=says):
        parse(query)
