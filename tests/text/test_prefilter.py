"""A pattern is skipped at a place only when it cannot match there.

``first_chars`` reads the characters a match can start with from the
pattern's parse; the scanner and the line classifier then try only those
patterns.  The promise tested here: whenever a pattern matches a text, the
text's first character is in the pattern's set (or the set is None).
"""

from __future__ import annotations

import functools
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from checker.letter.layouts import layouts
from checker.letter.request_line import _patterns, scan
from checker.text.prefilter import ASCII, Dispatch, after_line_break, first_chars
from tests.conftest import ROOT


def test_first_characters_of_small_patterns():
    assert first_chars(re.compile("abc")) == {"a"}
    assert first_chars(re.compile("abc", re.I)) == {"a", "A"}
    assert first_chars(re.compile(r"(?<![\w])(?:foo|bar)", re.I)) == set("fFbB")
    assert first_chars(re.compile(r"a?b")) == {"a", "b"}
    assert first_chars(re.compile(r"\d+\s*mg")) == set("0123456789")
    assert first_chars(re.compile(r"(?i:x)y")) == {"x", "X"}
    assert first_chars(re.compile("\u212a", re.I)) >= {"k", "K"}  # the Kelvin sign folds to k
    assert first_chars(re.compile(r"[^a]")) == set(ASCII) - {"a"}
    assert first_chars(re.compile(r"a*")) is None  # matches the empty string: tried everywhere
    assert first_chars(re.compile(r"x|")) is None
    assert first_chars(re.compile(r".b")) is None
    assert first_chars(re.compile(r"(a)\1")) == {"a"}


def test_a_dispatch_keeps_the_order_and_tries_everything_beyond_ascii():
    entries = [("digit", re.compile(r"\d")), ("any", re.compile(r".")), ("d", re.compile("d", re.I))]
    dispatch = Dispatch(entries)
    assert [name for name, _ in dispatch.at("7")] == ["digit", "any"]
    assert [name for name, _ in dispatch.at("D")] == ["any", "d"]
    assert [name for name, _ in dispatch.at("\u00e9")] == ["digit", "any", "d"]


@functools.lru_cache(maxsize=1)
def _real_patterns() -> list[tuple[re.Pattern[str], frozenset[str]]]:
    """The scanner's and the layouts' patterns that have a set, with it."""
    found = [pattern for _, pattern in _patterns()]
    for layout in layouts():
        found += [pattern for _, pattern in layout.structural]
    return [(pattern, first) for pattern in found if (first := first_chars(pattern)) is not None]


def _lines() -> list[str]:
    paths = sorted((ROOT / "tests" / "fixtures").rglob("*.txt")) + sorted((ROOT / "examples").glob("*.txt"))
    lines = {line.strip() for path in paths for line in path.read_text(encoding="utf-8", errors="replace").splitlines()}
    return sorted(line for line in lines if line)


def test_no_pattern_of_the_scanner_or_the_layouts_matches_a_letter_line_its_set_leaves_out():
    """At each place the scanner or the classifier tries: a line's start, and after a space or punctuation."""
    lines = _lines()
    assert len(lines) > 1000 and len(_real_patterns()) > 30
    for line in lines:
        starts = [0] + [m.end() for m in re.finditer(r"[\s,;()\[\]]+", line)]
        for pattern, first in _real_patterns():
            for start in starts:
                if start < len(line) and line[start].isascii() and line[start] not in first:
                    assert pattern.match(line, start) is None, (pattern.pattern[:60], line)


_TEXT = st.text(alphabet="0123456789 #/.,-xXqQhHdDmMgGtTaAbBiIoOsS\u017f\u212a\u00e9", max_size=16)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(ASCII), _TEXT)
def test_no_pattern_matches_made_up_text_its_set_leaves_out(first, rest):
    for pattern, chars in _real_patterns():
        if first not in chars:
            assert pattern.match(first + rest) is None, pattern.pattern[:60]


def test_the_scanner_reads_request_lines_as_when_it_tried_every_pattern(monkeypatch):
    from checker.letter import request_line

    lines = [line for line in _lines() if len(line) < 200]
    dispatched = [scan(line) for line in lines]
    everything = Dispatch(_patterns())
    monkeypatch.setattr(everything, "at", lambda char: everything.everything)
    monkeypatch.setattr(request_line, "_dispatch", lambda: everything)
    plain = [scan(line) for line in lines]
    assert [[(t.kind, t.start, t.end) for t in tokens] for tokens in dispatched] == [
        [(t.kind, t.start, t.end) for t in tokens] for tokens in plain
    ]


