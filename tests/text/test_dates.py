"""Dates as letters write them (checker/text/dates.py): the words are language data in dates.yaml."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from checker.text import dates, language
from checker.text.dates import DATE, parse_date
from tests.language_support import edited_language


def test_the_ordinal_endings_are_language_data():
    assert language.phrases("dates.ordinal_endings") == ("st", "nd", "rd", "th")


@pytest.mark.parametrize(
    "sentence, written, date",
    [
        ("Seen on March 2nd, 2014 for pain.", "March 2nd, 2014", dt.date(2014, 3, 2)),
        ("The RFA of Sept. 21st 2015 was denied.", "Sept. 21st 2015", dt.date(2015, 9, 21)),
        ("since June 3rd,  2010", "June 3rd,  2010", dt.date(2010, 6, 3)),
        ("On AUG 13th, 2009 the worker fell.", "AUG 13th, 2009", dt.date(2009, 8, 13)),
        # Extraction broke the line inside the date.
        ("dated December 11th,\n2013.", "December 11th,\n2013", dt.date(2013, 12, 11)),
        # A capitalised ending is found but not read back (the reading has always been case-sensitive).
        ("On August 13TH, 2009 she fell.", "August 13TH, 2009", None),
        # Not an ending: the day is read without the letters, and no date is found.
        ("On August 13x, 2009 she fell.", None, None),
        ("On August 13tth, 2009 she fell.", None, None),
    ],
)
def test_dates_with_ordinal_days(sentence, written, date):
    found = DATE.search(sentence)
    assert (found.group() if found else None) == written
    if written is not None:
        assert parse_date(written) == date


def test_an_ending_added_to_the_yaml_is_read():
    """An ending a rule author adds (the old "2d" for "second") is found and read, with no Python change."""
    sentence = "The request of July 2d, 2013 was modified."

    def forget() -> None:
        dates.date_pattern.cache_clear()
        dates._named_date.cache_clear()

    assert re.search(dates.date_pattern(), sentence, re.I) is None
    forget()
    try:
        with edited_language("dates", lambda data: data["ordinal_endings"].append("d")):
            forget()
            assert re.search(dates.date_pattern(), sentence, re.I).group() == "July 2d, 2013"
            assert parse_date("July 2d, 2013") == dt.date(2013, 7, 2)
    finally:
        forget()
    assert parse_date("July 2d, 2013") is None
