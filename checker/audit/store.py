"""Write what the pipeline returned for each letter into the audit database.

The store never computes findings: it keeps what ``read_letter`` returned,
taking letter and item values through the JSON contract's dict builders
(``checker.reports.json``) so the database says what ``--format json`` says.
Values the model does not produce yet (MED, guideline per citation, edition
in force) are read with ``.get()`` and stored as NULL until they appear.

Writes are batched: one transaction per ``batch_size`` letters or
``batch_seconds``, whichever comes first, so a killed run keeps every batch
it committed and loses at most the one it was writing.  Child rows have
natural keys (letter, item, sequence) and letters keep their row id when
they are checked again, so a killed run plus a rerun leaves the same rows as
one uninterrupted run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import time
import zlib
from dataclasses import dataclass
from typing import Any

from checker import __version__
from checker.model import FileResult
from checker.reports.json import finding_dict, letter_dict
from checker.rules.loader import RuleSet

#: The audit's date columns and the contract's ``letter.dates`` key each is filled from.
DATE_COLUMNS = {"decision_date": "decision", "ur_decision_date": "ur_decision", "application_date": "application"}
#: The date that places a letter in a year, best first.
YEAR_FROM = ("decision_date", "ur_decision_date", "application_date")


def ruleset_hash(ruleset: RuleSet) -> str:
    """A hash over the loaded rule files' bytes, the rules' effective state and the tool version.

    The files alone would miss a configuration that switches a rule off or
    changes its severity, which changes the findings as surely as an edit.
    """
    digest = hashlib.sha256(f"imr-check {__version__}\n".encode())
    for path in ruleset.files:
        data = path.read_bytes()
        digest.update(f"{len(data)}\n".encode() + data)
    for rule in sorted(ruleset.rules, key=lambda r: r.id):
        digest.update(f"{rule.id} {rule.enabled} {rule.severity.value}\n".encode())
    return digest.hexdigest()[:32]


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


@dataclass
class RunCounts:
    seen: int = 0
    checked: int = 0
    skipped: int = 0


class Store:
    """One audit run's writer: decides what to skip, buffers, commits in batches."""

    def __init__(
        self, conn: sqlite3.Connection, rules_hash: str, batch_size: int = 200, batch_seconds: float = 2.0
    ) -> None:
        self.conn = conn
        self.rules_hash = rules_hash
        self.batch_size = batch_size
        self.batch_seconds = batch_seconds
        self.counts = RunCounts()
        self.run_id = self._start_run()
        self._pending = 0
        self._in_letter = False
        self._since = time.monotonic()

    # ------------------------------------------------------------ run
    def _start_run(self) -> int:
        cursor = self.conn.execute(
            "INSERT INTO runs (tool_version, ruleset_hash, started_at) VALUES (?, ?, ?)",
            (__version__, self.rules_hash, _now()),
        )
        return int(cursor.lastrowid)

    def store_rules(self, ruleset: RuleSet, explanations: dict[str, str]) -> None:
        """The run's rules with their ``explain`` text, so the report needs no rule files."""
        rows = [
            (r.id, r.category, r.severity.value if r.enabled else "off", r.title, explanations.get(r.id, ""))
            for r in ruleset.rules
        ]
        with self._transaction():
            self.conn.executemany(
                "INSERT INTO rules (id, category, severity, title, explanation) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET category = excluded.category, severity = excluded.severity, "
                "title = excluded.title, explanation = excluded.explanation",
                rows,
            )

    def finish(self) -> None:
        self.flush()
        self.conn.execute(
            "UPDATE runs SET finished_at = ?, letters_seen = ?, letters_checked = ?, letters_skipped = ? WHERE id = ?",
            (_now(), self.counts.seen, self.counts.checked, self.counts.skipped, self.run_id),
        )

    # ------------------------------------------------------------ skipping
    def is_current(self, path: str, digest: str | None) -> bool:
        """True when the letter is stored from these bytes under these rules (a rerun skips it)."""
        self.counts.seen += 1
        if digest is None:
            return False
        row = self.conn.execute("SELECT content_hash, ruleset_hash FROM letters WHERE path = ?", (path,)).fetchone()
        current = row is not None and row[0] == digest and row[1] == self.rules_hash
        self.counts.skipped += current
        return current

    # ------------------------------------------------------------ writing
    def add(self, result: FileResult, digest: str | None) -> None:
        """Store one result (replacing what the letter had), committing when a batch is full."""
        if self._pending == 0:
            self.conn.execute("BEGIN")
        self.conn.execute("SAVEPOINT letter")  # an interrupt mid-letter undoes only this letter
        self._in_letter = True
        letter_id = self._upsert_letter(result, digest)
        self._write_children(letter_id, result)
        self.conn.execute("RELEASE letter")
        self._in_letter = False
        self.counts.checked += 1
        self._pending += 1
        if self._pending >= self.batch_size or time.monotonic() - self._since >= self.batch_seconds:
            self.flush()

    def interrupted(self) -> None:
        """Ctrl-C, or a write that failed: undo the letter half written, if any, and commit every letter written whole.

        Afterwards :attr:`counts` says how many of this run's letters the
        database holds.  A letter is counted once it is written whole.  When
        the batch cannot be committed (the disk is still full), or SQLite
        rolled it back itself (it may, on a full disk or an I/O error), the
        batch's letters are lost and no longer counted.
        """
        if self._in_letter:
            try:
                self.conn.execute("ROLLBACK TO letter")
                self.conn.execute("RELEASE letter")
            except sqlite3.OperationalError:
                if self.conn.in_transaction:  # interrupted just after the letter was complete: keep it
                    self.counts.checked += 1
                    self._pending += 1
        self._in_letter = False
        lost = self._pending > 0 and not self.conn.in_transaction
        if self.conn.in_transaction:
            try:
                self.conn.execute("COMMIT")
            except sqlite3.OperationalError:
                self.conn.rollback()
                lost = True
        if lost:
            self.counts.checked -= self._pending
        self._pending = 0

    def flush(self) -> None:
        if self._pending:
            self.conn.execute("COMMIT")
        self._pending = 0
        self._since = time.monotonic()

    def _transaction(self):
        return _Transaction(self.conn)

    def _upsert_letter(self, result: FileResult, digest: str | None) -> int:
        row = letter_row(result)
        row.update(path=result.path, content_hash=digest, ruleset_hash=self.rules_hash, run_id=self.run_id)
        columns = ", ".join(row)
        updates = ", ".join(f"{c} = excluded.{c}" for c in row if c != "path")
        self.conn.execute(
            f"INSERT INTO letters ({columns}) VALUES ({', '.join('?' * len(row))}) "
            f"ON CONFLICT(path) DO UPDATE SET {updates}",
            list(row.values()),
        )
        return int(self.conn.execute("SELECT id FROM letters WHERE path = ?", (result.path,)).fetchone()[0])

    def _write_children(self, letter_id: int, result: FileResult) -> None:
        for table in ("items", "citations", "findings", "letter_texts"):
            self.conn.execute(f"DELETE FROM {table} WHERE letter_id = ?", (letter_id,))
        if result.letter is None:
            return
        items = letter_dict(result.letter)["items"]
        self.conn.executemany(_insert("items", ITEM_COLUMNS), [item_row(letter_id, i) for i in items])
        self.conn.executemany(
            _insert("citations", CITATION_COLUMNS), [c for i in items for c in citation_rows(letter_id, i)]
        )
        self.conn.executemany(
            _insert("findings", FINDING_COLUMNS),
            [finding_row(letter_id, seq, result, f) for seq, f in enumerate(result.findings, start=1)],
        )
        normal = result.letter.normal
        if normal is not None:
            text = zlib.compress(normal.source.text.encode("utf-8"), 6)
            self.conn.execute("INSERT INTO letter_texts (letter_id, text) VALUES (?, ?)", (letter_id, text))


