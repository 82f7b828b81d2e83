"""The one way imr-check makes a rich console: text is printed as it is given.

By default rich reads every printed string, table cells included, as
markup ("[bold]", "[see p. 86]" vanish) and replaces emoji codes (":pill:"
becomes a pill; ``markup=False`` does not stop that).  A request line
"SOMA 350 MG [bid] # 60" lost its "[bid]" in the report's table, and a file
named ``case:pill:01.txt`` came out under another name in the summary.  File
names, rule files and letters' words are evidence and are shown exactly, so
every console is made here, with markup and emoji codes off; styles are given
as ``style=`` or :class:`rich.text.Text` spans, never as markup.  Not
loading rich's emoji table also spares a one-letter run a few milliseconds.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console


def new_console(**options: Any) -> Console:
    """``rich.console.Console(**options)`` that prints strings as written: no markup, no emoji codes."""
    return Console(markup=False, emoji=False, **options)
