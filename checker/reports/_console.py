"""The one way imr-check makes a rich console: text is printed as it is given.

Rich replaces emoji codes in printed strings by default (":pill:" becomes a
pill), and that replacement does not heed ``markup=False``: a file named
``case:pill:01.txt`` came out under another name in the report's summary.
File names, rule files and letters' words are evidence and are shown exactly,
so every console is made here, with emoji codes off.  Not loading rich's
emoji table also spares a one-letter run a few milliseconds.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console


def new_console(**options: Any) -> Console:
    """``rich.console.Console(**options)`` that leaves emoji codes as written."""
    return Console(emoji=False, **options)
