"""``--format github``: GitHub Actions workflow commands, shown as annotations on a pull request.

One ``::error``/``::warning``/``::notice`` command per finding (info maps to
``notice``).  Suppressed findings are left out: the letter's editor already
acknowledged them, and an annotation cannot say so.  Escaping follows the
Actions toolkit (``escapeData`` / ``escapeProperty``): without it a ``%``,
line break, ``:`` or ``,`` in a message or path would end the command early
or be shown mangled.  GitHub ignores ``col``/``endColumn`` on an annotation
that spans several lines, so they are only sent for one-line spans.
"""

from __future__ import annotations

from checker import reports
from checker.model import FileResult, Finding, Severity
from checker.reports.text import display_message
from checker.rules.loader import RuleSet

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message (after ``::``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value (``file=``, ``title=`` ...): data escaping plus ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(name: str, properties: list[tuple[str, str | int]], message: str) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties)
    return f"::{name} {props}::{escape_data(message)}"


def finding_command(path: str, finding: Finding) -> str:
    """The workflow command that annotates one finding."""
    properties: list[tuple[str, str | int]] = [("file", path)]
    span = finding.span
    if span is not None:
        properties.append(("line", span.line))
        if span.end_line == span.line:
            properties += [("col", span.column), ("endLine", span.end_line), ("endColumn", span.end_column)]
        else:
            properties.append(("endLine", span.end_line))
    properties.append(("title", finding.rule))
    return _command(_COMMANDS[finding.severity], properties, display_message(finding))


DESCRIPTION = "GitHub Actions workflow commands: annotations on a pull request"


class Reporter(reports.Reporter):
    """One command per unsuppressed finding, and one per unreadable file."""

    def add(self, result: FileResult) -> None:
        if result.error is not None:
            self.out.write(_command("error", [("file", result.path)], result.error) + "\n")
        for finding in result.findings:
            if finding.suppressed is None:
                self.out.write(finding_command(result.path, finding) + "\n")


def render(results: list[FileResult], ruleset: RuleSet | None = None) -> str:
    """All commands, one a line (for callers holding all results)."""
    return reports.render("github", results, reports.ReportOptions(ruleset))
