"""Step 1b: turn a PDF or Word file into the letter text the rest of the pipeline reads.

Final letters are published as PDF and reviewers draft in Word, so both are
read here and handed on as a :class:`SourceText`, exactly like a ``.txt``
letter: the same normaliser removes running headers and footers, re-joins
wrapped lines and the rest.  What kind of file it is comes from its CONTENT
(a PDF saved as ``.txt`` is still a PDF), never only from its name.

PDF (pypdf, layout mode: text in reading order by position, so a two-column
header row stays one line and a footer drawn first still lands at the page
end).  One line of text per printed line, pages joined with ``\\n``; blank
lines are dropped so that "line 12 of page 2" is the twelfth printed line.
The 1-based line where each page starts goes into ``SourceText.pages``.

DOCX (python-docx opens the package; we walk the body XML ourselves so that
tracked insertions, content controls and table cells are not lost).  One line
per paragraph, table cells' paragraphs in reading order, so a line number is
a paragraph number.

Every failure is an :class:`InputError` with one line that says what is wrong
and what to do; never a traceback.
"""

from __future__ import annotations

import io
import logging
import re
import threading
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from checker.input.files import InputError, SourceText, _looks_binary

PDF = "pdf"
DOCX = "docx"

# The PDF header may follow a little junk (mail or HTTP wrappers); readers look
# in the first 1024 bytes.
_PDF_HEADER = re.compile(rb"%PDF-\d\.\d")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 .doc and other old Office files
_DOCX_MAIN = "word/document.xml"

#: Fewer letters than this in a whole PDF means there is no real text layer.
_MIN_TEXT_LETTERS = 20
_REASON_WIDTH = 80

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


def sniff(data: bytes) -> str | None:
    """``"pdf"``, ``"docx"`` or None (not a document this module reads) from the bytes."""
    header = _PDF_HEADER.search(data[:1024])
    if header and (not data[: header.start()].strip() or _looks_binary(data)):
        return PDF  # at the start, or after junk in a binary file (not a text quoting "%PDF-1.4")
    if data.startswith(_ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return DOCX if _DOCX_MAIN in archive.namelist() else None
        except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError):
            # A broken zip that names Word parts is a damaged Word file.
            return DOCX if b"word/" in data[:65536] else None
    return None


def extract(data: bytes, path: str) -> SourceText | None:
    """The letter text of a PDF or Word file; None for anything else (decode it as text).

    ``path`` is only used for a clearer message when a file named ``.pdf`` or
    ``.docx`` is neither that nor text.  Raises only :class:`InputError`.
    """
    try:
        return _extract(data, path)
    except InputError:
        raise
    except Exception as error:  # a bug here must not end the batch
        raise InputError(f"internal error while reading document ({type(error).__name__}: {_short(error)})") from None


def _extract(data: bytes, path: str) -> SourceText | None:
    kind = sniff(data)
    if kind == PDF:
        return read_pdf(data)
    if kind == DOCX:
        return read_docx(data)
    if data.startswith(_OLE_MAGIC):
        raise InputError("old binary Office file (.doc?): save it as .docx or PDF first")
    suffix = path.lower().rsplit(".", 1)[-1] if "." in path else ""
    if suffix == PDF and _looks_binary(data):
        raise InputError("damaged PDF: no %PDF- header")
    if suffix == DOCX and data.startswith(_ZIP_MAGIC):
        raise InputError("not a Word document: a zip without word/document.xml")
    if suffix == DOCX and _looks_binary(data):
        raise InputError("damaged Word file: not a .docx (zip) package")
    return None


# --------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------


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
            raise InputError(f"damaged PDF: no readable text ({_short(damage[0])})")
        raise InputError("PDF has no text layer (scanned image?): run OCR first")
    starts: list[int] = []
    line = 1
    for lines in pages:
        starts.append(line)
        line += max(1, len(lines))  # an empty page still takes one (empty) line
    text = "\n".join("\n".join(lines) for lines in pages) + "\n"
    return SourceText(text, "utf-8", kind=PDF, pages=starts)


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


