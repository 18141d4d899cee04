"""Reading and writing session recordings: the ``.webreplay`` archive, plain rrweb files and
PostHog exports. Qt-free and DuckDB-free: readers only turn bytes into Python records."""
