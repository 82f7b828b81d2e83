"""Every letter with an expected reading parses exactly as expected.yaml says.

The seeds are real letters (``fixtures/seeds``); ``fixtures/letters`` holds
letters written for the project in all three layouts.  The expectations were
written by reading the letters, not by running the code.
"""

from __future__ import annotations

import datetime as dt

import pytest

from checker.reports.json import letter_dict
from tests.conftest import LETTERS, SEEDS, load_expected, read_path

CASES = [(SEEDS, name) for name in load_expected(SEEDS)] + [(LETTERS, name) for name in load_expected(LETTERS)]


def _iso(value):
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def _strength(value):
    return None if value is None else str(value)


@pytest.mark.parametrize("folder,name", CASES, ids=[name for _, name in CASES])
def test_letter_reads_as_expected(folder, name):
    assert_reads_as_expected(read_path(folder / name), load_expected(folder)[name])


def assert_reads_as_expected(result, expected: dict) -> None:
    """The letter's reading equals an expected.yaml entry, field by field."""
    assert result.error is None
    got = letter_dict(result.letter)

    assert got["format"] == expected["format"]
    patient = expected["patient"]
    assert got["patient"] == {
        "age": patient["age"],
        "sex": patient["sex"],
        "injury_date": _iso(patient["injury_date"]),
    }
    if "reviewer" in expected:
        assert got["reviewer"] == expected["reviewer"]
    if "final_determination" in expected:
        assert got["final_determination"] == expected["final_determination"]

    assert len(got["items"]) == len(expected["items"]), [i["request"] for i in got["items"]]
    for want, have in zip(expected["items"], got["items"]):
        label = f"item {have['index']}"
        assert have["request"] == want["request"], label
        assert have["drug"] == want["drug"], label
        assert have["strength"] == _strength(want["strength"]), label
        assert have["quantity"] == want["quantity"], label
        assert have["decision"] == want["decision"], label
        assert have["conclusion"] == want["conclusion"], label
        assert have["pages"] == want["pages"], label
        for key in ("days_supply", "refills", "frequency"):
            if key in want:
                assert have[key] == want[key], f"{label} {key}"
        if "sections" in want:
            for kind, sections in want["sections"].items():
                assert have["sections"][kind] == sections, label


def test_the_optional_expectations_are_used():
    """The optional keys checked above occur in the expectations, so none of those checks is dead."""
    entries = [load_expected(folder)[name] for folder, name in CASES]
    assert len(entries) > 20
    for key in ("reviewer", "final_determination"):
        assert any(key in entry for entry in entries), key
    items = [item for entry in entries for item in entry["items"]]
    for key in ("days_supply", "refills", "frequency", "sections"):
        assert any(key in item for item in items), key
