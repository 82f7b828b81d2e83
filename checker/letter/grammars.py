"""The small Lark grammars of the letter step: request lines and citations.

They sit beside this module; the letter layouts' grammars sit beside their
layout modules (``checker/letter/layouts/``).
"""

from __future__ import annotations

from pathlib import Path

from lark import Lark

from checker.resources import lark_parser

_HERE = Path(__file__).resolve().parent


def parser(name: str, start: str) -> Lark:
    """The LALR parser for ``checker/letter/<name>.lark`` with the given start rule."""
    return lark_parser(grammar_path(name), start)


def grammar_path(name: str) -> Path:
    """Where ``checker/letter/<name>.lark`` is."""
    return _HERE / f"{name}.lark"
