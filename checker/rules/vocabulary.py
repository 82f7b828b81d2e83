"""Check what a rule names (facts, record fields, concepts, drugs) when it is loaded.

A rule that reads ``item.aproved`` or ``page.numbr``, or is limited to
``drugs: [klonazepam]``, would otherwise load, pass its ``ok`` examples and
never fire.  Every fact path a rule uses (``when``, ``severity_when``,
``for_each``, ``at``, ``evidence``, ``item`` and message placeholders) is
looked up in ``checker.facts.registry``, and each use is held to what it
needs: ``at`` and ``evidence`` a fact that points at the letter, ``for_each``
a list, a placeholder something a message can show.
"""

from __future__ import annotations

import difflib
from typing import Any

from checker.facts.registry import ITEM, LETTER, STAGES, FactType, UnknownFact, lookup
from checker.knowledge.lexicon import Lexicon
from checker.rules.expressions import Expression
from checker.rules.messages import placeholders, stray_brace


class VocabularyError(ValueError):
    """A name a rule cannot use; ``key`` is where in the rule (``["evidence", 1]``)."""

    def __init__(self, key: list, message: str) -> None:
        super().__init__(message)
        self.key = key


def check_rule_facts(
    raw: dict[str, Any],
    for_each: tuple[str, str] | None,
    conditions: list[tuple[list, Expression]],
    concept_ids: set[str],
) -> None:
    """Raise :class:`VocabularyError` at the first fact path of the rule ``raw`` that is not usable."""
    roots = {"letter": FactType("record", record=LETTER)}
    if raw.get("scope", "item") == "item":
        roots["item"] = FactType("record", record=ITEM)
    context = _Context(roots, {"concept": concept_ids}, raw.get("stage", "check"))
    if for_each is not None:
        variable, source = for_each
        listed = context.use(["for_each"], source, "for_each")
        assert listed.of is not None  # a list type always has an element type
        roots[variable] = listed.of
    for key, expression in conditions:
        for path in expression.paths():
            context.use(key, path, "condition")
    if raw.get("at"):
        context.use(["at"], raw["at"], "at")
    for i, path in enumerate(raw.get("evidence") or []):
        context.use(["evidence", i], path, "evidence")
    if raw.get("item"):
        context.use(["item"], raw["item"], "item")
    for path in placeholders(raw["message"]):
        context.use(["message"], path, "placeholder")
    stray = stray_brace(raw["message"])
    if stray is not None:
        raise VocabularyError(["message"], f"{stray!r} is not a placeholder (write {{item.drug}}, {{page.number}} ...)")


class _Unusable(ValueError):
    """A declared fact used where it cannot serve (``at: item.drug``)."""


class _Context:
    """The names one rule sees, and what each use of a path requires of it."""

    def __init__(self, roots: dict[str, FactType], keys: dict[str, set[str]], stage: str) -> None:
        self.roots, self.keys, self.stage = roots, keys, stage

    def use(self, key: list, path: str, role: str) -> FactType:
        try:
            return self._read(path, role)
        except (UnknownFact, _Unusable) as error:
            message = f"placeholder {{{path}}}: {error}" if role == "placeholder" else str(error)
            raise VocabularyError(key, message) from None

    def _read(self, path: str, role: str) -> FactType:
        root = path.split(".")[0]
        if root == "item" and root not in self.roots:
            raise _Unusable(f"{path!r}: a letter-scope rule has no item (read letter.*, or for_each over letter.items)")
        reading = lookup(path, self.roots, self.keys)
        if STAGES.index(reading.stage) > STAGES.index(self.stage):
            raise _Unusable(f"{path!r} is known only at stage {reading.stage!r}: add 'stage: {reading.stage}' to the rule")
        problem = _ROLES[role](reading.type)
        if problem:
            raise _Unusable(f"{path!r} ({reading.type.describe()}) {problem}")
        return reading.type


def _points_at_letter(kind: FactType) -> str | None:
    return None if kind.spanned else "does not point at the letter: name a fact with a span, e.g. item.decision"


def _evidence(kind: FactType) -> str | None:
    if kind.kind == "list" and kind.of is not None and kind.of.spanned:
        return None
    return _points_at_letter(kind)


_ROLES = {
    "condition": lambda kind: None,
    "at": _points_at_letter,
    "evidence": _evidence,
    "for_each": lambda kind: None if kind.kind == "list" else "is not a list: for_each reads the elements of a list",
    "item": lambda kind: None if kind.kind == "int" else "is not an item number",
    "placeholder": lambda kind: None if kind.renderable else "has no value a message can show: name one of its fields or entries",
}


def check_drug(name: str, lexicon: Lexicon) -> str | None:
    """Why ``name`` cannot be used in ``drugs:`` (it must be a generic name), or None."""
    key = name.lower()
    if key in lexicon.drugs:
        return None
    listed = lexicon.by_name.get(key) or lexicon.misspelt.get(key)
    if listed is not None:
        return f"{name!r} is not a generic name (did you mean {listed.generic}?)"
    spellings = {n: d.generic for d in lexicon.drugs.values() for n in (d.generic, *d.names, *d.misspellings)}
    close = difflib.get_close_matches(key, list(spellings), n=1)
    if close:
        return f"unknown drug {name!r} (did you mean {spellings[close[0]]}?)"
    return f"unknown drug {name!r} (drugs: takes the generic names of rules/drugs.yaml)"
