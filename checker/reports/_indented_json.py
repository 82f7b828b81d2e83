"""``json.dumps(value, indent=2, ensure_ascii=False)``, the same text, about twice as fast.

With ``indent`` set, the standard library gives up its C encoder and builds
the text from nested Python generators, one ``yield`` per bracket, key and
separator; for ``parse -f json`` that was about a tenth of the run.  This
writes the same text by appending to one list.  Strings still go through
the standard library's own C string encoder, and numbers through the same
``repr`` calls, so only the punctuation and white space are ours; the tests
compare the two on generated values (tests/reports/test_indented_json.py).
A value written inside a larger document (one file's entry of a report) is
given the indentation of its place (``margin``) as it is written, instead of
being indented afterwards line by line.  A value this module does not know
(another type, a cycle, nesting past the recursion limit) is handed to
``json.dumps``, which gives its own answer or its own error.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from typing import Any

_INDENT = "  "
_INFINITY = float("inf")


class _Unknown(Exception):
    """A value the fast path does not write; ``json.dumps`` takes over."""


def dumps(value: Any, *, sort_keys: bool = False, margin: str = "") -> str:
    """The text of ``json.dumps(value, indent=2, ensure_ascii=False, sort_keys=sort_keys)``,
    with ``margin`` at the start of every line but the first (where the caller's own text stands)."""
    parts: list[str] = []
    try:
        _write(value, parts, "\n" + margin, sort_keys)
    except (_Unknown, RecursionError):
        text = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=sort_keys)
        return text.replace("\n", "\n" + margin) if margin else text  # strings hold no raw line break
    return "".join(parts)


def _write(value: Any, parts: list[str], newline: str, sort_keys: bool) -> None:
    """Append ``value``'s text; ``newline`` is a line break and the indentation of the line it is on.

    The order of the type tests is the standard library's: a ``bool`` is an
    ``int`` and must be caught first, an ``IntEnum`` is written as its number.
    """
    if isinstance(value, str):
        parts.append(encode_basestring(value))
    elif value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif isinstance(value, int):
        parts.append(int.__repr__(value))
    elif isinstance(value, float):
        parts.append(_float(value))
    elif isinstance(value, (list, tuple)):
        _write_list(value, parts, newline, sort_keys)
    elif isinstance(value, dict):
        _write_dict(value, parts, newline, sort_keys)
    else:
        raise _Unknown


def _write_list(values: list | tuple, parts: list[str], newline: str, sort_keys: bool) -> None:
    if not values:
        parts.append("[]")
        return
    inner = newline + _INDENT
    separator = "," + inner
    lead = "[" + inner  # what comes before the next value: the bracket, then the separator
    for value in values:
        if type(value) is str:  # most values: no call
            parts.append(lead + encode_basestring(value))
        else:
            parts.append(lead)
            _write(value, parts, inner, sort_keys)
        lead = separator
    parts.append(newline + "]")


def _write_dict(mapping: dict, parts: list[str], newline: str, sort_keys: bool) -> None:
    """The values most often written (a string, null, a plain int) are written here, without a call.

    The exact type ``int`` only: a bool or an ``IntEnum`` is an ``int`` too, and goes to ``_write``.
    """
    if not mapping:
        parts.append("{}")
        return
    inner = newline + _INDENT
    separator = "," + inner
    lead = "{" + inner  # what comes before the next key: the brace, then the separator
    items = sorted(mapping.items()) if sort_keys else mapping.items()
    for key, value in items:
        label = _LABELS.get(key) if type(key) is str else None
        if label is None:
            label = _label(key)
        kind = type(value)
        if kind is str:
            parts.append(lead + label + encode_basestring(value))
        elif value is None:
            parts.append(lead + label + "null")
        elif kind is int:
            parts.append(lead + label + int.__repr__(value))
        else:
            parts.append(lead + label)
            _write(value, parts, inner, sort_keys)
        lead = separator
    parts.append(newline + "}")


#: The text before the value of each string key seen so far (reports use the same few dozen keys).
_LABELS: dict[str, str] = {}
_MOST_LABELS = 4096


def _label(key: Any) -> str:
    """``"key": ``, remembered for a string key (while there are not too many)."""
    label = encode_basestring(key if type(key) is str else _key(key)) + ": "
    if type(key) is str and len(_LABELS) < _MOST_LABELS:
        _LABELS[key] = label
    return label


def _key(key: Any) -> str:
    """A key as JSON writes it: strings as they are, numbers, booleans and None as their JSON text."""
    if isinstance(key, str):
        return key
    if isinstance(key, float):
        return _float(key)
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, int):
        return int.__repr__(key)
    raise _Unknown


def _float(value: float) -> str:
    """A float as ``json.dumps`` writes it (``allow_nan``: NaN and the infinities as JavaScript names)."""
    if value != value:
        return "NaN"
    if value == _INFINITY:
        return "Infinity"
    if value == -_INFINITY:
        return "-Infinity"
    return float.__repr__(value)