class _Transaction:
    """``with`` block that commits on success and rolls back on error."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN")
        return self.conn

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            self.conn.execute("COMMIT")
        elif self.conn.in_transaction:  # SQLite may have rolled back itself (a full disk): keep the error that says so
            self.conn.execute("ROLLBACK")


#: Letter columns a result fills (path, hashes and run are the store's own).
LETTER_COLUMNS = (
    "kind", "error", "layout", "decision_date", "ur_decision_date", "application_date", "injury_date",
    "year", "edition_in_force", "reviewer_specialty", "reviewer_licensure", "patient_age", "patient_sex",
    "final_determination", "page_starts",
)
ITEM_COLUMNS = (
    "letter_id", "item", "request", "drug", "drug_class", "decision", "conclusion",
    "strength", "quantity", "days_supply", "med", "line",
)
CITATION_COLUMNS = ("letter_id", "item", "seq", "kind", "source", "guideline", "edition", "pages")
FINDING_COLUMNS = (
    "letter_id", "seq", "rule", "category", "severity", "item", "message", "line", '"column"',
    "end_line", "end_column", "page", "line_in_page", "evidence", "suppressed",
)


def _insert(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def letter_row(result: FileResult) -> dict[str, Any]:
    """The letter's columns, from the JSON contract's letter dict (error and kind from the result)."""
    row: dict[str, Any] = dict.fromkeys(LETTER_COLUMNS)
    row.update(kind=result.kind, error=result.error)
    if result.letter is None:
        return row
    letter = letter_dict(result.letter)
    patient, reviewer = letter.get("patient") or {}, letter.get("reviewer") or {}
    dates = letter_dates(letter)
    row.update(
        layout=letter.get("format"),
        **dates,
        injury_date=patient.get("injury_date"),
        year=next((int(dates[k][:4]) for k in YEAR_FROM if dates.get(k)), None),
        edition_in_force=letter.get("edition_in_force"),
        reviewer_specialty=reviewer.get("specialty"),
        reviewer_licensure=reviewer.get("licensure"),
        patient_age=patient.get("age"),
        patient_sex=patient.get("sex"),
        final_determination=letter.get("final_determination"),
        page_starts=json.dumps(result.page_starts) if result.page_starts else None,
    )
    return row


def letter_dates(letter: dict[str, Any]) -> dict[str, str | None]:
    """ISO dates by column, from the contract's ``letter.dates`` (the letter step reads them)."""
    given = letter.get("dates") or {}
    return {column: given.get(key) for column, key in DATE_COLUMNS.items()}


def item_row(letter_id: int, item: dict[str, Any]) -> tuple:
    return (
        letter_id, item["index"], item["request"], item.get("drug"), item.get("drug_class"),
        item.get("decision"), item.get("conclusion"), item.get("strength"), item.get("quantity"),
        item.get("days_supply"), item.get("med"), item.get("line"),
    )


def citation_rows(letter_id: int, item: dict[str, Any]) -> list[tuple]:
    return [
        (
            letter_id, item["index"], seq, c.get("kind"), c.get("source"), c.get("guideline"),
            c.get("edition"), json.dumps(c.get("pages") or []),
        )
        for seq, c in enumerate(item.get("citations") or [], start=1)
    ]


def finding_row(letter_id: int, seq: int, result: FileResult, finding) -> tuple:
    data = finding_dict(finding)
    where = result.page_of(data["line"]) if data["line"] is not None else None
    page, line_in_page = where if where else (None, None)
    suppressed = (data.get("suppressed") or {}).get("reason")
    return (
        letter_id, seq, data["rule"], data["category"], data["severity"], data["item"], data["message"],
        data["line"], data["column"], data["end_line"], data["end_column"], page, line_in_page,
        json.dumps(data["evidence"], ensure_ascii=False), suppressed,
    )
