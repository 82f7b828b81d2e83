"""Read YAML that a user wrote (rule files, language data, configuration) so it can never hang us.

Everything is read with the safe constructors (nothing in a file is ever
executed), with libyaml's C parser when it is installed (about ten times
faster than the pure-Python one; the pure-Python one is the fallback), and
parsed once: the node tree gives line numbers for error messages and the
data is constructed from the same tree.  Before anything is constructed the
tree is checked against limits, so a file written to break things is refused
with its file and line instead of exhausting memory or the stack:

* nesting deeper than :data:`MAX_DEPTH`;
* aliases (``*name``) used more than :data:`MAX_ALIASES` times, or expanding
  the document beyond :data:`MAX_EXPANDED_NODES` nodes (the "billion laughs");
* a mapping with the same key twice (YAML would silently keep the last).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

try:  # libyaml's parser when present; the pure-Python parser otherwise
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_DEPTH = 64
MAX_ALIASES = 1_000
MAX_EXPANDED_NODES = 200_000


class YamlError(ValueError):
    """A YAML file that cannot be used; ``line`` is 1-based (0 when unknown)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class Document:
    """What a YAML text holds: the data, and the node tree for line numbers."""

    data: Any
    root: yaml.Node | None


def load(text: str) -> Document:
    """Parse ``text`` once, check it against the limits, and construct its data."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return Document(None, None)
        _check(root)
        return Document(loader.construct_document(root), root)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise YamlError(f"invalid YAML: {error.problem or error}", mark.line + 1 if mark else 0) from None
    except yaml.YAMLError as error:
        raise YamlError(f"invalid YAML: {error}") from None
    except RecursionError:
        raise YamlError(f"invalid YAML: nested deeper than {MAX_DEPTH} levels") from None
    finally:
        loader.dispose()


def _check(root: yaml.Node) -> None:
    """Depth, aliases, expansion and duplicate keys, without recursion and without expanding aliases."""
    seen: set[int] = set()  # nodes reached; reaching one again is an alias
    aliases = expanded = 0
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        line = node.start_mark.line + 1
        if depth > MAX_DEPTH:
            raise YamlError(f"nested deeper than {MAX_DEPTH} levels", line)
        if id(node) in seen:
            aliases += 1
            if aliases > MAX_ALIASES:
                raise YamlError(f"more than {MAX_ALIASES} aliases", line)
        seen.add(id(node))
        expanded += 1
        if expanded > MAX_EXPANDED_NODES:
            raise YamlError(f"aliases expand to more than {MAX_EXPANDED_NODES} values", line)
        if isinstance(node, yaml.MappingNode):
            _no_duplicate_keys(node)
            for key, value in node.value:
                stack.append((key, depth + 1))
                stack.append((value, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)


def _no_duplicate_keys(node: yaml.MappingNode) -> None:
    keys: dict[Any, int] = {}
    for key, _ in node.value:
        if not isinstance(key, yaml.ScalarNode):
            continue
        if key.value in keys:
            raise YamlError(
                f"duplicate key {key.value!r} (first at line {keys[key.value]})", key.start_mark.line + 1
            )
        keys[key.value] = key.start_mark.line + 1


def line_of(root: yaml.Node | None, location: list) -> int:
    """1-based line of the node at ``location`` (keys and list indexes), or of its closest ancestor."""
    node = root
    line = node.start_mark.line + 1 if node is not None else 1
    for part in location:
        child = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == part:
                    child = value
                    line = key.start_mark.line + 1
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            child = node.value[part]
            line = child.start_mark.line + 1
        if child is None:
            break
        node = child
    return line