def _pdf_reason(data: bytes, error: Exception) -> str:
    """A short reason for a damaged PDF: truncation is the usual cause, so say so."""
    if b"%%EOF" not in data[-2048:]:
        return "truncated (no end-of-file marker)"
    return _short(error)


# --------------------------------------------------------------------------
# Word
# --------------------------------------------------------------------------


def read_docx(data: bytes) -> SourceText:
    """One line per paragraph (table cells' paragraphs in reading order)."""
    try:
        import docx
    except ImportError:  # pragma: no cover - python-docx is a dependency
        raise InputError("reading Word files needs the python-docx package: pip install python-docx") from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            document = docx.Document(io.BytesIO(data))
            lines = list(_block_lines(document.element.body))
    except zipfile.BadZipFile:
        raise InputError("damaged Word file: broken zip package (truncated?)") from None
    except ValueError as error:
        if "content type" in str(error):  # .docm, .dotx: a Word file, but not a document python-docx opens
            raise InputError(f"unsupported Word file: {_short(error)}") from None
        raise InputError(f"damaged Word file: {_short(error)}") from None
    except RecursionError:
        raise InputError("damaged Word file: nested too deeply") from None
    except Exception as error:  # zip, XML and package errors alike
        raise InputError(f"damaged Word file: {_short(error)}") from None
    if not any(line.strip() for line in lines):
        raise InputError("Word file has no text")
    return SourceText("\n".join(lines) + "\n", "utf-8", kind=DOCX)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT = (_W + t for t in ("p", "tbl", "tr", "tc", "sdt", "sdtContent"))
#: Wrappers around paragraphs, rows or cells that carry no text of their own.
_WRAPPERS = {_SDT, _W + "customXml"}
#: Subtrees whose text is not part of the paragraph as read: deleted or moved-away
#: text, text boxes (a drawing anchored in the paragraph, stored twice via mc:Fallback).
_SKIP = {_W + "del", _W + "moveFrom", _W + "txbxContent", _MC + "Fallback", _W + "pPr", _W + "rPr", _W + "instrText"}


def _block_lines(parent: Any) -> Iterator[str]:
    """Paragraph texts of a body, table cell or content control, in reading order."""
    for child in _unwrapped(parent):
        if child.tag == _P:
            yield _paragraph_text(child)
        elif child.tag == _TBL:
            for row in _unwrapped(child):
                if row.tag == _TR:
                    for cell in _unwrapped(row):
                        if cell.tag == _TC:
                            yield from _block_lines(cell)


def _unwrapped(parent: Any) -> Iterator[Any]:
    """Children of ``parent``, looking through content controls and custom XML."""
    for child in parent.iterchildren():
        if child.tag in _WRAPPERS:
            content = child.find(_SDT_CONTENT) if child.tag == _SDT else child
            if content is not None:
                yield from _unwrapped(content)
        else:
            yield child


def _paragraph_text(paragraph: Any) -> str:
    """The paragraph as the reader sees it, tracked changes accepted, a soft line break as a space.

    A soft line break (Shift+Enter) becomes a space so that one paragraph stays
    one line and line numbers remain paragraph numbers.
    """
    parts: list[str] = []

    def walk(element: Any) -> None:
        for child in element.iterchildren():
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag == _W + "t":
                parts.append(child.text or "")
            elif tag in (_W + "tab", _W + "ptab"):
                parts.append("\t")
            elif tag in (_W + "br", _W + "cr"):
                parts.append(" ")
            elif tag == _W + "noBreakHyphen":
                parts.append("-")
            elif tag != _P:  # a paragraph inside a paragraph only occurs in text boxes
                walk(child)

    walk(paragraph)
    return "".join(parts).replace("\r", " ").replace("\n", " ")


def _short(error: Exception | str) -> str:
    """The first line of an exception message, cut to a readable length."""
    message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    message = "".join(ch if ch.isprintable() else "?" for ch in message)
    return message if len(message) <= _REASON_WIDTH else message[: _REASON_WIDTH - 3] + "..."
