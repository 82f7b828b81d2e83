"""The start-up cache (checker/cache.py): the same results with it, without it, and with it damaged."""

from __future__ import annotations

import marshal
import os
import subprocess
import time
import sys

import pytest

from checker import cache, schemas
from checker.letter.layouts import by_number
from checker.resources import lark_parser
from tests.conftest import GOOD_RULE, ROOT, SEEDS


@pytest.fixture
def cache_in(fresh_cache):
    """A fresh cache folder for one test (``fresh_cache``); the process's parsers are rebuilt against it."""
    lark_parser.cache_clear()
    yield fresh_cache
    lark_parser.cache_clear()


def _tree_of_a_letter() -> str:
    layout = by_number(1)
    lark_parser.cache_clear()
    text = next(SEEDS.glob("*.txt")).read_text(encoding="utf-8")
    return layout.parser.parse(text if text.endswith("\n") else text + "\n").pretty()


def _layout_grammar_files(folder) -> list:
    return sorted(folder.glob("grammar-*.lark"))


def test_a_grammar_read_from_the_cache_parses_as_a_fresh_one(cache_in, monkeypatch):
    fresh = _tree_of_a_letter()
    assert _layout_grammar_files(cache_in), "the built tables were stored"
    assert _tree_of_a_letter() == fresh  # from the cache
    monkeypatch.setenv("IMR_CHECK_CACHE_DIR", "")
    cache.cache_dir.cache_clear()
    assert _tree_of_a_letter() == fresh  # no cache at all


def test_a_damaged_cache_file_only_costs_time(cache_in):
    fresh = _tree_of_a_letter()
    for path in _layout_grammar_files(cache_in):
        path.write_bytes(b"not a cache file\n\x80\x04garbage")
    assert _tree_of_a_letter() == fresh
    assert by_number(1).field_label is not None


def test_the_lexers_compile_their_patterns_through_the_kept_ones(cache_in):
    """Lark's lexers compile with ``KEPT_RE``: the same patterns and trees as Lark's own ``re``, kept between runs."""
    import re

    from lark import Lark

    from checker.resources import KEPT_RE

    fresh = _tree_of_a_letter()
    layout = by_number(1)
    lexer = layout.parser.parser.lexer
    lexers = [*lexer.lexers.values(), lexer.root_lexer]
    assert all(each.re is KEPT_RE for each in lexers), "Lark's lexers changed shape: the hook went silent"
    built = [mre for each in lexers if each._scanner is not None for mre in each._scanner._mres]
    assert built, "parsing a letter built some lexer's patterns"
    assert all(mre == re.compile(mre.pattern, mre.flags) for mre in built)
    grammar = layout.grammar_path
    plain = Lark(grammar.read_text(encoding="utf-8"), start="letter", parser="lalr", lexer="contextual",
                 propagate_positions=False, maybe_placeholders=False, import_paths=[grammar.parent])
    text = next(SEEDS.glob("*.txt")).read_text(encoding="utf-8")
    assert plain.parse(text if text.endswith("\n") else text + "\n").pretty() == fresh
    assert KEPT_RE.compile(b"a+").match(b"aa") is not None  # bytes: compiled the ordinary way
    assert KEPT_RE.escape("a.b") == re.escape("a.b") and KEPT_RE.error is re.error


def test_an_edited_grammar_gets_its_own_cache_entry(cache_in):
    assert cache.grammar_file("start: A\nA: \"a\"\n", "start") != cache.grammar_file("start: A\nA: \"b\"\n", "start")
    assert cache.grammar_file("start: A\n", "start") != cache.grammar_file("start: A\n", "other")


