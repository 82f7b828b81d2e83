"""Rule messages: ``{placeholders}`` that name facts, filled with their values.

A message is read by attorneys and editors, so it shows values, never
internals: a record shows its value (or its letter text), a list of records
their values joined, a list of numbers as ranges (``63-66``).  The loader
rejects, before any letter is read, a placeholder that names no fact or a
fact that has no value to show (a whole map, a record without value or text).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from checker.knowledge.guideline import compact_numbers
from checker.rules.expressions import resolve
from checker.text.stored_patterns import compile_pattern

#: ``{item.drug}``, ``{page.number}``, ``{item.concepts.functional-improvement}``.
PLACEHOLDER = compile_pattern(r"\{([a-z_][a-z0-9_]*(?:\.[a-z0-9_][a-z0-9_-]*)*)\}")


def placeholders(template: str) -> Iterator[str]:
    """The fact paths a message names."""
    for m in PLACEHOLDER.finditer(template):
        yield m.group(1)


def stray_brace(template: str) -> str | None:
    """A ``{`` or ``}`` that is not part of a placeholder (it would print as is), or None."""
    rest = PLACEHOLDER.sub("", template)
    m = re.search(r"\{[^{}]*\}?|\}", rest)
    return m.group() if m else None


def render(template: str, context: dict[str, Any]) -> str:
    """Fill ``{item.drug}``-style placeholders; lists are joined, null reads "not stated"."""

    def value(m: re.Match[str]) -> str:
        found = _unwrap(resolve(m.group(1), context))
        if found is None:
            return "not stated"
        if isinstance(found, list):
            if found and all(isinstance(v, int) for v in found):
                return compact_numbers(found, min_run=3)
            return ", ".join(_element(v) for v in found) or "none"
        return _plain(found)

    return " ".join(PLACEHOLDER.sub(value, template).split())


def _unwrap(found: Any) -> Any:
    """A record (it carries ``_span``) shows its value, else its letter text."""
    if isinstance(found, dict) and "_span" in found:
        return found.get("value", found.get("_text"))
    return found


def _element(value: Any) -> str:
    if isinstance(value, dict) and "_span" in value:
        shown = _unwrap(value)
        return "not stated" if shown is None else _plain(shown)
    return _plain(value)


def _plain(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
