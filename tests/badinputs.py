"""Write the bad-input corpus: files and folder entries written to break a letter checker.

    python -m tests.badinputs FOLDER [--big] [--line-chars N] [--page-entries N]

Every input here once broke, hung or slowed a checker of this kind, or is
one a user will sooner or later point it at: empty and binary files, NULs,
truncated, encrypted, scanned and self-referencing PDFs, damaged Word files
and a Word "zip bomb", an old .doc, every text encoding and line ending a
Windows tool writes, very long lines of many shapes, huge page lists,
nesting, unicode oddities, a FIFO, broken and looping links, an unreadable
folder and a file whose name starts with a dash.

Nothing large is committed: everything is written from a few real letters
(``examples/``) and bytes written here, in a few hundred milliseconds.  The
docx bomb is assembled from one compressed block repeated, so writing it
never holds the expanded text in memory; the 20 MB + 1 file is written only
on request (``big=True``) and the caller deletes it.

:func:`write_corpus` returns what each entry must give: the text of its
one-line error, or :data:`READ` (it is read as a letter), or :data:`ANY`
(a result or a one-line error, whichever; the point is that nothing breaks).
``tests/test_badinputs.py`` runs the command line over the corpus.
"""

from __future__ import annotations

import argparse
import os
import stat
import struct
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
LETTER = EXAMPLES / "soma-oxycodone-upheld.txt"

#: The entry is read as a letter (a result, no error).
READ = "<read>"
#: A result or a one-line error: what matters is that nothing breaks.
ANY = "<any>"

#: The default size limit of one input (``--max-size``), for the oversized file.
MAX_BYTES = 20 * 1024 * 1024


