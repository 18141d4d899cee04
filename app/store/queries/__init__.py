"""The store's queries, one module per kind of question; every function takes a cursor first.

``apdex`` (how actions rate), ``overview`` (the dashboard's figures), ``sessions`` (the
session list and its filter values), ``goals`` (conversions), ``errors`` (JavaScript error
groups, source maps), ``replay`` (one session, as the replay shows it) and ``tables`` (whole tables
for exports). Why functions over a cursor rather than store methods: the store is what
opens, guards and closes the database; what a query answers belongs with its SQL.

Pass the cursor of the thread that runs the query: :meth:`SessionStore.cursor()
<app.store.store.SessionStore.cursor>` returns the calling thread's, so a task on a worker
asks for it inside the task. Modules outside the store name the type as :data:`Cursor`
(under ``TYPE_CHECKING``), never import DuckDB.
"""

from __future__ import annotations

from typing import TypeAlias

import duckdb

Cursor: TypeAlias = duckdb.DuckDBPyConnection
"""A DuckDB cursor of one thread (:meth:`app.store.store.SessionStore.cursor`)."""
