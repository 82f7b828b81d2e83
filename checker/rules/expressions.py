"""The condition language of rule files, parsed by ``grammar/expression.lark``.

A condition is compiled once when its rule is loaded (so a typo fails at load
time with the rule's file and line; ``paths()`` lets the loader check every
fact it reads against ``checker.facts.registry``) and evaluated against fact
records and scopes.
Semantics chosen for rule authors, not programmers:

* a missing fact is ``null``; comparing ``null`` with ``<``/``>`` is false,
  so ``item.duration_days > 21`` is simply false when no duration is stated;
* ``x in list`` tests membership, ``"a" in "abc"`` a substring;
* ``and``/``or``/``not`` on ``null`` treat it as false.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Callable

from lark import Token, Tree
from lark.exceptions import LarkError, UnexpectedInput

from pathlib import Path

from checker.cache import KeptTable, digest
from checker.resources import lark_parser


_GRAMMAR = Path(__file__).resolve().parent / "expression.lark"


class ExpressionError(ValueError):
    """A condition that does not parse or names an unknown function."""


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "len": lambda x: len(x) if x is not None else 0,
    "any": lambda xs: any(bool(x) for x in (xs or [])),
    "all": lambda xs: all(bool(x) for x in (xs or [])),
    "lower": lambda s: s.lower() if isinstance(s, str) else s,
}
_COMPARE = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}


@dataclass(frozen=True)
class Expression:
    """A compiled condition: its parse tree, and the same tree turned into Python closures once.

    Evaluating the closures costs a function call per node, where walking
    the tree would cost a dispatch on the node's kind each time: a rule's
    condition is evaluated for every item of every letter.
    """

    source: str
    tree: Tree | Token
    run: Callable[[Mapping[str, Any]], Any] = field(compare=False, repr=False, default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.run is None:
            object.__setattr__(self, "run", _closure(self.tree))

    def evaluate(self, context: Mapping[str, Any]) -> Any:
        return self.run(context)

    def paths(self) -> list[str]:
        """Every fact path the condition reads, in the order written (for validation and docs)."""
        found = []
        if isinstance(self.tree, Tree):
            for node in self.tree.iter_subtrees_topdown():
                if node.data == "path":
                    found.append(".".join(str(t) for t in node.children))
        return found


def compile_expression(source: str) -> Expression:
    """Parse a condition; raise :class:`ExpressionError` with the column of a mistake.

    A condition that parsed before takes its tree from the start-up cache
    (:mod:`checker.cache`): loading the rule set then builds no parser.
    """
    kept = _KEPT.get(source)
    if kept is not None:
        try:
            return Expression(source, _from_json(kept))
        except (TypeError, ValueError, IndexError):
            pass  # a damaged entry: parse the condition
    expression = _parse(source)
    _KEPT.put(source, _to_json(expression.tree))
    return expression


def _parse(source: str) -> Expression:
    try:
        tree = lark_parser(_GRAMMAR, "start").parse(source)
    except UnexpectedInput as error:
        column = getattr(error, "column", "?")
        raise ExpressionError(f"cannot read condition at column {column}: {source!r}") from None
    except LarkError as error:
        raise ExpressionError(f"cannot read condition {source!r}: {error}") from None
    _within_limits(tree, source)
    if isinstance(tree, Tree):
        for node in tree.iter_subtrees():
            if node.data == "call" and str(node.children[0]) not in _FUNCTIONS:
                known = ", ".join(sorted(_FUNCTIONS))
                raise ExpressionError(f"unknown function {node.children[0]!s}() in {source!r} (known: {known})")
    return Expression(source, tree)


def _to_json(node: Tree | Token) -> list[Any]:
    """A parse tree as JSON holds it: ``["tree", data, [children]]``, ``["token", type, text]``."""
    if isinstance(node, Token):
        return ["token", node.type, str(node)]
    return ["tree", str(node.data), [_to_json(child) for child in node.children]]


def _from_json(kept: list[Any]) -> Tree | Token:
    kind, name, rest = kept
    if kind == "token":
        return Token(name, rest)
    if kind == "tree" and isinstance(rest, list):
        return Tree(name, [_from_json(child) for child in rest])
    raise ValueError(kind)


def _kept_file_name() -> str:
    """Named by the grammar and this module, which decide what a condition's tree is."""
    code = [path.read_text(encoding="utf-8") for path in (_GRAMMAR, Path(__file__))]
    return f"conditions-{digest(*code)[:32]}"


