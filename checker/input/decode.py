"""Turn the bytes of a text letter into text, without ever changing the file.

Letters arrive as text extracted from PDFs, saved by whatever tool the user
had: UTF-8 with or without a byte-order mark, Windows cp1252 (curly quotes
and dashes), or UTF-16 (Windows "Unicode" text), with LF, CRLF or bare CR
line endings.
"""

from __future__ import annotations

from checker.input.source import InputError, SourceText

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}


def decode(data: bytes) -> SourceText:
    """Decode letter bytes: UTF-8 (with or without BOM), UTF-16, else cp1252.

    Raises :class:`InputError` for empty or binary input, which cannot be a
    letter and would only produce noise further down.
    """
    utf16 = _utf16(data)
    if utf16 is not None:
        return _decode_utf16(data, utf16)
    if not data.removeprefix(_UTF8_BOM).strip():
        raise InputError("empty file")
    if looks_binary(data):
        raise InputError("binary file (not a text letter)")
    if data.startswith(_UTF8_BOM):
        return SourceText(data[3:].decode("utf-8", errors="replace"), "utf-8-sig")
    try:
        return SourceText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    # cp1252 leaves five bytes undefined; map them rather than fail.
    return SourceText(data.decode("cp1252", errors="replace"), "cp1252")


def _utf16(data: bytes) -> str | None:
    """The UTF-16 byte order of ``data``: from its byte-order mark, else from NULs beside ASCII."""
    for bom, encoding in _UTF16_BOMS.items():
        if data.startswith(bom):
            return encoding
    sample = data[:4096]
    if len(sample) < 8 or len(sample) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    half = len(sample) // 2
    if odd.count(0) > 0.9 * half and even.count(0) < 0.1 * half:
        return "utf-16-le"  # "L\0e\0t\0..."
    if even.count(0) > 0.9 * half and odd.count(0) < 0.1 * half:
        return "utf-16-be"
    return None


def _decode_utf16(data: bytes, encoding: str) -> SourceText:
    body = data[2:] if data[:2] in _UTF16_BOMS else data
    text = body.decode(encoding, errors="replace")
    if not text.strip():
        raise InputError("empty file")
    if "\x00" in text or looks_binary(text[:4096].encode("utf-8", errors="replace")):
        raise InputError("UTF-16 text that does not decode cleanly: convert it to UTF-8")
    return SourceText(text, encoding)


#: Every byte but the control characters a text file does not hold (tab, line feed,
#: form feed and carriage return are text): deleting these leaves the others to count.
_NOT_CONTROL = bytes(b for b in range(256) if b >= 32 or b in (9, 10, 12, 13))


def looks_binary(data: bytes) -> bool:
    """True for data with NUL bytes or mostly control characters."""
    sample = data[:4096]
    if b"\x00" in sample:
        return True
    controls = len(sample.translate(None, _NOT_CONTROL))  # in C: counting in Python cost 0.2 ms a letter
    return controls > max(8, len(sample) // 20)
