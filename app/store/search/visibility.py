"""When page text was in the page *and visible*: the node tree, ancestor removals, hiding.

The rule (what the index calls "shown"):

- A text node appears when a full snapshot or a mutation adds it and disappears at the
  first of: its own removal, the removal of ANY ancestor (a mutation ``removes`` entry of
  an element it lies under), a change of its text, the page's next full snapshot.
- While it is in the page it is hidden whenever it or an ancestor element is hidden, and
  an element is hidden while it has

  * the ``hidden`` attribute,
  * an inline ``style`` with ``display: none`` or ``visibility: hidden``,
  * classes whose winning class-only rule in the recorded page's own style sheets (the
    full snapshot's ``<link>`` ``_cssText`` and ``<style>`` texts, top level only: rules
    inside ``@media`` and other at-rules are conditional and ignored) sets
    ``display: none``. Class-only selectors are ``.a`` or ``.a.b`` (one compound of
    classes); among those whose classes the element all has, the one with most classes
    wins, then the later one — so ``.overlay {display: none}`` hides and
    ``.overlay.is-visible {display: flex}`` shows again, as in a browser.

  ``aria-hidden="true"`` does not hide (it only hides from screen readers). Attribute
  mutations that set or remove these attributes are followed; a text shown, hidden and
  shown again is one hit per visible stretch, each with the time it became visible.

Not followed: selectors other than class compounds (ids, tags, descendants), style sheets
changed after the snapshot, nodes moved under another parent (a node keeps its first
parent of a page; a moved subtree ends with the removal rrweb records for it).

Why in SQL, in two passes: the build must stay a small share of the ingest, so the node
tree is parsed only in sessions where something can end or hide text out of sight of the
first scan (a removal, a hiding attribute or a hiding class rule), and only from the events
that carry nodes (full snapshots and mutations with adds). Its tokens come out of one
regular expression in document order: an add of a single node (rrweb adds every node so)
is one token holding its parent and id; otherwise an add's ``parentId``, a node's opening
with its attributes and a node's ``"id":N}`` closing (rrweb writes an element's id after
its children). Depth is their running sum; a leaf's closing follows its opening, another
node's is the next closing at its depth and its parent the previous opening one level up
(as-of joins), or the add's ``parentId`` at the top of an add. Descendants of the roots
that matter (removed elements, elements that can hide) come from a recursive CTE.

Cost, measured with ``tests/benchmarks/bench_search.py`` and on the demo (machine shared,
load 2-3): the synthetic 10,000-session benchmark has no removal and no hiding, so only
the first scan's extra pieces are paid (build 0.22× the ingest, as before); on the demo,
recorded for real (a single-page shop: every session removes its views), the build takes
about 1.1 s instead of 0.35 s against a 1.7 s ingest, two thirds of it the node tree. Were
every session of the benchmark to need the tree (its adds are whole subtrees, five tokens
each, 2.3 million nodes), the tree would take about 6.5 s and the build about 10 s (0.5-0.9×
an ingest of 11-20 s): it scales with the nodes of the sessions that need it.
"""

from __future__ import annotations

from app.store.sql_constants import EVENT_FULL_SNAPSHOT, EVENT_INCREMENTAL_SNAPSHOT, SOURCE_MUTATION

_STRING = r'"(?:[^"\\]|\\.)*"'
_VALUE = rf"(?:{_STRING}|null|\{{[^{{}}]*\}})"
ATTRIBUTE_CHANGE_RE = (
    r'\{"id":\d+,"attributes":\{(?:"[^"]*":' + _VALUE + r",)*"
    r'"(?:class|style|hidden)":' + _VALUE
)
"""An attribute mutation that sets or removes ``class``, ``style`` or ``hidden`` (one of
the first scan's pieces)."""
HIDING_MARK_RE = (
    r'"hidden":"[^"]*"|"style":"[^"]*(?:display: ?none|visibility: ?hidden)'
    r'|"_cssText":' + _STRING
)
"""Pieces of the first scan that tell a session needs the node tree: a ``hidden``
attribute, an inline hiding style, a linked style sheet's text."""
_ATTRIBUTES = r'"attributes":\{(?:[^{}"]|' + _STRING + r")*\}"
TOKEN_RE = (
    r'\{"parentId":\d+,"id":\d+\}'  # a removal: skipped (its id is not a node's closing)
    r'|"parentId":\d+,"nextId":[^,]*,"node":\{"type":\d,(?:"tagName":"[^"]*",'
    + _ATTRIBUTES
    + r',"childNodes":\[\],(?:"isSVG":true,)?|"textContent":'
    + _STRING
    + r',(?:"isStyle":true,)?)"id":\d+\}'  # an add of one node: parent and node in one token
    r'|"parentId":\d+,"nextId":[^,]*,"node":'
    r'|\{"type":\d,(?:"tagName":"[^"]*",' + _ATTRIBUTES + r")?"
    r'|"id":\d+\}'
)
"""The node tree's tokens in document order: an add of a single node (how rrweb records
every added node), an add's ``parentId`` before a subtree, a node's opening with its
attributes, a node's closing."""

