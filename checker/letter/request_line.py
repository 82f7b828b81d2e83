"""Read a treatment request line: drug, strength, sig, quantity, supply, refills.

"OXYCODONE 20 MG ONE TAB PO Q 8 HOURS PRN # 60 FOR BREAKTHROUGH PAIN" becomes
a :class:`Request` with drug ``oxycodone``, strength ``20 mg``, one tablet a
dose, frequency ``every 8 hours as needed`` (3 doses a day), quantity 60 and
a morphine-equivalent dose of 90 (``checker.knowledge.morphine``).

The syntax is ``request.lark`` (beside this module): a name, then details in
any order.  The details are read by a scanner whose patterns are built from
``rules/language`` (requests.yaml, frequencies.yaml, numbers.yaml): at each
place the longest pattern wins, and what no pattern reads is a word.  Then
the sig is put together: a count of tablets is the dose when a frequency, a
route or "as needed" follows it (or "take"/"apply" precedes it), else the
quantity; the quantity itself comes only from ``#``, ``Qty``, ``dispense``,
"number of tablets", ``count`` or, on a drug, ``x 60``.
"""

from __future__ import annotations

import re
from copy import copy
from dataclasses import dataclass
from functools import lru_cache

from checker.knowledge.lexicon import Lexicon, default_lexicon
from checker.knowledge.morphine import morphine_equivalent
from checker.model import Request
from checker.text import language
from checker.text.prefilter import Dispatch
from checker.text.stored_patterns import compile_pattern

#: Token kinds, as ``request.lark`` declares them.
STRENGTH, AMOUNT, UNITS, QUANTITY, COUNT, DAYS, REFILLS = "STRENGTH", "AMOUNT", "UNITS", "QUANTITY", "COUNT", "DAYS", "REFILLS"
FREQUENCY, TIMES, INTERVAL, AS_NEEDED, MAXIMUM = "FREQUENCY", "TIMES", "INTERVAL", "AS_NEEDED", "MAXIMUM"
ROUTE, FORM, PURPOSE, WORD = "ROUTE", "FORM", "PURPOSE", "WORD"
#: Token kinds that are details of the request (the name is the words before the first).
DETAILS = frozenset({STRENGTH, AMOUNT, UNITS, QUANTITY, COUNT, DAYS, REFILLS, FREQUENCY, TIMES, INTERVAL, AS_NEEDED,
                     MAXIMUM, ROUTE, FORM})
#: Every kind the scanner gives (tests hold request.lark to this list).
KINDS = DETAILS | {PURPOSE, WORD}

_VALUE = r"\d+(?:\.\d+)?"
_VALUE_RE = compile_pattern(_VALUE)
_SLASH = compile_pattern(r"\s*/\s*")
_SEPARATORS = compile_pattern(r"[\s,;()\[\]]+")
_WORD = compile_pattern(r"[^\s,;()\[\]]+")


def _alt(key: str) -> str:
    return language.alternation(key, hyphens=False)


@lru_cache(maxsize=1)
def _spelled() -> str:
    """A number in words ("ninety", "one hundred and twenty"), no groups.

    After its first word a number has at most 1 + 2 words per multiplier
    ("nine hundred ninety nine": three after "nine"); the pattern reads no
    more.  Unbounded, a line of "No No No ..." ("no" is zero) was read to its
    end from every word: quadratic.
    """
    multipliers = language.table("numbers.multipliers")
    word = language.phrase_alternation([*language.number_words(), *multipliers])
    connector = _alt("numbers.connectors")
    more_words = 1 + 2 * len(multipliers)
    return rf"{word}(?:(?:[\s-]+{connector})?[\s-]+{word}){{0,{more_words}}}"


def _count() -> str:
    """Digits or a number in words."""
    return rf"(?:{_VALUE}|{_spelled()})"


def _range(name: str) -> str:
    """A count or a range of counts ("1-2", "4 to 6"), as groups ``name`` and ``name``2."""
    between = _alt("frequencies.intervals.range")
    return rf"(?P<{name}>{_count()})(?:\s*{between}\s*(?P<{name}2>{_count()}))?"


