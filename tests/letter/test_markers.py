"""Suppression markers read from the original lines, in any case and with any line breaks."""

from __future__ import annotations

import pytest

from checker.input.source import SourceText
from checker.letter.markers import read_markers
from checker.model import Letter


def _markers(text: str) -> list[tuple[tuple[str, ...], str, int]]:
    letter = Letter(path="letter.txt")
    read_markers(SourceText(text), letter)
    return [(s.ids, s.reason, s.span.line) for s in letter.suppressions]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize(
    "marker,ids,reason",
    [
        ("imr-check: ignore spelling -- checked", ("spelling",), "checked"),
        ("IMR-CHECK: IGNORE Fact-Conflict, spelling", ("fact-conflict", "spelling"), "no reason given"),
        ("  Imr-Check : ignore cited-page-off-topic \u2014 quoted verbatim  ", ("cited-page-off-topic",), "quoted verbatim"),
    ],
)
def test_a_marker_is_read_in_any_case_on_its_own_line(newline, marker, ids, reason):
    text = newline.join(["CLINICAL CASE SUMMARY", "The patient is a 45 yo M.", marker, "Decision rationale: ..."])
    assert _markers(text) == [(ids, reason, 3)]


@pytest.mark.parametrize(
    "text",
    [
        "CLINICAL CASE SUMMARY\nThe patient is a 45 yo M.\n",
        "The reviewer did not run imr-check on this letter.\nimr-check ignore spelling\n",  # no colon: no marker
        "",
    ],
)
def test_a_letter_without_a_marker_line_has_none(text):
    assert _markers(text) == []
