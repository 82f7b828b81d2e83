"""What imr-check keeps between runs to start faster; everything in it is rebuilt when missing.

Five things are kept, all keyed by a hash of what they were made from, so an
edited grammar, schema, data file or module is never served from an old entry:

* the LALR tables Lark builds from each grammar (Lark's own ``cache`` option:
  a file holding the grammar's hash, checked by Lark before it is used);
* the hashes of data files (rule files, guideline files) that passed their
  JSON schema, so a file already validated is not validated again;
* the engine code of compiled regular expressions, and answers read from
  their parse (:mod:`checker.text.stored_patterns`);
* the data of YAML files, with the lines of their upper keys
  (:mod:`checker.safe_yaml`);
* the parse trees of rule conditions (:mod:`checker.rules.expressions`).

The last three are :class:`KeptTable` files: JSON values stored with
:mod:`marshal` behind a checksum (read three to four times faster than JSON
text: they are read at every start), read once, and what a process adds
written when it exits.

The folder is ``$IMR_CHECK_CACHE_DIR``, else ``$XDG_CACHE_HOME/imr-check``,
else ``~/.cache/imr-check``; ``IMR_CHECK_CACHE_DIR=""`` switches the cache
off.  It is always the user's own folder, never a shared temporary directory:
Lark stores its tables with pickle, which must only be read from a place no
one else can write (marshal, too, trusts what it reads).  Nothing here is
needed: a missing, unwritable or damaged cache only costs time, and never
changes a result.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import marshal
import os
import zlib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from checker import __version__


@lru_cache(maxsize=1)
def cache_dir() -> Path | None:
    """The cache folder (created on first use), or None when switched off or not creatable."""
    configured = os.environ.get("IMR_CHECK_CACHE_DIR")
    if configured is not None:
        if not configured.strip():
            return None
        folder = Path(configured)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        folder = Path(base) / "imr-check"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder


def digest(*parts: str) -> str:
    """A hash of ``parts`` and of this version of imr-check."""
    sha = hashlib.sha256(__version__.encode())
    for part in parts:
        sha.update(b"\0" + part.encode("utf-8", "surrogatepass"))
    return sha.hexdigest()


def grammar_file(grammar_text: str, start: str) -> str | None:
    """Where Lark keeps the tables of this grammar and start rule (None: build them every time)."""
    folder = cache_dir()
    return str(folder / f"grammar-{digest(grammar_text, start)[:32]}.lark") if folder else None


def passed_schema(schema_text: str, data_text: str) -> bool:
    """Whether ``data_text`` passed the schema ``schema_text`` before."""
    folder = cache_dir()
    return folder is not None and (folder / "valid" / digest(schema_text, data_text)).exists()


def remember_passed_schema(schema_text: str, data_text: str) -> None:
    """Note that ``data_text`` passed the schema ``schema_text`` (an empty marker file named by the hash)."""
    folder = cache_dir()
    if folder is None:
        return
    try:
        (folder / "valid").mkdir(exist_ok=True)
        (folder / "valid" / digest(schema_text, data_text)).touch()
    except OSError:
        pass


class KeptTable:
    """A table of JSON values (or, if asked, other values marshal can write) by string key, kept between runs.

    Read in full on first use; what this process adds is written when it
    exits, merged with what is in the file then, in one step (a reader sees
    the old file or the new, never half of one).  Past ``max_entries`` the
    file starts afresh with this process's entries, so entries left behind by
    edited files never pile up.  A missing, damaged or unwritable file, or no
    cache folder, only means that nothing is found.
    """

    #: Added to the name the table is given: the format of the file.
    SUFFIX = ".marshal"

    def __init__(self, name: Callable[[], str | None], max_entries: int, *, json_values: bool = True) -> None:
        """``name()``: the file's name in the cache folder, less :attr:`SUFFIX` (None: keep nothing), asked on first use.

        ``json_values=False`` keeps values as given, for what JSON cannot hold
        and marshal can (compiled code).
        """
        self._name = name
        self._max = max_entries
        self._json_values = json_values
        self._path: Path | None = None
        self._read: dict[str, Any] | None = None
        self._added: dict[str, Any] = {}
        self._folder: Path | None = None
        self._registered = False

    def path(self) -> Path | None:
        """The file, or None when nothing is kept (no cache folder, or no name)."""
        folder = cache_dir()
        if folder is None:
            return None
        if folder != self._folder:  # the folder changed (tests switch it): start again
            name = self._name()
            self._folder, self._path, self._read, self._added = folder, (folder / (name + self.SUFFIX) if name else None), None, {}
        return self._path

    def get(self, key: str) -> Any | None:
        """The value kept under ``key``, or None."""
        if self.path() is None:
            return None
        if self._read is None:
            self._read = _read_table(self._path)
        found = self._read.get(key)
        return found if found is not None else self._added.get(key)

    def put(self, key: str, value: Any) -> None:
        """Keep ``value`` (what JSON holds) under ``key``; written when the process exits.

        Kept as JSON would give it back (a tuple as a list), so a value reads
        the same from this process and from the file.
        """
        if self.path() is None:
            return
        try:
            value = json.loads(json.dumps(value)) if self._json_values else value
        except (TypeError, ValueError):  # not a JSON value: not kept
            return
        if not self._registered:
            atexit.register(self.save)
            self._registered = True
        self._added[key] = value

    def save(self) -> None:
        """Write what this process added (called at exit)."""
        path = self.path()
        if path is None or not self._added:
            return
        entries = {**_read_table(path), **self._added}
        if len(entries) > self._max:
            entries = dict(self._added)
        _replace(path, {"version": __version__, "entries": entries})
        self._added = {}
        _remove_stale_siblings(path)


#: A table of the same kind not written for this long was made by an older imr-check, Python or rule code.
STALE_DAYS = 14


def _remove_stale_siblings(path: Path) -> None:
    """Remove tables of the same kind (``patterns-*``) that no run has written for STALE_DAYS.

    Every edit of the code or data that names a table starts a new file; old
    ones would pile up.  One still in use by another Python sharing the
    folder is rewritten by its runs, and so kept.  Tables in an older format
    (``patterns-*.json``) go the same way.
    """
    import time

    kind = path.name.split("-", 1)[0]
    cutoff = time.time() - STALE_DAYS * 86_400
    for sibling in path.parent.glob(f"{kind}-*"):
        try:
            if sibling != path and sibling.stat().st_mtime < cutoff:
                sibling.unlink()
        except OSError:
            pass


#: A kept table's file: these bytes, the CRC-32 of the rest (4 bytes, big-endian), then the marshalled data.
_TABLE_MAGIC = b"imr-check table\n"


def _read_table(path: Path | None) -> dict[str, Any]:
    """The entries of a kept table; empty when it is missing, damaged or from another version.

    A damaged file is refused by its checksum before :mod:`marshal` sees it:
    marshal may take seconds to refuse some damaged data (a changed length
    byte), where a checksum takes a millisecond.
    """
    if path is None:
        return {}
    try:
        raw = path.read_bytes()
        head, rest = raw[: len(_TABLE_MAGIC) + 4], raw[len(_TABLE_MAGIC) + 4 :]
        if head != _TABLE_MAGIC + zlib.crc32(rest).to_bytes(4, "big"):
            return {}
        data = marshal.loads(rest)
        entries = data["entries"] if data.get("version") == __version__ else {}
        return entries if isinstance(entries, dict) else {}
    except (OSError, EOFError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def _table_bytes(data: dict[str, Any]) -> bytes:
    """What :func:`_read_table` reads back as ``data``."""
    payload = marshal.dumps(data)
    return _TABLE_MAGIC + zlib.crc32(payload).to_bytes(4, "big") + payload


def _replace(path: Path, data: dict[str, Any]) -> None:
    import tempfile  # only when writing

    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(_table_bytes(data))
        os.replace(temporary, path)
    except (OSError, ValueError, TypeError):
        if temporary is not None:
            try:
                os.unlink(temporary)
            except OSError:
                pass