def _end() -> str:
    return r"(?![A-Za-z0-9])"


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(kind, pattern) of every token, in order of preference when two read the same length."""
    units = _alt("requests.strength.units")
    rate = _alt("requests.strength.rate")
    dose_units = _alt("requests.dose_units")
    fractions = language.phrase_alternation(language.table("numbers.fractions"))
    abbreviations = "|".join(
        r"\.?".join(re.escape(letter) for letter in name.lower()) + r"\.?"
        for name in sorted(language.table("frequencies.abbreviations"), key=len, reverse=True)
    )
    phrases = language.phrase_alternation(
        phrase for name in language.section("frequencies.phrases")
        for phrase in language.phrases(f"frequencies.phrases.{name}.phrases")
    )
    per_day = _alt("frequencies.maximum.per_day")
    table = (
        (STRENGTH, rf"(?P<values>{_VALUE}(?:\s*(?:{units}))?(?:\s*[/-]\s*{_VALUE}(?:\s*(?:{units}))?)*)\s*"
                   rf"(?P<unit>{rate}|{units})(?![A-Za-z])"),
        (STRENGTH, rf"(?P<values>{_VALUE}\s*/\s*{_VALUE})(?![/\d])"),  # a bare combination: "10/325"
        (AMOUNT, rf"{_VALUE}\s*{_alt('requests.strength.amounts')}{_end()}"),
        (UNITS, rf"(?:(?P<fraction>{fractions})|{_range('n')})\s*{dose_units}{_end()}"),
        (QUANTITY, rf"#\s*(?P<n>{_VALUE})"),
        (QUANTITY, rf"{_alt('requests.quantity.before')}\s*[:#]?\s*(?P<n>{_count()}){_end()}"),
        (QUANTITY, rf"(?P<times>{_alt('requests.quantity.times')})\s*(?P<n>\d+)(?!\s*(?:{_alt('requests.quantity.not_times')}){_end()})"
                   rf"(?![\d.]*\s*[x/])"),
        (COUNT, rf"(?P<n>{_count()})\s*(?:{_alt('requests.quantity.after')})(?![A-Za-z])"),
        (DAYS, rf"(?P<n>{_count()})\s*-?\s*{_alt('requests.supply.days')}(?P<supply>\s+{_alt('requests.supply.supply')})?{_end()}"),
        (REFILLS, rf"(?:{_alt('requests.refills.with')}\s+)?(?P<n>{_count()})\s+{_alt('requests.refills.words')}{_end()}"),
        (REFILLS, rf"{_alt('requests.refills.words')}\s*[:x#]?\s*(?P<n>\d+){_end()}"),
        (FREQUENCY, rf"(?:{abbreviations}|{phrases}){_end()}"),
        (TIMES, rf"{_range('n')}\s*{_alt('frequencies.times.words')}\s*(?:/\s*|{_alt('frequencies.times.per')}\s+)?"
                rf"{_alt('frequencies.times.day')}{_end()}"),
        (INTERVAL, rf"{_alt('frequencies.intervals.every')}\s*\.?\s*{_range('n')}\s*\.?\s*"
                   rf"(?:(?P<hours>{_alt('frequencies.intervals.hours')})|(?P<days>{_alt('frequencies.intervals.days')}))\.?{_end()}"),
        (AS_NEEDED, rf"{language.alternation('frequencies.as_needed')}{_end()}"),
        (MAXIMUM, rf"{_alt('frequencies.maximum.words')}\s*(?P<n>{_count()})\s*"
                  rf"(?:(?P<units>{dose_units})|(?P<doses>{_alt('frequencies.maximum.doses')}))?\s*{per_day}{_end()}"),
        (ROUTE, rf"{_alt('requests.routes')}{_end()}"),
        (FORM, rf"{_alt('requests.forms')}{_end()}"),
        (PURPOSE, rf"{_alt('context.purpose.request_line')}{_end()}"),
    )
    return tuple((kind, compile_pattern(source, re.I)) for kind, source in table)


@lru_cache(maxsize=1)
def _dispatch() -> Dispatch[str]:
    """The token patterns by the character a token starts with (a strength with a digit, "#60" with "#")."""
    return Dispatch(_patterns())


@dataclass
class Token:
    """One part of a request line: its kind, where it is, and the match that read it (none for a word)."""

    kind: str
    start: int
    end: int
    text: str
    match: re.Match[str] | None = None

    def group(self, name: str) -> str | None:
        """The named group's text; None when it did not take part, or the token's pattern has no such group."""
        if self.match is None or name not in self.match.re.groupindex:
            return None
        return self.match.group(name)


def scan(text: str) -> list[Token]:
    """The line as tokens: at each place the longest pattern (the first of equals), else a word."""
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        gap = _SEPARATORS.match(text, pos)
        if gap:
            pos = gap.end()
            continue
        best: Token | None = None
        for kind, pattern in _dispatch().at(text[pos]):
            m = pattern.match(text, pos)
            if m is None or m.end() <= pos or (best is not None and m.end() <= best.end):
                continue
            token = Token(kind, pos, m.end(), m.group(), m)
            if _fits(text, token):
                best = token
        if best is None:
            word = _WORD.match(text, pos)
            end = word.end() if word else pos + 1
            best = Token(WORD, pos, end, text[pos:end])
        tokens.append(best)
        pos = best.end
    return tokens


def _fits(text: str, token: Token) -> bool:
    """Checks no pattern can say: a token ends between words; a bare "10/325" is not a date or a pain
    score; a count of days is a supply only before the quantity, refills or the end."""
    if token.end < len(text) and text[token.end - 1].isalnum() and text[token.end].isalnum():
        return False  # "x 3" of "x 30 days"
    if token.kind == STRENGTH and token.group("unit") is None:
        first, second = (float(v) for v in _SLASH.split(token.group("values") or ""))
        if second >= 1900 or (second == 10 and first <= 10):
            return False  # "since 11/2014", "pain 7/10"
    if token.kind == DAYS and not token.group("supply"):
        rest = text[token.end :].lstrip()
        return not rest or rest[0] in "#,;)" or bool(_QUANTITY_OR_REFILLS.match(rest))
    return True


_QUANTITY_OR_REFILLS = language.lazy(
    lambda: rf"(?:{_alt('requests.quantity.before')}|{_alt('requests.refills.with')}|\d){_end()}", re.I
)


def words_to_number(text: str) -> int | None:
    """``"ninety"`` -> 90, ``"one hundred twenty"`` -> 120, ``"120"`` -> 120."""
    value = _number(text)
    return int(value) if value is not None else None


@lru_cache(maxsize=4096)
def _number(text: str) -> float | None:
    """The number written in ``text`` (digits, a fraction, number words); remembered (a letter repeats its counts)."""
    text = text.strip().lower()
    if _VALUE_RE.fullmatch(text):
        return float(text)
    fractions = {k.lower(): v for k, v in language.table("numbers.fractions").items()}
    if " ".join(text.split()) in fractions:
        return float(fractions[" ".join(text.split())])
    numbers, multipliers = language.number_words(), language.table("numbers.multipliers")
    current = 0
    seen = False
    for word in re.split(r"[\s-]+", text):
        if word in language.words("numbers.connectors") or not word:
            continue
        if word in multipliers:
            current = max(current, 1) * int(multipliers[word])
        elif word in numbers:
            current += numbers[word]
        else:
            return None
        seen = True
    return float(current) if seen else None


def _counts(token: Token) -> list[float]:
    """A token's count, or both ends of its range ("1-2", "4-6")."""
    return [v for v in (_number(token.group("n") or ""), _number(token.group("n2") or "")) if v is not None]


