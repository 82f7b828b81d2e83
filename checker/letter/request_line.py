"""Read a treatment request line with ``grammar/request.lark``.

"OXYCODONE 20 MG ONE TAB PO Q 8 HOURS PRN # 60 FOR BREAKTHROUGH PAIN" becomes
a :class:`Request` with drug ``oxycodone``, strength ``20 mg``, frequency
``every 8 hours as needed`` (3 doses a day) and quantity 60.  The grammar
splits the line into parts; this module turns each part into a value.
"""

from __future__ import annotations

import re

from lark import Token, Tree
from lark.exceptions import LarkError

from checker.letter.grammars import parser
from checker.knowledge.lexicon import Lexicon, default_lexicon
from checker.model import Request

_NUMBER_WORDS = {
    "zero": 0, "no": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}

# Standard sig abbreviations: how many doses a day each means.
_ABBREVIATIONS = {
    "BID": 2.0, "TID": 3.0, "QID": 4.0, "QD": 1.0, "QHS": 1.0, "HS": 1.0, "QAM": 1.0, "QPM": 1.0,
}
_WORD_FREQUENCIES = [
    (re.compile(r"^(?:daily|once (?:a|per) day|nightly)$"), "daily", 1.0),
    (re.compile(r"^at bedtime$"), "QHS", 1.0),
    (re.compile(r"^(?:twice (?:a|per) day|twice daily|two times (?:a|per) day)$"), "BID", 2.0),
    (re.compile(r"^three times (?:a|per) day$"), "TID", 3.0),
    (re.compile(r"^four times (?:a|per) day$"), "QID", 4.0),
]
_INTERVAL = re.compile(r"^(?:every|q)\s*(\d+)(?:\s*-\s*(\d+))?\s*(?:hours?|hrs?|h)$")
_PRN = re.compile(r"^(?:p\.?r\.?n\.?|as needed)$")


def words_to_number(text: str) -> int | None:
    """``"ninety"`` -> 90, ``"one hundred twenty"`` -> 120, ``"120"`` -> 120."""
    text = text.strip().lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return int(float(text))
    total = current = 0
    seen = False
    for word in re.split(r"[\s-]+", text):
        if word == "and" or not word:
            continue
        if word == "hundred":
            current = max(current, 1) * 100
        elif word in _NUMBER_WORDS:
            current += _NUMBER_WORDS[word]
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
                    request.quantity = words_to_number(re.sub(r"(?i)\s*(count|ct\.?|tablets|tabs|capsules|caps|pills|patches)$", "", value))
                elif kind == "days" and request.days_supply is None:
                    request.days_supply = _first_int(value)
                elif kind == "refills" and request.refills is None:
                    request.refills = _refill_count(value)
                elif kind == "frequency":
                    frequencies.append(value)
                elif kind == "form" and request.form is None:
                    request.form = value.lower()
                elif kind == "purpose" and request.purpose is None:
                    request.purpose = re.sub(r"(?i)^(?:for|to treat)\s+", "", value).strip()
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
    for word in re.findall(r"[A-Za-z]+", text.lower()):
        if word in _NUMBER_WORDS:
            return _NUMBER_WORDS[word]
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
        if abbreviation in _ABBREVIATIONS:
            main, request.doses_per_day = abbreviation, _ABBREVIATIONS[abbreviation]
            continue
        interval = _INTERVAL.match(text)
        if interval:
            hours = int(interval.group(1))
            main = f"every {interval.group(1)}" + (f"-{interval.group(2)}" if interval.group(2) else "") + " hours"
            request.doses_per_day = 24 / hours if hours else None
            continue
        for pattern, name, doses in _WORD_FREQUENCIES:
            if pattern.match(text):
                main, request.doses_per_day = name, doses
                break
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