def _repeat(unit: str) -> Callable[[int], str]:
    return lambda n: (unit * (n // len(unit) + 1))[:n]


#: Shapes of adversarial line: name -> a line of that shape with n characters (bench/adversarial.py too).
SHAPES: dict[str, Callable[[int], str]] = {
    "word": _repeat("medication "),
    "no-spaces": _repeat("abcdefghijklmnopqrstuvwxyz"),
    "one-letter": _repeat("a"),
    "digits": _repeat("1234567890"),
    "soma": _repeat("Soma "),
    "carisoprodol": _repeat("Carisoprodol "),
    "page-list": _repeat("page 1, "),
    "numbers-list": _repeat("29, "),
    "punctuation": _repeat(".,;:!?"),
    "sentences": _repeat("A. "),
    "hyphens": _repeat("-"),
    "hyphenated": _repeat("medi-"),
    "no": _repeat("No "),
    "no-documentation": _repeat("no documentation of spasm, "),
    "modified-to": _repeat("modified Soma to "),
    "he-she": _repeat("he she his her "),
    "quantities": _repeat("#120 350 mg "),
    "dates": _repeat("1/2/13 "),
    "parentheses": _repeat("(("),
    "unicode-letters": _repeat("\u0436\u00e9\u00df\u4e2d "),
    "combining": _repeat("e\u0301\u200f"),
    "capitals": _repeat("UPHELD "),
}

#: Where a line goes in a letter: name -> put ``line`` into the letter's text.
PLACES: dict[str, Callable[[str, str], str]] = {
    "summary": lambda text, line: text.replace("date of injury.", "date of injury. " + line, 1),
    "rationale": lambda text, line: text.replace("Decision rationale: ", "Decision rationale: " + line + " ", 1),
    "heading": lambda text, line: text.replace("SOMA 350 MG BID # 60 FOR MUSCLE RELAXATION:", line + ":", 1),
    "guideline": lambda text, line: text.replace("Carisoprodol (Soma), Page(s): 29.", "Carisoprodol (Soma), " + line, 1),
}


def page_list(entries: int) -> str:
    """A guideline line's page list of ``entries`` pages: "Page(s): 1, 2, 3, ..." (pages repeat past 999)."""
    return "Page(s): " + ", ".join(str(1 + i % 999) for i in range(entries)) + "."


def letter_text() -> str:
    """The letter every text entry starts from: a real layout with a summary and two items."""
    return LETTER.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- PDF, by hand
def pdf_of(objects: list[bytes], trailer: bytes = b"", root: int = 1) -> bytes:
    """A PDF of numbered objects (1, 2, ...) with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, trailer, xref)
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n%s\nendstream" % (len(data), extra, data)


_CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
_ONE_PAGE = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
_MEDIA = b"/MediaBox [0 0 612 792]"


def text_pdf(lines: list[str]) -> bytes:
    """A one-page PDF that prints ``lines`` (ASCII) in Helvetica."""
    content = b"BT /F1 10 Tf 72 740 Td 12 TL " + b"".join(
        b"(%s) '" % line.encode("ascii", "replace").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        for line in lines
    ) + b" ET"
    return pdf_of([
        _CATALOG,
        _ONE_PAGE,
        b"<< /Type /Page /Parent 2 0 R %s /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>" % _MEDIA,
        _stream(content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


def scanned_pdf() -> bytes:
    """A page that is one grey image: no text layer."""
    pixels = bytes(range(64))
    image = _stream(pixels, b"/Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 8 ")
    return pdf_of([
        _CATALOG,
        _ONE_PAGE,
        b"<< /Type /Page /Parent 2 0 R %s /Resources << /XObject << /Im0 5 0 R >> >> /Contents 4 0 R >>" % _MEDIA,
        _stream(b"q 612 0 0 792 0 0 cm /Im0 Do Q"),
        image,
    ])


def encrypted_pdf() -> bytes:
    """A PDF locked with a user password (standard security handler, RC4 40-bit) that is not empty."""
    # Nothing needs to be encrypted: the check of the empty password against /U fails first.
    encrypt = b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -3904 >>" % (b"ab" * 32, b"cd" * 32)
    objects = [_CATALOG, _ONE_PAGE, b"<< /Type /Page /Parent 2 0 R %s >>" % _MEDIA, encrypt]
    return pdf_of(objects, trailer=b"/Encrypt 4 0 R /ID [<%s> <%s>] " % (b"01" * 16, b"01" * 16))


def self_referencing_pdf() -> bytes:
    """A page that is a stream whose /Length is the page itself: reading it needs itself."""
    return pdf_of([
        _CATALOG,
        _ONE_PAGE,
        b"<< /Type /Page /Parent 2 0 R %s /Length 3 0 R >>\nstream\nxx\nendstream" % _MEDIA,
    ])


def reference_to_itself_pdf() -> bytes:
    """The page tree's kid is an object that is nothing but a reference to itself ("3 0 R")."""
    return pdf_of([_CATALOG, _ONE_PAGE, b"3 0 R"])


def cyclic_pages_pdf() -> bytes:
    """A page tree whose only kid is itself."""
    return pdf_of([_CATALOG, b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"])


def deep_pdf(depth: int = 5_000) -> bytes:
    """A page whose resources nest arrays ``depth`` deep."""
    return pdf_of([
        _CATALOG,
        _ONE_PAGE,
        b"<< /Type /Page /Parent 2 0 R %s /Resources << /X %s%s >> >>" % (_MEDIA, b"[" * depth, b"]" * depth),
    ])


# --------------------------------------------------------------------------- Word, by hand
def _zip(members: list[tuple[str, bytes, int, int, bytes]]) -> bytes:
    """A zip of (name, stored bytes, size, crc, method flag) members, written by hand.

    ``stored bytes`` are what the archive holds (raw deflate for method 8),
    so a member can claim any unpacked size without it ever being in memory.
    """
    out = bytearray()
    directory = bytearray()
    for name, stored, size, crc, method in members:
        encoded = name.encode("utf-8")
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, method, 0, 0x21, crc, len(stored), size, len(encoded), 0)
        out += encoded + stored
        directory += struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x800, method, 0, 0x21, crc, len(stored), size,
            len(encoded), 0, 0, 0, 0, 0, offset,
        )
        directory += encoded
    start = len(out)
    out += directory
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), start, 0)
    return bytes(out)