def _highest(token: Token) -> float | None:
    """A token's count; of a range, the higher end (the most tablets, the most doses)."""
    return max(_counts(token), default=None)


# ------------------------------------------------------------------ the request
#: A request line is read up to this many characters.  Real ones hold under 100; the heading of a damaged
#: file can hold 200,000, and each request pattern is tried at each of its words.
MOST_REQUEST_CHARS = 1_000


#: How many request lines a lexicon keeps read (:attr:`Lexicon.requests_read`), and the longest it keeps.
KEPT_REQUESTS, KEPT_REQUEST_CHARS = 4_096, 300


def parse_request(text: str, lexicon: Lexicon | None = None) -> Request:
    """Read one request line (its first ``MOST_REQUEST_CHARS``); a line with no detail keeps just its name.

    A line read before with the same lexicon is not read again: its request
    is copied (every field is a value, so the copy is the caller's own).
    """
    lexicon = lexicon or default_lexicon()
    if len(text) > KEPT_REQUEST_CHARS:
        return _read_request(text, lexicon)
    kept = lexicon.requests_read
    request = kept.get(text)
    if request is None:
        if len(kept) >= KEPT_REQUESTS:
            kept.clear()
        request = kept[text] = _read_request(text, lexicon)
    return copy(request)


def _read_request(text: str, lexicon: Lexicon) -> Request:
    request = Request(text=text)
    read = text[:MOST_REQUEST_CHARS]
    scanned, request.product_number = _protect_product_numbers(read, lexicon)
    source = _fill(request, scan(scanned), read)
    _identify_drug(request, lexicon)
    if request.drug is None and source == "times":
        request.quantity = None  # "x 4" on a treatment that is not a drug is not a quantity
    request.med, request.med_formula = morphine_equivalent(request, lexicon)
    return request


_PRODUCT_NUMBER = language.lazy(
    lambda: rf"(?<![A-Za-z]){language.alternation('requests.product_number')}\s*(\d)(?!\d)", re.I
)