def _lazy_patterns() -> list[tuple[str, int]]:
    """(source, flags) of every pattern the checker's modules declare with ``language.lazy``."""
    import importlib
    import pkgutil

    import checker
    from checker.text.language import LazyRegex

    found = []
    for info in pkgutil.walk_packages(checker.__path__, "checker."):
        if info.name.endswith("__main__"):
            continue  # running it would run the command line
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, LazyRegex):
                found.append((value.pattern, value.flags))
    return found


def test_a_pattern_compiled_for_searching_finds_what_the_plain_one_finds():
    """Every language pattern and every concept, through a third of the fixture letters."""
    from checker.knowledge.guideline import load_concepts
    from checker.text.prefilter import compile_searching
    from tests.conftest import read_yaml

    paths = sorted((ROOT / "tests" / "fixtures").rglob("*.txt"))[::3]
    letters = "\n\n".join(p.read_text(encoding="utf-8", errors="replace") for p in paths)
    sources = _lazy_patterns()
    sources += [(c.pattern.pattern, c.pattern.flags) for c in load_concepts(read_yaml(ROOT / "rules" / "concepts.yaml")).values()]
    assert len(sources) > 60
    quicker = 0
    for source, flags in sources:
        if source.startswith("(?=["):
            source = source[source.index("])(?:") + 5 : -1]  # a concept's own pattern, as written
        fast, plain = compile_searching(source, flags), re.compile(source, flags)
        quicker += fast.pattern != plain.pattern
        assert [m.span() for m in fast.finditer(letters)] == [m.span() for m in plain.finditer(letters)], source[:80]
    assert quicker > 20


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="abK\u017f\u00e9\u00c9 -", min_size=1, max_size=4), min_size=1, max_size=5),
       st.text(alphabet="abkKsS\u017f\u212a\u00e9\u00c9 -x", max_size=30))
def test_made_up_patterns_compiled_for_searching_find_what_the_plain_ones_find(words, text):
    from checker.text.prefilter import compile_searching

    source = r"(?<![\w])(?:" + "|".join(re.escape(w) + "s?" for w in words) + ")"
    fast, plain = compile_searching(source, re.I), re.compile(source, re.I)
    assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)]


def test_a_lookahead_goes_first_only_where_the_engine_has_no_quicker_way():
    from checker.text.prefilter import compile_searching

    quick = compile_searching(r"(?<![\w])(?:foo|bar)", re.I)
    assert quick.pattern.startswith("(?=(?-i:[^") and quick.pattern.endswith(r"(?:(?<![\w])(?:foo|bar))")
    assert [c for c in "bfBFxX1" if re.match(quick.pattern.split("(?:", 1)[0], c)] == list("bfBF")
    assert compile_searching(r"(?<![\w])(?:foo|bar)").pattern == r"(?<![\w])(?:foo|bar)"  # case kept: the engine skips
    assert compile_searching(r"\bt(?:he|his)", re.I).pattern.startswith("(?=")  # a word boundary first
    # beyond ASCII every character passes the lookahead: the pattern itself decides
    assert compile_searching(r"(?<![\w])(?:\u00e9t\u00e9|ete)", re.I).search("un \u00c9T\u00c9").group() == "\u00c9T\u00c9"
    assert compile_searching(r"(?<![\w])(?:\w+ment|abc)", re.I).search("the \u00e9zment").group() == "\u00e9zment"
    for source in (r"^\s*foo", r"injur(?:ed|ing)", r":\s*upheld", r"(?:\d+|#)\s*x", r"(?:a|b)*c?"):
        flags = re.I | re.M
        assert compile_searching(source, flags).pattern == source, source