ELEMENT_ATTRIBUTES = r"""CASE WHEN contains(tok, '"type":2') AND
    regexp_matches(tok, '"(?:class|style|hidden)":')
    THEN regexp_extract(tok, '"attributes":(\{(?:[^{}"]|"(?:[^"\\]|\\.)*")*\})', 1) END AS attrs"""
"""An element's attributes (a JSON object) when one of them can hide it."""

STATEMENTS: list[tuple[str, str]] = [
    (
        "page tree",
        rf"""
        CREATE TEMP TABLE css_rules AS
        WITH sheets AS (
            SELECT DISTINCT session_id, css FROM (
                SELECT session_id, json_extract_string('{{' || p || '}}', '$._cssText') AS css
                FROM pieces WHERE starts_with(p, '"_cssText"')
                UNION ALL
                SELECT session_id, json_extract_string(
                    '"' || regexp_extract(p, '^"textContent":"((?:[^"\\]|\\.)*)"', 1) || '"', '$')
                FROM pieces WHERE starts_with(p, '"textContent"') AND contains(p, '"isStyle":true')
            )
        ), top_level AS (  -- at-rules (one level of nesting) are conditional: dropped
            SELECT session_id, regexp_replace(
                css, '@[^{{}};]*(\{{([^{{}}]*\{{[^{{}}]*\}})*[^{{}}]*\}}|;)', '', 'g') AS css
            FROM sheets
        ), rules AS (
            SELECT session_id, unnest(r) AS rule, unnest(range(len(r))) AS position
            FROM (SELECT session_id, regexp_extract_all(css, '[^{{}}]+\{{[^{{}}]*\}}') AS r
                  FROM top_level)
        ), selectors AS (
            SELECT session_id, position,
                   trim(unnest(string_split(split_part(rule, '{{', 1), ','))) AS selector,
                   regexp_extract(split_part(rule, '{{', 2),
                                  '(?:^|;)\s*display\s*:\s*([a-z-]+)', 1) AS display
            FROM rules
        )
        SELECT DISTINCT session_id, position,
               list_sort(string_split(substr(selector, 2), '.')) AS classes,
               display = 'none' AS hides
        FROM selectors
        WHERE display <> '' AND regexp_full_match(selector, '(\.[A-Za-z0-9_-]+)+');

        CREATE TEMP TABLE hiding_classes AS
        SELECT DISTINCT session_id, unnest(classes) AS class FROM css_rules WHERE hides;

        CREATE TEMP TABLE attribute_changes AS
        SELECT session_id, window_id, ts,
               TRY_CAST(regexp_extract(p, '^\{{"id":(\d+)', 1) AS INTEGER) AS node_id,
               regexp_extract(p, '"class":({_VALUE})', 1) AS class_value,
               regexp_extract(p, '"style":({_VALUE})', 1) AS style_value,
               regexp_extract(p, '"hidden":({_VALUE})', 1) AS hidden_value
        FROM pieces WHERE starts_with(p, '{{"id"') AND contains(left(p, 40), '"attributes":');

        CREATE TEMP TABLE tree_sessions AS
        SELECT DISTINCT session_id FROM gone
        UNION SELECT session_id FROM attribute_changes
        UNION SELECT session_id FROM hiding_classes
        UNION SELECT session_id FROM pieces
              WHERE starts_with(p, '"hidden"') OR starts_with(p, '"style"');

        CREATE TEMP TABLE snapshots_at AS
        SELECT session_id, window_id, epoch_ms(ts) AS page FROM src.events
        WHERE type = {EVENT_FULL_SNAPSHOT} AND session_id IN (SELECT session_id FROM tree_sessions);

        CREATE TEMP TABLE tree_events AS
        SELECT v.*, s.page FROM (
            SELECT session_id, window_id, epoch_ms(ts) AS ts, row_number() OVER () AS e,
                   regexp_extract_all(data::VARCHAR, '{TOKEN_RE}') AS t
            FROM src.events
            WHERE session_id IN (SELECT session_id FROM tree_sessions)
              AND (type = {EVENT_FULL_SNAPSHOT}
                   OR (type = {EVENT_INCREMENTAL_SNAPSHOT} AND source = {SOURCE_MUTATION}
                       AND contains(data::VARCHAR, '"adds":[{{')))
        ) v ASOF JOIN snapshots_at s
          ON v.session_id = s.session_id AND v.window_id IS NOT DISTINCT FROM s.window_id
         AND v.ts >= s.page;

        CREATE TEMP TABLE tokens AS
        SELECT e, unnest(t) AS tok, unnest(range(len(t))) AS i FROM tree_events;

        CREATE TEMP TABLE marks AS  -- strings dropped early: only the few attributes read
        SELECT e, i, delta, num, attrs,
               coalesce(sum(delta) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
                   + least(delta, 0) AS level,
               lag(delta) OVER w AS before, lag(num) OVER w AS num_before,
               lead(delta) OVER w AS after, lead(num) OVER w AS num_after
        FROM (
            SELECT e, i, CASE WHEN starts_with(tok, '{{"type"') THEN 1
                              WHEN starts_with(tok, '"id"') THEN -1 ELSE 0 END AS delta,
                   TRY_CAST(regexp_extract(tok, '^"(?:id|parentId)":(\d+)', 1) AS INTEGER)
                       AS num,
                   {ELEMENT_ATTRIBUTES}
            FROM tokens WHERE NOT starts_with(tok, '{{"parentId"')
              AND NOT (starts_with(tok, '"parentId"') AND ends_with(tok, '}}'))
        )
        WINDOW w AS (PARTITION BY e ORDER BY i);

        -- A leaf's closing follows its opening; only nodes with children need an as-of join
        -- to find theirs, and only they can be parents. A node at the top of an add follows
        -- the add's parentId.
        CREATE TEMP TABLE opened AS
        SELECT e, i, 0 AS level, {ELEMENT_ATTRIBUTES},
               TRY_CAST(regexp_extract(tok, '"id":(\d+)}}$', 1) AS INTEGER) AS node_id,
               0 AS before,
               TRY_CAST(regexp_extract(tok, '^"parentId":(\d+)', 1) AS INTEGER) AS num_before,
               FALSE AS has_children
        FROM tokens WHERE starts_with(tok, '"parentId"') AND ends_with(tok, '}}')
        UNION ALL
        SELECT e, i, level, attrs, num_after AS node_id, before, num_before, FALSE
        FROM marks WHERE delta = 1 AND after = -1
        UNION ALL
        SELECT o.e, o.i, o.level, o.attrs, c.num, o.before, o.num_before, TRUE
        FROM (SELECT * FROM marks WHERE delta = 1 AND after IS DISTINCT FROM -1) o
        ASOF JOIN (SELECT e, i, level, num FROM marks WHERE delta = -1 AND before <> 1) c
          ON o.e = c.e AND o.level = c.level AND c.i > o.i;

        CREATE TEMP TABLE tree AS  -- a node's first parent of its page
        SELECT v.session_id, v.window_id, v.page, n.node_id, min(v.ts) AS ts,
               arg_min(n.parent_id, v.ts) AS parent_id, arg_min(n.attrs, v.ts) AS attrs
        FROM (
            SELECT o.e, o.node_id, o.attrs,
                   CASE WHEN o.level > 0 THEN p.node_id WHEN o.before = 0 THEN o.num_before
                   END AS parent_id
            FROM (SELECT * FROM opened WHERE node_id IS NOT NULL) o
            ASOF LEFT JOIN (SELECT e, i, node_id, level FROM opened WHERE has_children) p
              ON o.e = p.e AND p.level = o.level - 1 AND p.i < o.i
        ) n JOIN tree_events v ON v.e = n.e
        GROUP BY ALL;
        """,
    ),
    (
        "removals",
        r"""
        CREATE TEMP TABLE gone_roots AS
        SELECT g.session_id, g.window_id, s.page, g.ts, g.node_id
        FROM (SELECT * FROM gone WHERE session_id IN (SELECT session_id FROM tree_sessions)) g
        ASOF JOIN snapshots_at s
          ON g.session_id = s.session_id AND g.window_id IS NOT DISTINCT FROM s.window_id
         AND g.ts >= s.page;

        CREATE TEMP TABLE below AS  -- (root, node under it) for removed and hiding roots
        WITH RECURSIVE roots AS (
            SELECT DISTINCT session_id, window_id, page, node_id FROM gone_roots
            UNION
            SELECT session_id, window_id, page, node_id FROM tree t
            WHERE contains(attrs, '"hidden":')
               OR regexp_matches(attrs, '"style":"[^"]*(display: ?none|visibility: ?hidden)')
               OR (contains(attrs, '"class":"') AND list_has_any(
                       string_split(regexp_extract(attrs, '"class":"([^"]*)"', 1), ' '),
                       (SELECT list(class) FROM hiding_classes h
                        WHERE h.session_id = t.session_id)))
            UNION
            SELECT c.session_id, c.window_id, s.page, c.node_id
            FROM attribute_changes c ASOF JOIN snapshots_at s
              ON c.session_id = s.session_id AND c.window_id IS NOT DISTINCT FROM s.window_id
             AND c.ts >= s.page
        ), d(session_id, window_id, page, root, node_id) AS (
            SELECT session_id, window_id, page, node_id, node_id FROM roots
            UNION
            SELECT d.session_id, d.window_id, d.page, d.root, t.node_id
            FROM d JOIN tree t
              ON t.session_id = d.session_id AND t.window_id IS NOT DISTINCT FROM d.window_id
             AND t.page = d.page AND t.parent_id = d.node_id
        )
        SELECT * FROM d;

        INSERT INTO gone
        SELECT g.session_id, g.window_id, g.ts, b.node_id
        FROM gone_roots g JOIN below b
          ON g.session_id = b.session_id AND g.window_id IS NOT DISTINCT FROM b.window_id
         AND g.page = b.page AND g.node_id = b.root AND b.node_id <> b.root
        WHERE (b.session_id, b.node_id) IN (SELECT session_id, node_id FROM dom_text);
        """,
    ),
    (
        "visibility",
        r"""
        CREATE TEMP TABLE states AS  -- each hiding root's attributes as they changed
        WITH raw AS (
            SELECT session_id, window_id, page, node_id, ts, 0 AS ord,
                   coalesce(json_extract_string(a, '$.class'), '') AS class,
                   json_extract_string(a, '$.hidden') IS NOT NULL AS hidden_attr,
                   coalesce(json_extract_string(a, '$.style'), '') AS style, FALSE AS style_object
            FROM (SELECT t.*, CASE WHEN json_valid(attrs) THEN attrs END AS a
                  FROM tree t SEMI JOIN (SELECT DISTINCT session_id, window_id, page, root
                                         FROM below) b
                    ON t.session_id = b.session_id
                   AND t.window_id IS NOT DISTINCT FROM b.window_id
                   AND t.page = b.page AND t.node_id = b.root)
            UNION ALL
            SELECT c.session_id, c.window_id, s.page, c.node_id, c.ts, 1,
                   CASE WHEN class_value = '' THEN NULL WHEN class_value = 'null' THEN ''
                        ELSE json_extract_string(class_value, '$') END,
                   CASE WHEN hidden_value = '' THEN NULL ELSE hidden_value <> 'null' END,
                   CASE WHEN style_value = '' THEN NULL WHEN style_value = 'null' THEN ''
                        WHEN starts_with(style_value, '{') THEN style_value
                        ELSE json_extract_string(style_value, '$') END,
                   starts_with(style_value, '{')
            FROM attribute_changes c ASOF JOIN snapshots_at s
              ON c.session_id = s.session_id AND c.window_id IS NOT DISTINCT FROM s.window_id
             AND c.ts >= s.page
        ), facets AS (
            SELECT *,
                   CASE WHEN style IS NULL THEN NULL
                        WHEN style_object THEN CASE
                            WHEN json_extract_string(style, '$.display') IS NULL THEN NULL
                            ELSE json_extract_string(style, '$.display') = 'none' END
                        ELSE regexp_matches(style, 'display\s*:\s*none') END AS display_none,
                   CASE WHEN style IS NULL THEN NULL
                        WHEN style_object THEN CASE
                            WHEN json_extract_string(style, '$.visibility') IS NULL THEN NULL
                            ELSE json_extract_string(style, '$.visibility') = 'hidden' END
                        ELSE regexp_matches(style, 'visibility\s*:\s*hidden') END
                       AS visibility_hidden
            FROM raw
        ), held AS (
            SELECT session_id, window_id, page, node_id, ts,
                   last_value(class IGNORE NULLS) OVER w AS class,
                   last_value(hidden_attr IGNORE NULLS) OVER w AS hidden_attr,
                   last_value(display_none IGNORE NULLS) OVER w AS display_none,
                   last_value(visibility_hidden IGNORE NULLS) OVER w AS visibility_hidden
            FROM facets
            WINDOW w AS (PARTITION BY session_id, window_id, page, node_id ORDER BY ts, ord
                         ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
        ), classed AS (
            SELECT h.*, (SELECT arg_max(r.hides, (len(r.classes), r.position))
                         FROM css_rules r
                         WHERE r.session_id = h.session_id
                           AND list_has_all(string_split(h.class, ' '), r.classes))
                        AS class_hides
            FROM held h
        )
        SELECT session_id, window_id, page, node_id, ts,
               lead(ts) OVER (PARTITION BY session_id, window_id, page, node_id ORDER BY ts)
                   AS to_ms,
               coalesce(hidden_attr, FALSE) OR coalesce(display_none, FALSE)
               OR coalesce(visibility_hidden, FALSE) OR coalesce(class_hides, FALSE) AS hidden
        FROM classed;

        CREATE TEMP TABLE hidden_spans AS  -- each hiding root's hidden stretches, copied to
        SELECT b.session_id, b.window_id, b.page, b.node_id,  -- every node under it
               s.ts AS from_ms, s.to_ms
        FROM states s JOIN below b
          ON s.session_id = b.session_id AND s.window_id IS NOT DISTINCT FROM b.window_id
         AND s.page = b.page AND s.node_id = b.root
        WHERE s.hidden;
        """,
    ),
]
"""Run after the first scan (``pieces``, ``gone``) and before text disappearance."""

