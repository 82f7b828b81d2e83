"""Every SQL query in docs/audit.md runs, and returns what the letters' JSON output says."""

from __future__ import annotations

import re
import sqlite3
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from checker.audit.store import letter_row
from checker.reports.json import finding_dict, letter_dict
from tests.audit_support import ROOT, checked_in_process

DOC = ROOT / "docs" / "audit.md"
_QUERY = re.compile(r"<!-- query: ([\w-]+) -->\s*```sql\n(.*?)```", re.S)


def queries() -> dict[str, str]:
    return dict(_QUERY.findall(DOC.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def letters(corpus):
    """(row, items, findings) per readable letter, from the JSON contract's dicts."""
    out = []
    for result in checked_in_process(str(corpus)):
        if result.letter is None:
            continue
        findings = [finding_dict(f) for f in result.findings if not f.suppressed]
        out.append((letter_row(result), letter_dict(result.letter)["items"], findings, result.path))
    return out


def _run(db: Path, name: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(queries()[name]).fetchall()


def test_the_doc_has_the_four_queries():
    assert set(queries()) == {
        "findings-per-rule-and-year", "long-term-carisoprodol-approved",
        "overturn-rate-per-drug-class", "fact-conflicts-by-specialty",
    }


def test_findings_per_rule_and_year(audited, letters):
    expected = Counter((f["rule"], row["year"]) for row, _, findings, _ in letters for f in findings)
    rows = _run(audited, "findings-per-rule-and-year")
    assert {(rule, year): n for rule, year, n in rows} == expected
    assert any(year is not None for _, year, _ in rows)


def test_long_term_carisoprodol_approvals(audited, letters):
    expected = sorted(
        (path, f["item"]) for _, _, findings, path in letters for f in findings
        if f["rule"] == "carisoprodol-long-term-approved"
    )
    rows = _run(audited, "long-term-carisoprodol-approved")
    assert [(path, item) for path, item, *_ in rows] == expected
    assert any(Path(path).name == "long-term-soma-approved.txt" for path, *_ in rows)


def test_overturn_rate_per_drug_class(audited, letters):
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for _, items, _, _ in letters:
        for item in items:
            if item["decision"]:
                counts[item["drug_class"] or "(not a drug)"][0] += 1
                counts[item["drug_class"] or "(not a drug)"][1] += item["decision"] == "overturned"
    rows = _run(audited, "overturn-rate-per-drug-class")
    assert {c: (n, o, rate) for c, n, o, rate in rows} == {
        c: (n, o, round(100.0 * o / n, 1)) for c, (n, o) in counts.items()
    }
    assert [r[3] for r in rows] == sorted((r[3] for r in rows), reverse=True)


def test_fact_conflicts_by_reviewer_specialty(audited, letters):
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row, _, findings, _ in letters:
        conflicts = sum(f["category"] == "fact-conflict" for f in findings)
        entry = per[row["reviewer_specialty"] or "(not stated)"]
        entry[0] += 1
        entry[1] += conflicts > 0
        entry[2] += conflicts
    rows = _run(audited, "fact-conflicts-by-specialty")
    assert {s: (n, w, c) for s, n, w, c in rows} == {s: tuple(v) for s, v in per.items()}
    assert sum(r[3] for r in rows) > 0
