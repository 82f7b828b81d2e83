"""Run the steps for one input: read -> normalise -> parse -> extract -> check.

Each input is processed on its own and every failure is turned into a
one-line error on its :class:`FileResult`, so one bad file never stops a
batch and the user never sees a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from lark import Tree

from checker.rules.engine import check_letter
from checker.facts.scope import Knowledge
from checker.letter.layouts import detect
from checker.knowledge.guideline import default_concepts, default_guideline, guidelines
from checker.knowledge.lexicon import default_lexicon, with_additions
from checker.model import FileResult
from checker.text.normalise import normalise
from checker.letter.reader import parse_letter
from checker.input.discover import InputRef
from checker.input.read import MAX_BYTES, read_input
from checker.input.source import InputError, SourceText, short_reason
from checker.rules.loader import RuleSet
from checker.letter.markers import read_markers


@dataclass
class Reading:
    """A processed input, with the parse tree kept for ``parse --tree``."""

    result: FileResult
    tree: Tree | None = None


@lru_cache(maxsize=1)
def default_knowledge() -> Knowledge:
    editions = guidelines()
    return Knowledge(default_guideline(), default_lexicon(), dict(default_concepts()), editions.statements, editions)


def knowledge_for(ruleset: RuleSet) -> Knowledge:
    """Shipped knowledge plus the concepts, statements and drugs rule files add (built once per rule set)."""
    base = default_knowledge()
    if not ruleset.concepts and not ruleset.statements and not ruleset.drugs:
        return base
    cached = _KNOWLEDGE.get(id(ruleset))
    if cached is None or cached[0] is not ruleset:
        knowledge = Knowledge(
            base.guideline,
            with_additions(base.lexicon, ruleset.drugs) if ruleset.drugs else base.lexicon,
            {**base.concepts, **ruleset.concepts}, [*base.statements, *ruleset.statements],
            base.editions,
        )
        cached = _KNOWLEDGE[id(ruleset)] = (ruleset, knowledge)
    return cached[1]


_KNOWLEDGE: dict[int, tuple[RuleSet, Knowledge]] = {}


def read_letter(
    ref: InputRef, ruleset: RuleSet | None = None, only: set[str] | None = None, max_bytes: int = MAX_BYTES
) -> Reading:
    """Read, normalise, parse, extract (and check, given rules) one input; never raises."""
    path = ref.shown
    try:
        source = read_input(ref, max_bytes)
    except InputError as error:
        return Reading(FileResult(path, error=str(error)))
    return read_source(path, source, ruleset, only)


def read_source(path: str, source: SourceText, ruleset: RuleSet | None = None, only: set[str] | None = None) -> Reading:
    """The steps after reading, for text already decoded (files, stdin, rule tests)."""
    try:
        layout = detect(source.text)
        normal = normalise(source, layout.classify)
        knowledge = knowledge_for(ruleset) if ruleset is not None else default_knowledge()
        parsed = parse_letter(path, normal, layout, knowledge.lexicon)
        read_markers(source, parsed.letter)
        findings = []
        if ruleset is not None:
            findings = check_letter(parsed.letter, ruleset, knowledge, only)
    except RecursionError:
        return Reading(FileResult(path, error="letter too deeply nested to read"))
    except Exception as error:  # a bug must not end the batch; say so plainly
        reason = short_reason(error)
        return Reading(FileResult(path, error=f"internal error while reading ({type(error).__name__}: {reason})"))
    findings.sort(key=lambda f: f.sort_key())
    return Reading(
        FileResult(path, parsed.letter, findings, kind=source.kind, page_starts=source.pages), parsed.tree
    )
