"""Reading an audit database: the numbers and rows the HTML report shows.

Every count here is a plain SQL aggregate over what the store wrote, so the
report says what the database says (the browser tests compare the two).
Counts of findings leave out suppressed ones (a QA editor acknowledged them),
as every other imr-check output does when it counts; the overview shows how
many were suppressed.  Rows are ordered so the report is deterministic.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

NONE_LABEL = "(none)"
#: Findings on an item that is not a drug, or on the whole letter; items that are not drugs.
NO_DRUG_LABEL = "(no drug)"
SEVERITIES = ("error", "warning", "info")


def _rows(conn: sqlite3.Connection, sql: str, params: tuple = ()) -> list[tuple]:
    return conn.execute(sql, params).fetchall()


def _scalar(conn: sqlite3.Connection, sql: str) -> int:
    return int(conn.execute(sql).fetchone()[0] or 0)


# ------------------------------------------------------------------ overview
@dataclass
class Overview:
    letters: int
    unreadable: int
    items: int
    findings: int
    suppressed: int
    by_severity: dict[str, int]
    by_category: list[tuple[str, str, int]]  # (category, severity, count)
    runs: list[tuple]


def overview(conn: sqlite3.Connection) -> Overview:
    by_severity = dict.fromkeys(SEVERITIES, 0)
    by_severity.update(_rows(conn, "SELECT severity, count(*) FROM findings WHERE suppressed IS NULL GROUP BY severity"))
    return Overview(
        letters=_scalar(conn, "SELECT count(*) FROM letters"),
        unreadable=_scalar(conn, "SELECT count(*) FROM letters WHERE error IS NOT NULL"),
        items=_scalar(conn, "SELECT count(*) FROM items"),
        findings=_scalar(conn, "SELECT count(*) FROM findings WHERE suppressed IS NULL"),
        suppressed=_scalar(conn, "SELECT count(*) FROM findings WHERE suppressed IS NOT NULL"),
        by_severity=by_severity,
        by_category=[
            (c, s, n)
            for c, s, n in _rows(
                conn,
                "SELECT category, severity, count(*) FROM findings WHERE suppressed IS NULL "
                "GROUP BY category, severity ORDER BY category, severity",
            )
        ],
        runs=_rows(
            conn,
            "SELECT id, tool_version, ruleset_hash, started_at, finished_at, letters_seen, letters_checked, "
            "letters_skipped FROM runs ORDER BY id",
        ),
    )


def unreadable(conn: sqlite3.Connection) -> list[tuple[int, str, str]]:
    return _rows(conn, "SELECT id, path, error FROM letters WHERE error IS NOT NULL ORDER BY path")


# ------------------------------------------------------------------ chart data
_FINDINGS_BY = {
    "rule": "f.rule",
    "drug class": f"coalesce(i.drug_class, '{NO_DRUG_LABEL}')",
    "year": f"coalesce(CAST(l.year AS TEXT), '{NONE_LABEL}')",
    "reviewer specialty": f"coalesce(l.reviewer_specialty, '{NONE_LABEL}')",
    "layout": f"coalesce('Format ' || l.layout, '{NONE_LABEL}')",
}


def findings_by(conn: sqlite3.Connection, dimension: str) -> list[tuple[str, int]]:
    """Unsuppressed findings counted per value of ``dimension`` (a key of ``_FINDINGS_BY``), most first."""
    key = _FINDINGS_BY[dimension]
    return _rows(
        conn,
        f"SELECT {key} AS k, count(*) AS n FROM findings f JOIN letters l ON l.id = f.letter_id "
        "LEFT JOIN items i ON i.letter_id = f.letter_id AND i.item = f.item "
        "WHERE f.suppressed IS NULL GROUP BY k ORDER BY n DESC, k",
    )


def decisions_by(conn: sqlite3.Connection, dimension: str) -> list[tuple[str, int, int]]:
    """(value, upheld, overturned) per drug class or per year, for items with a decision."""
    key = {
        "drug class": f"coalesce(i.drug_class, '{NO_DRUG_LABEL}')",
        "year": f"coalesce(CAST(l.year AS TEXT), '{NONE_LABEL}')",
    }[dimension]
    order = "k" if dimension == "year" else "upheld + overturned DESC, k"
    return _rows(
        conn,
        f"SELECT {key} AS k, sum(i.decision = 'upheld') AS upheld, sum(i.decision = 'overturned') AS overturned "
        "FROM items i JOIN letters l ON l.id = i.letter_id WHERE i.decision IS NOT NULL "
        f"GROUP BY k ORDER BY {order}",
    )


def opioid_meds(conn: sqlite3.Connection) -> list[float]:
    """Daily morphine-equivalent doses of opioid items (NULL until the model computes MED)."""
    return [
        row[0]
        for row in _rows(
            conn, "SELECT med FROM items WHERE drug_class LIKE 'opioid%' AND med IS NOT NULL ORDER BY med"
        )
    ]


# ------------------------------------------------------------------ letters table
@dataclass
class LetterRow:
    id: int
    path: str
    year: int | None
    layout: int | None
    specialty: str | None
    error: str | None
    drugs: list[str]
    rules: list[str]
    severities: set[str]
    counts: dict[str, int]
    items: int


def letter_rows(conn: sqlite3.Connection) -> Iterator[LetterRow]:
    """One row per letter, in id order, streamed (never all in memory)."""
    cursor = conn.execute(
        "SELECT l.id, l.path, l.year, l.layout, l.reviewer_specialty, l.error, "
        "(SELECT group_concat(d, char(31)) FROM (SELECT DISTINCT drug AS d FROM items "
        "  WHERE letter_id = l.id AND drug IS NOT NULL ORDER BY drug)), "
        "(SELECT group_concat(r, char(31)) FROM (SELECT DISTINCT rule || char(30) || severity AS r FROM findings "
        "  WHERE letter_id = l.id AND suppressed IS NULL ORDER BY r)), "
        "(SELECT count(*) FROM items WHERE letter_id = l.id) "
        "FROM letters l ORDER BY l.id"
    )
    for lid, path, year, layout, specialty, error, drugs, rules, items in cursor:
        pairs = [r.split("\x1e") for r in rules.split("\x1f")] if rules else []
        yield LetterRow(
            lid, path, year, layout, specialty, error, drugs.split("\x1f") if drugs else [],
            sorted({rule for rule, _ in pairs}), {s for _, s in pairs}, _finding_counts(conn, lid), items,
        )


def _finding_counts(conn: sqlite3.Connection, letter_id: int) -> dict[str, int]:
    counts = dict.fromkeys(SEVERITIES, 0)
    counts.update(
        conn.execute(
            "SELECT severity, count(*) FROM findings WHERE letter_id = ? AND suppressed IS NULL GROUP BY severity",
            (letter_id,),
        ).fetchall()
    )
    return counts


def rule_categories(conn: sqlite3.Connection) -> dict[str, str]:
    """Rule id -> category, for every rule the database has findings or docs for."""
    found = dict(_rows(conn, "SELECT DISTINCT rule, category FROM findings ORDER BY rule"))
    found.update(_rows(conn, "SELECT id, category FROM rules"))
    return dict(sorted(found.items()))


# ------------------------------------------------------------------ one letter
@dataclass
class LetterPage:
    letter: dict[str, Any]
    items: list[dict[str, Any]]
    citations: list[dict[str, Any]]
    findings: list[dict[str, Any]]
    text: str | None
    explanations: dict[str, str]


def _dicts(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def letter_page(conn: sqlite3.Connection, letter_id: int) -> LetterPage:
    letter = _dicts(conn.execute("SELECT * FROM letters WHERE id = ?", (letter_id,)))[0]
    findings = _dicts(conn.execute("SELECT * FROM findings WHERE letter_id = ? ORDER BY seq", (letter_id,)))
    for finding in findings:
        finding["evidence"] = json.loads(finding["evidence"])
    rules = sorted({f["rule"] for f in findings})
    explanations = dict(
        _rows(conn, f"SELECT id, explanation FROM rules WHERE id IN ({', '.join('?' * len(rules))})", tuple(rules))
    )
    blob = conn.execute("SELECT text FROM letter_texts WHERE letter_id = ?", (letter_id,)).fetchone()
    return LetterPage(
        letter=letter,
        items=_dicts(conn.execute("SELECT * FROM items WHERE letter_id = ? ORDER BY item", (letter_id,))),
        citations=_dicts(conn.execute("SELECT * FROM citations WHERE letter_id = ? ORDER BY item, seq", (letter_id,))),
        findings=findings,
        text=zlib.decompress(blob[0]).decode("utf-8") if blob else None,
        explanations=explanations,
    )


def letter_ids(conn: sqlite3.Connection) -> Iterator[int]:
    for (lid,) in conn.execute("SELECT id FROM letters ORDER BY id"):
        yield lid
