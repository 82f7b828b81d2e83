"""Dates as letters write them: ``6/9/2005``, ``4/10/02``, ``08-02-2013``, ``October 10, 2007``."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from checker.text import language


@lru_cache(maxsize=1)
def _months() -> dict[str, int]:
    """Month name (lower case) -> month number, from ``dates.months`` in calendar order."""
    return {name.lower(): i for i, names in enumerate(language.groups("dates.months"), start=1) for name in names}


@lru_cache(maxsize=1)
def month_pattern() -> str:
    """A month name as letters write it (no capture group)."""
    return language.phrase_alternation(name for names in language.groups("dates.months") for name in names)


@lru_cache(maxsize=1)
def date_pattern() -> str:
    """A date, numeric or with the month's name (no capture group): embed it in larger patterns."""
    return rf"(?:\d{{1,2}}[/-]\d{{1,2}}[/-](?:\d{{4}}|\d{{2}})(?!\d)|{month_pattern()}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})"


DATE = language.lazy(date_pattern, re.I)


def with_dates(*templates: str) -> list[re.Pattern[str]]:
    """Compile patterns (case ignored) that write ``{date}`` where a date stands: ``injured\\s+on\\s+({date})``."""
    return [re.compile(template.replace("{date}", date_pattern()), re.I) for template in templates]


def parse_date(text: str) -> dt.date | None:
    """Read ``6/9/2005``, ``4/10/02``, ``08-02-2013`` or ``October 10, 2007``."""
    text = text.strip()
    m = re.fullmatch(r"(\d{1,2})[/-](\d{1,2})[/-](\d{2}|\d{4})", text)
    if m:
        month, day, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if year < 100:
            year += 2000 if year <= 40 else 1900
        return _date(year, month, day)
    m = re.fullmatch(r"([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", text)
    months = _months()
    if m and m.group(1).lower() in months:
        return _date(int(m.group(3)), months[m.group(1).lower()], int(m.group(2)))
    return None


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
