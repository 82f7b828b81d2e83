"""The facts of one letter and its items, computed on first read and kept.

A run may use one rule (``--select``, ``rules test``) or forty; computing
every fact of every item for each would waste most of the work, and
computing a fact twice for one letter would waste more.  So the engine hands
rules a :class:`LetterFacts` and one :class:`ItemFacts` per item: mappings
whose lookups run the fact's function (``checker.facts.registry``) the first
time a rule reads it and remember the value for the rest of the letter.
Analyses several facts share (the item's drug, its concept mentions, the
letter's pronoun records) go through :meth:`Scope.shared`, computed once too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from checker.facts.registry import facts_of
from checker.knowledge.guideline import Concept, Guideline, Guidelines, Statement, guidelines
from checker.knowledge.lexicon import Lexicon
from checker.model import Item, Letter, Span

T = TypeVar("T")


@dataclass
class Knowledge:
    """Everything the facts step needs from ``rules/``: loaded once, shared.

    ``guideline`` is the 2009 CPMTG, whose topics name every item's topic;
    ``editions`` every guideline edition of ``rules/guidelines/``;
    ``statements`` those of every edition plus the ones rule files add.
    """

    guideline: Guideline
    lexicon: Lexicon
    concepts: dict[str, Concept]
    statements: list[Statement] = field(default_factory=list)
    editions: Guidelines = field(default_factory=guidelines)


class Scope(Mapping[str, Any]):
    """Facts of one scope (``item`` or ``letter``), each computed on first lookup."""

    kind = ""

    def __init__(self, letter: Letter, knowledge: Knowledge) -> None:
        self.letter = letter
        self.knowledge = knowledge
        self._values: dict[str, Any] = {}
        self._shared: dict[Callable[..., Any], Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name in self._values:
            return self._values[name]
        declared = facts_of(self.kind).get(name)
        if declared is None:
            raise KeyError(name)
        value = self._values[name] = declared.compute(self)
        return value

    def get(self, name: str, default: Any = None) -> Any:
        """The fact ``name``, or ``default`` when no such fact is declared.

        Unlike ``Mapping.get`` this never swallows a KeyError raised while
        computing a fact: a bug must not read as "the letter does not say".
        """
        values = self._values
        if name in values:  # read before (most lookups)
            return values[name]
        return self[name] if name in facts_of(self.kind) else default

    def __contains__(self, name: object) -> bool:
        return name in facts_of(self.kind)

    def __iter__(self) -> Iterator[str]:
        return iter(facts_of(self.kind))

    def __len__(self) -> int:
        return len(facts_of(self.kind))

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {sorted(self._values)} computed>"

    def shared(self, analysis: Callable[[Any], T]) -> T:
        """``analysis(self)``, computed once for this scope: work several facts build on."""
        if analysis not in self._shared:
            self._shared[analysis] = analysis(self)
        return self._shared[analysis]


class LetterFacts(Scope):
    """The facts of a letter (``letter.*``), with one :class:`ItemFacts` per item."""

    kind = "letter"

    def __init__(self, letter: Letter, knowledge: Knowledge) -> None:
        super().__init__(letter, knowledge)
        self.items = [ItemFacts(self, item) for item in letter.items]


class ItemFacts(Scope):
    """The facts of one disputed item (``item.*``)."""

    kind = "item"

    def __init__(self, whole: LetterFacts, item: Item) -> None:
        super().__init__(whole.letter, whole.knowledge)
        self.whole = whole
        self.item = item

    def rationale_span(self, start: int, end: int) -> Span | None:
        """The span of ``[start, end)`` of the item's rationale text."""
        if self.letter.normal is None:
            return None
        base = self.item.rationale_start
        return self.letter.normal.span(base + start, base + end)
