"""Guideline names in prose and the parts of a text they govern (checker/knowledge/sources.py)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from checker.knowledge.sources import FAMILY, NON_MTUS, WHOLE_MTUS, guideline_names, guideline_parts

TWO_GUIDELINES = (
    "Per the CA MTUS Chronic Pain Medical Treatment Guidelines, page 29, carisoprodol is not recommended. "
    "The Official Disability Guidelines (ODG) agree."
)


def test_names_are_found_in_order_with_their_family():
    names = guideline_names(TWO_GUIDELINES)
    families = [(n.kind, n.family) for n in names if n.kind == FAMILY]
    assert [f for _, f in families] == ["cpmtg", "odg", "odg"]
    first = next(n for n in names if n.family == "cpmtg")
    assert TWO_GUIDELINES[first.start : first.end] == "Chronic Pain Medical Treatment Guidelines"


def test_the_mtus_alone_and_a_non_mtus_label_are_kinds_of_their_own():
    kinds = {n.kind for n in guideline_names("The MTUS is silent. Non-MTUS Citation: ODG, Pain chapter.")}
    assert {WHOLE_MTUS, NON_MTUS, FAMILY} <= kinds


def test_each_guideline_governs_the_text_up_to_the_next_one():
    parts = guideline_parts(TWO_GUIDELINES)
    assert [p.family for p in parts] == ["cpmtg", "odg"]
    odg = TWO_GUIDELINES.index("The Official")
    assert parts[0].region_start == 0 and parts[0].end == parts[1].start
    assert parts[1].start >= odg and parts[1].end == len(TWO_GUIDELINES)


def test_a_reader_changing_its_parts_changes_no_later_reading():
    """Names are remembered by text; the parts built from them are each caller's own."""
    first = guideline_parts(TWO_GUIDELINES)
    first[0].end, first[0].family = 1, "changed"
    again = guideline_parts(TWO_GUIDELINES)
    assert again[0].family == "cpmtg" and again[0].end > 1
    assert guideline_names(TWO_GUIDELINES) == guideline_names(TWO_GUIDELINES[:])


# The names pattern gathers names behind their first character; it must find what the plain
# alternation of the names (longest first) finds, in any text made of names, parts of names and noise.
def _plain_alternation(names):
    import re

    from checker.knowledge import sources as module

    ordered = sorted(dict.fromkeys(names), key=lambda n: (-len(n), n))
    return re.compile(r"(?<![\w.-])(?:" + "|".join(module._name_regex(n) for n in ordered) + r")(?![\w]|\.\d)", re.I)


def _name_pieces():
    from checker.knowledge.sources import sources

    names = [name for _, name in sources().names]
    return names + [n.split()[0] for n in names] + [n.upper() for n in names[:20]] + [n.lower() for n in names[:20]]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_name_pieces()) | st.sampled_from([" ", ", ", ".", "-", "9", "x", "\n", "(", "2009 ", "Guidelines"]),
                max_size=12).map("".join))
def test_the_names_pattern_finds_what_the_plain_alternation_finds(text):
    from checker.knowledge.sources import sources

    src = sources()
    plain = _plain_alternation([name for _, name in src.names])
    assert [m.span() for m in src.name_pattern.finditer(text)] == [m.span() for m in plain.finditer(text)]


def test_names_that_may_begin_otherwise_stay_one_alternation():
    from checker.knowledge.sources import _by_first_character

    assert _by_first_character(["Abc", "Ade", "b\\s+c"]) == "(?:a(?:bc|de)|b(?:\\s+c))"
    assert _by_first_character(["Abc", "\\u00a7*\\s*9"]) == "(?:Abc|\\u00a7*\\s*9)"
