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

A text that was read before is not parsed again: its data (as JSON, dates
and mappings with keys other than text tagged) and the lines of its upper
nodes come from the start-up cache (:mod:`checker.cache`), keyed by a hash
of the text.  Reading the 36 shipped files that way takes about 10 ms
against 45 ms for parsing them, and PyYAML is then not even imported.
"""

from __future__ import annotations

import json
import os
from datetime import date
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.cache import KeptTable, digest

if TYPE_CHECKING:
    import yaml

MAX_DEPTH = 64
MAX_ALIASES = 1_000
MAX_EXPANDED_NODES = 200_000


class YamlError(ValueError):
    """A YAML file that cannot be used; ``line`` is 1-based (0 when unknown)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.line = line


class Document:
    """What a YAML text holds: the data, and where its nodes are, for messages that name a line.

    A text read before comes from the start-up cache: its data, and the lines
    of its nodes down to :data:`KEPT_DEPTH` levels (a rule, a rule's test).
    The node tree is parsed again only when a deeper line is asked for.
    """

    def __init__(self, data: Any, text: str, root: yaml.Node | None = None, lines: dict[str, int] | None = None):
        self.data = data
        self._text = text
        self._root = root
        self._lines = lines

    @property
    def root(self) -> yaml.Node | None:
        """The node tree (parsed again when the document came from the cache)."""
        if self._root is None and self._lines is not None:
            self._root = _parse(self._text)[1]
            self._lines = None
        return self._root

    def line(self, location: list) -> int:
        """1-based line of the node at ``location``, or of its closest ancestor (see :func:`line_of`)."""
        if self._lines is not None and len(location) <= KEPT_DEPTH:
            for end in range(len(location), -1, -1):
                found = self._lines.get(_path_key(location[:end]))
                if found is not None:
                    return found
        return line_of(self.root, location)


#: The levels of nodes whose lines are kept with a cached document (["rules", 3, "tests", 1]).
KEPT_DEPTH = 4


def load(text: str) -> Document:
    """Parse ``text`` once, check it against the limits, and construct its data (or take them from the cache)."""
    key = digest(text)
    kept = _KEPT.get(key)
    if isinstance(kept, list) and len(kept) == 2:
        try:
            data = json.loads(kept[0], object_hook=_decode)
            return Document(data, text, lines=dict(kept[1]))
        except (ValueError, TypeError, KeyError):
            pass  # a damaged entry: read the text
    data, root = _parse(text)
    if _KEPT.path() is not None:
        try:
            _KEPT.put(key, [json.dumps(_encode(data), separators=(",", ":")), _node_lines(root)])
        except _NotKept:
            pass
    return Document(data, text, root)


def _loader_class() -> type:
    """libyaml's parser when present; the pure-Python parser otherwise.

    PyYAML is imported here, on first use: a run whose files all come from
    the start-up cache does without it.
    """
    try:
        from yaml import CSafeLoader as loader
    except ImportError:  # pragma: no cover - depends on how PyYAML was built
        from yaml import SafeLoader as loader  # type: ignore[assignment]
    return loader


def _parse(text: str) -> tuple[Any, yaml.Node | None]:
    """The data and node tree of ``text``, checked against the limits."""
    import yaml

    loader = _loader_class()(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None, None
        _check(root)
        return loader.construct_document(root), root
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
    import yaml

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
    import yaml

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
    if root is None:
        return 1
    import yaml

    node = root
    line = node.start_mark.line + 1
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


# The start-up cache of documents (see checker.cache): data as JSON, with what JSON lacks tagged.

class _NotKept(Exception):
    """The data holds something the cache does not keep (a set, bytes, a time of day): read the text each time."""


_TAG = "\x00yaml"


def _encode(value: Any) -> Any:
    """``value`` as JSON holds it: mappings with keys other than text, and dates, become tagged objects."""
    kind = type(value)
    if value is None or kind in (str, bool, int, float):
        return value
    if kind is list:
        return [_encode(item) for item in value]
    if kind is dict:
        if all(type(k) is str and not k.startswith("\x00") for k in value):
            return {k: _encode(v) for k, v in value.items()}
        if not all(type(k) in (str, bool, int, float, date) for k in value):
            raise _NotKept
        return {_TAG: "map", "items": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if kind is date:
        return {_TAG: "date", "value": value.isoformat()}
    raise _NotKept


def _decode(obj: dict[str, Any]) -> Any:
    """What :func:`_encode` made of a tagged object (``json.loads``'s object hook; inner objects come first)."""
    tag = obj.get(_TAG)
    if tag is None:
        return obj
    if tag == "date":
        return date.fromisoformat(obj["value"])
    if tag == "map":
        return {key: value for key, value in obj["items"]}
    raise KeyError(tag)


def _path_key(location: list) -> str:
    return json.dumps(location)


def _node_lines(root: yaml.Node | None) -> list[list[Any]]:
    """``[path, line]`` for every node down to KEPT_DEPTH levels, as :func:`line_of` finds them."""
    if root is None:
        return []
    import yaml

    found: list[list[Any]] = [[_path_key([]), root.start_mark.line + 1]]
    stack: list[tuple[yaml.Node, list]] = [(root, [])]
    while stack:
        node, path = stack.pop()
        if len(path) >= KEPT_DEPTH:
            continue
        children: list[tuple[Any, yaml.Node, int]] = []
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value not in seen:  # line_of takes the first
                    seen.add(key.value)
                    children.append((key.value, value, key.start_mark.line + 1))
        elif isinstance(node, yaml.SequenceNode):
            children = [(i, child, child.start_mark.line + 1) for i, child in enumerate(node.value)]
        for part, child, line in children:
            found.append([_path_key([*path, part]), line])
            stack.append((child, [*path, part]))
    return found


def _kept_file_name() -> str | None:
    """Named by this module's code and by the installed YAML library (found, not imported: its file's size and time)."""
    try:
        code = Path(__file__).read_text(encoding="utf-8")
        spec = find_spec("yaml")
        library = os.stat(spec.origin) if spec is not None and spec.origin else None
    except (OSError, ValueError, ImportError):
        return None
    if library is None:
        return None
    return f"documents-{digest(code, spec.origin, str(library.st_size), str(library.st_mtime_ns))[:32]}"


_KEPT = KeptTable(_kept_file_name, max_entries=2_000)
