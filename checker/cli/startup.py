"""What starting the command line costs, and three ways it costs less.

**The garbage collector.**  Starting a run builds tens of thousands of
objects that live until it ends: modules, classes, compiled rules, the
guideline, the lexicon.  Python's cyclic collector, which runs after every
700 new objects by default, runs about 90 times before the first letter is
read and finds next to nothing to free; in a one-letter run that is about
20 ms of the 330.  So :func:`quiet_start` (called first thing by ``main``)
makes the collector wait for 100,000 new objects instead.  It still runs, so
memory stays bounded whatever a command does.  :func:`settle`, called once
the rules and the check are built and before the first letter, moves
everything alive into the generation the collector never scans again
(:func:`gc.freeze`), then puts the thresholds back.  Letters are then read
with the collector as Python sets it.  Freezing before ``--jobs`` forks its
workers is also what CPython's documentation advises: the workers'
collections then leave the pages they share with the parent alone.

**The methods of dataclasses.**  :mod:`dataclasses` writes each class's
``__init__``, ``__repr__``, ``__eq__`` ... as source text and compiles it
when the class is made: about 300 compilations at start-up (ours, rich's and
typer's), a sixth of a one-letter run's instructions.  Between
:func:`quiet_start` and :func:`settle`, the code compiled from each such text
is kept in the cache folder (``methods-*.marshal``, one file per Python
build: compiled code is only good for the Python that made it), and the next
run executes it instead of compiling the text again, as Python itself does
with a module's ``.pyc``.  The source text is the key, so a class that
changes compiles afresh; what runs is what the text compiles to.

**Regular expressions.**  The libraries compile their patterns as they are
imported, and this tool's modules theirs: about 70 compilations, 20 ms.
Between :func:`quiet_start` and :func:`settle` every pattern ``re``
compiles gets its engine code from the start-up cache, as the tool's own
patterns always do (:func:`checker.text.stored_patterns.keep_all`).
"""

from __future__ import annotations

import dataclasses
import gc
import sys
from types import CodeType
from typing import Any

from checker.cache import KeptTable, digest
from checker.text import stored_patterns

#: New objects between two collections of the youngest generation while the run starts (Python: 700).
START_UP_THRESHOLD = 100_000

_saved: tuple[int, ...] | None = None


def _methods_file() -> str:
    return f"methods-{digest(sys.version)[:32]}"


#: Compiled methods of dataclasses, by their source text.
METHODS = KeptTable(_methods_file, max_entries=2_000, json_values=False)


def _exec_kept(source: str | CodeType, globals: dict[str, Any] | None = None, locals: dict[str, Any] | None = None) -> None:
    """``exec`` for :mod:`dataclasses`: a source text compiled once, its code kept between runs."""
    if isinstance(source, str):
        code = METHODS.get(source)
        if not isinstance(code, CodeType):
            # As exec compiles it for dataclasses.py: no __future__ flags of this module.
            code = compile(source, "<string>", "exec", dont_inherit=True)
            METHODS.put(source, code)
        source = code
    exec(source, globals, locals)


def quiet_start() -> None:
    """Collect rarely and compile dataclass methods once, until :func:`settle`."""
    global _saved
    if _saved is None:
        _saved = gc.get_threshold()
        gc.set_threshold(START_UP_THRESHOLD, *_saved[1:])
        dataclasses.exec = _exec_kept  # type: ignore[attr-defined]  # dataclasses looks exec up among its globals
        stored_patterns.keep_all(True)


def settle() -> None:
    """Freeze what the start built and run as Python does again; nothing to do unless :func:`quiet_start` ran."""
    global _saved
    if _saved is None:
        return
    gc.freeze()
    gc.set_threshold(*_saved)
    del dataclasses.exec  # type: ignore[attr-defined]
    stored_patterns.keep_all(False)
    _saved = None
