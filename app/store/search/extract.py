"""The searchable text of a store, extracted by DuckDB into the index's ``docs`` table.

Why in SQL: an ingest of 5 million events takes about 14 s and the index may add at most
30 % to it; decoding every event's JSON in Python would take longer than the ingest
itself. DuckDB scans only the events that can hold text (full snapshots, mutations, inputs,
console messages, page loads), pulls text nodes and attribute values out of the raw JSON
with regular expressions (text nodes lie at any depth of a snapshot), and computes when
each text disappeared with as-of joins. Text counts as shown only while it is in the page
and visible: removals of its ancestors and hiding are followed by :mod:`.visibility`
(whose docstring states the rule); text hidden all along is not a hit, and text shown,
hidden and shown again is one hit per visible stretch.

One row of ``docs`` is one hit, numbered by its row id (rows are written in session and
time order, so id order is time order); its text is a row of ``texts`` (``h``, a hash of
kind, text and status), since pages repeat the same texts in every session: terms are
taken from each distinct text once, ``postings`` lists the texts (not the hits) of each
term, and a query is answered on the texts before it picks the hits that show them
(``occurrences``: the row ids of each text's hits). A hit
has ``kind`` (the index of :data:`~app.store.search.model.KINDS`),
the text as shown, when it appeared (``ts``, epoch ms) and disappeared (``end_ms``), the
recorded node (``node_id``) and, for requests, the status. Masked text (all ``*``) and text
without a letter or digit are left out.
"""

from __future__ import annotations

from collections.abc import Callable

from app.store.queries import Cursor
from app.store.search.fold import SPLIT_SQL
from app.store.search.model import KINDS
from app.store.search.visibility import (
    ATTRIBUTE_CHANGE_RE,
    HIDING_MARK_RE,
    VISIBLE_TEXT,
)
from app.store.search.visibility import STATEMENTS as VISIBILITY_STATEMENTS
from app.store.sql_constants import (
    EVENT_FULL_SNAPSHOT,
    EVENT_INCREMENTAL_SNAPSHOT,
    EVENT_META,
    EVENT_PLUGIN,
    SOURCE_INPUT,
    SOURCE_MUTATION,
)

_STRING = r'"(?:[^"\\]|\\.)*"'
PIECES_RE = (
    r'(?:"parentId":\d+,"nextId":[^,{}]*,"node":\{"type":3,)?"textContent":' + _STRING + r"[^{}]*"
    r'|(?:\{|",)"(?:value|placeholder|title|alt|aria-label)":'
    + _STRING
    + r'|"removes":\[\{[^\]]*\]'
    + r'|\{"id":\d+,"value":'
    + _STRING
    + "|"
    + ATTRIBUTE_CHANGE_RE
    + "|"
    + HIDING_MARK_RE
)
"""Everything searchable in a snapshot's or mutation's raw JSON, in one scan: a text node
(with its parent when a mutation added it alone), an attribute a user reads (a form's
value, a placeholder, a tooltip, an image's alt text, an aria-label), a mutation's removed
nodes and a text change (``{"id":N,"value":"…"}``: only ``texts`` entries start so). Why one
expression: the scan of a few hundred MB of JSON is the cost; small matches are then
taken apart."""
_TEXT_PIECE = r'"textContent":"((?:[^"\\]|\\.)*)"'

TEXT_CHANGE = """(starts_with(p, '{"id"') AND NOT contains(left(p, 40), '"attributes":'))"""
"""A piece that is a text node's new text (``{"id":N,"value":…``), not an attribute change."""
K = {kind: index for index, kind in enumerate(KINDS)}
SHOWN = r"(regexp_matches({0}, '[0-9A-Za-z]') OR regexp_matches({0}, '[\p{{L}}\p{{N}}]'))"
"""Text worth indexing: has a letter or digit (masked text is only ``*``); the ASCII test
first, as most text passes it and it is cheaper than the Unicode classes."""


