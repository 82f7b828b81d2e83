"""Fact records: the plain values rules see, with the span a finding can point at."""

from __future__ import annotations

from typing import Any

from checker.model import Span

#: A fact record: plain values, plus ``_text`` and ``_span`` when it points at the letter.
Record = dict[str, Any]


def spanned(text: str | None, span: Span | None, **values: Any) -> Record:
    """A record a finding can point at (``at:``) or show as evidence."""
    record: Record = dict(values)
    record["_text"] = text
    record["_span"] = span
    return record
