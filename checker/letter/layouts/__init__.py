"""The letter layouts: one module per layout, each beside its grammar.

Adding a layout is adding ``formatN.py`` (a :class:`~checker.letter.layouts.base.Layout`
subclass instance named ``LAYOUT``) and ``formatN.lark`` to this folder; it is
found here by name, and detection, the normaliser, the reader, reports and
rule tests use it from then on.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from checker.letter.layouts.base import Layout
from checker.text.prefilter import lower_in_step

@lru_cache(maxsize=1)
def layouts() -> tuple[Layout, ...]:
    """Every layout module of this package, in order of their numbers."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("format"):
            module = importlib.import_module(f"{__name__}.{info.name}")
            found.append(module.LAYOUT)
    return tuple(sorted(found, key=lambda layout: layout.number))


def by_number(number: int | None) -> Layout | None:
    return next((layout for layout in layouts() if layout.number == number), None)


def detect(text: str) -> Layout:
    """The layout whose markers the raw text matches best (Format 1 when none matches)."""
    if "\r" in text:  # markers are anchored at line starts; "^" knows only "\n"
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lowered = lower_in_step(text)
    scored = [(layout.score(text, lowered), -layout.number, layout) for layout in layouts()]
    best = max(scored, key=lambda t: (t[0], t[1]))
    return best[2] if best[0] > 0 else layouts()[0]
