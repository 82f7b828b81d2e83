"""Reading YAML (checker/safe_yaml.py): the same data and the same lines whether parsed or taken from the cache.

With ``fresh_cache`` (tests/conftest.py), the first load of a text parses it and the next takes it from the cache.
"""

from __future__ import annotations

import textwrap
from datetime import date

import pytest

from checker import safe_yaml
from checker.knowledge.guideline import default_guideline
from checker.rules.loader import RuleError, load_rule_file
from tests.conftest import GOOD_RULE, ROOT


MIXED = textwrap.dedent("""\
    version: 1
    effective: 2016-12-13          # a date
    pages:
      24: Benzodiazepines          # whole-number keys
      65: [Muscle relaxants, {note: "pages 63-66"}]
    ratio: 1.5
    flags: {on: true, off: false, none: null, "yes": "yes"}
    base: &base {a: 1, b: [x, y]}
    copy: *base
    2019-01-01: a date as a key
    list:
      - - deep
        - {deeper: {deepest: [1, 2]}}
    """)


def _taken_twice(text: str) -> tuple[safe_yaml.Document, safe_yaml.Document]:
    first = safe_yaml.load(text)
    second = safe_yaml.load(text)
    assert first._lines is None and second._lines is not None, "the second load came from the cache"
    return first, second


def test_data_from_the_cache_equals_the_parsed_data_types_and_all(fresh_cache):
    parsed, kept = _taken_twice(MIXED)
    assert kept.data == parsed.data
    assert type(kept.data["effective"]) is date and date(2019, 1, 1) in kept.data
    assert list(kept.data["pages"]) == [24, 65] and all(type(k) is int for k in kept.data["pages"])
    assert list(kept.data) == list(parsed.data)  # key order kept
    assert kept.data is not safe_yaml.load(MIXED).data  # each load gets its own objects to change


def _locations(data, path=()):
    """Every location in ``data``, and a few that are not there."""
    yield list(path)
    yield [*path, "missing"]
    yield [*path, 99]
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _locations(value, (*path, key if isinstance(key, str) else str(key)))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _locations(value, (*path, i))


@pytest.mark.parametrize("text", [MIXED, GOOD_RULE, (ROOT / "rules" / "sources.yaml").read_text(encoding="utf-8")])
def test_every_line_from_the_cache_is_the_line_of_the_parsed_tree(fresh_cache, text):
    parsed, kept = _taken_twice(text)
    for location in _locations(parsed.data):
        assert kept.line(location) == safe_yaml.line_of(parsed.root, location), location
    assert kept._lines is not None or len(max(_locations(parsed.data), key=len)) > safe_yaml.KEPT_DEPTH


def test_a_deep_line_parses_the_text_again(fresh_cache):
    parsed, kept = _taken_twice(MIXED)
    deep = ["list", 0, 1, "deeper", "deepest", 1]
    assert kept.line(deep) == safe_yaml.line_of(parsed.root, deep) == 13
    assert kept.root is not None


def test_data_json_cannot_hold_is_read_from_the_text_every_time(fresh_cache):
    text = "things: !!set {a, b}\n"
    first, second = safe_yaml.load(text), safe_yaml.load(text)
    assert first.data == second.data == {"things": {"a", "b"}}
    assert second._lines is None  # parsed again: nothing was kept


def test_a_rule_file_error_names_the_same_line_from_the_cache(fresh_cache, tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(GOOD_RULE + "    colour: red\n", encoding="utf-8")
    messages = []
    for _ in range(2):
        with pytest.raises(RuleError) as raised:
            load_rule_file(path, default_guideline())
        messages.append(str(raised.value))
    assert messages[0] == messages[1] and "mine.yaml:9:" in messages[0]


def test_the_limits_hold_before_anything_is_kept(fresh_cache):
    laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(6))
    for _ in range(2):
        with pytest.raises(safe_yaml.YamlError, match="aliases"):
            safe_yaml.load(laughs)
