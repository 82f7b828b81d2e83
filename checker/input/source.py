"""What the input step hands on: the decoded text of a letter, or a one-line error.

A :class:`SourceText` keeps a line index so an offset in the decoded text maps
to the line and column an editor shows; every later step reports positions
through it.
"""

from __future__ import annotations

import bisect
from itertools import accumulate
from typing import Any

from checker.model import Span
from checker.text.stored_patterns import compile_pattern

_LINE_BREAK = compile_pattern(r"\r\n|\r|\n")
#: Reasons quoted from a library are cut to this length.
_REASON_WIDTH = 80
#: A memory address in a message (" at 0x7f3a9c0d2e10"), different on every run.
_ADDRESS = compile_pattern(r"(?:\s+at)?\s+0x[0-9a-fA-F]+")
#: pypdf's name for an object, which ends in the (decimal) address of its reader:
#: "IndirectObject(4, 0, 140003707458768)".
_PDF_OBJECT = compile_pattern(r"IndirectObject\((\d+), (\d+), \d+\)")


class InputError(Exception):
    """An input that cannot be read at all; the message is one line for the user."""


def line_starts(text: str) -> list[int]:
    """The offset where each line of ``text`` starts: 0, and the end of each line break (``\\r\\n``, ``\\r``, ``\\n``).

    Most letters break lines with ``\\n`` alone: their lines' lengths are
    summed in C (``str.split``, ``accumulate``), not found break by break.
    """
    if "\r" in text:
        return [0, *(m.end() for m in _LINE_BREAK.finditer(text))]
    return [0, *accumulate(map((1).__add__, map(len, text.split("\n")[:-1])))]


def line_lengths(text: str, starts: list[int]) -> list[int]:
    """The length of each line of ``text`` (starting at ``starts``, :func:`line_starts`) without its line break.

    Without a carriage return, a line ends one character (its ``\\n``) before the next starts: the
    lengths are differences of the starts, with no line copied.
    """
    if "\r" not in text:
        lengths = [after - start - 1 for start, after in zip(starts, starts[1:])]
        lengths.append(len(text) - starts[-1])
        return lengths
    ends = [*starts[1:], len(text)]
    lengths = []
    for start, end in zip(starts, ends):
        while end > start and text[end - 1] in "\r\n":  # at most the two characters of one break
            end -= 1
        lengths.append(end - start)
    return lengths


class SourceText:
    """Decoded text of one file plus the index that maps offsets to line/column."""

    #: :attr:`line_lengths`, once counted.
    _lengths: list[int] | None = None

    def __init__(self, text: str, encoding: str = "utf-8", kind: str = "text", pages: list[int] | None = None) -> None:
        self.text = text
        self.encoding = encoding
        #: "text", "pdf" or "docx": what the input was (see checker.input.documents).
        self.kind = kind
        #: For a PDF: the 1-based line where each page starts, for page/line positions.
        self.pages = pages
        self.line_starts = line_starts(text)

    def position(self, offset: int) -> tuple[int, int]:
        """Return the 1-based (line, column) of a character offset."""
        offset = max(0, min(offset, len(self.text)))
        index = bisect.bisect_right(self.line_starts, offset) - 1
        # An offset inside a CRLF pair still belongs to the line it ends.
        return index + 1, offset - self.line_starts[index] + 1

    def span(self, first: int, last: int) -> Span:
        """The Span from character ``first`` to character ``last`` (included), kept on lines of the file.

        The end is the column after ``last``; when that is the start of a
        later line (``last`` ends its line), the end stays on ``last``'s own
        line.  A character with no place of its own (a joining space or line
        break that normalising added) sits on a line break: no column goes
        past its line's end.  The positions are those of :meth:`position`,
        written out here: a letter's every item, citation and finding has a span.
        """
        starts, size = self.line_starts, len(self.text)
        first = max(0, min(first, size))
        index = bisect.bisect_right(starts, first) - 1
        line, column = index + 1, first - starts[index] + 1
        after = max(0, min(last + 1, size))
        index = bisect.bisect_right(starts, after) - 1
        end_line, end_column = index + 1, after - starts[index] + 1
        if end_line > line and end_column == 1:
            last = max(0, min(last, size))
            index = bisect.bisect_right(starts, last) - 1
            end_line, end_column = index + 1, last - starts[index] + 2
        lengths = self.line_lengths
        column = min(column, lengths[line - 1] + 1)
        end_column = min(end_column, lengths[end_line - 1] + 1)
        if (end_line, end_column) < (line, column):
            end_line, end_column = line, column
        return Span(line, column, end_line, end_column)

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its line break ("" for a line that does not exist)."""
        if line < 1 or line > len(self.line_starts):
            return ""
        start = self.line_starts[line - 1]
        return self.text[start : start + self.line_lengths[line - 1]]

    def line_length(self, line: int) -> int:
        """The length of a 1-based line without its line break (0 for a line that does not exist).

        Every span is clamped to its line's length, so the lengths are
        counted once, not found line by line (nor copied: on a
        200,000-character line, copying the line for each of its spans made
        reading quadratic).
        """
        if line < 1 or line > len(self.line_starts):
            return 0
        return self.line_lengths[line - 1]

    @property
    def line_lengths(self) -> list[int]:
        """Each line's length without its line break (:func:`line_lengths`), counted the first time it is asked for."""
        if self._lengths is None:
            self._lengths = line_lengths(self.text, self.line_starts)
        return self._lengths

    def __getstate__(self) -> dict[str, Any]:
        """What is pickled (a worker's result, sent to the parent): the lengths are counted again when asked for."""
        state = dict(self.__dict__)
        state.pop("_lengths", None)
        return state

    @property
    def line_count(self) -> int:
        return len(self.line_starts)


def short_reason(error: Exception | str) -> str:
    """The first line of an exception message, cut to a readable length, the same on every run.

    Libraries put memory addresses into messages ("<IndirectObject at
    0x7f3a...>", "IndirectObject(4, 0, 140003707458768)"); they differ from
    run to run, so they are dropped.
    """
    message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    message = _PDF_OBJECT.sub(r"object \1 \2", _ADDRESS.sub("", message))
    message = "".join(ch if ch.isprintable() else "?" for ch in message)
    return message if len(message) <= _REASON_WIDTH else message[: _REASON_WIDTH - 3] + "..."
