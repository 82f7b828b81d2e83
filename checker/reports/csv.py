"""``--format csv``: one row per finding, for auditors who work in spreadsheets.

Written with the ``csv`` module (RFC 4180 quoting, so commas, quotes and line
breaks inside a message survive), with ``lineterminator="\\n"`` rather than
the module's default ``\\r\\n`` so the bytes do not depend on the platform or
on how the caller opens its output; spreadsheet programs read either.
``message`` is the finding's own text (the item has its own column);
``evidence`` joins ``line N: text`` with `` | ``; ``suppressed`` holds the
editor's reason, empty when the finding is not suppressed.  An unreadable
file is one row with severity ``error``, rule ``unreadable`` and the reason.

Text taken from a letter could start with ``=``, ``+``, ``-`` or ``@``,
which a spreadsheet would run as a formula (CSV injection); such free-text
cells get a leading ``'``, the usual neutralisation, which spreadsheets hide.
"""

from __future__ import annotations

import csv

from checker import reports
from checker.model import FileResult, Finding
from checker.rules.loader import RuleSet

HEADER = (
    "path",
    "line",
    "column",
    "end_line",
    "end_column",
    "severity",
    "category",
    "rule",
    "item",
    "message",
    "evidence",
    "suppressed",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    """Free text made safe to open in a spreadsheet."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


def finding_row(path: str, finding: Finding) -> list[str]:
    span = finding.span
    evidence = " | ".join(f"line {e.span.line}: {e.text}" for e in finding.evidence)
    return [
        _cell(path),
        _number(span.line if span else None),
        _number(span.column if span else None),
        _number(span.end_line if span else None),
        _number(span.end_column if span else None),
        finding.severity.value,
        finding.category,
        finding.rule,
        _number(finding.item),
        _cell(finding.message),
        _cell(evidence),
        _cell(finding.suppressed or ""),
    ]


def error_row(path: str, error: str) -> list[str]:
    return [_cell(path), "", "", "", "", "error", "", "unreadable", "", _cell(error), "", ""]


DESCRIPTION = "one row per finding, for spreadsheets"


class Reporter(reports.Reporter):
    """The header, then the rows of each file as it comes."""

    def __init__(self, out, options: reports.ReportOptions) -> None:
        super().__init__(out, options)
        self.writer = csv.writer(out, lineterminator="\n")

    def begin(self) -> None:
        self.writer.writerow(HEADER)

    def add(self, result: FileResult) -> None:
        if result.error is not None:
            self.writer.writerow(error_row(result.path, result.error))
        self.writer.writerows(finding_row(result.path, f) for f in result.findings)


def render(results: list[FileResult], ruleset: RuleSet | None = None) -> str:
    """Header and rows as one string (for callers holding all results)."""
    return reports.render("csv", results, reports.ReportOptions(ruleset))
