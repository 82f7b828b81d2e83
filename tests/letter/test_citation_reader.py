"""Page lists are read with citation.lark's own terminals, as its LALR parser reads them.

``citations._first_ref`` reads only the reference a window starts with,
without running Lark over the prose after it.  The reference reading here is
the grammar itself: parse the whole window with Lark and take its first
``page_ref`` or ``section_ref`` when it starts the window.  Where the grammar
rejects something later in the window, the reference the reader reads must be
what the grammar reads in a shorter window it accepts.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lark import Token, Tree
from lark.exceptions import LarkError

from checker.letter.citations import _REF_START, _WINDOW, _NotAPageList, _first_ref
from checker.knowledge.sources import sources
from checker.letter.grammars import parser
from tests.conftest import ROOT


def _by_grammar(window: str):
    """(kind, spans of the page ranges, end) of the reference the grammar finds at the window's start.

    A range starting with a year (a number of 1000 or more) ends the list,
    and so does a range after the first that a count word follows ("pages
    98-99, 9-10 visits"), as the reader documents.
    """
    tree = parser("citation", "citation").parse(window)
    first = next((c for c in tree.children if isinstance(c, Tree)), None)
    if first is None or next(first.scan_values(lambda v: isinstance(v, Token))).start_pos != 0:
        return None
    if first.data == "section_ref":
        return ("section", (), first.children[0].end_pos)
    end = first.children[0].end_pos
    spans = []
    for page_range in first.find_data("page_range"):
        numbers = [t for t in page_range.children if isinstance(t, Token) and t.type == "NUMBER"]
        if int(numbers[0]) >= 1000:
            break
        word = re.match(r"[ \t]*-?[ \t]*([A-Za-z]+)", window[numbers[-1].end_pos :])
        if spans and word and word.group(1).lower() in sources().not_pages_before:
            break
        spans.append((numbers[0].start_pos, numbers[-1].end_pos))
        end = numbers[-1].end_pos
    return ("pages", tuple(spans), end)


def _by_reader(window: str):
    ref = _first_ref(window)
    if ref is None:
        return None
    if isinstance(ref, int):
        return ("section", (), ref)
    return ("pages", tuple((a, b) for a, b, _ in ref.parts), ref.end)


def _agree(window: str) -> bool:
    try:
        expected = _by_grammar(window)
    except LarkError:  # the grammar rejects something in the window: the reader rejects the first reference,
        try:             # or reads it as the grammar reads some shorter window that it accepts
            got = _by_reader(window)
        except _NotAPageList:
            return True
        return got is None or any(_accepts(window[:cut]) == got for cut in range(len(window), got[2] - 1, -1))
    return _by_reader(window) == expected


def _accepts(window: str):
    try:
        return _by_grammar(window)
    except LarkError:
        return "rejected"


def _windows(text: str) -> list[str]:
    return [text[m.start() : m.start() + _WINDOW] for m in _REF_START.finditer(text)]


def test_every_window_of_every_letter_reads_as_the_grammar_reads_it():
    paths = sorted((ROOT / "tests" / "fixtures").rglob("*.txt")) + sorted((ROOT / "examples").glob("*.txt"))
    windows = [w for p in paths for w in _windows(p.read_text(encoding="utf-8", errors="replace"))]
    assert len(windows) > 200
    for window in windows:
        assert _agree(window), window


_PIECES = st.sampled_from(
    ["page", "pages", "Page(s):", "pp.", "p.", "pg.", "Section(s):", " ", "\n", "24", "29", "2009", "3.5", "24/7",
     "-", " - ", "\u2013", " to ", " through ", ",", ", and ", " and ", ";", "&", "#", ":", "(s)", "of the MTUS", "(AEDs)", "."]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=14))
def test_made_up_page_lists_read_as_the_grammar_reads_them(pieces):
    text = "".join(pieces)
    for window in _windows(text):
        assert _agree(window), window


@pytest.mark.parametrize(
    "window,pages,end",
    [
        ("pages 76-80, 91 of the MTUS", (76, 77, 78, 79, 80, 91), 15),
        ("Page(s): 24,29, 65.", (24, 29, 65), 18),
        ("page 63 to 66 and 68; Carisoprodol", (63, 64, 65, 66, 68), 20),
        ("page 24, 2009 edition", (24,), 7),
        ("pp. 18\n- 19", (18, 19), 11),
    ],
)
def test_page_lists(window, pages, end):
    ref = _first_ref(window)
    assert ref.pages == pages and ref.end == end
