"""What the letter says about its case: header fields, the patient and the reviewer.

The grammar says where things are; this module reads what they say: the
``Label: value`` header fields, the patient's age, sex and date of injury as
the letter states them, and the reviewer's specialty and licensure.  Every
value keeps its span in the original file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from functools import lru_cache

from checker.letter.layouts.base import Layout
from checker.model import Field, Letter, LetterDates, Section
from checker.text import language
from checker.text.dates import DATE, parse_date, with_dates
from checker.text.normalise import NormalText
from checker.text.prefilter import lower_in_step, required_literal
from checker.text.stored_patterns import compile_pattern


#: An age, "45" (group 1): ``\b(\d{1,3})``, the word boundary written as a lookbehind after the
#: first digit.  Then the pattern starts with a digit, and the engine skips from digit to digit in
#: C; a pattern that starts with ``\b`` is tried at every place of the text (twice as slow, measured
#: on whole letters).  ``(?<!\w\d)`` there: the character before the first digit is no word character.
AGE_DIGITS = r"(\d(?<!\w\d)\d{0,2})"


def _sex_words() -> str:
    return language.phrase_alternation([*language.phrases("people.sex.male"), *language.phrases("people.sex.female")])


def age_sex_pattern(*, handedness: bool) -> str:
    """An age and the patient's sex, "45-year-old male", "45 yo M": group 1 the age, group 2 the sex word.

    Words may stand between them ("Hispanic male"); the case summary may also
    name handedness there ("right-handed male"), which restatements held
    against it (facts/conflicts.py) do not take (``handedness=False``).  A
    sex letter ("M", "F") counts only straight after the age, in capitals.
    """
    units = language.phrase_alternation([*language.phrases("people.age.units"), *language.phrases("people.age.abbreviations")])
    between = language.alternation("people.age.descriptors")
    if handedness:  # "right-handed" or "right handed"
        hands = language.alternation("people.age.handedness", gap=r"[\s-]", hyphens=True)
        between = f"(?:{between}|{hands})"
    letters = language.phrase_alternation([*language.phrases("people.sex_letters.male"), *language.phrases("people.sex_letters.female")])
    old = language.alternation("people.age.old")
    return (rf"{AGE_DIGITS}[\s-]*{units}[\s-]*{old}?,?\s+"
            rf"(?:(?:{between}\s+)?({_sex_words()})\b|((?-i:{letters}))(?![\w/]))")


def sex_age_pattern() -> str:
    """The sex, then the age: "female, age 52", "a male aged 45": group 1 the sex word, group 2 the age."""
    return rf"\b({_sex_words()}),?\s+{language.alternation('people.age.labels')}\s+(\d{{1,3}})\b"


def titled_name_pattern() -> str:
    """A title and the name after it, "Mr. Halvorsen": group 1 the title, group 2 the name."""
    titles = [t for sex in ("male", "female") for t in language.phrases(f"people.titles.{sex}")]
    written = "|".join(re.escape(t.rstrip(".")) + r"\.?" for t in sorted(titles, key=len, reverse=True))
    return rf"\b((?-i:{written}))\s+([A-Z][a-z]+(?:[-'][A-Z][a-z]+)?)\b"


def sex_of(word: str) -> str:
    """``male`` or ``female`` for a sex word of ``people.sex`` ("gentleman" -> male), a letter ("M") or a title ("Mrs.")."""
    low = word.lower().rstrip(".")
    male = {w.rstrip(".") for w in language.words("people.sex.male") | language.words("people.sex_letters.male")
            | language.words("people.titles.male")}
    return "male" if low in male else "female"


def age_and_sex(match: re.Match[str]) -> tuple[int, str]:
    """The age and sex an :func:`age_sex_pattern` match states."""
    return int(match.group(1)), sex_of(match.group(2) or match.group(3))


_AGE_SEX = language.lazy(lambda: age_sex_pattern(handedness=True), re.I)
_SEX_AGE = language.lazy(sex_age_pattern, re.I)
TITLED_NAME = language.lazy(titled_name_pattern)
_AGE_ONLY = language.lazy(
    lambda: rf"{AGE_DIGITS}[\s-]*{language.alternation('people.age.units')}[\s-]*{language.alternation('people.age.old')}\b", re.I
)


@lru_cache(maxsize=1)
def injury_phrases() -> list[language.LazyRegex]:
    """Where a case summary states the date of injury, the date in group 1.

    Language patterns (:class:`~checker.text.language.LazyRegex`): in the
    long stretches of a summary around injury cues, one is tried only where
    its plain beginning occurs ("date of injury", "injured").
    """
    return with_dates(*language.patterns("dates.injury_date"))


_INJURY_CUE = language.lazy(lambda: language.alternation("dates.injury_date_cues"), re.I)
#: The same cues in lower case, searched with case in a text's lower case (``prefilter.lower_in_step``):
#: about three times as fast.  Only for cues without regular expressions, which are not lower-cased.
_INJURY_CUE_LOWER = language.lazy(lambda: language.alternation("dates.injury_date_cues", lower=True))
#: How far from a cue an injury phrase may reach (the longest is a date, a verb and sixty characters).
_INJURY_REACH = 250


@lru_cache(maxsize=16)
def injury_date_matches(text: str) -> tuple[tuple[int, re.Match[str]], ...]:
    """(index of the pattern, match) of every injury-date phrase in ``text``: pattern by pattern, in text order.

    Remembered for the last few texts: the case summary is read for the
    patient's injury date, and again for the dates the letter restates.

    Every phrase holds a cue word (``dates.injury_date_cues``), so the phrases
    are run only on the text around the cues: from the last white space at
    least ``_INJURY_REACH`` characters before a cue to the first line or
    sentence end at least as many characters after it (a date is never cut);
    windows that touch are merged.
    """
    windows: list[list[int]] = []
    for cue in _injury_cues(text):
        low = text.rfind(" ", 0, max(0, cue.start() - _INJURY_REACH)) + 1
        stop = _WINDOW_END.search(text, min(len(text), cue.end() + _INJURY_REACH))
        high = stop.start() if stop else len(text)
        if windows and low <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], high)
        else:
            windows.append([low, high])
    return tuple(
        (index, m)
        for index, pattern in enumerate(injury_phrases())
        for low, high in windows
        for m in pattern.finditer(text, low, high)
    )


def _injury_cues(text: str) -> Iterator[re.Match[str]]:
    """The injury cues of ``text`` (:data:`_INJURY_CUE`), found in its lower case where that lines up with it."""
    lowered = lower_in_step(text)
    if lowered is None or language.patterns("dates.injury_date_cues"):
        return _INJURY_CUE.finditer(text)
    return _INJURY_CUE_LOWER.finditer(lowered)


#: Where a window of text around an injury cue may end: a line break, or a sentence end before a capital.
_WINDOW_END = re.compile(r"\n|[.;]\s+(?=[A-Z])")


def _reviewer_words(name: str, *, gap: str = r"\s+", hyphens: bool = False) -> str:
    """An alternation of ``people.reviewer.<name>``: how the prose states the reviewer's qualifications."""
    return language.alternation(f"people.reviewer.{name}", gap=gap, hyphens=hyphens)


