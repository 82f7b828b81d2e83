"""Read a treatment request line with ``grammar/request.lark``.

"OXYCODONE 20 MG ONE TAB PO Q 8 HOURS PRN # 60 FOR BREAKTHROUGH PAIN" becomes
a :class:`Request` with drug ``oxycodone``, strength ``20 mg``, frequency
``every 8 hours as needed`` (3 doses a day) and quantity 60.  The grammar
splits the line into parts; this module turns each part into a value.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lark import Token, Tree
from lark.exceptions import LarkError

from checker.letter.grammars import parser
from checker.knowledge.lexicon import Lexicon, default_lexicon
from checker.model import Request
from checker.text import language

_INTERVAL = language.lazy(
    lambda: rf"^{language.alternation('frequencies.intervals.every', lower=True)}\s*(\d+)(?:\s*-\s*(\d+))?\s*"
    rf"{language.alternation('frequencies.intervals.hours', lower=True)}$"
)
_PRN = language.lazy(lambda: rf"^{language.alternation('frequencies.as_needed', lower=True)}$")
_COUNT_NOUN = language.lazy(lambda: rf"\s*({language.alternation('numbers.count_nouns')})$", re.I)
_PURPOSE = language.lazy(lambda: rf"^{language.alternation('context.purpose.request_line', gap=' ')}\s+", re.I)


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


def words_to_number(text: str) -> int | None:
    """``"ninety"`` -> 90, ``"one hundred twenty"`` -> 120, ``"120"`` -> 120."""
    text = text.strip().lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return int(float(text))
    numbers, multipliers = language.number_words(), language.table("numbers.multipliers")
    total = current = 0
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
    return total + current if seen else None


def parse_request(text: str, lexicon: Lexicon | None = None) -> Request:
    """Parse one request line; a line the grammar cannot split keeps just its name."""
    lexicon = lexicon or default_lexicon()
    request = Request(text=text)
    try:
        tree = parser("request", "request").parse(_protect_numbered_names(text, lexicon))
    except LarkError:
        tree = None
    if tree is not None:
        _fill(request, tree, text)
    else:
        request.name = text
    _identify_drug(request, lexicon)
    return request


def _protect_numbered_names(text: str, lexicon: Lexicon) -> str:
    """Keep the "#3" of "Tylenol #3" out of the quantity (same length, so positions hold)."""
    for name in lexicon.numbered_names():
        pattern = re.escape(name).replace(r"\ ", r"\s*").replace("\\#", "#").replace("#", r"\s*#\s*")
        text = re.sub(pattern, lambda m: m.group().replace("#", "N"), text, flags=re.I)
    return text


def _fill(request: Request, tree: Tree, text: str) -> None:
    frequencies: list[str] = []
    extras: list[str] = []
    for node in tree.children:
        if not isinstance(node, Tree):
            continue
        if node.data == "name":
            tokens = list(node.scan_values(lambda v: isinstance(v, Token)))
            request.name = text[tokens[0].start_pos : tokens[-1].end_pos]  # as written
        elif node.data == "tail":
            for part in node.children:
                if isinstance(part, Token):
                    extras.append(str(part))
                    continue
                value = _joined(part)
                kind = part.data
                if kind == "strength" and request.strength is None:
                    _set_strength(request, value)
                elif kind == "quantity" and request.quantity is None:
                    request.quantity = _first_int(value)
                elif kind == "count" and request.quantity is None:
                    request.quantity = words_to_number(_COUNT_NOUN.sub("", value))
                elif kind == "days" and request.days_supply is None:
                    request.days_supply = _first_int(value)
                elif kind == "refills" and request.refills is None:
                    request.refills = _refill_count(value)
                elif kind == "frequency":
                    frequencies.append(value)
                elif kind == "form" and request.form is None:
                    request.form = value.lower()
                elif kind == "purpose" and request.purpose is None:
                    request.purpose = _PURPOSE.sub("", value).strip()
    _set_frequency(request, frequencies)


def _joined(node: Tree) -> str:
    return " ".join(str(t) for t in node.scan_values(lambda v: isinstance(v, Token)))


def _first_int(text: str) -> int | None:
    m = re.search(r"\d+(?:\.\d+)?", text)
    return int(float(m.group())) if m else None


def _refill_count(text: str) -> int | None:
    m = re.search(r"\d+", text)
    if m:
        return int(m.group())
    numbers = language.number_words()
    for word in re.findall(r"[A-Za-z]+", text.lower()):
        if word in numbers:
            return numbers[word]
    return None


def _set_strength(request: Request, value: str) -> None:
    """Normalise ``350 MG`` -> ``350 mg`` and ``10mg-325mg`` -> ``10/325 mg``."""
    compact = value.replace(" ", "").replace("\t", "")
    unit_match = re.search(r"(mg/ml|mcg/hr?|mcg/h|mg/hr|mg|mcg|µg|gm|g|ml|%|units?|iu)$", compact, re.I)
    unit = unit_match.group(1).lower() if unit_match else "mg"
    if unit in ("mcg/h", "mcg/hr"):
        unit = "mcg/hr"
    numbers = re.findall(r"\d+(?:\.\d+)?", compact)
    values = tuple(float(n) for n in numbers)
    shown = "/".join(_plain_number(n) for n in numbers)
    request.strength = f"{shown}%" if unit == "%" else f"{shown} {unit}"
    request.strength_values = values
    request.strength_unit = unit


def _plain_number(text: str) -> str:
    value = float(text)
    return str(int(value)) if value.is_integer() else text


def _set_frequency(request: Request, parts: list[str]) -> None:
    """Describe the sig: keep standard abbreviations, spell out intervals, note PRN."""
    main: str | None = None
    for raw in parts:
        text = re.sub(r"\s+", " ", raw.strip().lower())
        if _PRN.match(text):
            request.as_needed = True
            continue
        if main is not None:
            continue
        abbreviation = text.replace(".", "").upper()
        if abbreviation in _abbreviations():
            main, request.doses_per_day = abbreviation, _abbreviations()[abbreviation]
            continue
        interval = _INTERVAL.match(text)
        if interval:
            hours = int(interval.group(1))
            main = f"every {interval.group(1)}" + (f"-{interval.group(2)}" if interval.group(2) else "") + " hours"
            request.doses_per_day = 24 / hours if hours else None
            continue
        if text in _word_frequencies():
            main, request.doses_per_day = _word_frequencies()[text]
    if main and request.as_needed:
        request.frequency = f"{main} as needed"
    elif main:
        request.frequency = main
    elif request.as_needed:
        request.frequency = "as needed"


def _identify_drug(request: Request, lexicon: Lexicon) -> None:
    """Find the drug in the treatment name (or anywhere in the line, failing that)."""
    for text in (request.name, request.text):
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
