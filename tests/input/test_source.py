"""Positions in the original file: SourceText.span against its definition by position() and line_length()."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from checker.input.source import SourceText
from checker.model import Span


def _reference(source: SourceText, first: int, last: int) -> Span:
    """The definition, one step at a time (as NormalText.span read it before it was written out)."""
    line, column = source.position(first)
    end_line, end_column = source.position(last + 1)
    if end_line > line and end_column == 1:
        end_line, end_column = source.position(last)
        end_column += 1
    column = min(column, source.line_length(line) + 1)
    end_column = min(end_column, source.line_length(end_line) + 1)
    if (end_line, end_column) < (line, column):
        end_line, end_column = line, column
    return Span(line, column, end_line, end_column)


_TEXT = st.lists(st.sampled_from(["a", "bc", " ", "\n", "\r\n", "\r", "é"]), max_size=40).map("".join)


@settings(max_examples=300)
@given(_TEXT, st.integers(-3, 50), st.integers(-3, 50))
def test_span_is_its_definition(text, first, last):
    source = SourceText(text)
    assert source.span(first, last) == _reference(source, first, last)


def test_a_span_that_ends_a_line_stays_on_it():
    source = SourceText("first line\r\nsecond\n")
    assert source.span(0, 9) == Span(1, 1, 1, 11)  # "first line", not the start of line 2
    assert source.span(12, 17) == Span(2, 1, 2, 7)


@settings(max_examples=300)
@given(_TEXT)
def test_lines_are_those_between_line_breaks(text):
    import re

    source = SourceText(text)
    lines = re.split(r"\r\n|\r|\n", text)
    assert source.line_count == len(lines)
    assert [source.line_text(n) for n in range(1, len(lines) + 1)] == lines
    assert [source.line_length(n) for n in range(1, len(lines) + 1)] == list(map(len, lines))
    assert source.line_text(0) == source.line_text(len(lines) + 1) == ""
    assert source.line_length(0) == source.line_length(len(lines) + 1) == 0


@settings(max_examples=100)
@given(_TEXT, st.integers(-3, 50), st.integers(-3, 50))
def test_a_pickled_source_gives_the_same_spans_and_lines(text, first, last):
    import pickle

    source = SourceText(text)
    span = source.span(first, last)  # counts the line lengths
    copied = pickle.loads(pickle.dumps(source))
    assert copied.span(first, last) == span
    assert [copied.line_text(n) for n in range(1, copied.line_count + 1)] == [
        source.line_text(n) for n in range(1, source.line_count + 1)
    ]
