"""Fact records: the plain values rules see, with the span a finding can point at."""

from __future__ import annotations

from typing import Any

from checker.facts.registry import record
from checker.model import Span

#: A fact record: plain values, plus ``_text`` and ``_span`` when it points at the letter.
Record = dict[str, Any]


def spanned(text: str | None, span: Span | None, **values: Any) -> Record:
    """A record a finding can point at (``at:``) or show as evidence."""
    record: Record = dict(values)
    record["_text"] = text
    record["_span"] = span
    return record


def passage(text: str | None, span: Span | None) -> Record:
    """A spanned record whose value is its own text (a decision, the request, the rationale)."""
    return spanned(text, span, value=text)


# Record types several fact families share (checker.facts.registry).
EXCERPT = record(
    "excerpt",
    "words of the letter, shown as evidence; in a message, the words",
    spanned=True,
)
PASSAGE = record(
    "passage",
    "a passage of the letter; in a condition or message it stands for its `value`",
    spanned=True,
    value=(str, "the words that matter (the request, the rationale, the concept as the summary words it)"),
)
STATED = record(
    "stated",
    "what the case summary (or header) states about the patient, with where it says so",
    spanned=True,
    value=(str, "the stated sex (`male`/`female`), age and sex (`54-year-old male`), or date of injury (ISO date)"),
)
