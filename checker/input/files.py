"""Step 1: find the input files and decode them into text with a line index.

Letters arrive as text extracted from PDFs, saved by whatever tool the user
had: UTF-8, UTF-8 with a byte-order mark, or Windows cp1252 (curly quotes and
dashes), with LF, CRLF or bare CR line endings.  We decode without ever
changing the file, and keep a line index so an offset in the decoded text maps
to the line and column an editor shows.
"""

from __future__ import annotations

import bisect
import re
import sys
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

STDIN = "-"

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class InputError(Exception):
    """An input that cannot be read at all; the message is one line for the user."""


@dataclass(frozen=True)
class InputRef:
    """A file to read, as named by the user (``-`` is standard input)."""

    path: str
    error: str | None = None  # set when discovery already knows it is unreadable


class SourceText:
    """Decoded text of one file plus the index that maps offsets to line/column."""

    def __init__(self, text: str, encoding: str = "utf-8", kind: str = "text", pages: list[int] | None = None) -> None:
        self.text = text
        self.encoding = encoding
        #: "text", "pdf" or "docx": what the input was (see checker.input.documents).
        self.kind = kind
        #: For a PDF: the 1-based line where each page starts, for page/line positions.
        self.pages = pages
        starts = [0]
        starts.extend(m.end() for m in _LINE_BREAK.finditer(text))
        self.line_starts = starts

    def position(self, offset: int) -> tuple[int, int]:
        """Return the 1-based (line, column) of a character offset."""
        offset = max(0, min(offset, len(self.text)))
        index = bisect.bisect_right(self.line_starts, offset) - 1
        # An offset inside a CRLF pair still belongs to the line it ends.
        return index + 1, offset - self.line_starts[index] + 1

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its line break."""
        if line < 1 or line > len(self.line_starts):
            return ""
        start = self.line_starts[line - 1]
        end = self.line_starts[line] if line < len(self.line_starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    @property
    def line_count(self) -> int:
        return len(self.line_starts)


def discover(paths: list[str], patterns: tuple[str, ...] = ("*.txt",)) -> list[InputRef]:
    """Expand the user's arguments into files, in the order given.

    A directory means every matching file below it, in sorted order, so a
    batch always runs in the same order.  A missing path is kept as an input
    with an error so that it is reported in its place and the others still run.
    Patterns match names case-insensitively (``LETTER.PDF``); Word's ``~$`` lock
    files are not letters.
    """
    refs: list[InputRef] = []
    for arg in paths:
        if arg == STDIN:
            refs.append(InputRef(STDIN))
            continue
        path = Path(arg)
        if path.is_dir():
            found = sorted(
                {
                    p
                    for p in path.rglob("*")
                    if any(fnmatch(p.name.lower(), pattern.lower()) for pattern in patterns)
                    and not p.name.startswith("~$")
                    and p.is_file()
                },
                key=lambda p: p.as_posix(),
            )
            refs.extend(InputRef(str(p)) for p in found)
        elif path.exists():
            refs.append(InputRef(arg))
        else:
            refs.append(InputRef(arg, error="no such file or directory"))
    return refs


def read_bytes(ref: InputRef) -> bytes:
    """Read the raw bytes of an input; never writes anything."""
    if ref.error:
        raise InputError(ref.error)
    if ref.path == STDIN:
        return sys.stdin.buffer.read()
    try:
        return Path(ref.path).read_bytes()
    except IsADirectoryError:
        raise InputError("is a directory") from None
    except PermissionError:
        raise InputError("permission denied") from None
    except OSError as exc:
        raise InputError(exc.strerror or str(exc)) from None


def decode(data: bytes) -> SourceText:
    """Decode letter bytes: UTF-8 (with or without BOM), falling back to cp1252.

    Raises :class:`InputError` for empty or binary input, which cannot be a
    letter and would only produce noise further down.
    """
    if not data.removeprefix(b"\xef\xbb\xbf").strip():
        raise InputError("empty file")
    if _looks_binary(data):
        raise InputError("binary file (not a text letter)")
    if data.startswith(b"\xef\xbb\xbf"):
        return SourceText(data[3:].decode("utf-8", errors="replace"), "utf-8-sig")
    try:
        return SourceText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    # cp1252 leaves five bytes undefined; map them rather than fail.
    return SourceText(data.decode("cp1252", errors="replace"), "cp1252")


def _looks_binary(data: bytes) -> bool:
    """True for data with NUL bytes or mostly control characters."""
    sample = data[:4096]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls > max(8, len(sample) // 20)
