"""Deriving the RUM stream (actions, errors, requests) from a bare rrweb recording.

Qt-free and store-free: it consumes rrweb events one by one and yields records in the
archive's RUM format (``resources/format/README.md``), so a PostHog export or a plain
rrweb file is stored exactly like a native archive.
"""
