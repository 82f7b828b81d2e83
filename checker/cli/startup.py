"""Garbage collection while the command line starts.

Starting a run builds tens of thousands of objects that live until it ends:
modules, classes, compiled rules, the guideline, the lexicon.  Python's cyclic
collector, which runs after every 700 new objects by default, runs about 90
times before the first letter is read and finds next to nothing to free; in a
one-letter run that is about 20 ms of the 330.

So :func:`quiet_start` (called first thing by ``main``) makes the collector
wait for 100,000 new objects instead.  It still runs, so memory stays bounded
whatever a command does.  :func:`settle`, called once the rules and the check
are built and before the first letter, moves everything alive into the
generation the collector never scans again (:func:`gc.freeze`), then puts the
thresholds back.  Letters are then read with the collector as Python sets it.
Freezing before ``--jobs`` forks its workers is also what CPython's
documentation advises: the workers' collections then leave the pages they
share with the parent alone.
"""

from __future__ import annotations

import gc

#: New objects between two collections of the youngest generation while the run starts (Python: 700).
START_UP_THRESHOLD = 100_000

_saved: tuple[int, ...] | None = None


def quiet_start() -> None:
    """Collect rarely until :func:`settle`: what starting a run builds stays alive anyway."""
    global _saved
    if _saved is None:
        _saved = gc.get_threshold()
        gc.set_threshold(START_UP_THRESHOLD, *_saved[1:])


def settle() -> None:
    """Freeze what the start built and collect as usual again; nothing to do unless :func:`quiet_start` ran."""
    global _saved
    if _saved is None:
        return
    gc.freeze()
    gc.set_threshold(*_saved)
    _saved = None
