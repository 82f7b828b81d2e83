"""Find the inputs a user named: files, folders, globs and standard input.

Every input is accounted for.  A folder means every letter file below it, in
sorted order, so a batch always runs in the same order; what a folder holds
but cannot be read (a subfolder without permission, a broken link, a named
pipe or device named like a letter) is kept as an input with its error, so
it is reported in its place and counted, and the others still run.  Only
regular files are ever opened: a FIFO or ``/dev/zero`` would hang or never end.
"""

from __future__ import annotations

import glob
import os
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

STDIN = "-"
#: The names of letter files in a folder (matched case-insensitively).
LETTER_PATTERNS = ("*.txt", "*.pdf", "*.docx")

_SPECIAL = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


@dataclass(frozen=True)
class InputRef:
    """An input as the user named it (``-`` is standard input), or why it cannot be read."""

    path: str
    error: str | None = None

    @property
    def shown(self) -> str:
        """The name findings are reported under: ``<stdin>``, or the path as given, except that a
        byte of a file name the file system's encoding cannot decode is written as an escape.

        Python hands such a name over with a stand-in character (``caf\\udce9.txt`` for the
        Latin-1 "café.txt" on a UTF-8 system) that no UTF-8 output, database or file can hold:
        every report, baseline and audit of it failed.  Shown as ``caf\\xe9.txt`` (as ``ls -b``
        does, in Python's notation) it can be written anywhere and still tells the byte.
        """
        if self.path == STDIN:
            return "<stdin>"
        try:
            self.path.encode("utf-8")
            return self.path
        except UnicodeEncodeError:
            try:
                return os.fsencode(self.path).decode(sys.getfilesystemencoding(), "backslashreplace")
            except UnicodeError:  # a stand-in for no byte: Python's own escape of it
                return self.path.encode("utf-8", "backslashreplace").decode("utf-8")


def discover(paths: list[str], patterns: tuple[str, ...] = LETTER_PATTERNS) -> list[InputRef]:
    """Expand the user's arguments into inputs, in the order given."""
    refs: list[InputRef] = []
    for arg in _expand_globs(paths):
        if arg == STDIN:
            refs.append(InputRef(STDIN))
        elif os.path.isdir(arg):
            refs.extend(_walk(Path(arg), patterns, set()))
        else:
            refs.append(InputRef(arg, _why_unreadable(arg)))
    return refs


def _expand_globs(paths: list[str]) -> Iterator[str]:
    """Expand globs the shell left alone (quoted patterns, Windows shells)."""
    for path in paths:
        if any(ch in path for ch in "*?[") and not os.path.lexists(path):
            yield from sorted(glob.glob(path, recursive=True)) or [path]
        else:
            yield path


def _why_unreadable(path: str) -> str | None:
    """None for a regular file (or a link to one); else the reason it is not read."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "broken symbolic link" if os.path.islink(path) else "no such file or directory"
    except PermissionError:
        return "permission denied"
    except OSError as error:
        return error.strerror or "cannot be read"
    if stat.S_ISREG(mode):
        return None
    return f"not a regular file: {_SPECIAL.get(stat.S_IFMT(mode), 'a special file')}"


def _walk(folder: Path, patterns: tuple[str, ...], seen: set[tuple[int, int]]) -> Iterator[InputRef]:
    """Letter files below ``folder`` in sorted path order, with the entries that cannot be read."""
    try:
        info = folder.stat()
        if (info.st_dev, info.st_ino) in seen:  # a link back up the tree
            return
        seen.add((info.st_dev, info.st_ino))
        with os.scandir(folder) as listing:
            entries = list(listing)
    except PermissionError:
        yield InputRef(str(folder), "permission denied: this folder cannot be listed")
        return
    except OSError as error:
        yield InputRef(str(folder), f"this folder cannot be listed ({error.strerror or error})")
        return
    # Sorting "name/" for folders keeps the order of whole paths ("a.txt" before "a/b.txt").
    for entry, is_dir in sorted(((e, _is_dir(e)) for e in entries), key=lambda t: t[0].name + ("/" if t[1] else "")):
        path = folder / entry.name
        if is_dir:
            yield from _walk(path, patterns, seen)
        elif _is_letter_name(entry.name, patterns):
            yield InputRef(str(path), _why_unreadable(str(path)))


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _is_letter_name(name: str, patterns: tuple[str, ...]) -> bool:
    """A letter file's name; Word's ``~$`` lock files are not letters."""
    lowered = name.lower()
    return not name.startswith("~$") and any(fnmatch(lowered, pattern.lower()) for pattern in patterns)
