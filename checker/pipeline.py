"""Run the steps for one input: read -> normalise -> parse -> extract (-> check).

Each input is processed on its own and every failure is turned into a
one-line error on its :class:`FileResult`, so one bad file never stops a
batch and the user never sees a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass

from lark import Tree

from checker.extract import extract_facts
from checker.grammars import classify_line
from checker.model import FileResult
from checker.normalise import normalise
from checker.parse import parse_letter
from checker.reading import STDIN, InputError, InputRef, decode, read_bytes


@dataclass
class Reading:
    """A processed input, with the parse tree kept for ``parse --tree``."""

    result: FileResult
    tree: Tree | None = None


def display_path(ref: InputRef) -> str:
    return "<stdin>" if ref.path == STDIN else ref.path


def read_letter(ref: InputRef) -> Reading:
    """Read, normalise, parse and extract one input; never raises."""
    path = display_path(ref)
    try:
        source = decode(read_bytes(ref))
    except InputError as error:
        return Reading(FileResult(path, error=str(error)))
    try:
        normal = normalise(source, classify_line)
        parsed = parse_letter(path, normal)
        extract_facts(parsed.letter)
    except RecursionError:
        return Reading(FileResult(path, error="letter too deeply nested to read"))
    except Exception as error:  # a bug must not end the batch; say so plainly
        return Reading(FileResult(path, error=f"internal error while reading ({type(error).__name__}: {error})"))
    findings = sorted(parsed.findings, key=lambda f: f.sort_key())
    return Reading(FileResult(path, parsed.letter, findings), parsed.tree)
