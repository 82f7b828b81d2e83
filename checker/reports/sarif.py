"""``--format sarif``: SARIF 2.1.0, for code-scanning dashboards and SARIF viewers.

One run; ``tool.driver.rules`` describes every enabled rule of the run (and
any rule a finding names that the rule set does not know, such as the
parser's own ``parse-*`` findings), sorted by id so ``ruleIndex`` is stable.
Columns count characters, hence ``columnKind: unicodeCodePoints``; regions
use the span's exclusive end column, which is what SARIF means by
``endColumn``.  A finding about no particular place still gets
``startLine: 1`` because GitHub code scanning rejects results without a
line.  No ``informationUri`` (the schema wants an absolute URI and we have no
canonical web page), no timestamps, no command line: the same results always
give the same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from checker import __version__
from checker.model import FileResult, Finding, Severity, Span
from checker.reports.text import display_message
from checker.rules.loader import Rule, RuleSet

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
TOOL_NAME = "imr-check"

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


def rule_descriptors(results: list[FileResult], ruleset: RuleSet | None) -> list[dict[str, Any]]:
    """``tool.driver.rules``: enabled rules of the run plus every rule a finding names, sorted by id."""
    by_rule: dict[str, list[Finding]] = {}
    for result in results:
        for finding in result.findings:
            by_rule.setdefault(finding.rule, []).append(finding)
    descriptors: dict[str, dict[str, Any]] = {}
    if ruleset is not None:
        for rule in ruleset.rules:
            if rule.enabled or rule.id in by_rule:
                descriptors[rule.id] = _rule_descriptor(rule)
    for rule_id, findings in by_rule.items():
        if rule_id not in descriptors:
            descriptors[rule_id] = _derived_descriptor(rule_id, findings)
    return [descriptors[rule_id] for rule_id in sorted(descriptors)]


def _result(finding: Finding, result: FileResult, uri: str, artifact: int, rule_index: int) -> dict[str, Any]:
    location = {"artifactLocation": {"uri": uri, "index": artifact}}
    entry: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": _LEVELS[finding.severity],
        "message": {"text": display_message(finding)},
        "locations": [{"physicalLocation": {**location, "region": _region(finding.span, result)}}],
        "properties": {"category": finding.category, "item": finding.item},
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


def document(results: list[FileResult], ruleset: RuleSet | None = None) -> dict[str, Any]:
    """The SARIF log as a dict (for callers that want to add to it before printing)."""
    rules = rule_descriptors(results, ruleset)
    rule_index = {descriptor["id"]: index for index, descriptor in enumerate(rules)}
    artifacts: list[dict[str, Any]] = []
    artifact_index: dict[str, int] = {}
    sarif_results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    for result in results:
        uri = artifact_uri(result.path)
        if uri not in artifact_index:
            artifact_index[uri] = len(artifacts)
            artifact: dict[str, Any] = {"location": {"uri": uri}}
            if result.error is None and result.kind in _MIME_TYPES:
                artifact["mimeType"] = _MIME_TYPES[result.kind]
            artifacts.append(artifact)
        index = artifact_index[uri]
        if result.error is not None:
            notifications.append(
                {
                    "level": "error",
                    "message": {"text": result.error},
                    "descriptor": {"id": "unreadable"},
                    "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri, "index": index}}}],
                }
            )
        for finding in result.findings:
            sarif_results.append(_result(finding, result, uri, index, rule_index[finding.rule]))
    invocation: dict[str, Any] = {"executionSuccessful": not notifications}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run: dict[str, Any] = {
        "tool": {"driver": {"name": TOOL_NAME, "version": __version__, "rules": rules}},
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "artifacts": artifacts,
        "results": sarif_results,
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(results: list[FileResult], ruleset: RuleSet | None = None) -> str:
    """The SARIF log as JSON text, keys sorted, ending in a newline."""
    return json.dumps(document(results, ruleset), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
