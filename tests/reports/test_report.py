"""The human report's layout helpers (checker/reports/report.py); whole reports are in tests/cli/test_cli_reports.py."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from rich.text import Text

from checker.reports.report import _fit, _hidden, hanging


def _console(width: int) -> Console:
    return Console(file=io.StringIO(), width=width, color_system=None)


def test_a_line_that_fits_is_left_as_it_is():
    line = hanging(_console(80), Text("     = "), Text("line 12: a short piece of evidence"))
    assert line.plain == "     = line 12: a short piece of evidence"


def test_a_wrapped_line_goes_on_under_its_first_word_with_no_trailing_space():
    body = Text("line 61: the injured worker reported swerving to miss a deer and hitting an oak tree")
    lines = hanging(_console(40), Text("     = "), body).plain.split("\n")
    assert lines[0].startswith("     = line 61: ")
    assert len(lines) > 1 and all(line.startswith(" " * 7) and line[7] != " " for line in lines[1:])
    assert all(len(line) <= 40 and line == line.rstrip() for line in lines)
    assert " ".join(line.strip() for line in lines).removeprefix("= ") == body.plain  # no word lost or split


def test_a_word_longer_than_the_room_is_folded_not_lost():
    body = Text("see " + "x" * 70)
    lines = hanging(_console(40), Text("   "), body).plain.split("\n")
    assert all(len(line) <= 40 for line in lines)
    assert "".join(line.strip() for line in lines).replace("see", "see ", 1) == body.plain


def test_a_prefix_that_leaves_too_little_room_falls_back_to_the_plain_line():
    line = hanging(_console(30), Text(" " * 15), Text("words " * 10))
    assert line.plain == " " * 15 + "words " * 10


def test_styles_stay_on_their_own_parts():
    body = Text()
    body.append("line 3: ", style="dim")
    body.append("evidence that is long enough to wrap at this width for sure")
    line = hanging(_console(40), Text("  = ", style="dim"), body)
    assert line.style == ""  # the prefix's style is not the whole line's
    dimmed = {line.plain[span.start : span.end] for span in line.spans if span.style == "dim"}
    assert dimmed == {"  = ", "line 3: "}


@pytest.mark.parametrize(
    "line,room,kept",
    [
        ("x" * 30, 20, "x" * 20),  # plain text: cut by characters, as always
        ("\u5f20" * 15, 20, "\u5f20" * 10),  # two cells a character
        ("e\u0301" * 15, 20, "e\u0301" * 15),  # 30 characters, 15 cells: kept whole
        ("ab\u5f20" * 8, 7, "ab\u5f20ab"),  # a wide character that would end past the room is left out
    ],
    ids=["ascii", "wide", "marks", "wide-at-the-edge"],
)
def test_a_frame_line_is_cut_to_its_room_in_terminal_cells(line, room, kept):
    from rich.cells import cell_len

    assert _fit(line, room) == kept and cell_len(kept) <= room


@pytest.mark.parametrize("line", ["y" * 200, "\u5f20" * 200, "Jose\u0301 " * 40], ids=["ascii", "wide", "marks"])
def test_the_window_brings_the_column_into_view(line):
    from rich.cells import cell_len

    room, column = 60, 150
    shift = _hidden(line, column, room)
    shown = "\u2026" + line[shift + 1 :]
    assert cell_len(shown[: column - 1 - shift]) == room - 21  # the span starts at the same place whatever the text
