"""``--format junit``: JUnit XML, the format CI test dashboards read.

Jenkins, GitLab and the GitHub test-report actions all understand
``<testsuites>/<testsuite>/<testcase>``, so each letter is a test case.  A
letter fails exactly when it would fail the run: it has an unsuppressed
finding at or above ``--fail-on`` (default error), so the dashboard and the
exit code always agree.  The ``<failure>`` counts those findings and lists
one line each, as ``--format text`` does; the others (below the threshold,
or suppressed) go to ``<system-out>``.  A letter that could not be read is an
``<error>``.  No ``time`` or ``timestamp`` attributes, so the output is
deterministic.  Characters XML 1.0 cannot carry (form feeds from PDF text,
other control characters) are replaced by U+FFFD rather than producing a
file parsers reject.
"""

from __future__ import annotations

import tempfile
import xml.etree.ElementTree as ET

from checker import reports
from checker.model import FileResult, Finding, Severity
from checker.reports.text import finding_line, one_line
from checker.rules.loader import RuleSet
from checker.text.stored_patterns import compile_pattern

SUITE_NAME = "imr-check"
_NOT_XML = compile_pattern("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _fails(finding: Finding, fail_on: Severity) -> bool:
    """Whether a finding fails its letter (and the run): at the threshold or above, not acknowledged."""
    return finding.suppressed is None and finding.severity.rank >= fail_on.rank


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _testcase(result: FileResult, fail_on: Severity) -> tuple[ET.Element, str]:
    """One letter's testcase and its outcome: ``passed``, ``failure`` or ``error``."""
    case = ET.Element("testcase", {"classname": SUITE_NAME, "name": _xml_text(result.path)})
    if result.error is not None:
        message = _xml_text(one_line(result.error))
        error = ET.SubElement(case, "error", {"message": message, "type": "unreadable"})
        error.text = message
        return case, "error"
    failing = [f for f in result.findings if _fails(f, fail_on)]
    others = [f for f in result.findings if not _fails(f, fail_on)]
    outcome = "passed"
    if failing:
        errors = sum(1 for f in failing if f.severity is Severity.ERROR)
        warnings = sum(1 for f in failing if f.severity is Severity.WARNING)
        infos = len(failing) - errors - warnings
        counts = [_plural(errors, "error"), _plural(warnings, "warning")] + ([_plural(infos, "info")] if infos else [])
        message = f"{_plural(len(failing), 'finding')} at {fail_on.value} or above ({', '.join(counts)})"
        kind = max((f.severity for f in failing), key=lambda s: s.rank).value
        failure = ET.SubElement(case, "failure", {"message": message, "type": kind})
        failure.text = _xml_text("\n".join(finding_line(result.path, f) for f in failing) + "\n")
        outcome = "failure"
    if others:
        out = ET.SubElement(case, "system-out")
        out.text = _xml_text("\n".join(finding_line(result.path, f) for f in others) + "\n")
    return case, outcome


DESCRIPTION = "JUnit XML: a test case per letter, failing when the run would fail"


class Reporter(reports.Reporter):
    """Test cases are spooled as they come; the suite's counts head the document at the end."""

    def __init__(self, out, options: reports.ReportOptions) -> None:
        super().__init__(out, options)
        self.cases = tempfile.SpooledTemporaryFile(mode="w+", max_size=4 * 1024 * 1024, encoding="utf-8")
        self.counts = {"tests": 0, "failures": 0, "errors": 0}

    def add(self, result: FileResult) -> None:
        case, outcome = _testcase(result, self.options.fail_on)
        self.counts["tests"] += 1
        if outcome != "passed":
            self.counts["failures" if outcome == "failure" else "errors"] += 1
        ET.indent(case, level=2)
        self.cases.write("    " + ET.tostring(case, encoding="unicode").rstrip() + "\n")

    def end(self, summary: reports.Summary) -> None:
        counts = " ".join(f'{key}="{value}"' for key, value in self.counts.items())
        self.out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        self.out.write(f'<testsuites name="{SUITE_NAME}" {counts}>\n')
        suite = f'  <testsuite name="{SUITE_NAME}" {counts} skipped="0"'
        if not self.counts["tests"]:
            self.out.write(suite + " />\n</testsuites>\n")
            return
        self.out.write(suite + ">\n")
        self.cases.seek(0)
        for line in self.cases:
            self.out.write(line)
        self.out.write("  </testsuite>\n</testsuites>\n")
        self.cases.close()


def render(results: list[FileResult], ruleset: RuleSet | None = None, fail_on: Severity = Severity.ERROR) -> str:
    """The JUnit document with its UTF-8 declaration (for callers holding all results)."""
    return reports.render("junit", results, reports.ReportOptions(ruleset, fail_on=fail_on))
