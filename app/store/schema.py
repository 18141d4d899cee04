"""Tables of the store. Bump :data:`SCHEMA_VERSION` whenever a table changes shape: older
cached databases are then re-ingested instead of being misread."""

SCHEMA_VERSION = 4  # 2: lost RUM records of large archives fixed; 3: frustration_signals;
# 4: requests.size_bytes (response sizes from Sentry spans, Highlight and rrweb network)

DDL = """
CREATE TABLE archive_info (key VARCHAR, value VARCHAR);
CREATE TABLE ingest_warnings (session_id VARCHAR, message VARCHAR);
CREATE TABLE sessions (
    session_id VARCHAR, user_id VARCHAR, started_at TIMESTAMP, ended_at TIMESTAMP,
    duration_ms BIGINT, browser VARCHAR, os VARCHAR, device VARCHAR,
    screen_width INTEGER, screen_height INTEGER, country VARCHAR, city VARCHAR,
    entry_url VARCHAR, release VARCHAR, user_agent VARCHAR, extra JSON
);
CREATE TABLE events (
    session_id VARCHAR, ts TIMESTAMP, type TINYINT, source TINYINT, window_id VARCHAR,
    data JSON
);
CREATE TABLE actions (
    session_id VARCHAR, ts TIMESTAMP, type VARCHAR, trigger VARCHAR, name VARCHAR,
    target VARCHAR, url VARCHAR, duration_ms BIGINT, action_id VARCHAR
);
CREATE TABLE errors (
    session_id VARCHAR, ts TIMESTAMP, message VARCHAR, stack VARCHAR, source VARCHAR,
    line INTEGER, col INTEGER, url VARCHAR, action_id VARCHAR
);
CREATE TABLE requests (
    session_id VARCHAR, ts TIMESTAMP, method VARCHAR, url VARCHAR, status INTEGER,
    duration_ms BIGINT, action_id VARCHAR, size_bytes BIGINT
);
CREATE TABLE vitals (session_id VARCHAR, ts TIMESTAMP, name VARCHAR, value DOUBLE, url VARCHAR);
CREATE TABLE goals (session_id VARCHAR, ts TIMESTAMP, goal VARCHAR, url VARCHAR);
CREATE TABLE idle_periods (
    session_id VARCHAR, started_at TIMESTAMP, ended_at TIMESTAMP, duration_ms BIGINT
);
CREATE TABLE source_maps (source_url VARCHAR, map VARCHAR);
CREATE TABLE frustration_signals (
    session_id VARCHAR, ts TIMESTAMP, kind VARCHAR, duration_ms BIGINT, detail VARCHAR
);
"""

EVENT_COLUMNS = "{'type': 'TINYINT', 'timestamp': 'DOUBLE', 'data': 'JSON', 'windowId': 'VARCHAR'}"

RUM_FIELDS = {
    "kind": "VARCHAR",
    "ts": "DOUBLE",
    "type": "VARCHAR",
    "trigger": "VARCHAR",
    "name": "VARCHAR",
    "target": "VARCHAR",
    "url": "VARCHAR",
    "duration_ms": "DOUBLE",
    "id": "VARCHAR",
    "action_id": "VARCHAR",
    "message": "VARCHAR",
    "stack": "VARCHAR",
    "source": "VARCHAR",
    "line": "INTEGER",
    "col": "INTEGER",
    "method": "VARCHAR",
    "status": "INTEGER",
    "size": "BIGINT",
    "value": "DOUBLE",
    "goal": "VARCHAR",
}
RUM_COLUMNS = "{" + ", ".join(f"'{k}': '{v}'" for k, v in RUM_FIELDS.items()) + "}"
# Not a TEMP table: batches load through several cursors (app.store.ingest.loading.Loader),
# and a temporary table is only visible to the connection that made it. Dropped once split.
RUM_STAGE_DDL = (
    "CREATE OR REPLACE TABLE rum_stage ("
    + ", ".join(["session_id VARCHAR", *(f'"{k}" {v}' for k, v in RUM_FIELDS.items())])
    + ")"
)

SESSION_COLUMNS = (
    "{'session_id': 'VARCHAR', 'user_id': 'VARCHAR', 'started_at_ms': 'BIGINT', "
    "'ended_at_ms': 'BIGINT', 'browser': 'VARCHAR', 'os': 'VARCHAR', 'device': 'VARCHAR', "
    "'screen_width': 'INTEGER', 'screen_height': 'INTEGER', 'country': 'VARCHAR', "
    "'city': 'VARCHAR', 'entry_url': 'VARCHAR', 'release': 'VARCHAR', "
    "'user_agent': 'VARCHAR', 'extra': 'VARCHAR'}"
)

IDLE_GAP_MS = 10_000  # rrweb's own inactivity threshold (inactivePeriodThreshold)
