"""Read one input into a :class:`SourceText`: bytes, then PDF, Word or text by content.

Nothing is ever written.  Reading is bounded: a file larger than the size
limit (``--max-size``, default 20 MB) is refused with one line before it is
read, and standard input is read only up to the limit.
"""

from __future__ import annotations

import os
import sys

from checker.input.decode import decode
from checker.input.discover import STDIN, InputRef
from checker.input.documents import extract
from checker.input.source import InputError, SourceText

#: Default size limit of one input, in bytes: far above any real letter.
MAX_BYTES = 20 * 1024 * 1024


def read_input(ref: InputRef, max_bytes: int = MAX_BYTES) -> SourceText:
    """The text of one input (PDF and Word by content, else decoded text); raises :class:`InputError`."""
    data = read_bytes(ref, max_bytes)
    return extract(data, ref.path) or decode(data)


def read_bytes(ref: InputRef, max_bytes: int = MAX_BYTES) -> bytes:
    """The raw bytes of an input, at most ``max_bytes``."""
    if ref.error:
        raise InputError(ref.error)
    if ref.path == STDIN:
        return _capped(sys.stdin.buffer.read(max_bytes + 1), max_bytes)
    try:
        with open(ref.path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > max_bytes:
                raise InputError(_too_large(max_bytes))
            # What the file's size says is there, and a byte more to see whether there is more (a file
            # still being written; a pipe or device, whose size reads 0): asking for the whole cap at
            # once set aside that much memory for every letter (about 50 us a file).
            data = handle.read(size + 1)
            if len(data) > size:
                data += handle.read(max_bytes + 1 - len(data))
            return _capped(data, max_bytes)
    except IsADirectoryError:
        raise InputError("is a directory") from None
    except PermissionError:
        raise InputError("permission denied") from None
    except FileNotFoundError:
        raise InputError("no such file or directory") from None
    except OSError as exc:
        raise InputError(exc.strerror or "cannot be read") from None


def _capped(data: bytes, max_bytes: int) -> bytes:
    if len(data) > max_bytes:
        raise InputError(_too_large(max_bytes))
    return data


def _too_large(max_bytes: int) -> str:
    return f"file too large: over the {_megabytes(max_bytes)} limit (raise it with --max-size)"


def _megabytes(count: int) -> str:
    return f"{count / (1024 * 1024):g} MB"
