"""The audit database's schema: versioned DDL and the migrations between versions.

The version lives in SQLite's ``PRAGMA user_version``.  A new database is
built by running every migration in order, so a database made by any older
imr-check and a new one end up with the same tables: there is one path, not
two.  Each migration runs in its own transaction with the version bump, so a
crash mid-migration leaves the database at the version before.

Version 1: the batch as the JSON contract describes it: runs, letters (one
row per input, unreadable ones with their error), items, citations and
findings.  Version 2: what the HTML report needs to show a letter without the
original file: the letter's text, where each PDF page starts, and the
rules' explanations; plus indexes for the report's filters.  Letters
audited under version 1 have no text, so migration 2 marks them to be read
again by the next audit.

docs/audit.md documents every table and column; keep it in step.
"""

from __future__ import annotations

import sqlite3

#: The version this imr-check writes.
SCHEMA_VERSION = 2

_V1 = """
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    tool_version TEXT NOT NULL,
    ruleset_hash TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    letters_seen INTEGER NOT NULL DEFAULT 0,
    letters_checked INTEGER NOT NULL DEFAULT 0,
    letters_skipped INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE letters (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    content_hash TEXT,
    ruleset_hash TEXT NOT NULL,
    run_id INTEGER REFERENCES runs(id),
    kind TEXT,
    error TEXT,
    layout INTEGER,
    decision_date TEXT,
    ur_decision_date TEXT,
    application_date TEXT,
    injury_date TEXT,
    year INTEGER,
    edition_in_force TEXT,
    reviewer_specialty TEXT,
    reviewer_licensure TEXT,
    patient_age INTEGER,
    patient_sex TEXT,
    final_determination TEXT
);
CREATE TABLE items (
    letter_id INTEGER NOT NULL REFERENCES letters(id) ON DELETE CASCADE,
    item INTEGER NOT NULL,
    request TEXT NOT NULL,
    drug TEXT,
    drug_class TEXT,
    decision TEXT,
    conclusion TEXT,
    strength TEXT,
    quantity INTEGER,
    days_supply INTEGER,
    med REAL,
    line INTEGER,
    PRIMARY KEY (letter_id, item)
);
CREATE TABLE citations (
    letter_id INTEGER NOT NULL REFERENCES letters(id) ON DELETE CASCADE,
    item INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    source TEXT,
    guideline TEXT,
    edition TEXT,
    pages TEXT NOT NULL,
    PRIMARY KEY (letter_id, item, seq)
);
CREATE TABLE findings (
    letter_id INTEGER NOT NULL REFERENCES letters(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    rule TEXT NOT NULL,
    category TEXT NOT NULL,
    severity TEXT NOT NULL,
    item INTEGER,
    message TEXT NOT NULL,
    line INTEGER,
    "column" INTEGER,
    end_line INTEGER,
    end_column INTEGER,
    page INTEGER,
    line_in_page INTEGER,
    evidence TEXT NOT NULL,
    suppressed TEXT,
    PRIMARY KEY (letter_id, seq)
);
CREATE INDEX findings_rule ON findings(rule);
CREATE INDEX items_drug_class ON items(drug_class);
"""

_V2 = """
CREATE TABLE letter_texts (
    letter_id INTEGER PRIMARY KEY REFERENCES letters(id) ON DELETE CASCADE,
    text BLOB NOT NULL
);
ALTER TABLE letters ADD COLUMN page_starts TEXT;
CREATE TABLE rules (
    id TEXT PRIMARY KEY,
    category TEXT NOT NULL,
    severity TEXT NOT NULL,
    title TEXT NOT NULL,
    explanation TEXT NOT NULL
);
CREATE INDEX findings_category ON findings(category, severity);
CREATE INDEX letters_year ON letters(year);
UPDATE letters SET ruleset_hash = '' WHERE error IS NULL;
"""

#: MIGRATIONS[n - 1] brings a database from version n - 1 to version n.
MIGRATIONS: tuple[str, ...] = (_V1, _V2)


class SchemaError(Exception):
    """A database this imr-check cannot use (newer schema, or not an audit database)."""


def version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, upto: int = SCHEMA_VERSION) -> int:
    """Bring the database to version ``upto``; returns the version it had before.

    ``upto`` below the current version exists for tests that build an old
    database to migrate from.
    """
    before = version(conn)
    if before > SCHEMA_VERSION:
        raise SchemaError(f"database schema version {before} is newer than this imr-check's ({SCHEMA_VERSION}): upgrade imr-check")
    if before == 0 and _has_tables(conn):
        raise SchemaError("not an imr-check audit database (it has tables but no schema version)")
    for number in range(before + 1, upto + 1):
        _apply(conn, number, MIGRATIONS[number - 1])
    return before


def _has_tables(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] > 0


def _apply(conn: sqlite3.Connection, number: int, ddl: str) -> None:
    """One migration and its version bump, all or nothing."""
    statements = [s.strip() for s in ddl.split(";") if s.strip()]
    conn.execute("BEGIN")
    try:
        for statement in statements:
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {number}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def connect(path: str) -> sqlite3.Connection:
    """Open (or create) an audit database at the current schema version.

    Autocommit mode (``isolation_level=None``): the store begins and commits
    its own batches, so what is committed is exactly what a killed run keeps.
    """
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    try:
        migrate(conn)
    except (SchemaError, sqlite3.DatabaseError):
        conn.close()
        raise
    return conn
