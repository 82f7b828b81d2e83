"""Word drafts (.docx): python-docx opens the package; the body XML is walked here.

Walking the XML ourselves keeps tracked insertions, content controls and
table cells.  One line per paragraph, table cells' paragraphs in reading
order, so a line number is a paragraph number.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Iterator
from typing import Any

from checker.input.source import InputError, SourceText, short_reason

DOCX_MAIN = "word/document.xml"

#: What one part of a Word package may unpack to.  A letter's document.xml is
#: well under 1 MB; this is a document of thousands of pages.
MAX_PART_BYTES = 32 * 1024 * 1024
#: What all parts together may unpack to (pictures are stored compressed already).
MAX_UNPACKED_BYTES = 128 * 1024 * 1024
#: How many times its packed size a part over :data:`_RATIO_FROM` may unpack to.  Word's XML
#: packs 5 to 20 times; a zip bomb packs a thousand times.
MAX_RATIO = 100
_RATIO_FROM = 1024 * 1024


def read_docx(data: bytes) -> SourceText:
    """One line per paragraph (table cells' paragraphs in reading order)."""
    try:
        import docx
    except ImportError:  # pragma: no cover - python-docx is a dependency
        raise InputError("reading Word files needs the python-docx package: pip install python-docx") from None
    check_package(data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            document = docx.Document(io.BytesIO(data))
            lines = list(_block_lines(document.element.body))
    except zipfile.BadZipFile:
        raise InputError("damaged Word file: broken zip package (truncated?)") from None
    except ValueError as error:
        if "content type" in str(error):  # .docm, .dotx: a Word file, but not a document python-docx opens
            raise InputError(f"unsupported Word file: {short_reason(error)}") from None
        raise InputError(f"damaged Word file: {short_reason(error)}") from None
    except RecursionError:
        raise InputError("damaged Word file: nested too deeply") from None
    except Exception as error:  # zip, XML and package errors alike
        raise InputError(f"damaged Word file: {short_reason(error)}") from None
    if not any(line.strip() for line in lines):
        raise InputError("Word file has no text")
    return SourceText("\n".join(lines) + "\n", "utf-8", kind="docx")


def check_package(data: bytes) -> None:
    """Refuse a package whose parts would unpack too large, before anything is unpacked.

    python-docx unpacks every part into memory, so a 1 MB file whose
    document.xml expands to 1 GB would take gigabytes before any check could
    run.  The sizes come from the zip's directory; a part that claims less
    than it holds is cut at its claimed size by :mod:`zipfile` (and then fails
    its checksum), so the claim bounds what is unpacked.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        raise InputError("damaged Word file: broken zip package (truncated?)") from None
    total = 0
    for part in parts:
        name = _shown(part.filename)
        if part.file_size > MAX_PART_BYTES:
            raise InputError(
                f"Word file refused: {name} would unpack to {_mb(part.file_size)} (limit {_mb(MAX_PART_BYTES)})"
            )
        if part.file_size > _RATIO_FROM and part.file_size > MAX_RATIO * max(1, part.compress_size):
            raise InputError(
                f"Word file refused: {name} would unpack to {part.file_size // max(1, part.compress_size)} times "
                f"its packed size (limit {MAX_RATIO}; a zip bomb?)"
            )
        total += part.file_size
        if total > MAX_UNPACKED_BYTES:
            raise InputError(f"Word file refused: its parts would unpack to over {_mb(MAX_UNPACKED_BYTES)}")


def _mb(count: int) -> str:
    return f"{count / (1024 * 1024):,.0f} MB"


def _shown(name: str) -> str:
    """A part name fit for a one-line message (names are data, and may hold anything)."""
    name = "".join(ch if ch.isprintable() else "?" for ch in name)
    return name if len(name) <= 60 else name[:57] + "..."


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