def _protect_product_numbers(text: str, lexicon: Lexicon) -> tuple[str, int | None]:
    """Keep the "#3" of "Tylenol with Codeine #3" out of the quantity (same length, so positions hold)."""
    number = None
    for match in lexicon.find_all(text):
        numbers = dict(match.drug.product_numbers)
        if not numbers:
            continue  # only a numbered product has a number to protect
        inside = _PRODUCT_NUMBER.compiled.search(text, match.start, match.end)
        found = inside or _PRODUCT_NUMBER.compiled.match(text, len(text) - len(text[match.end :].lstrip()))
        if found and int(found.group(1)) in numbers:
            number = int(found.group(1))
            text = text[: found.start()] + "P" * (found.end() - found.start()) + text[found.end() :]
    return text, number


def _fill(request: Request, tokens: list[Token], text: str) -> str | None:
    """Set the request's parts from its tokens; returns where the quantity came from."""
    first = next((i for i, t in enumerate(tokens) if t.kind in DETAILS), None)
    if first is None:
        request.name = text.strip() or None
        return None
    if first > 0:
        request.name = text[tokens[0].start : tokens[first - 1].end]
    details = tokens[first:]
    explicit = any(t.kind in (QUANTITY, COUNT) for t in details)
    quantities: dict[str, int | None] = {}  # source -> the first quantity it gives
    sig: list[Token] = []
    purpose: list[str] = []
    in_purpose = False
    for i, token in enumerate(details):
        kind = token.kind
        if kind == PURPOSE and not in_purpose:
            in_purpose = True
            continue
        if in_purpose and kind in (WORD, PURPOSE):
            purpose.append(text[token.start : token.end])
            continue
        in_purpose = False
        if kind == STRENGTH and request.strength is None:
            _set_strength(request, token)
        elif kind == UNITS and (dose := _is_dose(details, i, explicit)) is not False:
            if dose and request.tablets_per_dose is None:
                request.tablets_per_dose = _number(token.group("fraction") or "") or _highest(token)
        elif kind in (UNITS, QUANTITY, COUNT):
            source = "units" if kind == UNITS else "times" if token.group("times") else "marker"
            quantities.setdefault(source, _as_int(_highest(token)))
        elif kind == DAYS and request.days_supply is None and not _after_times(tokens, first + i):
            request.days_supply = _as_int(_highest(token))
        elif kind == REFILLS and request.refills is None:
            request.refills = _as_int(_highest(token))
        elif kind in (FREQUENCY, TIMES, INTERVAL, AS_NEEDED, MAXIMUM):
            sig.append(token)
        elif kind == FORM and request.form is None:
            request.form = " ".join(text[token.start : token.end].lower().split())
    if purpose:
        request.purpose = " ".join(purpose)
    _set_sig(request, sig)
    for source in ("marker", "times", "units"):
        if source in quantities:
            request.quantity = quantities[source]
            return source
    return None


def _as_int(value: float | None) -> int | None:
    return int(value) if value is not None else None


def _is_dose(details: list[Token], i: int, explicit: bool) -> bool | None:
    """Is a count of units the dose (True), the quantity (False), or neither that can be told (None)?

    A range or fraction, a count after "take"/"apply", or one a sig or route
    follows, is the dose ("2 tabs PO q6h"); a lone count is the quantity
    ("60 tablets") unless the line states its quantity otherwise.
    """
    token = details[i]
    if token.group("fraction") or token.group("n2"):
        return True
    following = details[i + 1] if i + 1 < len(details) else None
    if following is not None and following.kind in (FREQUENCY, TIMES, INTERVAL, AS_NEEDED, MAXIMUM, ROUTE):
        return True
    if _after_dose_verb(details, i):
        return True
    return None if explicit else False


def _after_dose_verb(details: list[Token], i: int) -> bool:
    return i > 0 and details[i - 1].kind == WORD and details[i - 1].text.lower() in language.words("requests.dose_verbs")


def _after_times(tokens: list[Token], i: int) -> bool:
    """ "x 30 days", "for 30 days": a length of treatment, not a days supply."""
    return i > 0 and tokens[i - 1].kind in (WORD, PURPOSE) and tokens[i - 1].text.lower() in _duration_words()


@lru_cache(maxsize=1)
def _duration_words() -> frozenset[str]:
    return language.words("requests.quantity.times") | language.words("context.purpose.request_line")


