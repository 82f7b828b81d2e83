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
from dataclasses import dataclass
from typing import Any, Callable

from lark import Token, Tree
from lark.exceptions import LarkError, UnexpectedInput

from pathlib import Path

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
    """A compiled condition."""

    source: str
    tree: Tree | Token

    def evaluate(self, context: Mapping[str, Any]) -> Any:
        return _evaluate(self.tree, context)

    def paths(self) -> list[str]:
        """Every fact path the condition reads, in the order written (for validation and docs)."""
        found = []
        if isinstance(self.tree, Tree):
            for node in self.tree.iter_subtrees_topdown():
                if node.data == "path":
                    found.append(".".join(str(t) for t in node.children))
        return found


def compile_expression(source: str) -> Expression:
    """Parse a condition; raise :class:`ExpressionError` with the column of a mistake."""
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
        if isinstance(value, Mapping) and not name.startswith("_"):
            value = value.get(name)
        else:
            return None
    return value


def _value(value: Any) -> Any:
    """A spanned record stands for its ``value`` in comparisons."""
    if isinstance(value, dict) and "_span" in value and "value" in value:
        return value["value"]
    return value


def _evaluate(node: Tree | Token, context: Mapping[str, Any]) -> Any:
    if isinstance(node, Token):
        return str(node)
    kind = node.data
    children = node.children
    if kind == "number":
        text = str(children[0])
        return float(text) if "." in text else int(text)
    if kind == "string":
        return str(children[0])[1:-1]
    if kind == "null":
        return None
    if kind in ("true", "false"):
        return kind == "true"
    if kind == "path":
        return _value(resolve([str(t) for t in children], context))
    if kind == "list":
        return [_evaluate(c, context) for c in children if c is not None]
    if kind == "call":
        args = [_evaluate(c, context) for c in children[1:] if c is not None]
        return _FUNCTIONS[str(children[0])](*args)
    if kind == "or_":
        return any(_truthy(_evaluate(c, context)) for c in children)
    if kind == "and_":
        return all(_truthy(_evaluate(c, context)) for c in children)
    if kind == "not_":
        return not _truthy(_evaluate(children[0], context))
    if kind == "compare":
        left, op, right = children
        return _compare(_evaluate(left, context), str(op), _evaluate(right, context))
    if kind in ("in_", "not_in"):
        left, right = (_evaluate(c, context) for c in children)
        found = _contains(right, left)
        return found if kind == "in_" else not found
    raise ExpressionError(f"unknown expression node {kind}")


def _truthy(value: Any) -> bool:
    return bool(value)


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
