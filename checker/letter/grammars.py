"""The Lark grammars of the letter step, which sit beside this module."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from lark import Lark

from checker.resources import lark_parser

_HERE = Path(__file__).resolve().parent

#: Suffixes that mark a terminal of a letter grammar as structural (a paragraph
#: that must start on its own line).
STRUCTURAL_SUFFIXES = ("_HEAD", "_LINE", "_BANNER")


def parser(name: str, start: str) -> Lark:
    """The LALR parser for ``checker/letter/<name>.lark`` with the given start rule."""
    return lark_parser(_HERE / f"{name}.lark", start)


def letter_parser() -> Lark:
    return parser("letter", "letter")


@lru_cache(maxsize=None)
def structural_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """The structural line patterns of the letter grammar, highest priority first."""
    lark = letter_parser()
    found = []
    for term in lark.terminals:
        if term.name.endswith(STRUCTURAL_SUFFIXES):
            # to_regexp() already carries the terminal's flags inline, e.g. (?i:...)
            found.append((term.priority, term.name, re.compile(term.pattern.to_regexp())))
    found.sort(key=lambda t: (-t[0], t[1]))
    return tuple((name, pattern) for _, name, pattern in found)


def classify_line(line: str) -> str | None:
    """Name of the structural terminal a paragraph-line starts with, or None."""
    probe = line.strip() + "\n"
    for name, pattern in structural_patterns():
        if pattern.match(probe):
            return name
    return None