def test_literal_beginnings_of_patterns():
    from checker.text.prefilter import literal_starts

    assert literal_starts(r"(?:cannot|could\s+not|unable\s+to)\s+tolerate", re.I) == {"cannot", "could", "unable"}
    assert literal_starts(r"(?<![\w])Positive\s+for") == {"positive"}
    assert literal_starts(r"ADL'?s") == {"adl"}
    assert literal_starts(r"(?:x+)y") == {"x"}
    # What follows the first plain characters counts too (the parser takes a common beginning out of
    # alternatives), and a group that only sets flags is plain text all the same.
    assert literal_starts(r"\b(?:did\s+not|does\s+not|do\s+not)", re.I) == {"did", "does", "do"}
    assert literal_starts(r"\b(?:pages?|pgs?\.?|pp\.?|p\.)\s*\d", re.I) == {"page", "pg", "pp", "p."}
    assert literal_starts(r"\b((?-i:Mrs\.?|Mr\.?|Ms\.?))\s+[A-Z]", re.I) == {"mr", "mrs", "ms"}
    assert literal_starts(r"ab(?:c|)d") == {"abc", "ab"} and literal_starts(r"ab(?:c|\w)") == {"ab"}
    assert literal_starts(r"(?a:x)y") is None  # a flag that changes what is plain text: unknown
    for source in (r"a*b", r"(?:x|[ab]c)", r"(?:x|)", r"\w+", "\u017fo"):
        assert literal_starts(source, re.I) is None, source


def test_the_plain_text_every_match_holds():
    from checker.text.prefilter import required_literal

    assert required_literal(r"^[^\S\n]*IMR ISSUES?,? DECISIONS? AND RATIONALES?\s*:?\s*$", re.I | re.M) == " and rationale"
    assert required_literal(r"x(\d+ab)cd") == "abcd"  # the group's last run joins what follows it
    assert required_literal(r"x(ab)cd") == "xabcd"
    assert required_literal(r"(a|b)c") == "c"
    assert required_literal(r"\d+") is None and required_literal(r"a*") is None


def test_lower_case_in_step_with_the_text():
    from checker.text.prefilter import lower_in_step

    assert lower_in_step("Soma 350 MG") == "soma 350 mg"
    assert lower_in_step("\u0130 dotted") is None  # lower case is longer
    assert lower_in_step("Ca\u017fe") is None  # long s folds to s when case is ignored
    assert lower_in_step("Caf\u00c9 OK") == "caf\u00e9 ok"  # beyond ASCII, lining up and folding as the engine does


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("aZ \n\u00c9\u00e9\u0130\u0131\u017f\u212a\u1e9e\u03a3\ufb00") | st.characters(), max_size=40))
def test_lower_case_in_step_is_the_lower_case_when_it_lines_up_and_folds_as_the_engine_does(text):
    from checker.text.prefilter import FOLDS_TO_ASCII, lower_in_step

    lowered = text.lower()
    in_step = len(lowered) == len(text) and FOLDS_TO_ASCII.search(text) is None
    assert lower_in_step(text) == (lowered if in_step else None)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="aAbB \n:.\u017f\u212a\u0130xX1", max_size=30))
def test_a_text_without_a_patterns_plain_part_holds_no_match(text):
    from checker.text.prefilter import lower_in_step, required_literal

    lowered = lower_in_step(text)
    for source in (r"ab\s*:", r"^[^\S\n]*XA:?\s*$", r"x(?:ab|ba)\.b", r"k\d"):
        needs = required_literal(source, re.I | re.M)
        if lowered is not None and needs is not None and needs not in lowered:
            assert re.search(source, text, re.I | re.M) is None, source


def _made_up_pattern() -> st.SearchStrategy[str]:
    """Small patterns of plain text, groups, alternatives, repeats and flag groups, as language patterns are built."""
    plain = st.sampled_from(["a", "ab", "b", "K", ".", r"\.", r"\s+", r"\w", r"\b", "x?", "[ab]", ""])

    def grow(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.lists(inner, min_size=1, max_size=3).map("".join),
            st.lists(inner, min_size=1, max_size=3).map(lambda parts: "(?:" + "|".join(parts) + ")"),
            inner.map(lambda p: f"(?:{p})+"),
            inner.map(lambda p: f"(?:{p})?"),
            inner.map(lambda p: f"(?-i:{p})"),
            inner.map(lambda p: f"(?:{p})"),
            inner.map(lambda p: f"({p})"),
        )

    return st.recursive(plain, grow, max_leaves=8)


