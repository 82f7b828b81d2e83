"""Compiled patterns kept between runs (checker/text/stored_patterns.py): the very objects re.compile builds.

A run over letters of every layout fills a fresh cache; then every kept
pattern is rebuilt from the file and compared with ``re.compile`` (patterns
compare equal only with the same source, flags and engine code), every kept
rewrite with the prefilter's fresh one, and every kept answer with a fresh
reading.  The runs' outputs are the same with the cache filled, empty,
switched off and damaged.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from checker import cache, resources
from checker.text import language, prefilter, stored_patterns
from tests.conftest import FIXTURES, ROOT, SEEDS

#: Letters of all four layouts, both eras, a damaged PDF's text: what the run compiles patterns for.
LETTERS = [
    *sorted(SEEDS.glob("*.txt")),
    *sorted((FIXTURES / "format4").glob("*.txt"))[:2],
    *sorted((FIXTURES / "independent").rglob("*.txt"))[:6],
    ROOT / "examples",
]


def _run(cache_dir: str) -> str:
    env = {**os.environ, "IMR_CHECK_CACHE_DIR": cache_dir, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "checker", "-f", "json", *map(str, LETTERS)],
                          capture_output=True, text=True, env=env, cwd=ROOT, check=False)
    assert done.returncode in (0, 1), done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    """A cache folder filled by one run, and that run's output."""
    folder = tmp_path_factory.mktemp("kept") / "cache"
    return folder, _run(str(folder))


def _kept(folder) -> dict:
    (path,) = folder.glob("patterns-*.marshal")
    return cache._read_table(path)


def _parts(key: str) -> tuple[str, int, str]:
    kind, flags, source = key.split("\x00", 2)
    return kind, int(flags), source


def test_the_run_kept_the_tools_patterns(filled):
    kinds = {_parts(key)[0] for key in _kept(filled[0])}
    assert {"compile", "searching", "first_chars", "literal_starts", "required_literal", r"phrase_trie \s+",
            "after_line_break", "literal_trie", "grammar terminals"} <= kinds
    assert len(_kept(filled[0])) > 150


def test_every_kept_pattern_is_the_object_re_compile_builds(filled):
    import _sre

    checked = 0
    for key, value in _kept(filled[0]).items():
        kind, flags, source = _parts(key)
        if kind not in ("compile", "searching"):
            continue
        compiled, out_flags, code, groups, groupindex, indexgroup = value
        kept = _sre.compile(compiled, out_flags, code, groups, groupindex, tuple(indexgroup))
        assert kept == re.compile(compiled, flags), source
        assert kept.groupindex == re.compile(compiled, flags).groupindex
        if kind == "compile":
            assert compiled == source
        else:  # the rewrite is the one the prefilter makes now, and the first of its sources that compiles
            assert compiled == _first_that_compiles(prefilter._searching_sources(source, flags), flags)
        checked += 1
    assert checked > 100


def _first_that_compiles(sources: tuple[str, ...], flags: int) -> str:
    for text in sources:
        try:
            re.compile(text, flags)
            return text
        except re.error:
            continue
    raise AssertionError("none compiles")


def test_every_kept_answer_is_the_answer_read_afresh(filled):
    fresh = {
        "first_chars": lambda s, f: prefilter._sorted(prefilter._first_of(s, f)),
        "literal_starts": lambda s, f: prefilter._sorted(prefilter._literal_starts(s, f)),
        "required_literal": prefilter._required_literal,
        "after_line_break": prefilter._after_line_break,
        "literal_trie": lambda s, f: language.literal_trie(s.split("\x1f")),
    }
    grammars = {path.read_text(encoding="utf-8"): path for path in (ROOT / "checker").rglob("*.lark")}
    tries = terminals = 0
    for key, value in _kept(filled[0]).items():
        kind, flags, source = _parts(key)
        if kind in fresh:
            assert value == [fresh[kind](source, flags)], source
        elif kind == "grammar terminals":  # Lark's version, the start rule, the terminals kept, the grammar
            _version, start, keep, text = source.split("\x1f", 3)
            assert value == [resources._terminal_regexps(grammars[text], start, frozenset(keep.split(",")) - {""})], start
            terminals += 1
        elif kind.startswith("phrase_trie "):  # the cue lists' tries: phrases of words, and the gap between words
            phrases = [phrase.split("\x1f") for phrase in source.split("\x1e")]
            assert value == [language._phrase_trie(phrases, kind.partition(" ")[2])], source
            tries += 1
    assert tries > 20 and terminals >= 2  # the citation grammar's, and each layout's field label


def test_the_output_is_the_same_with_the_cache_filled_empty_or_off(filled, tmp_path):
    folder, first = filled
    assert '"findings"' in first
    assert _run(str(folder)) == first  # read from the cache
    assert _run("") == first  # no cache at all
    assert _run(str(tmp_path / "empty")) == first


def test_damaged_kept_patterns_are_compiled_again(filled, tmp_path):
    folder, first = filled
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    for path in folder.glob("*.marshal"):
        entries = cache._read_table(path)
        for key, value in entries.items():
            if isinstance(value, list) and len(value) == 6:
                value[2] = [1, 2, 3]  # code the engine refuses
        (damaged / path.name).write_bytes(cache._table_bytes({"version": cache.__version__, "entries": entries}))
    assert _run(str(damaged)) == first


# --------------------------------------------------------------------------- in one process
def test_a_bad_pattern_raises_as_re_compile_does(fresh_cache):
    for bad in ("(unclosed", "a{2,1}", "(?P<x>a)(?P<x>b)"):
        with pytest.raises(re.error):
            stored_patterns.compile_pattern(bad, re.I)


def test_a_rewrite_that_does_not_compile_gives_way_to_the_next(fresh_cache):
    pattern = stored_patterns.compile_rewritten("test", "(?x) a b", 0, lambda: ("(?=a)(?:(?x) a b)", "(?x) a b"))
    assert pattern.pattern == "(?x) a b" and pattern.fullmatch("ab")
    again = stored_patterns.compile_rewritten("test", "(?x) a b", 0, lambda: pytest.fail("rewritten again"))
    assert again == pattern


def test_an_answer_of_none_is_kept_too(fresh_cache):
    calls = []
    for _ in range(2):
        assert stored_patterns.remembered("test", "src", 0, lambda: calls.append(1)) is None
    assert calls == [1]