def _specialty_end() -> str:
    """Where a specialty ends: a comma, period or semicolon, or "and [is] licensed/has/holds" after it."""
    join, verb, claim = _reviewer_words("joining"), _reviewer_words("linking_verbs"), _reviewer_words("next_claim")
    return rf"(?=,|\.|;|\s+{join}\s+(?:{verb}\s+)?{claim}\b)"


def _board_certified() -> str:
    """A board certification and its specialty, then perhaps a subspecialty certification and its own.

    "board certified in Internal Medicine, and has a subspecialty certification in Pain Medicine":
    group 1 the specialty, group 2 the subspecialty.
    """
    field, end = _reviewer_words("field"), _specialty_end()
    name = r"([A-Z][\w&/()\s-]*?)"
    specialty = rf"{name}{end}"
    board = _reviewer_words("board_certified", gap=r"[\s-]+", hyphens=True)
    holding = (
        rf",?\s+(?:{_reviewer_words('joining')}\s+)?{_reviewer_words('holding')}\s+(?:{_reviewer_words('article')}\s+)?"
        rf"{_reviewer_words('subspecialty')}\s+{field}\s+"
    )
    # The first specialty also ends where the second is introduced without a comma ("Neurology with a subspecialty in").
    first = rf"{name}(?:{end}|(?={holding}))"
    return rf"{board}\s+{field}\s+{first}(?:{holding}{specialty})?"