def _deflated(name: str, data: bytes) -> tuple[str, bytes, int, int, int]:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return name, packer.compress(data) + packer.flush(), len(data), zlib.crc32(data), 8


_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    b'Target="word/document.xml"/></Relationships>'
)
_DOCUMENT_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
)
_DOCUMENT_TAIL = b"</w:body></w:document>"


def docx_bomb(expanded: int = 1024 * 1024 * 1024) -> bytes:
    """A small .docx whose word/document.xml expands to about ``expanded`` bytes (1 GiB: a 1 MB file).

    One megabyte of empty paragraphs is compressed once, ending in a full
    flush (so it refers to nothing before it), and the compressed block is
    repeated: the deflate stream is valid and inflates to the repeated text.
    Its checksum is computed a megabyte at a time; nothing holds the whole.
    """
    chunk = b"<w:p/>" * (1024 * 1024 // 6)
    count = max(1, (expanded - len(_DOCUMENT_HEAD) - len(_DOCUMENT_TAIL)) // len(chunk))
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = packer.compress(_DOCUMENT_HEAD) + packer.flush(zlib.Z_FULL_FLUSH)
    block = zlib.compressobj(9, zlib.DEFLATED, -15)
    repeated = block.compress(chunk) + block.flush(zlib.Z_FULL_FLUSH)
    tail_packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    tail = tail_packer.compress(_DOCUMENT_TAIL) + tail_packer.flush()
    crc = zlib.crc32(_DOCUMENT_HEAD)
    for _ in range(count):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(_DOCUMENT_TAIL, crc)
    size = len(_DOCUMENT_HEAD) + count * len(chunk) + len(_DOCUMENT_TAIL)
    document = ("word/document.xml", head + repeated * count + tail, size, crc, 8)
    return _zip([_deflated("[Content_Types].xml", _CONTENT_TYPES), _deflated("_rels/.rels", _RELS), document])


def tiny_docx(paragraphs: list[str]) -> bytes:
    """A minimal, valid .docx of plain paragraphs."""
    body = b"".join(
        b"<w:p><w:r><w:t xml:space=\"preserve\">%s</w:t></w:r></w:p>"
        % p.replace("&", "&amp;").replace("<", "&lt;").encode("utf-8")
        for p in paragraphs
    )
    return _zip([
        _deflated("[Content_Types].xml", _CONTENT_TYPES),
        _deflated("_rels/.rels", _RELS),
        _deflated("word/document.xml", _DOCUMENT_HEAD + body + _DOCUMENT_TAIL),
    ])


# --------------------------------------------------------------------------- text
def _unicode_oddities(text: str) -> str:
    """Right-to-left marks and overrides, combining marks, zero-width characters, odd line separators."""
    odd = text.replace("Soma", "S\u200bo\u0301ma\u200f", 3).replace("Upheld", "\u202eUpheld\u202c")
    odd = odd.replace("date of injury", "date\u00a0of\u2028injury\u0085", 1)
    return "\ufeff" + odd.replace("Decision rationale:", "Decision\u2029rationale:\ufeff", 1) + "\U0001f600\u0300" * 50


def _nested(text: str, depth: int) -> str:
    """Nesting-like text: brackets, quotes and numbering ``depth`` deep, and headings over and over."""
    line = "(" * depth + "[" * depth + "\u201c" * depth + "x" + "\u201d" * depth + "]" * depth + ")" * depth
    numbering = ".".join(["1"] * depth) + ". Soma"
    headings = "\n\nIMR ISSUES, DECISIONS AND RATIONALES\n\nDecision rationale:" * (depth // 10)
    return PLACES["rationale"](text, line + " " + numbering) + headings


def _many_items(text: str, count: int) -> str:
    """A letter with ``count`` items."""
    item = text[text.index("SOMA 350 MG BID") : text.index("OXYCODONE 20 MG")]
    start = text.index("SOMA 350 MG BID")
    return text[:start] + item * count + text[start:]


def _mixed_endings(text: str) -> bytes:
    lines = text.split("\n")
    endings = ["\n", "\r\n", "\r", "\n\n", "\r\n\r\n"]
    return "".join(line + endings[i % len(endings)] for i, line in enumerate(lines)).encode("utf-8")


# --------------------------------------------------------------------------- the corpus
def write_corpus(
    folder: Path,
    *,
    big: bool = False,
    line_chars: int = 20_000,
    page_entries: int = 2_000,
    items: int = 200,
    bomb_bytes: int = 1024 * 1024 * 1024,
) -> dict[str, str]:
    """Write the corpus into ``folder`` (created); returns each entry's path (relative) and what it must give.

    ``big`` also writes a file one byte over the default size limit (20 MB):
    the caller deletes it.  ``line_chars`` is the length of the adversarial
    lines, ``page_entries`` the length of the page lists (the issue's figures
    are 200,000 and 100,000: bench/adversarial.py times those), ``items`` the
    number of items of the many-items letter, ``bomb_bytes`` what the docx
    bomb's document.xml expands to.
    """
    folder.mkdir(parents=True, exist_ok=True)
    text = letter_text()
    expected: dict[str, str] = {}

    def put(name: str, data: bytes | str, result: str) -> None:
        (folder / name).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        expected[name] = result

    # Nothing, or nothing a letter is made of.
    put("empty.txt", b"", "empty file")
    put("whitespace.txt", b" \n\t\r\n  \f \n", "empty file")
    put("bom-only.txt", b"\xef\xbb\xbf", "empty file")
    put("binary.txt", bytes((i * 37 + 11) % 256 for i in range(4096)), "binary file (not a text letter)")
    put("nul-laced.txt", b"\x00".join(text.encode("utf-8")[i : i + 100] for i in range(0, len(text), 100)),
        "binary file (not a text letter)")
    put("late-nul.txt", text.encode("utf-8") + b"\n" * 4096 + b"\x00 trailing", READ)
    put("random-utf16ish.txt", b"\x00A" * 3 + bytes(range(256)) * 4, ANY)

    # Documents.
    put("letter.pdf", (EXAMPLES / "carisoprodol-hydrocodone.pdf").read_bytes(), READ)
    put("hand-made.pdf", text_pdf(text.replace("\n\n", "\n").splitlines()[:60]), READ)
    whole = (EXAMPLES / "carisoprodol-hydrocodone.pdf").read_bytes()
    put("truncated.pdf", whole[: len(whole) // 2], "damaged PDF: truncated (no end-of-file marker)")
    put("header-only.pdf", b"%PDF-1.7\n", "damaged PDF")
    put("encrypted.pdf", encrypted_pdf(), "encrypted PDF: remove the password first")
    put("scanned.pdf", scanned_pdf(), "PDF has no text layer (scanned image?): run OCR first")
    put("self-referencing.pdf", self_referencing_pdf(), "damaged PDF: objects refer to themselves in a loop (object 3 0)")
    put("cyclic-pages.pdf", cyclic_pages_pdf(), "damaged PDF: objects refer to themselves in a loop")
    put("reference-to-itself.pdf", reference_to_itself_pdf(), "damaged PDF: broken object structure (AttributeError)")
    put("deep.pdf", deep_pdf(), ANY)
    put("pdf-named.txt", whole, READ)  # what a file is comes from its content
    put("garbage.pdf", b"\x00\x01\x02garbage" * 50, "damaged PDF: no %PDF- header")
    draft = (EXAMPLES / "carisoprodol-hydrocodone-draft.docx").read_bytes()
    put("draft.docx", draft, READ)
    put("tiny.docx", tiny_docx(text.replace("\n\n", "\n").splitlines()), READ)
    put("damaged.docx", draft[: len(draft) // 2], "damaged Word file")
    put("bomb.docx", docx_bomb(bomb_bytes), "Word file refused: word/document.xml would unpack to")
    put("word97.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"Word.Document.8" * 10,
        "old binary Office file (.doc?): save it as .docx or PDF first")
    put("zip-named.docx", _zip([_deflated("notes.txt", b"hello")]), "not a Word document: a zip without word/document.xml")

    # Encodings and line endings.
    put("utf16-bom.txt", text.encode("utf-16"), READ)
    put("utf16le-no-bom.txt", text.encode("utf-16-le"), READ)
    put("utf16be-no-bom.txt", text.encode("utf-16-be"), READ)
    put("utf16-odd-length.txt", text.encode("utf-16") + b"\x00", ANY)
    put("cp1252.txt", text.replace("Soma", "\u201cSoma\u201d \u2013").encode("cp1252"), READ)
    put("mixed-endings.txt", _mixed_endings(text), READ)
    put("cr-only.txt", text.replace("\n", "\r").encode("utf-8"), READ)
    put("surrogates.txt", text.encode("utf-8") + b"\xed\xa0\x80\xed\xbf\xbf \xc0\xaf \x80\x80 \xf4\x90\x80\x80", READ)
    put("unicode-oddities.txt", _unicode_oddities(text), READ)

    # Long lines and big lists.
    for shape, build in SHAPES.items():
        place = "heading" if shape in ("capitals", "quantities") else "rationale"
        put(f"line-{shape}.txt", PLACES[place](text, build(line_chars)), ANY)
    put("line-in-summary.txt", PLACES["summary"](text, SHAPES["soma"](line_chars)), ANY)
    put("one-line-letter.txt", " ".join(text.split()), ANY)
    put("page-lists.txt", PLACES["guideline"](PLACES["rationale"](text, "As stated on " + page_list(page_entries)),
                                               page_list(page_entries)), ANY)
    put("nested.txt", _nested(text, 2_000), ANY)
    put("many-items.txt", _many_items(text, items), ANY)
    put("form-feeds.txt", text.replace("\n\n", "\f\n"), ANY)

    # Names and folder entries.
    put("-leading-dash.txt", text, READ)
    put("spaces in name.txt", text, READ)
    put("n\u00e4me-\u00fcnicode.txt", text, READ)
    (folder / "folder.txt").mkdir(exist_ok=True)
    put("folder.txt/inside.txt", text, READ)
    _link(folder / "broken-link.txt", folder / "no-such-letter.txt")
    expected["broken-link.txt"] = "broken symbolic link"
    _link(folder / "loop-link.txt", folder / "loop-link.txt")
    expected["loop-link.txt"] = "Too many levels of symbolic links"
    if Path("/dev/zero").exists():
        _link(folder / "device-link.txt", Path("/dev/zero"))
        expected["device-link.txt"] = "not a regular file: a character device"
    if hasattr(os, "mkfifo"):
        fifo = folder / "pipe.txt"
        if not fifo.exists():
            os.mkfifo(fifo)
        expected["pipe.txt"] = "not a regular file: a named pipe (FIFO)"
    locked = folder / "locked"
    locked.mkdir(exist_ok=True)
    put("locked/hidden.txt", text, READ)
    locked.chmod(0)
    if os.access(locked, os.R_OK):  # root reads every folder: the letter inside is read
        expected["locked/hidden.txt"] = READ
    else:
        del expected["locked/hidden.txt"]
        expected["locked"] = "permission denied: this folder cannot be listed"

    if big:
        with open(folder / "over-the-limit.txt", "wb") as handle:
            handle.truncate(MAX_BYTES + 1)
        expected["over-the-limit.txt"] = "file too large: over the 20 MB limit (raise it with --max-size)"
    return expected


def _link(path: Path, target: Path) -> None:
    if not path.is_symlink():
        path.symlink_to(target)


def unlock(folder: Path) -> None:
    """Make the corpus removable again (the locked folder)."""
    locked = folder / "locked"
    if locked.exists():
        locked.chmod(stat.S_IRWXU)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--big", action="store_true", help="also write a file one byte over 20 MB")
    parser.add_argument("--line-chars", type=int, default=20_000)
    parser.add_argument("--page-entries", type=int, default=2_000)
    args = parser.parse_args()
    expected = write_corpus(args.folder, big=args.big, line_chars=args.line_chars, page_entries=args.page_entries)
    print(f"wrote {len(expected)} inputs into {args.folder}", file=sys.stderr)


if __name__ == "__main__":
    main()
