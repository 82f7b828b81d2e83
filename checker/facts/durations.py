"""How long the patient has used (or would use) a drug, as the letter states it.

Guideline criteria turn on duration: carisoprodol not beyond 2-3 weeks,
benzodiazepines not beyond 4 weeks.  Letters state duration many ways:

* "since at least 8/28/13"         -> against the request date (11/20/13): 84 days
* "for at least 3 months"          -> 90 days
* "first noted in the 12/19/2014 report" with the request in February 2015
* "Soma intake was noted since February, 2014"
* a days supply ("50 Day") or quantity / doses per day ("#60", "BID": 30 days)

Only sentences that name the item's drug (any of its names), its class, or
"this medication" count, so one drug's history is not pinned on another.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from checker.text import language
from checker.text.dates import DATE, date_pattern, month_pattern, parse_date, with_dates
from checker.text.sentences import sentence_spans


@lru_cache(maxsize=1)
def _counts() -> dict[str, int]:
    """Words a duration may count with: one to twelve, and loose ones ("several" -> 3)."""
    vague = {word.lower(): int(n) for word, n in language.table("numbers.vague").items()}
    return {**language.prose_number_words(), **vague}


def _count() -> str:
    """Digits or a counting word, in group 1."""
    return rf"(\d+|{language.phrase_alternation(_counts())})"


def _units() -> dict[str, int]:
    return {unit.lower(): int(days) for unit, days in language.table("time.units").items()}


_FOR_PERIOD = language.lazy(
    lambda: rf"\b{language.alternation('time.period.before')}\s+(?:{language.alternation('time.period.hedges')}\s+)?"
    rf"{_count()}\s+({language.phrase_alternation(_units())})s?\b",
    re.I,
)


def _since(hedges: str) -> str:
    """The word "since", then an optional hedge of the list ``hedges`` ("since at least ...")."""
    return rf"\b{language.alternation('time.since.words')}\s+(?:{language.alternation(hedges)}\s+)?"


_SINCE_DATE = language.lazy(lambda: rf"{_since('time.since.hedges')}({date_pattern()})", re.I)
_SINCE_MONTH = language.lazy(lambda: rf"{_since('time.since.month_hedges')}({month_pattern()})\.?,?\s+(\d{{4}})", re.I)
_SINCE_YEAR = language.lazy(lambda: rf"{_since('time.since.month_hedges')}((?:19|20)\d{{2}})\b(?![/-])", re.I)
_FIRST_NOTED = language.lazy(
    lambda: rf"\b{language.alternation('time.first_noted.adverbs')}\s+{language.alternation('time.first_noted.verbs')}\s+"
    rf"{language.alternation('time.first_noted.prepositions')}\s+(?:the\s+)?({date_pattern()})",
    re.I,
)
_LIMIT = language.lazy(lambda: rf"\b{language.alternation('time.limits', lower=True)}\b")


@lru_cache(maxsize=1)
def _request_date_patterns() -> list[re.Pattern[str]]:
    """Where the letter dates the request this decision is about, most trusted first."""
    return with_dates(*language.patterns("dates.request_date"))


@dataclass(frozen=True)
class Duration:
    """A stated duration of use, in days, with where it was said."""

    days: int
    text: str
    start: int  # offsets in the text it was found in
    end: int


def request_date(summary: str, header_dates: list[dt.date]) -> dt.date | None:
    """The date of the disputed request: RFA, else UR, else a header date, else the latest date stated."""
    for pattern in _request_date_patterns():
        m = pattern.search(summary)
        if m and parse_date(m.group(1)):
            return parse_date(m.group(1))
    if header_dates:
        return max(header_dates)
    dates = [d for d in (parse_date(m.group()) for m in DATE.finditer(summary)) if d]
    return max(dates) if dates else None


def durations(text: str, names: list[str], reference: dt.date | None) -> list[Duration]:
    """Durations of use stated in sentences of ``text`` that name the drug."""
    if not names:
        return []
    name_pattern = re.compile(r"(?<![\w])(?:" + "|".join(re.escape(n) for n in names) + r")(?![a-z])", re.I)
    found: list[Duration] = []
    for s_start, s_end in sentence_spans(text):
        sentence = text[s_start:s_end]
        if not name_pattern.search(sentence):
            continue
        found.extend(_in_sentence(sentence, s_start, reference))
    return found


def _in_sentence(sentence: str, offset: int, reference: dt.date | None) -> list[Duration]:
    found = []
    for m in _FOR_PERIOD.finditer(sentence):
        count = m.group(1).lower()
        n = int(count) if count.isdigit() else _counts().get(count, 0)
        days = n * _units()[m.group(2).lower()]
        if days and not _is_future(sentence, m.start()):
            found.append(Duration(days, m.group(), offset + m.start(), offset + m.end()))
    if reference is not None:
        for pattern in (_SINCE_DATE, _FIRST_NOTED):
            for m in pattern.finditer(sentence):
                date = parse_date(m.group(1))
                if date and date <= reference:
                    found.append(Duration((reference - date).days, m.group(), offset + m.start(), offset + m.end()))
        for m in _SINCE_MONTH.finditer(sentence):
            date = parse_date(f"{m.group(1)} 1, {m.group(2)}")
            if date and date <= reference:
                found.append(Duration((reference - date).days, m.group(), offset + m.start(), offset + m.end()))
        for m in _SINCE_YEAR.finditer(sentence):
            date = dt.date(int(m.group(1)), 12, 31)
            if date <= reference:
                found.append(Duration((reference - date).days, m.group(), offset + m.start(), offset + m.end()))
    return found


def _is_future(sentence: str, position: int) -> bool:
    """"should not be used for more than 3 weeks" states a limit, not a history."""
    before = sentence[max(0, position - 60) : position].lower()
    return bool(_LIMIT.search(before))


def supply_days(days_supply: int | None, quantity: int | None, doses_per_day: float | None) -> int | None:
    """Days the requested supply lasts: stated days supply, else quantity / doses a day."""
    if days_supply:
        return days_supply
    if quantity and doses_per_day:
        return int(quantity / doses_per_day)
    return None
