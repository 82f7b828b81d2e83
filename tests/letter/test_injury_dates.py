"""Injury dates are searched for only around their cue words, and find what a search of the whole text finds.

``header.injury_date_matches`` runs the ``dates.injury_date`` patterns on
windows around the words every one of them holds (``dates.injury_date_cues``).
Held against the plain way (every pattern over the whole text) on every
letter in the repository and on made-up case summaries.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from checker.letter.header import injury_date_matches, injury_phrases
from checker.text import language
from tests.conftest import ROOT



def _plain(text: str) -> list[tuple[int, int, int, str]]:
    return [(i, m.start(), m.end(), m.group(1)) for i, p in enumerate(injury_phrases()) for m in p.finditer(text)]


def _windowed(text: str) -> list[tuple[int, int, int, str]]:
    return [(i, m.start(), m.end(), m.group(1)) for i, m in injury_date_matches(text)]


def test_every_injury_pattern_holds_a_cue():
    cues = [c.lower() for c in (*language.stems("dates.injury_date_cues"), *language.phrases("dates.injury_date_cues"))]
    for pattern in language.patterns("dates.injury_date"):
        assert any(cue in pattern.lower() for cue in cues), pattern


def test_every_letter_gives_what_the_whole_text_gives():
    paths = sorted((ROOT / "tests").rglob("*.txt")) + sorted((ROOT / "examples").glob("*.txt"))
    found = 0
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert _windowed(text) == _plain(text), path
        found += len(_plain(text))
    assert found > 50


_PIECES = st.sampled_from([
    "The patient was injured on 03/14/2011 ", "date of injury 4/2/2013. ", "5/6/2014 DOI ", "DOI: 01/02/2015 ",
    "She injured her lower back while lifting on October 10, 2007. ", "He was assaulted by a customer on 2/3/2012. ",
    "On 7/8/2016, when he fell from a ladder, ", "industrial injury of 9/9/2009 ", "x" * 300, " ", "\n",
    "Utilization review dated 6/1/2015 non-certified the request. ", "Oct. 10, 2007 ", "injury ", "on ",
    "HE WAS INJURED ON 5/5/2015. ", "Patient FELL on 2/2/2012. ", "the \u017flipped worker ", "\u0130njured ",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=12))
def test_made_up_summaries_give_what_the_whole_text_gives(pieces):
    text = "".join(pieces)
    assert _windowed(text) == _plain(text)


def test_a_date_far_from_its_cue_is_still_read():
    text = "The injured worker " + "had many treatments over the years, " * 10 + "and was injured at work on 1/2/2010."
    assert re.search("1/2/2010", text)
    assert [m.group(1) for _, m in injury_date_matches(text)] == ["1/2/2010"]


def test_cues_found_in_lower_case_are_the_cues_found_ignoring_case():
    """The quick cue scan (the text's lower case, with case) finds what the scan ignoring case finds."""
    from checker.letter.header import _INJURY_CUE, _injury_cues

    paths = sorted((ROOT / "tests").rglob("*.txt")) + sorted((ROOT / "examples").glob("*.txt"))
    texts = [path.read_text(encoding="utf-8", errors="replace") for path in paths]
    for text in texts + ["HURT, Injured, DOI, doi, Doi, STRUCK", "\u017flipped \u212aNEE INJURY"]:
        assert [m.span() for m in _injury_cues(text)] == [m.span() for m in _INJURY_CUE.finditer(text)]
