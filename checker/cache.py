"""What imr-check keeps between runs to start faster; everything in it is rebuilt when missing.

Two things are kept, both keyed by a hash of what they were made from, so an
edited grammar, schema or data file is never served from an old entry:

* the LALR tables Lark builds from each grammar (Lark's own ``cache`` option:
  a file holding the grammar's hash, checked by Lark before it is used);
* the hashes of data files (rule files, guideline files) that passed their
  JSON schema, so a file already validated is not validated again.

The folder is ``$IMR_CHECK_CACHE_DIR``, else ``$XDG_CACHE_HOME/imr-check``,
else ``~/.cache/imr-check``; ``IMR_CHECK_CACHE_DIR=""`` switches the cache
off.  It is always the user's own folder, never a shared temporary directory:
Lark stores its tables with pickle, which must only be read from a place no
one else can write.  Nothing here is needed: a missing, unwritable or damaged
cache only costs time, and never changes a result.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

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
