"""The one registry of facts: every value a rule can read, declared once.

A rule reads the letter only through named facts (``item.duration_days``,
``page.number``).  Facts used to be untyped dicts, so a rule that read
``item.aproved`` loaded, tested and shipped while never firing.  Here each
fact is declared with its type, whether it points at the letter (a span), a
one-line doc and the function that computes it; record types (the elements of
``item.cited_pages``, ``item.quotes`` ...) are declared with their fields.
The rule loader checks every path a rule uses against these declarations,
the engine computes a fact only when a rule reads it, and ``docs/rules.md``
is generated from them (``python -m checker.facts.docs``).

Facts are declared next to their functions, in the family modules listed in
``FAMILIES``::

    @fact("item.duration_days", int | None, "days of use or supply the letter states")
    def duration_days(scope: ItemFacts) -> int | None: ...

A type is ``int``, ``float``, ``str``, ``bool``, ``DateString``, a
:class:`RecordType`, ``list[X]``, ``X | None`` or ``concept_map(X)``.
"""

from __future__ import annotations

import difflib
import functools
import importlib
import re
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from checker.model import Span

#: The modules that declare facts, imported on first use of the registry.
FAMILIES = (
    "decisions",
    "treatment",
    "duration_of_use",
    "citations",
    "guideline_use",
    "concepts",
    "consistency",
    "patient",
    "problems",
)

#: What a rule's ``stage`` must be to read a fact of this stage.
STAGES = ("check", "suppressions")


class DateString(str):
    """Type marker: an ISO date written as text (``"2013-11-20"``)."""


_SCALARS: dict[str, tuple[str, Callable[[Any], bool]]] = {
    "int": ("int", lambda v: isinstance(v, int) and not isinstance(v, bool)),
    "float": ("number", lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)),
    "str": ("text", lambda v: isinstance(v, str)),
    "bool": ("true/false", lambda v: isinstance(v, bool)),
    "date": ("date", lambda v: isinstance(v, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) is not None),
}
_PYTHON_SCALARS = {int: "int", float: "float", str: "str", bool: "bool", DateString: "date"}


@dataclass(frozen=True)
class FactType:
    """The type of a fact or field, as rules and docs see it."""

    kind: str  # int, float, str, bool, date, list, map, record
    of: FactType | None = None  # list elements, map values
    record: RecordType | None = None
    optional: bool = False
    key: str | None = None  # map keys: "concept"

    def __or__(self, other: object) -> FactType:
        if other is None:
            return replace(self, optional=True)
        return NotImplemented

    @property
    def spanned(self) -> bool:
        """A record that points at the letter (usable in ``at`` and ``evidence``)."""
        return self.kind == "record" and self.record is not None and self.record.spanned

    @property
    def renderable(self) -> bool:
        """Can a message placeholder show it? Scalars, lists of them, records with a value or text."""
        if self.kind in _SCALARS:
            return True
        if self.kind == "list":
            return self.of is not None and self.of.renderable
        return self.kind == "record" and self.record is not None and self.record.renderable

    def describe(self) -> str:
        """``list of page``, ``int or null``: for docs and error messages."""
        if self.kind in _SCALARS:
            text = _SCALARS[self.kind][0]
        elif self.kind == "list" and self.of is not None:
            text = f"list of ({self.of.describe()})" if self.of.optional else f"list of {self.of.describe()}"
        elif self.kind == "map":
            text = f"map of {self.key} id to {self.of.describe() if self.of else '?'}"
        else:
            text = self.record.name if self.record else "record"
        return f"{text} or null" if self.optional else text

    def problems(self, value: Any, where: str) -> list[str]:
        """How ``value`` departs from this type (empty: it conforms)."""
        if value is None:
            return [] if self.optional else [f"{where}: null, but declared {self.describe()}"]
        if self.kind in _SCALARS:
            return [] if _SCALARS[self.kind][1](value) else [f"{where}: {value!r} is not {self.describe()}"]
        if self.kind == "list":
            if not isinstance(value, list):
                return [f"{where}: {type(value).__name__}, but declared {self.describe()}"]
            assert self.of is not None
            return [p for i, v in enumerate(value) for p in self.of.problems(v, f"{where}[{i}]")]
        if self.kind == "map":
            if not isinstance(value, dict):
                return [f"{where}: {type(value).__name__}, but declared {self.describe()}"]
            assert self.of is not None
            return [p for k, v in value.items() for p in self.of.problems(v, f"{where}.{k}")]
        assert self.record is not None
        return self.record.problems(value, where)


