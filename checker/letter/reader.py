"""Step 3: read the normalised letter with its layout's grammar.

The layout (``checker/letter/layouts/``) parses the letter and walks the tree
into the model: one :class:`~checker.model.Item` per disputed treatment with
its request, decision, guideline citations and rationale.  Then the case
(header fields, patient, reviewer), the guideline edition of every citation
(``checker/letter/editions.py``) and each rationale's conclusion are read.
A letter that cannot be fully read still yields every part that could be,
and ``letter.problems`` records where reading failed (the built-in parse
rules report them).
"""

from __future__ import annotations

from dataclasses import dataclass

from lark import Tree
from lark.exceptions import UnexpectedInput

from checker.letter.conclusions import read_conclusions
from checker.letter.editions import decide_editions
from checker.letter.header import read_case
from checker.knowledge.lexicon import Lexicon
from checker.letter.layouts.base import Layout
from checker.model import Letter, Problem, Span
from checker.text.normalise import NormalText


@dataclass
class Parsed:
    """The outcome of reading one letter."""

    letter: Letter
    tree: Tree | None


def parse_letter(path: str, normal: NormalText, layout: Layout, lexicon: Lexicon | None = None) -> Parsed:
    """Read normalised text into a :class:`Letter`; what cannot be read goes to ``letter.problems``.

    ``lexicon`` is the drug lexicon request lines are read with (default: the shipped one).
    """
    letter = Letter(path=path, encoding=normal.source.encoding, normal=normal)
    problems = letter.problems
    errors: list[UnexpectedInput] = []

    def on_error(error: UnexpectedInput) -> bool:
        errors.append(error)
        return len(errors) < 50

    try:
        tree = layout.parser.parse(normal.text, on_error=on_error)
    except UnexpectedInput as error:  # gave up: report it, keep what we have
        errors.append(error)
        tree = None
    for error in errors[:1]:
        problems.append(_syntax_problem(normal, error))
    if tree is not None:
        layout.read(letter, normal, tree, lexicon)
    letter.format = layout.number if letter.sections else None
    problems.extend(_missing_parts(letter, normal))
    read_case(letter, layout)
    decide_editions(letter)
    read_conclusions(letter, decide=layout.decision_from_conclusion)
    problems.extend(_undecided(letter))
    return Parsed(letter, tree)


def _undecided(letter: Letter) -> list[Problem]:
    """Items that end up with no decision, unless their heading was already reported unreadable."""
    reported = {p.item for p in letter.problems if p.kind == "item-heading"}
    return [
        Problem("no-decision", item.heading_span, item.index)
        for item in letter.items
        if item.decision is None and item.index not in reported
    ]


def _missing_parts(letter: Letter, normal: NormalText) -> list[Problem]:
    """Required parts the letter lacks: any structure at all, the case summary, any item.

    A letter whose layout is recognised but that yields no item is never
    passed in silence, whichever layout it is and whether or not it has a
    decisions section (the layouts report an empty one themselves).
    """
    if not letter.sections:
        return [Problem("no-structure", normal.span(0, max(1, normal.text.find("\n"))))]
    missing = []
    if letter.section("summary") is None:
        anchor = letter.section("issues") or letter.section("issue") or letter.sections[0]
        missing.append(Problem("no-summary", _first_line(anchor.span, normal)))
    if not letter.items and not any(p.kind == "no-items" for p in letter.problems):
        missing.append(Problem("no-items", _first_line(letter.sections[-1].span, normal)))
    return missing


def _first_line(span: Span, normal: NormalText) -> Span:
    """The first line of a span (a section's heading line)."""
    if span.line == span.end_line:
        return span
    return Span(span.line, span.column, span.line, normal.source.line_length(span.line) + 1)


def _syntax_problem(normal: NormalText, error: UnexpectedInput) -> Problem:
    pos = getattr(error, "pos_in_stream", None) or 0
    end = normal.text.find("\n", pos)
    line = normal.text[pos : end if end != -1 else len(normal.text)]
    return Problem("syntax", normal.span(pos, max(pos + 1, end if end != -1 else pos + 1)), text=line[:80])
