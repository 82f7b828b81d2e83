"""Dates as letters write them: ``6/9/2005``, ``4/10/02``, ``08-02-2013``, ``October 10, 2007``."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from checker.text import language
from checker.text.stored_patterns import compile_pattern


@lru_cache(maxsize=1)
def _months() -> dict[str, int]:
    """Month name (lower case) -> month number, from ``dates.months`` in calendar order."""
    return {name.lower(): i for i, names in enumerate(language.groups("dates.months"), start=1) for name in names}


@lru_cache(maxsize=1)
def month_pattern() -> str:
    """A month name as letters write it (no capture group)."""
    return language.phrase_alternation(name for names in language.groups("dates.months") for name in names)


def _ordinal() -> str:
    """The ending a day's number may take ("13th"): ``dates.ordinal_endings``, as written."""
    return language.phrase_alternation(language.phrases("dates.ordinal_endings"))


@lru_cache(maxsize=1)
def date_pattern() -> str:
    """A date, numeric or with the month's name (no capture group): embed it in larger patterns."""
    return rf"(?:\d{{1,2}}[/-]\d{{1,2}}[/-](?:\d{{4}}|\d{{2}})(?!\d)|{month_pattern()}\.?\s+\d{{1,2}}{_ordinal()}?,?\s+\d{{4}})"


DATE = language.lazy(date_pattern, re.I)

#: A month and year written in numbers, "10/2014", "05-2013" (no day; not part of a full date).
MONTH_YEAR = r"(?<![\d/-])(?:0?[1-9]|1[0-2])[/-](?:19|20)\d{2}(?![\d/-])"


def last_day(year: int, month: int | None = None) -> dt.date:
    """The last day of a month, or of a year: where "since 10/2014" or "since 2012" can have begun at the latest."""
    if month is None:
        return dt.date(year, 12, 31)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


#: A month and year ("10/2014", "February, 2014") and a year alone, as letters write them.
_MONTH_YEAR = compile_pattern(r"(\d{1,2})[/-](\d{4})")
_NAMED_MONTH_YEAR = compile_pattern(r"([A-Za-z]+)\.?,?\s+(\d{4})")
_YEAR = compile_pattern(r"(?:19|20)\d{2}")


def parse_period(text: str) -> dt.date | None:
    """A date, or the last day of a month ("10/2014", "February, 2014") or a year ("2012") as letters write them."""
    text = text.strip()
    full = parse_date(text)
    if full is not None:
        return full
    m = _MONTH_YEAR.fullmatch(text)
    if m and 1 <= int(m.group(1)) <= 12:
        return last_day(int(m.group(2)), int(m.group(1)))
    m = _NAMED_MONTH_YEAR.fullmatch(text)
    if m and m.group(1).lower() in _months():
        return last_day(int(m.group(2)), _months()[m.group(1).lower()])
    if _YEAR.fullmatch(text):
        return last_day(int(text))
    return None


@lru_cache(maxsize=1)
def period_pattern() -> str:
    """A date, a month and year ("10/2014", "February, 2014") or a year alone (no capture group)."""
    return rf"(?:{date_pattern()}|{MONTH_YEAR}|{month_pattern()}\.?,?\s+\d{{4}}|(?:19|20)\d{{2}}(?![/-]?\d))"


def with_date(template: str) -> str:
    """The source of a pattern that writes ``{date}`` where a date stands: ``injured\\s+on\\s+({date})``."""
    return template.replace("{date}", date_pattern())


def with_dates(*templates: str) -> list[language.LazyRegex]:
    """:func:`with_date` patterns (case ignored), as language patterns: compiled on first use, and in a
    long text tried only where they can begin (:class:`~checker.text.language.LazyRegex`)."""
    return [language.lazy(lambda template=template: with_date(template), re.I) for template in templates]


#: A date in numbers: ``6/9/2005``, ``4/10/02``, ``08-02-2013``.
_NUMERIC_DATE = compile_pattern(r"(\d{1,2})[/-](\d{1,2})[/-](\d{2}|\d{4})")


def parse_date(text: str) -> dt.date | None:
    """Read ``6/9/2005``, ``4/10/02``, ``08-02-2013`` or ``October 10, 2007``."""
    text = text.strip()
    m = _NUMERIC_DATE.fullmatch(text)
    if m:
        month, day, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if year < 100:
            year += 2000 if year <= 40 else 1900
        return _date(year, month, day)
    m = _named_date().fullmatch(text)
    months = _months()
    if m and m.group(1).lower() in months:
        return _date(int(m.group(3)), months[m.group(1).lower()], int(m.group(2)))
    return None


@lru_cache(maxsize=1)
def _named_date() -> re.Pattern[str]:
    """A date with the month's name, read back into its parts: month, day, year.

    Case counts here, as in the pattern this replaced: "August 13TH, 2009" is
    found by :data:`DATE` but not read (kept so that no reading changes).
    """
    return compile_pattern(rf"([A-Za-z]+)\.?\s+(\d{{1,2}}){_ordinal()}?,?\s+(\d{{4}})")


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