def test_a_folder_that_cannot_be_made_switches_the_cache_off(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("IMR_CHECK_CACHE_DIR", str(blocker / "cache"))
    cache.cache_dir.cache_clear()
    try:
        assert cache.cache_dir() is None
        assert cache.grammar_file("start: A\n", "start") is None
        cache.remember_passed_schema("{}", "x: 1")
        assert not cache.passed_schema("{}", "x: 1")
    finally:
        cache.cache_dir.cache_clear()


# --------------------------------------------------------------------------- schema validation
def _data(text: str):
    import yaml

    return yaml.safe_load(text)


def test_a_file_that_passed_is_not_validated_again(cache_in, monkeypatch):
    assert schemas.schema_errors("rules", _data(GOOD_RULE), GOOD_RULE) == []
    import jsonschema

    def refuse(*args, **kwargs):
        raise AssertionError("validated again")

    monkeypatch.setattr(jsonschema, "Draft202012Validator", refuse)
    assert schemas.schema_errors("rules", _data(GOOD_RULE), GOOD_RULE) == []
    edited = GOOD_RULE.replace("severity: warning", "severity: error")
    with pytest.raises(AssertionError, match="validated again"):
        schemas.schema_errors("rules", _data(edited), edited)


def test_a_file_that_failed_is_validated_every_time(cache_in):
    broken = GOOD_RULE.replace("severity: warning", "severity: loud")
    for _ in range(2):
        errors = schemas.schema_errors("rules", _data(broken), broken)
        assert errors and "loud" in errors[0].message
    assert not any((cache_in / "valid").glob("*"))


def test_a_cached_run_does_not_import_jsonschema(tmp_path):
    """Two runs of one letter in fresh processes: the second reads what the first stored."""
    program = (
        "import sys\n"
        "from checker.cli import main\n"
        "try:\n"
        "    main(['--format', 'json', sys.argv[1]])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('jsonschema' in sys.modules, file=sys.stderr)\n"
    )
    env = {**os.environ, "IMR_CHECK_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)}
    letter = str(ROOT / "examples" / "carisoprodol-hydrocodone.txt")
    runs = [subprocess.run([sys.executable, "-c", program, letter], check=False, capture_output=True, text=True,
                           env=env, cwd=ROOT)
            for _ in range(2)]
    assert runs[0].stdout == runs[1].stdout and '"findings"' in runs[0].stdout
    assert runs[0].stderr.split()[-1] == "True"  # the first run validated the shipped files
    assert runs[1].stderr.split()[-1] == "False"  # the second knew they had passed


# --------------------------------------------------------------------------- kept tables
def _table(name: str = "table", most: int = 10) -> cache.KeptTable:
    return cache.KeptTable(lambda: name, max_entries=most)


def test_a_kept_table_finds_in_a_new_process_what_the_last_one_added(cache_in):
    first = _table()
    assert first.get("a") is None
    first.put("a", [1, "x", None])
    assert first.get("a") == [1, "x", None]  # this process sees it at once
    first.save()
    assert _table().get("a") == [1, "x", None]  # the next process reads it from the file


def test_a_kept_value_reads_as_json_gives_it_back_in_this_process_and_the_next(cache_in):
    first = _table()
    first.put("t", (1, ("a", None), {2: 3}))
    first.put("not json", {1, 2})  # a set: not kept at all
    assert first.get("t") == [1, ["a", None], {"2": 3}]
    assert first.get("not json") is None
    first.save()
    assert _table().get("t") == [1, ["a", None], {"2": 3}]
    assert _table().get("not json") is None


def test_a_table_of_other_values_keeps_what_marshal_writes_as_it_is(cache_in):
    code = compile("x = 1", "<string>", "exec")
    first = cache.KeptTable(lambda: "code", max_entries=10, json_values=False)
    first.put("x = 1", code)
    first.put("t", (1, 2))
    first.save()
    again = cache.KeptTable(lambda: "code", max_entries=10, json_values=False)
    assert again.get("x = 1") == code and again.get("t") == (1, 2)  # a tuple stays a tuple


def test_a_kept_table_merges_with_what_another_process_wrote_meanwhile(cache_in):
    one, two = _table(), _table()
    assert one.get("x") is None and two.get("x") is None  # both read the (missing) file first
    one.put("a", 1)
    one.save()
    two.put("b", 2)
    two.save()
    assert (_table().get("a"), _table().get("b")) == (1, 2)


def test_a_kept_table_past_its_bound_starts_afresh(cache_in):
    old = _table(most=3)
    for key in "abc":
        old.put(key, key)
    old.save()
    new = _table(most=3)
    new.put("d", "d")
    new.save()
    fresh = _table(most=3)
    assert [fresh.get(k) for k in "abcd"] == [None, None, None, "d"]


_GOOD = cache._table_bytes({"version": cache.__version__, "entries": {"a": 1}})


@pytest.mark.parametrize("damage", [
    b"", b"{not marshal", b"\xff\xfe\x00", _GOOD[:-3], _GOOD[:20] + b"x" + _GOOD[21:],
    marshal.dumps({"version": cache.__version__, "entries": {"a": 1}}),  # no header: an older format
    cache._table_bytes({"version": "0.0.0", "entries": {"a": 1}}), cache._table_bytes(["a"]),
    cache._table_bytes({"entries": 5}), cache._table_bytes({"version": cache.__version__, "entries": [1]}),
])
def test_a_damaged_or_foreign_kept_table_finds_nothing_and_is_replaced(cache_in, damage):
    cache_in.mkdir(parents=True, exist_ok=True)
    (cache_in / "table.marshal").write_bytes(damage)
    table = _table()
    assert table.get("a") is None
    table.put("a", 2)
    table.save()
    assert _table().get("a") == 2


def test_a_table_whose_checksum_fails_never_reaches_marshal(cache_in, monkeypatch):
    # marshal can take seconds to refuse some damaged data; the checksum refuses it first.
    cache_in.mkdir(parents=True, exist_ok=True)
    damaged = bytearray(_GOOD)
    damaged[-2] ^= 0x40
    (cache_in / "table.marshal").write_bytes(bytes(damaged))

    def refuse(data):
        raise AssertionError("marshal.loads was called on a damaged table")

    monkeypatch.setattr(cache.marshal, "loads", refuse)
    assert _table().get("a") is None


def test_a_kept_table_reads_back_what_was_written(cache_in):
    cache_in.mkdir(parents=True, exist_ok=True)
    (cache_in / "table.marshal").write_bytes(_GOOD)
    assert _table().get("a") == 1


def test_no_cache_folder_means_a_kept_table_keeps_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("IMR_CHECK_CACHE_DIR", "")
    cache.cache_dir.cache_clear()
    try:
        table = _table()
        table.put("a", 1)
        assert table.path() is None and table.get("a") is None
        table.save()  # nothing to write, nowhere: no error
    finally:
        cache.cache_dir.cache_clear()


def test_tables_no_run_has_written_for_weeks_are_removed(cache_in):
    cache_in.mkdir(parents=True, exist_ok=True)
    old, recent, other = cache_in / "table-old.marshal", cache_in / "table-recent.marshal", cache_in / "other-old.marshal"
    older_format = cache_in / "table-old.json"
    for path in (old, recent, other, older_format):
        path.write_text("{}", encoding="utf-8")
    weeks_ago = time.time() - (cache.STALE_DAYS + 1) * 86_400
    for path in (old, other, older_format):
        os.utime(path, (weeks_ago, weeks_ago))
    table = _table("table-now")
    table.put("a", 1)
    table.save()
    assert not old.exists() and not older_format.exists()  # stale tables of the same kind
    assert recent.exists() and other.exists()  # in use elsewhere, or of another kind
    assert (cache_in / "table-now.marshal").exists()