@settings(max_examples=400, deadline=None)
@given(_made_up_pattern(), st.text(alphabet="aAbBkK .\n\u212a", max_size=24), st.booleans())
def test_every_match_of_a_made_up_pattern_begins_with_one_of_its_plain_beginnings(source, text, ignore_case):
    """``literal_starts``: one of them begins every match, so a pattern tried only where they occur misses none."""
    from checker.text.prefilter import literal_starts, lower_in_step

    flags = re.I if ignore_case else 0
    starts = literal_starts(source, flags)
    lowered = lower_in_step(text)
    if starts is None or lowered is None:
        return
    for m in re.finditer(source, text, flags):
        assert any(lowered.startswith(start, m.start()) for start in starts), (source, text, m)


# --------------------------------------------------------------------------- line-start patterns
def test_only_a_line_start_pattern_of_one_sequence_is_rewritten():
    flags = re.I | re.M
    assert after_line_break(r"^[^\S\n]*IMR ISSUES?", flags) == r"\n[^\S\n]*IMR ISSUES?"
    assert after_line_break(r"^(?:a|b)c", flags) == r"\n(?:a|b)c"  # alternatives inside a group
    assert after_line_break(r"^a|b", flags) is None  # "b" could start at the added line break
    assert after_line_break(r"^(?<!x)a", flags) is None  # would look behind at the added line break
    assert after_line_break(r"^a", re.I) is None  # not multiline: "^" is the text's start only
    assert after_line_break(r"a^", flags) is None


_LINE_START_PATTERNS = [r"^a", r"^\s*a b", r"^[^\S\n]*a\s+b$", r"^(?:a|b)\s*c", r"^\d{1,2}\.\s.*\bb", r"^\W*a", r"^$"]


_MARKERS = [marker for layout in layouts() for marker, _ in layout.markers]


@settings(max_examples=300, deadline=None)
@given(st.text("ab c1.\n\t", max_size=30), st.sampled_from(_LINE_START_PATTERNS + _MARKERS))
def test_a_rewritten_pattern_finds_a_match_after_a_line_break_exactly_when_the_pattern_does(text, source):
    flags = re.I | re.M
    rewrite = after_line_break(source, flags)
    if rewrite is not None:
        assert bool(re.search(rewrite, "\n" + text, flags)) == bool(re.search(source, text, flags))


def test_alternatives_are_found_outside_groups_and_classes_only():
    assert after_line_break(r"^a(?:b|c)|d", re.M) is None
    assert after_line_break(r"^a[|]b", re.M) == r"\na[|]b"
    assert after_line_break(r"^a[]|]b", re.M) == r"\na[]|]b"
    assert after_line_break(r"^a[^]|]b", re.M) == r"\na[^]|]b"
    assert after_line_break(r"^a\|b", re.M) == r"\na\|b"
    assert after_line_break(r"^a(b)|c", re.M) is None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["fun", "function", "functional", "fa", "pain", "pa", "pine", "x", " ", "re", "rest"]),
                min_size=1, max_size=5),
       st.lists(st.sampled_from(["functional ", "pain", "painful", "pine", "fame", "repair", "rested", " ", "x", "re-", "fun"]),
                max_size=30).map("".join),
       st.integers(0, 40), st.one_of(st.none(), st.integers(0, 200)))
def test_anchored_starts_are_every_place_an_anchor_begins(anchors, text, pos, endpos):
    """With every anchor or with the shortest only (an anchor that begins another finds its places too),
    the places are those where some anchor begins, in order, each once."""
    from checker.text.prefilter import anchored_starts, shortest_anchors

    end = len(text) if endpos is None else min(endpos, len(text))
    expected = [at for at in range(pos, end) if any(text.startswith(a, at) and at + len(a) <= end for a in anchors)]
    assert anchored_starts(text, anchors, pos, endpos) == expected
    assert anchored_starts(text, shortest_anchors(anchors), pos, endpos) == expected
    assert set(shortest_anchors(anchors)) <= set(anchors)


def test_the_shortest_anchors_drop_those_another_begins():
    from checker.text.prefilter import shortest_anchors

    assert shortest_anchors(["functional", "function", "exacerbations", "exacerbation", "flare", "flareup", "re"]) == (
        "exacerbation", "flare", "function", "re",
    )
    assert shortest_anchors(["b", "a", "ab"]) == ("a", "b")
