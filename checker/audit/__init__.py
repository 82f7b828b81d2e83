"""Audits: a batch of letters and their findings kept in SQLite, for queries and the HTML report.

``schema`` holds the versioned DDL and migrations, ``store`` writes what the
pipeline returns (never computing findings of its own), ``queries`` reads
what the report and docs/audit.md ask for.
"""