@dataclass(frozen=True)
class Field:
    """A named value of a record type (or, for ``item`` and ``letter``, a fact)."""

    name: str
    type: FactType
    doc: str
    stage: str = "check"


@dataclass(eq=False)
class RecordType:
    """A kind of record: its fields, and whether it points at the letter.

    A spanned record stands for its ``value`` field in conditions and in
    messages (its letter text when it has no ``value``).  ``item`` and
    ``letter`` are record types too, whose fields are the facts.
    """

    name: str
    doc: str
    spanned: bool
    fields: dict[str, Field] = field(default_factory=dict)
    scope: bool = False

    def __or__(self, other: object) -> FactType:
        if other is None:
            return FactType("record", record=self, optional=True)
        return NotImplemented

    @property
    def renderable(self) -> bool:
        return self.spanned or "value" in self.fields

    def problems(self, value: Any, where: str) -> list[str]:
        if self.scope:
            return [] if isinstance(value, Mapping) else [f"{where}: not the facts of an {self.name}"]
        if not isinstance(value, dict):
            return [f"{where}: {type(value).__name__}, but declared `{self.name}`"]
        found = [f"{where}.{k}: not a declared field of `{self.name}`" for k in value if k not in self.fields and k not in _PRIVATE]
        for name, declared in self.fields.items():
            found += declared.type.problems(value.get(name), f"{where}.{name}")
        if self.spanned and not (isinstance(value.get("_span"), Span) or value.get("_span") is None):
            found.append(f"{where}: `{self.name}` must carry a span")
        if not self.spanned and "_span" in value:
            found.append(f"{where}: `{self.name}` is declared without a span but carries one")
        return found


_PRIVATE = ("_text", "_span")


def record(name: str, doc: str, /, *, spanned: bool, **fields: tuple[Any, str]) -> RecordType:
    """Declare a record type: ``record("page", "...", spanned=True, number=(int, "the page"))``."""
    declared = RecordType(name, doc, spanned)
    for field_name, (kind, field_doc) in fields.items():
        declared.fields[field_name] = Field(field_name, as_type(kind), field_doc)
    RECORDS[name] = declared
    return declared


def concept_map(value: Any) -> FactType:
    """A map from concept id (``rules/concepts.yaml`` or a rule file's ``concepts:``) to ``value``."""
    return FactType("map", of=as_type(value), key="concept")


def as_type(kind: Any) -> FactType:
    """Read a declaration's type: Python scalars, ``list[X]``, ``X | None``, record types."""
    if isinstance(kind, FactType):
        return kind
    if isinstance(kind, RecordType):
        return FactType("record", record=kind)
    if kind in _PYTHON_SCALARS:
        return FactType(_PYTHON_SCALARS[kind])
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if isinstance(kind, types.UnionType) or origin is typing.Union:
        rest = [a for a in args if a is not type(None)]
        if len(rest) != 1 or len(args) != 2:
            raise TypeError(f"a fact type is one type or one type | None, not {kind!r}")
        return replace(as_type(rest[0]), optional=True)
    if origin is list and len(args) == 1:
        return FactType("list", of=as_type(args[0]))
    raise TypeError(f"not a fact type: {kind!r}")


