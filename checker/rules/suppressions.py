"""Suppression markers: a QA editor acknowledges a finding in the draft itself.

A marker is a line of its own that cannot be mistaken for letter content::

    imr-check: ignore cited-page-off-topic -- the administrator's page is quoted as cited
    imr-check: ignore fact-conflict, spelling -- checked with the treating physician

It names rule ids or categories and, after ``--``, the reason.  Its scope is
the item it sits in or directly precedes; a marker outside the items
(header, summary) covers the whole letter.  Suppressed findings are still
reported, marked with the reason, but never count toward the exit code.  A
marker that suppresses nothing is reported (info), so stale markers do not
pile up.  The normaliser drops marker lines, so they never reach the grammar.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from checker.model import Finding, Letter, Severity, Span
from checker.input.files import SourceText

MARKER = re.compile(
    r"^\s*imr-check\s*:\s*ignore\s+(?P<ids>[A-Za-z0-9][A-Za-z0-9 ,_-]*?)\s*(?:(?:--|\u2013|\u2014)\s*(?P<reason>.*?))?\s*$",
    re.I,
)


@dataclass
class Marker:
    line: int
    ids: tuple[str, ...]
    reason: str
    span: Span
    item: int | None = None  # None: the whole letter
    used: bool = False


def find_markers(source: SourceText) -> list[Marker]:
    markers = []
    for number in range(1, source.line_count + 1):
        text = source.line_text(number)
        if "imr-check" not in text.lower():
            continue
        m = MARKER.match(text)
        if m:
            ids = tuple(i.strip().lower() for i in m.group("ids").split(",") if i.strip())
            reason = (m.group("reason") or "").strip() or "no reason given"
            markers.append(Marker(number, ids, reason, Span(number, 1, number, len(text) + 1)))
    return markers


def apply_suppressions(source: SourceText, letter: Letter | None, findings: list[Finding]) -> list[Finding]:
    """Mark the findings the letter's markers acknowledge; report unused markers."""
    markers = find_markers(source)
    if not markers:
        return findings
    _scope(markers, letter, source)
    result = []
    for finding in findings:
        marker = next((m for m in markers if _covers(m, finding)), None)
        if marker is not None:
            marker.used = True
            finding = replace(finding, suppressed=marker.reason)
        result.append(finding)
    for marker in markers:
        if not marker.used:
            result.append(
                Finding(
                    rule="unused-suppression",
                    category="parse",
                    severity=Severity.INFO,
                    message=f"suppression of {', '.join(marker.ids)} matches no finding"
                    + (f" on item {marker.item}" if marker.item else ""),
                    span=marker.span,
                    item=marker.item,
                )
            )
    return result


def _scope(markers: list[Marker], letter: Letter | None, source: SourceText) -> None:
    if letter is None or not letter.items:
        return
    headings = [(i.heading_span.line, i.index) for i in letter.items]
    for marker in markers:
        following = next(((line, index) for line, index in headings if line > marker.line), None)
        if following and all(not source.line_text(n).strip() for n in range(marker.line + 1, following[0])):
            marker.item = following[1]  # directly above an item heading
            continue
        inside = [index for line, index in headings if line <= marker.line]
        issues = letter.section("issues") or letter.section("issue")
        if inside and (issues is None or marker.line >= issues.span.line):
            marker.item = inside[-1]


def _covers(marker: Marker, finding: Finding) -> bool:
    if finding.rule == "unused-suppression":
        return False
    if marker.item is not None and finding.item != marker.item:
        return False
    return finding.rule.lower() in marker.ids or finding.category.lower() in marker.ids
