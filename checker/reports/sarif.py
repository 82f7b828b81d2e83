"""``--format sarif``: SARIF 2.1.0, for code-scanning dashboards and SARIF viewers.

One run; ``tool.driver.rules`` describes every enabled rule of the run (and
any rule a finding names that the rule set does not know), sorted by id so
``ruleIndex`` is stable.  Columns count characters, hence ``columnKind:
unicodeCodePoints``; regions use the span's exclusive end column, which is
what SARIF means by ``endColumn``.  A finding about no particular place still
gets ``startLine: 1`` because GitHub code scanning rejects results without a
line.  Each result carries a ``partialFingerprints`` entry built from its
rule, item and evidence (never its line), so a finding keeps its identity
when the letter is edited above it.  No ``informationUri`` (the schema wants
an absolute URI and we have no canonical web page), no timestamps, no
command line: the same results always give the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from checker import __version__
from checker import reports
from checker.reports import _indented_json
from checker.model import FileResult, Finding, Severity, Span
from checker.reports.text import display_message
from checker.rules.loader import Rule, RuleSet

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
TOOL_NAME = "imr-check"
#: The partial fingerprint imr-check gives each result (GitHub code scanning tracks findings by it).
FINGERPRINT = "imrCheckFinding/v1"

_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_MIME_TYPES = {
    "text": "text/plain",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def artifact_uri(path: str, base: Path | None = None) -> str:
    """The path as a URI reference: relative and with ``/`` separators where possible.

    A relative path stays relative (``./`` dropped).  An absolute path below
    ``base`` (default: the working directory, where CI runs from the
    repository root) is made relative to it; any other absolute path becomes
    a ``file:`` URI, since a URI reference cannot carry a bare absolute
    Windows path.  Characters a URI may not hold (spaces, ``<``, ``:`` ...)
    are percent-encoded.
    """
    given = Path(path)
    if given.is_absolute():
        root = base or Path.cwd()
        for candidate in (root, root.resolve()):
            try:
                given = given.relative_to(candidate)
                break
            except ValueError:
                continue
        else:
            return given.as_uri()
    posix = PurePosixPath(given.as_posix()).as_posix()
    return quote(posix, safe="/")


def _region(span: Span | None, result: FileResult) -> dict[str, Any]:
    if span is None:
        region: dict[str, Any] = {"startLine": 1, "startColumn": 1}
    else:
        region = {
            "startLine": span.line,
            "startColumn": span.column,
            "endLine": span.end_line,
            "endColumn": span.end_column,
        }
    paged = result.page_of(region["startLine"])
    if paged is not None:
        region["properties"] = {"page": paged[0], "lineInPage": paged[1]}
    return region


def _rule_descriptor(rule: Rule) -> dict[str, Any]:
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": rule.title,
        "shortDescription": {"text": rule.title},
        "defaultConfiguration": {"level": _LEVELS[rule.severity]},
        "properties": {"category": rule.category, "guideline": rule.guideline_reference, "tags": [rule.category]},
    }
    help_parts = [rule.description or rule.title]
    if rule.guideline_reference:
        help_parts.append(f"Guideline: {rule.guideline_reference}")
    descriptor["help"] = {"text": "\n\n".join(help_parts)}
    if rule.description:
        descriptor["fullDescription"] = {"text": rule.description}
    return descriptor


def _derived_descriptor(rule_id: str, findings: list[Finding]) -> dict[str, Any]:
    """Minimal metadata for a rule known only from its findings: the highest severity seen."""
    severity = max((f.severity for f in findings), key=lambda s: s.rank)
    category = min(f.category for f in findings)
    return {
        "id": rule_id,
        "name": rule_id,
        "shortDescription": {"text": rule_id},
        "defaultConfiguration": {"level": _LEVELS[severity]},
        "properties": {"category": category, "tags": [category]},
    }


def fingerprint(finding: Finding) -> str:
    """A finding's identity that survives edits elsewhere in the letter: rule, item and what it rests on.

    No line or column goes in, so code scanning still knows the finding when
    lines are added above it; the evidence (or, without evidence, the
    message) is normalised so re-wrapped text keeps its fingerprint.
    """
    basis = [e.text for e in finding.evidence] or [finding.message]
    words = [" ".join(text.lower().split()) for text in basis]
    key = "\x1f".join([finding.rule, str(finding.item), *words])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _result(finding: Finding, result: FileResult, uri: str, artifact: int) -> dict[str, Any]:
    """A result without its ``ruleIndex`` (known only once every rule is)."""
    location = {"artifactLocation": {"uri": uri, "index": artifact}}
    entry: dict[str, Any] = {
        "ruleId": finding.rule,
        "level": _LEVELS[finding.severity],
        "message": {"text": display_message(finding)},
        "locations": [{"physicalLocation": {**location, "region": _region(finding.span, result)}}],
        "properties": {"category": finding.category, "item": finding.item},
        "partialFingerprints": {FINGERPRINT: fingerprint(finding)},
    }
    if finding.evidence:
        entry["relatedLocations"] = [
            {
                "id": index,
                "message": {"text": evidence.text},
                "physicalLocation": {**location, "region": _region(evidence.span, result)},
            }
            for index, evidence in enumerate(finding.evidence)
        ]
    if finding.suppressed is not None:
        entry["suppressions"] = [{"kind": "inSource", "justification": finding.suppressed}]
    return entry


DESCRIPTION = "SARIF 2.1.0, for code-scanning dashboards (GitHub code scanning) and SARIF viewers"


class Reporter(reports.Reporter):
    """Writes the log with flat memory: results and artifacts are spooled as they come.

    The keys are sorted (so ``artifacts`` comes before ``results``), which is
    why both lists go to spool files and are copied out at the end.
    """

    def __init__(self, out, options: reports.ReportOptions) -> None:
        super().__init__(out, options)
        self.artifacts = tempfile.SpooledTemporaryFile(mode="w+", max_size=_SPOOL_IN_MEMORY, encoding="utf-8")
        self.results = tempfile.SpooledTemporaryFile(mode="w+", max_size=_SPOOL_IN_MEMORY, encoding="utf-8")
        self.artifact_index: dict[str, int] = {}
        self.notifications: list[dict[str, Any]] = []
        self.descriptors = _ruleset_descriptors(options.ruleset)
        self.derived: dict[str, list[Finding]] = {}

    def add(self, result: FileResult) -> None:
        uri = artifact_uri(result.path)
        if uri not in self.artifact_index:
            self.artifact_index[uri] = len(self.artifact_index)
            artifact: dict[str, Any] = {"location": {"uri": uri}}
            if result.error is None and result.kind in _MIME_TYPES:
                artifact["mimeType"] = _MIME_TYPES[result.kind]
            self.artifacts.write(json.dumps(artifact, ensure_ascii=False) + "\n")
        index = self.artifact_index[uri]
        if result.error is not None:
            self.notifications.append(_notification(result.error, uri, index))
        for finding in result.findings:
            if finding.rule not in self.descriptors:
                self.derived.setdefault(finding.rule, []).append(finding)
            self.results.write(json.dumps(_result(finding, result, uri, index), ensure_ascii=False) + "\n")

    def end(self, summary: reports.Summary) -> None:
        descriptors = dict(self.descriptors)
        descriptors.update({rule: _derived_descriptor(rule, found) for rule, found in self.derived.items()})
        rules = [descriptors[rule_id] for rule_id in sorted(descriptors)]
        rule_index = {descriptor["id"]: index for index, descriptor in enumerate(rules)}
        invocation: dict[str, Any] = {"executionSuccessful": not self.notifications}
        if self.notifications:
            invocation["toolExecutionNotifications"] = self.notifications
        write = self.out.write
        write('{\n  "$schema": ' + _dumps(SCHEMA_URI) + ',\n  "runs": [\n    {\n      "artifacts": ')
        self._copy(self.artifacts, "        ", lambda entry: entry)
        write(',\n      "columnKind": "unicodeCodePoints",\n      "invocations": ')
        write(_dumps([invocation], margin="      "))
        write(',\n      "results": ')
        self._copy(self.results, "        ", lambda entry: {**entry, "ruleIndex": rule_index[entry["ruleId"]]})
        tool = {"driver": {"name": TOOL_NAME, "rules": rules, "version": __version__}}
        write(',\n      "tool": ' + _dumps(tool, margin="      "))
        write('\n    }\n  ],\n  "version": "2.1.0"\n}\n')

    def _copy(self, spool: Any, prefix: str, finish: Any) -> None:
        """Copy a spooled list out as a JSON array indented under ``prefix``."""
        spool.seek(0)
        first = True
        for line in spool:
            self.out.write(("[\n" if first else ",\n") + prefix + _dumps(finish(json.loads(line)), margin=prefix))
            first = False
        self.out.write("[]" if first else "\n" + prefix[:-2] + "]")
        spool.close()


#: A spool stays in memory up to this many characters, then moves to a temporary file.
_SPOOL_IN_MEMORY = 4 * 1024 * 1024


def _ruleset_descriptors(ruleset: RuleSet | None) -> dict[str, dict[str, Any]]:
    """Descriptors of the run's enabled rules, known before any result."""
    if ruleset is None:
        return {}
    return {rule.id: _rule_descriptor(rule) for rule in ruleset.rules if rule.enabled}


def _notification(error: str, uri: str, index: int) -> dict[str, Any]:
    return {
        "level": "error",
        "message": {"text": error},
        "descriptor": {"id": "unreadable"},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri, "index": index}}}],
    }


def _dumps(value: Any, margin: str = "") -> str:
    """``json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)``, its lines after the first indented by ``margin``."""
    return _indented_json.dumps(value, sort_keys=True, margin=margin)


def render(results: list[FileResult], ruleset: RuleSet | None = None) -> str:
    """The SARIF log as JSON text, keys sorted, ending in a newline (for callers holding all results)."""
    return reports.render("sarif", results, reports.ReportOptions(ruleset))


def document(results: list[FileResult], ruleset: RuleSet | None = None) -> dict[str, Any]:
    """The SARIF log as a dict."""
    return json.loads(render(results, ruleset))