# ----------------------------------------------------------------- facts
@dataclass(eq=False)
class Fact:
    """A declared fact and the function that computes it from its scope (item or letter)."""

    name: str
    type: FactType
    doc: str
    compute: Callable[[Any], Any]
    stage: str = "check"

    @property
    def scope(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def field(self) -> str:
        return self.name.split(".", 1)[1]


#: The scopes a rule sees: ``item`` (one disputed item) and ``letter``.
ITEM = RecordType("item", "the disputed item being checked: every item-scope rule sees it", spanned=False, scope=True)
LETTER = RecordType("letter", "the letter as a whole: every rule sees it", spanned=False, scope=True)
SCOPES = {"item": ITEM, "letter": LETTER}
RECORDS: dict[str, RecordType] = {}
_FACTS: dict[str, Fact] = {}


def fact(name: str, kind: Any, doc: str, *, stage: str = "check") -> Callable[[Callable], Callable]:
    """Declare the fact ``name`` (``item.x`` or ``letter.x``), computed by the decorated function."""

    def register(compute: Callable) -> Callable:
        scope, _, field_name = name.partition(".")
        if scope not in SCOPES or not field_name or "." in field_name:
            raise ValueError(f"a fact is named item.<name> or letter.<name>, not {name!r}")
        if name in _FACTS:
            raise ValueError(f"fact {name!r} is declared twice")
        declared = Fact(name, as_type(kind), doc, compute, stage)
        _FACTS[name] = declared
        SCOPES[scope].fields[field_name] = Field(field_name, declared.type, doc, stage)
        return compute

    return register


def declared() -> dict[str, Fact]:
    """Every declared fact by name (``item.duration_days``), the family modules loaded."""
    _load_families()
    return _FACTS


def facts_of(scope: str) -> dict[str, Fact]:
    """The facts of one scope by field name: what an item's (or the letter's) lookups compute."""
    cached = _BY_SCOPE.get(scope)
    if cached is None:
        cached = _BY_SCOPE[scope] = {f.field: f for f in declared().values() if f.scope == scope}
    return cached


_BY_SCOPE: dict[str, dict[str, Fact]] = {}


@functools.cache
def _load_families() -> None:
    """Import the family modules once: their ``@fact`` declarations fill the registry.

    Then the facts are put in the order of ``FAMILIES`` (each module's in
    the order it declares them), whichever module something imported
    first: the generated documentation and every listing of facts must not
    depend on what a program happened to import before.
    """
    rank = {f"checker.facts.{family}": index for index, family in enumerate(FAMILIES)}
    for module in rank:
        importlib.import_module(module)
    ordered = sorted(_FACTS.values(), key=lambda f: rank.get(f.compute.__module__, len(rank)))  # stable
    _FACTS.clear()
    _FACTS.update((f.name, f) for f in ordered)
    for name, scope in SCOPES.items():
        fields = scope.fields
        own = [f.field for f in ordered if f.scope == name and f.field in fields]
        reordered = {key: fields[key] for key in own}
        reordered.update((key, field) for key, field in fields.items() if key not in reordered)
        fields.clear()
        fields.update(reordered)


# ----------------------------------------------------------------- paths
class UnknownFact(LookupError):
    """A path that names no declared fact or field; the message suggests the closest name."""


@dataclass(frozen=True)
class Reading:
    """What a path reads: its type, and the latest stage of the facts on the way."""

    type: FactType
    stage: str = "check"


def lookup(path: str, roots: dict[str, FactType], keys: dict[str, set[str]]) -> Reading:
    """The type of ``path`` (``page.number``, ``item.concepts.spasm``) from the rule's names.

    ``roots`` are the names a rule sees (``item``, ``letter``, its
    ``for_each`` variable); ``keys`` the known map keys by kind (concept ids).
    """
    _load_families()
    parts = path.split(".")
    if parts[0] not in roots:
        raise UnknownFact(_unknown(path, [], parts[0], sorted(roots), parts[1:]))
    current, stage = roots[parts[0]], "check"
    for i, part in enumerate(parts[1:], 1):
        before = parts[:i]
        if current.kind == "record" and current.record is not None:
            fields = current.record.fields
            if part not in fields:
                raise UnknownFact(_unknown(path, before, part, sorted(fields), parts[i + 1 :]))
            stage = max(stage, fields[part].stage, key=STAGES.index)
            current = fields[part].type
        elif current.kind == "map" and current.of is not None:
            known = sorted(keys.get(current.key or "", set()))
            if part not in known:
                raise UnknownFact(_unknown(path, before, part, known, parts[i + 1 :], what=f"{current.key} id"))
            current = current.of
        else:
            where = ".".join(before)
            hint = " (use for_each to read its elements)" if current.kind == "list" else ""
            raise UnknownFact(f"unknown fact {path!r}: {where} is {current.describe()} and has no fields{hint}")
    return Reading(current, stage)


def _unknown(path: str, before: list[str], name: str, known: list[str], after: list[str], what: str = "") -> str:
    close = difflib.get_close_matches(name, known, n=1)
    message = f"unknown fact {path!r}"
    if what:
        message += f": {name!r} is not a known {what}"
    if close:
        return f"{message} (did you mean {'.'.join([*before, close[0], *after])}?)"
    if not before:
        return f"{message} (a path starts with {', '.join(known)})"
    return message
