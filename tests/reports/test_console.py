"""The consoles every report and command prints with: text comes out as it was given."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from checker.reports._console import new_console

WRITTEN = "letters/case:pill:01.txt said :warning: and :smile: twice"


@pytest.mark.parametrize("markup", [True, False])
def test_emoji_codes_are_printed_as_written(markup):
    out = io.StringIO()
    new_console(file=out, width=200, color_system=None).print(WRITTEN, markup=markup, highlight=False)
    assert out.getvalue() == WRITTEN + "\n"


def test_a_plain_rich_console_would_have_changed_them():
    # What the helper exists for: without it the same print loses the words.
    out = io.StringIO()
    Console(file=out, width=200, color_system=None).print(WRITTEN, markup=False, highlight=False)
    assert ":pill:" not in out.getvalue()


def test_the_options_given_are_kept():
    out = io.StringIO()
    console = new_console(file=out, width=37, color_system=None)
    assert console.width == 37 and console.file is out


def test_markup_is_printed_as_written_in_strings_and_table_cells():
    from rich.table import Table

    out = io.StringIO()
    console = new_console(file=out, width=200, color_system=None)
    console.print("SOMA 350 MG [bid] [#60] [/]", highlight=False)
    table = Table()
    table.add_column("request")
    table.add_row("SOMA 350 MG [bid] [#60]")
    console.print(table)
    assert out.getvalue().startswith("SOMA 350 MG [bid] [#60] [/]\n")
    assert "SOMA 350 MG [bid] [#60]" in out.getvalue().split("\n", 1)[1]
