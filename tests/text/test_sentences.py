"""Sentences and their offsets: abbreviations, quotes and line breaks, and the boundary pattern against its plain form."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.text import sentences
from checker.text.sentences import sentence_at, sentence_spans

#: The boundary as first written: a lookbehind for the period (its closing quotes stay with it), or a run of line breaks.
_PLAIN_BOUNDARY = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)]*(\s+)(?=[\"'\u201c\u2018(]?[A-Z0-9])|\n+")


def _cut(m: re.Match[str]) -> int:
    """Where the sentence before a boundary ends: before its white space, or before the line breaks."""
    return m.start(1) if m.group(1) is not None else m.start()


def _spans_by_definition(text: str) -> tuple[tuple[int, int], ...]:
    """sentence_spans with the plain boundary pattern."""
    spans = []
    start = 0
    for m in _PLAIN_BOUNDARY.finditer(text):
        if "\n" not in m.group() and sentences._after_abbreviation(text, _cut(m), text[m.end() : m.end() + 1]):
            continue
        sentences._append(spans, text, start, _cut(m))
        start = m.end()
    sentences._append(spans, text, start, len(text))
    return tuple(spans)


_PROSE = st.lists(
    st.sampled_from(["a", "Bc", "7", " ", "  ", "\n", "\n\n", "\t", ".", "!", "?", '"', "'", ")", "(", "\u201d", "\u201c",
                     "\u2019", "\u2018", "Dr", "e.g", "p", "No", "Sept", "Jan", "\u00a0", "\u2029", "\r"]),
    max_size=40,
).map("".join)


@settings(max_examples=1000, deadline=None)
@given(_PROSE)
def test_the_boundaries_are_those_of_the_plain_pattern(text):
    plain = [(_cut(m), m.end()) for m in _PLAIN_BOUNDARY.finditer(text)]
    found = [(_cut(m), m.end()) for m in sentences._BOUNDARY.finditer(text)]
    assert found == plain
    assert sentence_spans(text) == _spans_by_definition(text)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("The request is denied. Dr. Smith agreed.", ["The request is denied.", "Dr. Smith agreed."]),
        # a closing quote or bracket after the period ends its sentence; an opening one starts the next
        ('He said "no." Then he left!\n\nNew paragraph', ['He said "no."', "Then he left!", "New paragraph"]),
        ("It was noted (see p. 24.) The \u201crequest\u201d was denied.\u201d \u2018Next", ["It was noted (see p. 24.)", "The \u201crequest\u201d was denied.\u201d", "\u2018Next"]),
        ('Denied. "Quoted start" here.', ["Denied.", '"Quoted start" here.']),
        # A short month name's period goes on before a number, and ends a sentence before a word.
        ("In his report of Sept. 9, 2014, he continued it. Seen since Jan. 2012 by Dr. Okafor.",
         ["In his report of Sept. 9, 2014, he continued it.", "Seen since Jan. 2012 by Dr. Okafor."]),
        ("He was last seen in Dec. The MRI was normal.", ["He was last seen in Dec.", "The MRI was normal."]),
        ("See p. 24 of the MTUS. 3 visits were done.", ["See p. 24 of the MTUS.", "3 visits were done."]),
        ("lower case after a period. goes on", ["lower case after a period. goes on"]),
        ("Line one\nline two", ["Line one", "line two"]),
    ],
)
def test_sentences(text, expected):
    assert [text[a:b] for a, b in sentence_spans(text)] == expected


def test_the_sentence_at_an_offset():
    text = "First one. Second one.\nThird"
    assert text[slice(*sentence_at(text, text.index("Second")))] == "Second one."
    assert text[slice(*sentence_at(text, text.index("Third")))] == "Third"
