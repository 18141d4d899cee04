"""The lake: recorder batches received by a collector, compacted into Parquet by UTC day.

Why a package of its own: receiving production traffic (:mod:`app.lake.server`), keeping it
durable (:mod:`app.lake.spool`), and turning it into tables other engines read
(:mod:`app.lake.compaction`) is one job that needs no window. The layout on disk is in
:mod:`app.lake.layout`; opening a lake for the screens is the store's
(:mod:`app.store.lake`), since only the store talks to DuckDB.
"""