def _licensed() -> str:
    """A licence and its state, one or two capitalised words: "licensed to practice in the state of New York"."""
    return rf"{_reviewer_words('licensed')}\s+([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)"


_BOARD_CERTIFIED = language.lazy(_board_certified, re.I)
_LICENSED = language.lazy(_licensed)


def read_case(letter: Letter, layout: Layout) -> None:
    """Fill header fields (labels as the layout's grammar names them), patient and reviewer into ``letter``."""
    normal = letter.normal
    if normal is None:
        return
    if layout.field_label is not None:
        _header_fields(letter, normal, layout.field_label)
    letter.dates = read_dates(letter)
    _patient(letter, normal)
    _reviewer(letter, normal)


def read_dates(letter: Letter) -> LetterDates:
    """The dates the letter states: the request and the UR decision as the case summary dates them, and the header's.

    The header fields that date the UR decision, the application and the IMR
    decision are named in ``dates.header_dates``; when several fields date
    the UR decision, the earliest counts, and the summary's UR date is read
    only when no field dates it.
    """
    summary = letter.section("summary")
    found = {role: _header_dates(letter, role) for role in ("ur_decision", "application", "decision")}
    ur_decision = min(found["ur_decision"], default=None)
    return LetterDates(
        request=_summary_date(summary, "dates.request_date"),
        ur_decision=ur_decision or _summary_date(summary, "dates.ur_decision_date"),
        application=next(iter(found["application"]), None),
        decision=next(iter(found["decision"]), None),
    )


def _header_dates(letter: Letter, role: str) -> list[dt.date]:
    """The dates of the header fields that ``dates.header_dates.<role>`` names, in the header's order."""
    wanted = language.words(f"dates.header_dates.{role}")
    return [d for d in (_date_in(f.value) for f in letter.header if f.label.lower() in wanted) if d]


def _header_field(letter: Letter, key: str) -> Field | None:
    """The header field of the first label at ``key`` that the header has (the labels are tried in order)."""
    return next((f for f in map(letter.header_value, language.phrases(key)) if f is not None), None)


def _summary_date(summary: Section | None, key: str) -> dt.date | None:
    """The date the first of the ``key`` patterns finds in the case summary.

    A pattern whose plain words the summary lacks ("request for
    authorization", "utilization review") cannot match, and is not searched.
    """
    if summary is None:
        return None
    lowered = lower_in_step(summary.text)
    for pattern, needs in _date_patterns(key):
        if lowered is not None and needs is not None and needs not in lowered:
            continue
        m = pattern.search(summary.text)
        date = parse_date(m.group(1)) if m else None
        if date:
            return date
    return None


@lru_cache(maxsize=None)
def _date_patterns(key: str) -> list[tuple[language.LazyRegex, str | None]]:
    """The ``key`` patterns (language patterns: tried only where they can begin), each with the plain text
    every match holds (``prefilter.required_literal``)."""
    return [(pattern, required_literal(pattern.pattern, re.I)) for pattern in with_dates(*language.patterns(key))]


def _date_in(value: str) -> dt.date | None:
    m = DATE.search(value)
    return parse_date(m.group()) if m else None