_KEPT = KeptTable(_kept_file_name, max_entries=5_000)


#: A condition may hold this many parts and nest this deep: any rule that loads can always be evaluated.
MAX_NODES = 400
MAX_DEPTH = 40


def _within_limits(tree: Tree | Token, source: str) -> None:
    """Refuse conditions too large to evaluate safely (a 600-clause ``or`` would exhaust the stack)."""
    if not isinstance(tree, Tree):
        return
    stack, nodes = [(tree, 1)], 0
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if depth > MAX_DEPTH or nodes > MAX_NODES:
            raise ExpressionError(
                f"condition too large: at most {MAX_NODES} parts nested {MAX_DEPTH} deep; split it into several rules"
            )
        stack.extend((child, depth + 1) for child in node.children if isinstance(child, Tree))


def resolve(path: str | list[str], context: Mapping[str, Any]) -> Any:
    """Look up a dotted path in nested records; a missing step gives None.

    Any mapping will do: plain records, and the lazy fact scopes of
    ``checker.facts.scope``, whose lookups compute a fact on first read.
    """
    value: Any = context
    for name in path.split(".") if isinstance(path, str) else path:
        # ``dict`` first: records are dicts, and the ``Mapping`` check is an abstract-class lookup
        if (isinstance(value, dict) or isinstance(value, Mapping)) and not name.startswith("_"):
            value = value.get(name)
        else:
            return None
    return value


def _value(value: Any) -> Any:
    """A spanned record stands for its ``value`` in comparisons."""
    if isinstance(value, dict) and "_span" in value and "value" in value:
        return value["value"]
    return value


def _closure(node: Tree | Token) -> Callable[[Mapping[str, Any]], Any]:
    """The node as a function of the facts (built once, when the rule is loaded)."""
    if isinstance(node, Token):
        text = str(node)
        return lambda context: text
    kind, children = node.data, node.children
    if kind in _CONSTANTS:
        constant = _CONSTANTS[kind](children)
        return lambda context: constant
    if kind == "path":
        parts = [str(t) for t in children]
        return lambda context: _value(resolve(parts, context))
    parts_fns = [_closure(c) for c in children if c is not None and not (kind == "call" and c is children[0])]
    if kind == "list":
        return lambda context: [f(context) for f in parts_fns]
    if kind == "call":
        function = _FUNCTIONS[str(children[0])]
        return lambda context: function(*[f(context) for f in parts_fns])
    if kind == "or_":
        return lambda context: any(f(context) for f in parts_fns)
    if kind == "and_":
        return lambda context: all(f(context) for f in parts_fns)
    if kind == "not_":
        (inner,) = parts_fns
        return lambda context: not inner(context)
    if kind == "compare":
        left, _op, right = (_closure(c) for c in children)
        op = str(children[1])
        return lambda context: _compare(left(context), op, right(context))
    if kind in ("in_", "not_in"):
        item, container = parts_fns
        wanted = kind == "in_"
        return lambda context: bool(_contains(container(context), item(context))) == wanted
    raise ExpressionError(f"unknown expression node {kind}")


_CONSTANTS: dict[str, Callable[[list], Any]] = {
    "number": lambda children: float(str(children[0])) if "." in str(children[0]) else int(str(children[0])),
    "string": lambda children: str(children[0])[1:-1],
    "null": lambda children: None,
    "true": lambda children: True,
    "false": lambda children: False,
}


def _compare(left: Any, op: str, right: Any) -> bool:
    if op in ("==", "!="):
        return _COMPARE[op](left, right)
    if left is None or right is None:
        return False
    try:
        return bool(_COMPARE[op](left, right))
    except TypeError:
        return False


def _contains(container: Any, item: Any) -> bool:
    if container is None:
        return False
    if isinstance(container, str):
        return isinstance(item, str) and item in container
    try:
        return item in container
    except TypeError:
        return False
