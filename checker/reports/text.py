"""``--format text``: one line per finding, ``path:line:col: severity [rule] message``.

This is the compiler-style format editors (vim's quickfix, VS Code problem
matchers, Emacs compilation mode) and ``grep`` understand, so it prints
nothing but those lines: no header, no evidence, no summary.  A message is
always kept on one line (line breaks become spaces), or a line-based reader
would take the rest for a new entry.  The other machine formats reuse the
helpers here so every format words a finding the same way.
"""

from __future__ import annotations


from checker import reports
from checker.model import FileResult, Finding
from checker.rules.loader import RuleSet
from checker.text.stored_patterns import compile_pattern

_LINE_BREAKS = compile_pattern(r"[ \t]*(?:\r\n|\r|\n|\f|\v|\x1c|\x1d|\x1e|\x85|\u2028|\u2029)+[ \t]*")


def one_line(text: str) -> str:
    """``text`` with every line break turned into one space."""
    return _LINE_BREAKS.sub(" ", text)


def display_message(finding: Finding) -> str:
    """The message as a reader sees it: prefixed with its item, as the terminal report does."""
    prefix = f"item {finding.item}: " if finding.item is not None else ""
    return prefix + finding.message


def position(finding: Finding) -> tuple[int, int]:
    """(line, column) of a finding; a finding about no particular place points at 1:1."""
    span = finding.span
    return (span.line, span.column) if span else (1, 1)


def finding_line(path: str, finding: Finding, result: FileResult | None = None) -> str:
    """``path:line:col: severity [rule] message`` (``(suppressed: reason)`` appended when suppressed).

    For a PDF the line is a line of the extracted text; ``(page N, line M)``
    is appended so the reader can find it on the printed page.
    """
    line, column = position(finding)
    text = f"{path}:{line}:{column}: {finding.severity.value} [{finding.rule}] {display_message(finding)}"
    where = result.page_of(line) if result is not None and finding.span else None
    if where:
        text += f" (page {where[0]}, line {where[1]})"
    if finding.suppressed is not None:
        text += f" (suppressed: {finding.suppressed})"
    return one_line(text)


def error_line(path: str, error: str) -> str:
    """``path: error: message`` for an input that could not be read."""
    return one_line(f"{path}: error: {error}")


DESCRIPTION = "one line per finding: path:line:col: severity [rule] message"


class Reporter(reports.Reporter):
    """Every finding of every file as it comes (findings arrive sorted)."""

    def add(self, result: FileResult) -> None:
        if result.error is not None:
            self.out.write(error_line(result.path, result.error) + "\n")
        for finding in result.findings:
            self.out.write(finding_line(result.path, finding, result) + "\n")


def render(results: list[FileResult], ruleset: RuleSet | None = None) -> str:
    """The whole output as text (for callers holding all results)."""
    return reports.render("text", results, reports.ReportOptions(ruleset))