FAR = "9000000000000000"
"""Later than any recording (epoch ms): the end of text that never disappeared."""

VISIBLE_TEXT = rf"""
CREATE TEMP TABLE visible_text AS
WITH t AS (  -- only text under a hiding root is cut; its page as the roots' key
    SELECT x.*, coalesce(x.end_ms, {FAR}) AS until, s.page, row_number() OVER () AS tid
    FROM (SELECT * FROM text_spans WHERE (session_id, node_id) IN
          (SELECT session_id, node_id FROM hidden_spans)) x
    ASOF JOIN snapshots_at s
      ON x.session_id = s.session_id AND x.window_id IS NOT DISTINCT FROM s.window_id
     AND x.ts >= s.page
), h AS (
    SELECT t.tid, greatest(hs.from_ms, t.ts) AS f, least(coalesce(hs.to_ms, {FAR}), t.until) AS u
    FROM t JOIN hidden_spans hs
      ON t.session_id = hs.session_id AND t.window_id IS NOT DISTINCT FROM hs.window_id
     AND t.page = hs.page AND t.node_id = hs.node_id
     AND hs.from_ms < t.until AND coalesce(hs.to_ms, {FAR}) > t.ts
), cuts AS (
    SELECT tid, ts AS c FROM t UNION SELECT tid, f FROM h UNION SELECT tid, u FROM h
), segments AS (
    SELECT tid, c AS s, lead(c) OVER (PARTITION BY tid ORDER BY c) AS e FROM cuts
), flagged AS (
    SELECT p.*, EXISTS (SELECT 1 FROM h WHERE h.tid = p.tid AND h.f <= p.s AND h.u > p.s)
               AS hidden
    FROM segments p JOIN t USING (tid) WHERE p.s < t.until
), stretches AS (
    SELECT *, sum(hidden::INTEGER) OVER (PARTITION BY tid ORDER BY s) AS stretch
    FROM flagged
)
SELECT t.session_id, t.window_id, min(x.s) AS ts,
       CASE WHEN max(coalesce(x.e, {FAR})) >= t.until THEN t.end_ms
            ELSE max(x.e) END AS end_ms,
       t.text, t.node_id
FROM stretches x JOIN t USING (tid)
WHERE NOT x.hidden
GROUP BY t.tid, x.stretch, t.session_id, t.window_id, t.text, t.node_id, t.until, t.end_ms;
"""
"""Text under a hiding root, one row per stretch it was visible (none when never)."""
