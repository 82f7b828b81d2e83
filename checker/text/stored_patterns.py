"""Compiled regular expressions kept between runs, so that a start-up does not compile them again.

Python compiles a pattern in two steps.  A parser and a code generator, both
written in Python, turn the source into a list of numbers (the engine's
code); then ``_sre.compile``, in C, makes the pattern object from that list.
The first step is slow: for this tool's few hundred patterns (drug names,
cue lists, guideline names, request-line tokens) it took about 290 ms of a
one-letter run's 650 ms, against 2 ms for the second.  So the code of each
pattern compiled here is kept in the start-up cache (:mod:`checker.cache`),
and a later run hands it straight to ``_sre.compile``.  Answers read from a
pattern's parse (:mod:`checker.text.prefilter`) are kept the same way.

What comes out is the object ``re.compile`` builds: two patterns are equal
(``==``) only when their source, flags and code are, and a test holds every
pattern the tool compiles to ``re.compile``'s.  The code belongs to one
Python build, so the file is named by the Python version and the engine's
own version number; another Python never reads it.  These are internals of
the ``re`` module (``re._parser``, ``re._compiler``, ``_sre``): where one is
missing or answers unexpectedly, patterns are compiled the ordinary way and
nothing is kept.  ``_sre.compile`` checks the code it is given, so a damaged
entry is refused, and that pattern too is compiled the ordinary way.

Like Lark's tables, the file is only ever read from the user's own cache
folder, and a missing, damaged or unwritable file costs only time.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from checker.cache import KeptTable, digest

try:  # the re module's internals (Python 3.11 and later)
    import _sre
    from re import _compiler, _parser  # type: ignore[attr-defined]

    _AVAILABLE = callable(getattr(_compiler, "_code", None)) and callable(getattr(_sre, "compile", None))
except ImportError:  # pragma: no cover - another Python
    _AVAILABLE = False

_HERE = Path(__file__).parent
#: The modules whose code decides what is kept: this one, the rewrites and answers of the prefilter,
#: and the phrase tries of the language module.
_MAKERS = ("stored_patterns.py", "prefilter.py", "language.py")


def _file_name() -> str | None:
    """Named by the Python build and by the code that makes what is kept.

    A rewrite changed in a working copy (a new lookahead) must not be served
    from entries the old code made, whatever the version number says.
    """
    if not _AVAILABLE:
        return None
    try:
        code = [(_HERE / name).read_text(encoding="utf-8") for name in _MAKERS]
    except OSError:  # pragma: no cover - installed without its sources
        return None
    build = digest(sys.version, str(_sre.MAGIC), str(_sre.CODESIZE), *code)
    return f"patterns-{build[:32]}"


_TABLE = KeptTable(_file_name, max_entries=5_000)


def compile_pattern(source: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(source, flags)``, with its code from the start-up cache when it is there."""
    return _compiled("compile", source, flags, lambda: (source,))


#: ``re``'s own compiler (what ``re.compile`` runs on a miss of its cache), which :func:`keep_all` replaces.
_RE_COMPILE = _compiler.compile if _AVAILABLE else None


def keep_all(on: bool) -> None:
    """While ``on``, every text pattern ``re`` compiles is compiled as :func:`compile_pattern` does.

    Starting a run, the libraries compile their own patterns as they are
    imported (typer and click about fifteen, rich eight, lark six) and this
    tool's modules theirs: about 70 patterns, 20 ms of a one-letter run,
    compiled afresh every time.  ``checker.cli.startup`` turns this on while
    a run starts and off before the first letter, as it does for dataclass
    methods: what comes out is the pattern ``re.compile`` builds, its code
    read from the start-up cache.
    """
    if _AVAILABLE:
        _compiler.compile = _compile_kept if on else _RE_COMPILE


def _compile_kept(source: Any, flags: int = 0) -> Any:
    """``re._compiler.compile`` for :func:`keep_all`: a text pattern through :func:`compile_pattern`."""
    if isinstance(source, str) and not flags & re.DEBUG and _TABLE.path() is not None:
        return compile_pattern(source, flags)
    return _RE_COMPILE(source, flags)  # type: ignore[misc]


def compile_rewritten(kind: str, source: str, flags: int, rewrite: Callable[[], tuple[str, ...]]) -> re.Pattern[str]:
    """The first of ``rewrite()`` that compiles, kept under ``(kind, source, flags)``: a hit skips ``rewrite`` too.

    For a pattern rewritten from its source before it is compiled (a
    lookahead put first): the rewrite reads the pattern's parse, which costs
    as much as compiling it.  ``rewrite`` must depend on nothing but
    ``source``, ``flags`` and the code of the modules in ``_MAKERS``; the last
    source it gives raises ``re.error`` as ``re.compile`` would.
    """
    return _compiled(kind, source, flags, rewrite)


def remembered(kind: str, source: str, flags: int, answer: Callable[[], Any]) -> Any:
    """``answer()``, something read from the pattern ``(source, flags)``, kept between runs.

    ``answer`` must depend on nothing but the pattern and the code of the
    modules in ``_MAKERS``, and return what JSON holds (None, numbers,
    strings, lists of them); it is kept as ``[answer]``, so None is kept too.
    """
    key = _key(kind, source, flags)
    kept = _TABLE.get(key)
    if isinstance(kept, list) and len(kept) == 1:
        return kept[0]
    value = answer()
    _TABLE.put(key, [value])
    return value


def _key(kind: str, source: str, flags: int) -> str:
    return f"{kind}\x00{int(flags)}\x00{source}"


def _compiled(kind: str, source: str, flags: int, rewrite: Callable[[], tuple[str, ...]]) -> re.Pattern[str]:
    key = _key(kind, source, flags)
    kept = _TABLE.get(key)
    if kept is not None:
        try:
            compiled, out_flags, code, groups, groupindex, indexgroup = kept
            return _sre.compile(compiled, out_flags, code, groups, groupindex, tuple(indexgroup))
        except Exception:  # noqa: BLE001 - a damaged entry: compiled the ordinary way instead
            pass
    if _TABLE.path() is None:
        return _first_compiling(rewrite(), flags, re.compile)
    made: list[list[Any]] = []
    pattern = _first_compiling(rewrite(), flags, lambda text, flags: _build(text, flags, made))
    if made:
        _TABLE.put(key, made[0])
    return pattern


def _first_compiling(
    sources: tuple[str, ...], flags: int, build: Callable[[str, int], re.Pattern[str]]
) -> re.Pattern[str]:
    for text in sources[:-1]:
        try:
            return build(text, flags)
        except re.error:
            continue
    return build(sources[-1], flags)


def _build(source: str, flags: int, made: list[list[Any]]) -> re.Pattern[str]:
    """``re.compile(source, flags)`` done in its two steps (as ``re._compiler.compile`` does), its parts put in ``made``."""
    try:
        parsed = _parser.parse(source, flags)
        code = [int(c) for c in _compiler._code(parsed, flags)]
        groupindex = dict(parsed.state.groupdict)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        parts = [source, int(flags | parsed.state.flags), code, parsed.state.groups - 1, groupindex, indexgroup]
        pattern = _sre.compile(*parts[:5], tuple(indexgroup))
    except re.error:
        raise
    except Exception:  # noqa: BLE001 - the internals changed: the ordinary way, and nothing kept
        return _RE_COMPILE(source, flags) if _RE_COMPILE is not None else re.compile(source, flags)
    made.append(parts)
    return pattern
