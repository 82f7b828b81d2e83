"""Suppression markers: a QA editor acknowledges a finding in the draft itself.

A marker is a line of its own that cannot be mistaken for letter content::

    imr-check: ignore cited-page-off-topic -- the administrator's page is quoted as cited
    imr-check: ignore fact-conflict, spelling -- checked with the treating physician

It names rule ids or categories and, after ``--``, the reason.  Its scope is
the item it sits in or directly precedes; a marker outside the items
(header, summary) covers the whole letter.  The normaliser drops marker
lines, so they never reach the grammar; this module reads them from the
original lines.  Which findings a marker acknowledges is the rule engine's
business (``checker.rules.engine``).
"""

from __future__ import annotations

import re

from checker.input.source import SourceText
from checker.model import Letter, Span, Suppression
from checker.text.stored_patterns import compile_pattern

MARKER = compile_pattern(
    r"^\s*imr-check\s*:\s*ignore\s+(?P<ids>[A-Za-z0-9][A-Za-z0-9 ,_-]*?)\s*(?:(?:--|\u2013|\u2014)\s*(?P<reason>.*?))?\s*$",
    re.I,
)


def read_markers(source: SourceText, letter: Letter) -> None:
    """Every marker line of the file, each scoped to its item (or the whole letter).

    Most letters hold no marker: a file whose lower case does not hold
    "imr-check" has none, and its lines are not read one by one (lower case
    is taken character by character, so no line's can hold it then).
    """
    if "imr-check" not in source.text.lower():
        return
    for number in range(1, source.line_count + 1):
        text = source.line_text(number)
        if "imr-check" not in text.lower():
            continue
        m = MARKER.match(text)
        if m:
            ids = tuple(i.strip().lower() for i in m.group("ids").split(",") if i.strip())
            reason = (m.group("reason") or "").strip() or "no reason given"
            span = Span(number, 1, number, len(text) + 1)
            letter.suppressions.append(Suppression(ids, reason, span, _item_of(number, letter, source)))


def _item_of(line: int, letter: Letter, source: SourceText) -> int | None:
    """The item a marker on ``line`` belongs to: the one it precedes or sits in."""
    if not letter.items:
        return None
    headings = [(i.heading_span.line, i.index) for i in letter.items]
    following = next(((start, index) for start, index in headings if start > line), None)
    if following and all(not source.line_text(n).strip() for n in range(line + 1, following[0])):
        return following[1]  # directly above an item heading
    inside = [index for start, index in headings if start <= line]
    issues = letter.section("issues") or letter.section("issue")
    if inside and (issues is None or line >= issues.span.line):
        return inside[-1]
    return None
