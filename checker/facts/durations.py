"""How long the patient has used (or would use) a drug, as the letter states it.

Guideline criteria turn on duration: carisoprodol not beyond 2-3 weeks,
benzodiazepines not beyond 4 weeks.  Letters state duration many ways:

* "since at least 8/28/13"         -> against the request date (11/20/13): 84 days
* "since at least 10/2014", "since 2012", "since February, 2014" -> from the
  last day of that month or year (the shortest use it can mean)
* "for at least 3 months", "for over a year", "x 6 months", "for 2-3 months" (60 days)
* "first noted in the 12/19/2014 report", "was started in 05/2013"
* "from 10/2014 to 02/2015", "since the injury" (against the date of injury)
* a days supply ("50 Day") or quantity / doses per day ("#60", "BID": 30 days)

A date counts to the request's date as the letter states it (a request for
authorization, the physician's request, else the UR decision); a letter that
states neither leaves such durations unknown.

Only sentences that name the item's drug (any of its names), its class, or
"this medication" count, so one drug's history is not pinned on another.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from checker.text import language
from checker.text.dates import parse_period, period_pattern
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


def _period_count() -> str:
    """A count of units in group 1: digits, a counting word, a range ("2-3", "two to three"), "a"."""
    one = _count()[1:-1]  # without its group
    article = language.alternation("time.period.articles")
    return rf"((?:{one})(?:\s*(?:-|{language.alternation('time.period.range')})\s*(?:{one}))?|{article})"


def _range_parts() -> str:
    """Where a range of counts parts ("2-3", "two to three"), in a lower-cased count of a period."""
    return rf"\s*(?:-|\b{language.alternation('time.period.range', lower=True)}\b)\s*"


_RANGE_PARTS = language.lazy(_range_parts)


_UNIT = language.lazy(lambda: rf"({language.phrase_alternation(_units())})s?\b", re.I)
_FOR_PERIOD = language.lazy(
    lambda: rf"(?:\b{language.alternation('time.period.before')}\s+(?:{language.alternation('time.period.hedges')}\s+)?"
    rf"|\b{language.alternation('time.period.times')}\s*){_period_count()}\s+{_UNIT.pattern}"
    rf"(?!\s+{language.alternation('time.period.age')}\b)",
    re.I,
)


def _since(hedges: str) -> str:
    """The word "since", then an optional hedge of the list ``hedges`` ("since at least ...")."""
    return rf"\b{language.alternation('time.since.words')}\s+(?:{language.alternation(hedges)}\s+)?"


_SINCE = language.lazy(lambda: rf"{_since('time.since.hedges')}({period_pattern()})", re.I)
_SINCE_INJURY = language.lazy(lambda: rf"{_since('time.since.hedges')}{language.alternation('time.since.injury')}\b", re.I)
_FIRST_NOTED = language.lazy(
    lambda: rf"\b(?:{language.alternation('time.first_noted.adverbs')}\s+{language.alternation('time.first_noted.verbs')}"
    rf"|{language.alternation('time.first_noted.plain_verbs')})\s+"
    rf"{language.alternation('time.first_noted.prepositions')}\s+(?:the\s+)?({period_pattern()})",
    re.I,
)
_SPAN = language.lazy(
    lambda: rf"\b{language.alternation('time.span.from')}\s+({period_pattern()})\s*{language.alternation('time.span.to')}\s*"
    rf"(?:({period_pattern()})|(?:the\s+)?{language.alternation('time.span.now')}\b)",
    re.I,
)
_LIMIT = language.lazy(lambda: rf"\b{language.alternation('time.limits', lower=True)}\b")


@lru_cache(maxsize=1)
@dataclass(frozen=True)
class Duration:
    """A stated duration of use, in days, with where it was said."""

    days: int
    text: str
    start: int  # offsets in the text it was found in
    end: int


def durations(
    text: str,
    names: list[str],
    reference: dt.date | None,
    injury: dt.date | None = None,
    other_drugs: Callable[[str], list[tuple[int, int]]] | None = None,
) -> list[Duration]:
    """Durations of use stated in sentences of ``text`` that name the drug.

    Periods ("for over a year", "x 6 months") need no date; a date ("since at
    least 10/2014") counts to ``reference``, the request's date, and is
    unknown without it; "since the injury" counts from ``injury``.

    ``other_drugs`` gives the (start, end) of other drugs named in a sentence,
    so a duration stated for another drug is not this one's (``_another_drugs``).
    """
    if not names:
        return []
    name_pattern = re.compile(r"(?<![\w])(?:" + "|".join(re.escape(n) for n in names) + r")(?![a-z])", re.I)
    found: list[Duration] = []
    for s_start, s_end in sentence_spans(text):
        sentence = text[s_start:s_end]
        ours = [m.start() for m in name_pattern.finditer(sentence)]
        if not ours:
            continue
        others = [start for start, _ in other_drugs(sentence)] if other_drugs else []
        stated = _in_sentence(sentence, s_start, reference, injury)
        starts = [d.start - s_start for d in stated]
        found.extend(d for d in stated if not _another_drugs(d.start - s_start, ours, others, starts))
    return found


def _another_drugs(position: int, ours: list[int], others: list[int], durations: list[int]) -> bool:
    """Whether the duration at ``position`` belongs to another drug named before it (all offsets are starts).

    It does when another drug is named after this one's last name before it,
    and either this drug is not named before it at all, or this drug already
    had a duration of its own in between ("Soma since 2011 and Norco since
    2010").  Drugs named together share one ("Soma and Oxycodone for at least
    3 months").
    """
    last_ours = max((p for p in ours if p < position), default=-1)
    last_other = max((p for p in others if p < position), default=-1)
    if last_other <= last_ours:
        return False
    return last_ours < 0 or any(last_ours < d < last_other for d in durations)


def _in_sentence(sentence: str, offset: int, reference: dt.date | None, injury: dt.date | None) -> list[Duration]:
    found = []

    def add(days: int, m: re.Match[str]) -> None:
        if days > 0:
            found.append(Duration(days, m.group(), offset + m.start(), offset + m.end()))

    for m in _FOR_PERIOD.finditer(sentence):
        if not _is_future(sentence, m.start()):
            add(_period_count_value(m.group(1)) * _units()[m.group(2).lower()], m)
    if reference is None:
        return found
    for pattern in (_SINCE, _FIRST_NOTED):
        for m in pattern.finditer(sentence):
            since = parse_period(m.group(1))
            if since is not None and since <= reference:
                add((reference - since).days, m)
    for m in _SPAN.finditer(sentence):
        begun = parse_period(m.group(1))
        ended = parse_period(m.group(2)) if m.group(2) else reference
        if begun is not None and ended is not None and begun <= ended <= reference:
            add((ended - begun).days, m)
    if injury is not None and injury <= reference:
        for m in _SINCE_INJURY.finditer(sentence):
            add((reference - injury).days, m)
    return found


def _period_count_value(text: str) -> int:
    """The count of a period: digits, a word, "a" (one), or the shorter end of a range ("2-3": 2)."""
    first = _RANGE_PARTS.split(text.strip().lower())[0]
    if first.isdigit():
        return int(first)
    if first in language.words("time.period.articles"):
        return 1
    return _counts().get(first, 0)


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