def _set_strength(request: Request, token: Token) -> None:
    """``350 MG`` -> ``350 mg``, ``10mg-325mg`` -> ``10/325 mg``, a bare ``10/325`` -> ``10/325 mg``, ``25mcg/h`` -> ``25 mcg/hr``."""
    values = _VALUE_RE.findall(token.group("values") or "")
    unit = " ".join((token.group("unit") or "mg").lower().split())
    if unit in language.words("requests.strength.rate"):
        unit = "mcg/hr"
    shown = "/".join(_plain_number(v) for v in values)
    request.strength = f"{shown}%" if unit == "%" else f"{shown} {unit}"
    request.strength_values = tuple(float(v) for v in values)
    request.strength_unit = unit


def _plain_number(text: str) -> str:
    value = float(text)
    return str(int(value)) if value.is_integer() else text


# ------------------------------------------------------------------ the sig
@lru_cache(maxsize=1)
def _abbreviations() -> dict[str, float]:
    """Sig abbreviation (upper case) -> doses a day (``frequencies.abbreviations``)."""
    return {name.upper(): float(doses) for name, doses in language.table("frequencies.abbreviations").items()}


@lru_cache(maxsize=1)
def _word_frequencies() -> dict[str, tuple[str, float]]:
    """A frequency phrase (lower case, single spaces) -> (name shown, doses a day)."""
    found: dict[str, tuple[str, float]] = {}
    for name in language.section("frequencies.phrases"):
        doses = float(language.entry(f"frequencies.phrases.{name}.doses"))
        for phrase in language.phrases(f"frequencies.phrases.{name}.phrases"):
            found.setdefault(" ".join(phrase.lower().split()), (name, doses))
    return found


def _name_for(doses: float) -> str | None:
    """The name of the phrase with this many doses a day (3: TID)."""
    return next((name for name, count in _word_frequencies().values() if count == doses), None)


def _set_sig(request: Request, sig: list[Token]) -> None:
    """The frequency shown, doses a day and "as needed", capped by a stated maximum."""
    main: str | None = None
    maximum: Token | None = None
    for token in sig:
        written = " ".join(token.text.lower().split())
        if token.kind == AS_NEEDED:
            request.as_needed = True
        elif token.kind == MAXIMUM:
            maximum = maximum or token
        elif main is not None:
            continue
        elif token.kind == FREQUENCY:
            abbreviation = written.replace(".", "").upper()
            if abbreviation in _abbreviations():
                main, request.doses_per_day = abbreviation, _abbreviations()[abbreviation]
            elif written in _word_frequencies():
                main, request.doses_per_day = _word_frequencies()[written]
        elif token.kind == TIMES:
            count = _highest(token)
            if count:
                main = _name_for(count) or f"{_plain_number(str(count))} times a day"
                request.doses_per_day = count
        elif token.kind == INTERVAL:
            shortest, longest = min(_counts(token), default=None), _highest(token)
            if shortest:
                unit = "days" if token.group("days") else "hours"
                span = _plain_number(str(shortest)) + (f"-{_plain_number(str(longest))}" if longest != shortest else "")
                main = f"every {span} {unit}"
                request.doses_per_day = 1 / shortest if unit == "days" else 24 / shortest
    if maximum is not None:
        main = _cap(request, maximum, main)
    if main and request.as_needed:
        request.frequency = f"{main} as needed"
    elif main:
        request.frequency = main
    elif request.as_needed:
        request.frequency = "as needed"


def _cap(request: Request, maximum: Token, main: str | None) -> str | None:
    """A stated maximum a day caps the doses a day ("not to exceed 4 tablets per day": 4 one-tablet doses)."""
    count = _highest(maximum)
    if not count:
        return main
    doses = count / (request.tablets_per_dose or 1) if maximum.group("units") else count
    if request.doses_per_day is None or doses < request.doses_per_day:
        request.doses_per_day = doses
        if main is None:
            main = f"up to {_plain_number(str(doses))} times a day"
    return main


# ------------------------------------------------------------------ the drug
def _identify_drug(request: Request, lexicon: Lexicon) -> None:
    """Find the drug in the treatment name (or anywhere in the line, failing that)."""
    for text in (request.name, request.text[:MOST_REQUEST_CHARS]):
        if not text:
            continue
        match = lexicon.identify(text)
        if match is None:
            continue
        drug = match.drug
        for form, product in drug.form_means:
            if request.form == form and lexicon.get(product):
                drug = lexicon.get(product)
        combined = drug.combination_strength_means
        if combined and len(request.strength_values) > 1 and lexicon.get(combined):
            drug = lexicon.get(combined)
        request.drug = drug.generic
        request.drug_class = drug.drug_class
        request.drug_as_written = match.written
        request.drug_exact = match.exact
        return
