"""The DuckDB store: one database per archive, all SQL of the app. Qt-free."""
