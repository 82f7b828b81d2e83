"""Tell a PDF or Word file from text by its content, and hand it to its reader.

Final letters are published as PDF and reviewers draft in Word, so both are
read (``checker.input.pdf``, ``checker.input.docx``) and handed on as a
:class:`SourceText`, exactly like a ``.txt`` letter: the same normaliser
removes running headers and footers, re-joins wrapped lines and the rest.
What kind of file it is comes from its CONTENT (a PDF saved as ``.txt`` is
still a PDF), never only from its name.  Every failure is an
:class:`InputError` with one line that says what is wrong and what to do;
never a traceback.
"""

from __future__ import annotations

import io
import re
import zipfile

from checker.input.decode import looks_binary
from checker.input.docx import DOCX_MAIN, read_docx
from checker.input.pdf import read_pdf
from checker.input.source import InputError, SourceText, short_reason

PDF = "pdf"
DOCX = "docx"

# The PDF header may follow a little junk (mail or HTTP wrappers); readers look
# in the first 1024 bytes.
_PDF_HEADER = re.compile(rb"%PDF-\d\.\d")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 .doc and other old Office files


def sniff(data: bytes) -> str | None:
    """``"pdf"``, ``"docx"`` or None (not a document this module reads) from the bytes."""
    header = _PDF_HEADER.search(data[:1024])
    if header and (not data[: header.start()].strip() or looks_binary(data)):
        return PDF  # at the start, or after junk in a binary file (not a text quoting "%PDF-1.4")
    if data.startswith(_ZIP_MAGIC):
        try:
            # Only the zip's directory is read here, nothing is unpacked; read_docx checks
            # what the parts would unpack to before anything is (a zip bomb is refused there).
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return DOCX if DOCX_MAIN in archive.namelist() else None
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
        raise InputError(f"internal error while reading document ({type(error).__name__}: {short_reason(error)})") from None


def _extract(data: bytes, path: str) -> SourceText | None:
    kind = sniff(data)
    if kind == PDF:
        return read_pdf(data)
    if kind == DOCX:
        return read_docx(data)
    if data.startswith(_OLE_MAGIC):
        raise InputError("old binary Office file (.doc?): save it as .docx or PDF first")
    suffix = path.lower().rsplit(".", 1)[-1] if "." in path else ""
    if suffix == PDF and looks_binary(data):
        raise InputError("damaged PDF: no %PDF- header")
    if suffix == DOCX and data.startswith(_ZIP_MAGIC):
        raise InputError("not a Word document: a zip without word/document.xml")
    if suffix == DOCX and looks_binary(data):
        raise InputError("damaged Word file: not a .docx (zip) package")
    return None


