"""``--format junit``: JUnit XML, the format CI test dashboards read.

Jenkins, GitLab and the GitHub test-report actions all understand
``<testsuites>/<testsuite>/<testcase>``, so each letter is a test case: it
fails when it has an unsuppressed finding at warning or error (the
``<failure>`` counts them and lists one line each, as ``--format text``
does), passes otherwise (infos and suppressed findings go to
``<system-out>``), and is an ``<error>`` when it could not be read.  No
``time`` or ``timestamp`` attributes, so the output is deterministic.
Characters XML 1.0 cannot carry (form feeds from PDF text, other control
characters) are replaced by U+FFFD rather than producing a file parsers
reject.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from checker.model import FileResult, Finding, Severity
from checker.reports.text import finding_line, one_line
from checker.rules.loader import RuleSet

SUITE_NAME = "imr-check"
_NOT_XML = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _fails(finding: Finding) -> bool:
    """Whether a finding fails its letter: warning or error, and not acknowledged in the letter."""
    return finding.suppressed is None and finding.severity.rank >= Severity.WARNING.rank


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _testcase(result: FileResult) -> tuple[ET.Element, str]:
    """One letter's testcase and its outcome: ``passed``, ``failure`` or ``error``."""
    case = ET.Element("testcase", {"classname": SUITE_NAME, "name": _xml_text(result.path)})
    if result.error is not None:
        message = _xml_text(one_line(result.error))
        error = ET.SubElement(case, "error", {"message": message, "type": "unreadable"})
        error.text = message
        return case, "error"
    failing = [f for f in result.findings if _fails(f)]
    others = [f for f in result.findings if not _fails(f)]
    outcome = "passed"
    if failing:
        errors = sum(1 for f in failing if f.severity is Severity.ERROR)
        warnings = len(failing) - errors
        message = (
            f"{_plural(len(failing), 'finding')} at warning or error "
            f"({_plural(errors, 'error')}, {_plural(warnings, 'warning')})"
        )
        kind = Severity.ERROR.value if errors else Severity.WARNING.value
        failure = ET.SubElement(case, "failure", {"message": message, "type": kind})
        failure.text = _xml_text("\n".join(finding_line(result.path, f) for f in failing) + "\n")
        outcome = "failure"
    if others:
        out = ET.SubElement(case, "system-out")
        out.text = _xml_text("\n".join(finding_line(result.path, f) for f in others) + "\n")
    return case, outcome


def render(results: list[FileResult], ruleset: RuleSet | None = None) -> str:
    """The JUnit document with its UTF-8 declaration; encode the string as UTF-8 to write it.

    ``ruleset`` is accepted for a uniform reporter signature; this format needs
    no rule metadata.
    """
    cases = [_testcase(result) for result in results]
    counts = {
        "tests": str(len(cases)),
        "failures": str(sum(1 for _, outcome in cases if outcome == "failure")),
        "errors": str(sum(1 for _, outcome in cases if outcome == "error")),
    }
    root = ET.Element("testsuites", {"name": SUITE_NAME, **counts})
    suite = ET.SubElement(root, "testsuite", {"name": SUITE_NAME, **counts, "skipped": "0"})
    suite.extend(case for case, _ in cases)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