def _unescape(column: str) -> str:
    """A JSON string's body (as a regular expression caught it) decoded to its text."""
    return (
        f"CASE WHEN contains({column}, '\\') "
        f"THEN json_extract_string('\"' || {column} || '\"', '$') ELSE {column} END"
    )


STATEMENTS: list[tuple[str, str]] = [
    (
        "page text",
        rf"""
        CREATE TEMP TABLE pieces AS
        SELECT session_id, window_id, epoch_ms(ts) AS ts,
               unnest(regexp_extract_all(data::VARCHAR, '{PIECES_RE}')) AS p
        FROM src.events
        WHERE type = {EVENT_FULL_SNAPSHOT}
           OR (type = {EVENT_INCREMENTAL_SNAPSHOT} AND source = {SOURCE_MUTATION});

        CREATE TEMP TABLE dom_text AS
        WITH nodes AS (  -- '"textContent":"' is 15 characters, '"parentId":' 11
            SELECT session_id, window_id, ts,
                   substr(p, strpos(p, '"textContent":"') + 15) AS rest,
                   CASE WHEN starts_with(p, '"parentId"')
                        THEN TRY_CAST(split_part(substr(p, 12), ',', 1) AS INTEGER) END
                       AS parent_id
            FROM pieces
            WHERE starts_with(p, '"textContent"') OR starts_with(p, '"parentId"')
        ), split AS (  -- '","' never occurs inside a JSON string: it ends the text
            SELECT session_id, window_id, ts, parent_id,
                   CASE WHEN strpos(rest, '","') > 0 THEN substr(rest, 1, strpos(rest, '","') - 1)
                        ELSE substr(rest, 1, length(rest) - 1) END AS raw,
                   CASE WHEN strpos(rest, '","') > 0 THEN substr(rest, strpos(rest, '","'))
                        ELSE '' END AS tail
            FROM nodes
        )
        SELECT session_id, window_id, ts, {_unescape("raw")} AS text,
               TRY_CAST(split_part(split_part(tail, '"id":', 2), ',', 1) AS INTEGER) AS node_id,
               parent_id
        FROM split WHERE NOT contains(tail, '"isStyle":true') AND {SHOWN.format("raw")}
        UNION ALL
        SELECT session_id, window_id, ts, {_unescape("raw")}, node_id, NULL FROM (
            SELECT session_id, window_id, ts, regexp_extract(p, ',"value":"(.*)"$', 1) AS raw,
                   TRY_CAST(regexp_extract(p, '^\{{"id":(\d+)', 1) AS INTEGER) AS node_id
            FROM pieces WHERE {TEXT_CHANGE}
        ) WHERE {SHOWN.format("raw")};

        CREATE TEMP TABLE dom_attributes AS
        SELECT session_id, window_id, ts, {_unescape("raw")} AS text, NULL::INTEGER AS node_id
        FROM (
            SELECT session_id, window_id, ts, regexp_extract(p, ':"(.*)"$', 1) AS raw
            FROM pieces WHERE starts_with(p, '{{"') AND NOT starts_with(p, '{{"id"')
               OR starts_with(p, '",')
        ) WHERE {SHOWN.format("raw")};

        CREATE TEMP TABLE gone AS
        SELECT session_id, window_id, ts,
               unnest(regexp_extract_all(p, '"id":(\d+)', 1))::INTEGER AS node_id
        FROM pieces WHERE starts_with(p, '"removes"')
        UNION ALL
        SELECT session_id, window_id, ts,
               TRY_CAST(regexp_extract(p, '^\{{"id":(\d+)', 1) AS INTEGER)
        FROM pieces WHERE {TEXT_CHANGE};
        CREATE TEMP TABLE snapshots AS
        SELECT session_id, window_id, epoch_ms(ts) AS ts FROM src.events
        WHERE type = {EVENT_FULL_SNAPSHOT};
        """,
    ),
    *VISIBILITY_STATEMENTS,
    (
        "disappearance",
        r"""
        CREATE TEMP TABLE gone_keys AS SELECT DISTINCT session_id, node_id FROM gone;
        CREATE TEMP TABLE shown AS
        WITH marked AS (  -- as-of joins sort their inputs: only texts that can end take them
            SELECT d.*, EXISTS (SELECT 1 FROM gone_keys k WHERE k.session_id = d.session_id
                                AND k.node_id IN (d.node_id, d.parent_id)) AS can_end
            FROM dom_text d
        )
        SELECT d.session_id, d.window_id, d.ts, d.text, d.node_id,
               CASE WHEN own.ts IS NULL THEN parent.ts
                    ELSE least(own.ts, coalesce(parent.ts, own.ts)) END AS end_ms
        FROM (SELECT * FROM marked WHERE can_end) d
        ASOF LEFT JOIN gone own
          ON d.session_id = own.session_id AND d.window_id IS NOT DISTINCT FROM own.window_id
         AND d.node_id = own.node_id AND own.ts > d.ts
        ASOF LEFT JOIN gone parent
          ON d.session_id = parent.session_id
         AND d.window_id IS NOT DISTINCT FROM parent.window_id
         AND d.parent_id = parent.node_id AND parent.ts > d.ts
        UNION ALL
        SELECT session_id, window_id, ts, text, node_id, NULL FROM marked WHERE NOT can_end
        UNION ALL
        SELECT session_id, window_id, ts, text, node_id, NULL FROM dom_attributes;
        """,
    ),
    (
        "docs",
        rf"""
        CREATE TEMP TABLE text_spans AS
        WITH last_snapshot AS (
            SELECT session_id, window_id, max(ts) AS ts FROM snapshots GROUP BY ALL
        ), marked AS (  -- only text shown before a page's last snapshot can end with one
            SELECT s.*, s.ts < l.ts AS replaced FROM shown s LEFT JOIN last_snapshot l
              ON s.session_id = l.session_id AND s.window_id IS NOT DISTINCT FROM l.window_id
        )
        SELECT s.session_id, s.window_id, s.ts,
               CASE WHEN n.ts IS NULL THEN s.end_ms
                    ELSE least(coalesce(s.end_ms, n.ts), n.ts) END AS end_ms,
               s.text, s.node_id
        FROM (SELECT * FROM marked WHERE replaced) s ASOF LEFT JOIN snapshots n
          ON s.session_id = n.session_id AND s.window_id IS NOT DISTINCT FROM n.window_id
         AND n.ts > s.ts
        UNION ALL
        SELECT session_id, window_id, ts, end_ms, text, node_id
        FROM marked WHERE replaced IS NOT TRUE;
        {VISIBLE_TEXT}
        CREATE TEMP TABLE docs_unordered AS
        SELECT *, hash(kind, text, status) AS h FROM (
        SELECT session_id, ts, end_ms, {K["text"]}::TINYINT AS kind, text, node_id,
               NULL::SMALLINT AS status
        FROM text_spans WHERE (session_id, node_id) NOT IN
             (SELECT session_id, node_id FROM hidden_spans)
           OR node_id IS NULL
        UNION ALL
        SELECT session_id, ts, end_ms, {K["text"]}, text, node_id, NULL FROM visible_text
        UNION ALL
        SELECT session_id, ts, next_ts, {K["typed"]}, text, node_id, NULL FROM (
            SELECT session_id, ts, text, node_id,
                   lead(ts) OVER w AS next_ts, lead(text) OVER w AS next
            FROM (
                SELECT session_id, window_id, epoch_ms(ts) AS ts, data->>'$.text' AS text,
                       TRY_CAST(data->>'$.id' AS INTEGER) AS node_id
                FROM src.events
                WHERE type = {EVENT_INCREMENTAL_SNAPSHOT} AND source = {SOURCE_INPUT}
                  AND regexp_matches(data::VARCHAR, '"text":"\**[^*"]')  -- not all "*"
            ) WHERE {SHOWN.format("text")}
            WINDOW w AS (PARTITION BY session_id, window_id, node_id ORDER BY ts)
        ) WHERE next IS NULL OR NOT starts_with(next, text) OR next = text
        UNION ALL
        SELECT session_id, epoch_ms(ts), NULL, {K["console"]},
               array_to_string(list_transform(data->>'$.payload.payload[*]',
                   lambda x: CASE WHEN starts_with(x, '"') AND json_valid(x)
                             THEN json_extract_string(x, '$') ELSE x END), ' '),
               NULL, NULL
        FROM src.events
        WHERE type = {EVENT_PLUGIN} AND data->>'$.plugin' = 'rrweb/console@1'
        UNION ALL
        SELECT session_id, epoch_ms(ts), NULL, {K["error"]},
               concat_ws(chr(10), message, stack), NULL, NULL
        FROM src.errors WHERE message IS NOT NULL
        UNION ALL
        SELECT session_id, epoch_ms(ts), NULL, {K["request"]},
               concat_ws(' ', method, url), NULL, TRY_CAST(status AS SMALLINT)
        FROM src.requests WHERE url IS NOT NULL
        UNION ALL
        SELECT session_id, epoch_ms(ts), NULL, {K["action"]}, name, NULL, NULL
        FROM src.actions WHERE name IS NOT NULL
        UNION ALL
        SELECT session_id, epoch_ms(ts),
               lead(epoch_ms(ts)) OVER (PARTITION BY session_id, window_id ORDER BY ts),
               {K["page"]}, data->>'$.href', NULL, NULL
        FROM src.events WHERE type = {EVENT_META} AND data->>'$.href' IS NOT NULL
        UNION ALL
        SELECT session_id, epoch_ms(started_at), NULL, {K["user"]}, user_id, NULL, NULL
        FROM src.sessions WHERE user_id IS NOT NULL
        );
        """,
    ),
    (
        "order",
        r"""
        CREATE TABLE texts AS
        SELECT h, any_value(kind) AS kind,
               any_value(status) AS status, any_value(text) AS text
        FROM docs_unordered GROUP BY h;
        CREATE TABLE docs AS
        SELECT session_id, ts, end_ms, h, node_id
        FROM docs_unordered ORDER BY session_id, ts, kind;
        DROP TABLE docs_unordered;
        CREATE TABLE occurrences AS SELECT h, list(rowid) AS rows FROM docs GROUP BY h;
        """,
    ),
    (
        "terms",
        rf"""
        CREATE TABLE postings AS
        WITH terms AS (
            SELECT kind, h, unnest(list_distinct(
                       regexp_split_to_array(lower(strip_accents(text)), '{SPLIT_SQL}'))) AS term
            FROM texts
        )
        SELECT term, kind, list(h) AS hs FROM terms WHERE term <> '' GROUP BY term, kind;
        CREATE TABLE sessions AS SELECT DISTINCT session_id FROM store.sessions;
        """,
    ),
]
"""The build, step by step: (what it does, for progress and timings; the SQL)."""


def extract(
    cur: Cursor,
    progress: Callable[[float, str], None],
    check_cancel: Callable[[], None],
    reuse: str = "",
) -> dict[str, float]:
    """Run :data:`STATEMENTS` on ``cur``; seconds per step.

    The store is attached as ``store`` and the sessions to extract are the views of schema
    ``src`` (every session, or the new ones of an incremental build); ``reuse``, when
    given, runs after the ``docs`` step to add the hits of the sessions kept from an
    earlier index to ``docs_unordered``.
    """
    import time

    steps = list(STATEMENTS)
    if reuse:
        at = next(index for index, (name, _) in enumerate(steps) if name == "docs") + 1
        steps.insert(at, ("reuse", reuse))
    timings = {}
    for index, (name, sql) in enumerate(steps):
        check_cancel()
        progress(index / len(steps), f"Indexing {name}")
        started = time.perf_counter()
        cur.execute(sql)
        timings[name] = time.perf_counter() - started
    return timings
