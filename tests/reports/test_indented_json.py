"""The fast indented writer against the standard library, which is the definition it must follow byte for byte."""

from __future__ import annotations

import enum
import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.reports._indented_json import dumps


def _reference(value, sort_keys=False):
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=sort_keys)


_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()  # any code point: quotes, backslashes, control characters, non-ASCII, surrogates
)
_KEYS = st.text() | st.integers() | st.floats() | st.booleans() | st.none()


@settings(max_examples=400)
@given(st.recursive(_SCALARS, lambda inner: st.lists(inner) | st.tuples(inner, inner) | st.dictionaries(_KEYS, inner), max_leaves=40))
def test_the_same_text_as_json_dumps(value):
    assert dumps(value) == _reference(value)


@settings(max_examples=200)
@given(st.recursive(_SCALARS, lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner), max_leaves=40))
def test_sorted_keys_the_same_as_json_dumps(value):
    assert dumps(value, sort_keys=True) == _reference(value, sort_keys=True)


class Level(enum.IntEnum):
    LOW = 1


class Kind(str, enum.Enum):
    ERROR = "error"


class Text(str):
    pass


@pytest.mark.parametrize(
    "value",
    [
        {},
        [],
        {"a": {}, "b": [], "c": [[]], "d": [{}]},
        {"nested": {"deeper": {"deepest": [1, 2.5, None, True, False, "x"]}}},
        {3: "int key", 2.5: "float key", True: "bool key", None: "null key"},
        {"n": math.nan, "i": math.inf, "-i": -math.inf, "z": -0.0, "big": 10**30, "small": 1e-300},
        {"quote\"back\\slash": "tab\t newline\n nul\x00 é ☃ \ud800"},
        [Level.LOW, Kind.ERROR, Text("plain"), True, 1],
        ("a", ("b", ["c"])),
    ],
    ids=["empty-dict", "empty-list", "empties", "nested", "keys", "numbers", "escapes", "subclasses", "tuples"],
)
def test_the_same_text_at_the_edges(value):
    assert dumps(value) == _reference(value)


def test_what_it_does_not_know_is_json_dumps_answer():
    with pytest.raises(TypeError):
        dumps({"when": object()})
    with pytest.raises(TypeError):  # sorting keys of two kinds
        dumps({"a": 1, 2: 3}, sort_keys=True)
    cycle: list = []
    cycle.append(cycle)
    with pytest.raises(ValueError, match="Circular"):
        dumps(cycle)


@settings(max_examples=200)
@given(
    st.recursive(_SCALARS, lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner), max_leaves=30),
    st.sampled_from(["", "  ", "    ", "\t"]),
)
def test_a_margin_starts_every_line_after_the_first(value, margin):
    lines = _reference(value).split("\n")
    assert dumps(value, margin=margin) == "\n".join([lines[0], *(margin + line for line in lines[1:])])

