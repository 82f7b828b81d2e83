"""PDF letters, read with pypdf in layout mode.

Layout mode gives text in reading order by position, so a two-column header
row stays one line and a footer drawn first still lands at the page end.
One line of text per printed line, pages joined with ``\\n``; blank lines are
dropped so that "line 12 of page 2" is the twelfth printed line.  The
1-based line where each page starts goes into ``SourceText.pages``.
"""

from __future__ import annotations

import io
import logging
import re
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from checker.input.source import InputError, SourceText, short_reason
from checker.text.stored_patterns import compile_pattern

#: Fewer letters than this in a whole PDF means there is no real text layer.
_MIN_TEXT_LETTERS = 20

# pypdf reports recoverable damage through logging; unconfigured, Python would
# print those records on stderr, and a user must see one line per file.
_PYPDF_LOG = logging.getLogger("pypdf")
_PYPDF_LOG.addHandler(logging.NullHandler())


class _Collect(logging.Handler):
    """Keeps this thread's pypdf warnings: they tell a damaged PDF from a scanned one."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.thread = threading.get_ident()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.messages.append(record.getMessage())


@contextmanager
def _pypdf_warnings() -> Iterator[list[str]]:
    handler = _Collect()
    _PYPDF_LOG.addHandler(handler)
    try:
        yield handler.messages
    finally:
        _PYPDF_LOG.removeHandler(handler)


def read_pdf(data: bytes) -> SourceText:
    """Text of every page, one printed line per line, with the line each page starts on."""
    try:
        from pypdf import PdfReader
        from pypdf.errors import DependencyError, FileNotDecryptedError
    except ImportError:  # pragma: no cover - pypdf is a dependency
        raise InputError("reading PDF needs the pypdf package: pip install pypdf") from None
    try:
        with warnings.catch_warnings(), _pypdf_warnings() as damage:
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                # Many published PDFs are locked against editing only (empty
                # user password) and open without asking.
                opened = reader.decrypt("")
                if not opened:
                    raise InputError("encrypted PDF: remove the password first")
            pages = [_page_lines(page) for page in reader.pages]
            images = _has_images(reader)
    except InputError:
        raise
    except FileNotDecryptedError:
        raise InputError("encrypted PDF: remove the password first") from None
    except DependencyError:  # AES without the crypto extra, when decrypting or reading
        raise InputError("encrypted PDF: reading it needs the cryptography package (pip install cryptography)") from None
    except RecursionError:
        raise InputError("damaged PDF: objects nested too deeply") from None
    except Exception as error:  # pypdf raises many types on damaged files
        raise InputError(f"damaged PDF: {_pdf_reason(data, error)}") from None
    if not pages:
        raise InputError("damaged PDF: no pages")
    if sum(ch.isalpha() for lines in pages for line in lines for ch in line) < _MIN_TEXT_LETTERS:
        if damage and not images:  # no text because pypdf could not read it, not because there is none
            raise InputError(f"damaged PDF: no readable text ({short_reason(damage[0])})")
        raise InputError("PDF has no text layer (scanned image?): run OCR first")
    starts: list[int] = []
    line = 1
    for lines in pages:
        starts.append(line)
        line += max(1, len(lines))  # an empty page still takes one (empty) line
    text = "\n".join("\n".join(lines) for lines in pages) + "\n"
    return SourceText(text, "utf-8", kind="pdf", pages=starts)


def _page_lines(page: Any) -> list[str]:
    """The printed lines of one page, whitespace runs squeezed, blank lines dropped.

    Layout mode places text by position; a PDF stores glyph positions, not
    spaces, so the gaps it turns into runs of spaces (justified text, table
    columns) mean nothing and become one space.
    """
    try:
        text = page.extract_text(extraction_mode="layout")
    except Exception:  # layout mode is stricter about fonts; plain mode still reads most
        text = page.extract_text()
    lines = (" ".join(line.split()) for line in (text or "").splitlines())
    return [line for line in lines if line]


def _has_images(reader: Any) -> bool:
    """Whether any page draws an image (a scan), looking only at page resources."""
    for page in reader.pages:
        try:
            xobjects = page["/Resources"].get_object().get("/XObject")
            if xobjects is not None and any(
                obj.get_object().get("/Subtype") == "/Image" for obj in xobjects.get_object().values()
            ):
                return True
        except Exception:  # a page without resources, or damaged ones: no image there
            continue
    return False


#: pypdf's words for objects that refer to themselves ("Detected loop with self reference
#: for ...", "Detected cyclic page references", "Circular object-stream reference").
_CYCLE = compile_pattern(r"\bloop\b|\bcycl|\bcircular\b", re.I)
_OBJECT = compile_pattern(r"\bobject \d+ \d+\b")
#: Python errors pypdf lets out on objects it did not expect (its own errors explain themselves).
_PYPDF_SLIPS = (AttributeError, TypeError, KeyError, IndexError, AssertionError)


def _pdf_reason(data: bytes, error: Exception) -> str:
    """A short reason for a damaged PDF: truncation is the usual cause, so say so; then loops, in our words."""
    if b"%%EOF" not in data[-2048:]:
        return "truncated (no end-of-file marker)"
    if isinstance(error, _PYPDF_SLIPS):
        # pypdf tripping over its own objects ("property 'indirect_reference' of
        # 'IndirectObject' object has no setter"): nothing a user can act on.
        return f"broken object structure ({type(error).__name__})"
    reason = short_reason(error)
    if _CYCLE.search(reason):
        where = _OBJECT.search(reason)
        return "objects refer to themselves in a loop" + (f" ({where.group()})" if where else "")
    return reason