def _header_fields(letter: Letter, normal: NormalText, labels: re.Pattern[str]) -> None:
    """Every ``Label: value`` field line of the letter, split when several share a line.

    A field line starts with a label; only those lines are searched for the
    labels after the first.
    """
    text = normal.text
    # Searched after a line break ("\n" + text), which the engine skips to, rather than at every
    # place for "^": the break found at i there is the start of a line at i in the text.
    for first in _line_starting_with(labels).finditer("\n" + text):
        start = first.start()
        end_of_line = text.find("\n", start)
        line = text[start : end_of_line if end_of_line >= 0 else len(text)]
        found = list(labels.finditer(line))
        for i, m in enumerate(found):
            end = found[i + 1].start() if i + 1 < len(found) else len(line)
            value = line[m.end() : end].strip()
            label = re.sub(r"\s+", " ", m.group(1))
            field = line[m.start() : end].rstrip()
            letter.header.append(Field(label, value, normal.span(start + m.start(), start + m.start() + len(field))))


@lru_cache(maxsize=8)
def _line_starting_with(labels: re.Pattern[str]) -> re.Pattern[str]:
    """The line break before each line whose first words are a field label (``labels`` is
    :attr:`Layout.field_label`)."""
    return compile_pattern(rf"\n(?=[ \t]*(?:{labels.pattern}))", labels.flags)


def _patient(letter: Letter, normal: NormalText) -> None:
    summary = letter.section("summary")
    patient = letter.patient
    if summary is not None:
        _age_and_sex(patient, summary.text, summary.body_start, normal)
    field = _header_field(letter, "dates.header_dates.injury")
    if field is not None:
        m = DATE.search(field.value)
        if m and parse_date(m.group()):
            patient.injury_date = parse_date(m.group())
            patient.injury_date_span = field.span
            return
    if summary is not None:
        tried: set[int] = set()
        for index, m in injury_date_matches(summary.text):
            if index in tried:
                continue  # each pattern's first match only, as a search would find it
            tried.add(index)
            if parse_date(m.group(1)):
                patient.injury_date = parse_date(m.group(1))
                start = summary.body_start + m.start(1)
                patient.injury_date_span = normal.span(start, summary.body_start + m.end(1))
                return


def _age_and_sex(patient, text: str, offset: int, normal: NormalText) -> None:
    """The first age and sex the summary states ("45-year-old male", "45 yo M", "female, age 52"), else its age
    alone; the sex then from the title of the first name it gives ("Mrs. Nakamura is a 61 year-old cook")."""
    found = [(m.start(), m, "age-sex") for m in [_AGE_SEX.search(text)] if m]
    found += [(m.start(), m, "sex-age") for m in [_SEX_AGE.search(text)] if m]
    if found:
        _, m, kind = min(found, key=lambda f: f[0])
        if kind == "age-sex":
            patient.age, patient.sex = age_and_sex(m)
        else:
            patient.age, patient.sex = int(m.group(2)), sex_of(m.group(1))
        patient.age_span = normal.span(offset + m.start(), offset + m.end())
    else:
        m = _AGE_ONLY.search(text)
        if m:
            patient.age = int(m.group(1))
            patient.age_span = normal.span(offset + m.start(), offset + m.end())
    titled = TITLED_NAME.search(text)
    if titled:
        patient.name = titled.group(2)
        if patient.sex is None:
            patient.sex = sex_of(titled.group(1))


def _reviewer(letter: Letter, normal: NormalText) -> None:
    reviewer = letter.reviewer
    licensure = _header_field(letter, "people.reviewer.header_fields.licensure")
    specialty = _header_field(letter, "people.reviewer.header_fields.specialty")
    if licensure is not None and licensure.value:
        reviewer.licensure = licensure.value.strip(" .")
        reviewer.span = licensure.span
    if specialty is not None and specialty.value:
        reviewer.specialty = specialty.value.strip(" .")
        reviewer.span = reviewer.span or specialty.span
    for kind in ("how", "qualifications"):
        section = letter.section(kind)
        if section is None:
            continue
        m = _BOARD_CERTIFIED.search(section.text)
        if m and reviewer.specialty is None:
            reviewer.specialty = m.group(1).strip()
            if m.group(2):
                reviewer.specialty += f" ({m.group(2).strip()})"
            reviewer.span = normal.span(section.body_start + m.start(), section.body_start + m.end())
        m = _LICENSED.search(section.text)
        if m and reviewer.licensure is None:
            reviewer.licensure = m.group(1)
