"""The request-line table (tests/corpora/request_lines.yaml): drug, strength, quantity, sig and MED, line by line.

Every line was labelled by reading it (the arithmetic of each MED is a comment
on its line).  Fields a reasonable reader could dispute are listed under
``unsure`` and skipped.  ``request.lark`` is held to the reader: every line's
tokens parse with it, and its terminals are the reader's kinds.
"""

from __future__ import annotations

import re
from functools import cache

import pytest
from lark import Lark
from lark import Token as LarkToken
from lark.exceptions import LarkError
from lark.lexer import Lexer

from checker.knowledge.lexicon import default_lexicon
from checker.letter import request_line
from checker.letter.request_line import parse_request
from tests.conftest import ROOT, TESTS, read_yaml

TABLE = read_yaml(TESTS / "corpora" / "request_lines.yaml")
FIELDS = ("drug", "strength", "quantity", "tablets_per_dose", "doses_per_day", "days_supply", "refills", "med")


def _same(want, got) -> bool:
    if isinstance(want, (int, float)) and not isinstance(want, bool) and isinstance(got, (int, float)):
        return abs(float(want) - float(got)) < 0.01  # 0.1 and 0.15 factors, 24/72 doses a day
    return want == got


def test_the_table_is_large_and_covers_every_field():
    assert len(TABLE) >= 150
    for field in FIELDS:
        assert any(entry[field] is not None for entry in TABLE), field
    assert sum(1 for entry in TABLE if entry["med"] is not None) >= 60


def test_every_request_line_reads_as_labelled():
    """Each line of the table, field by field (one pass; every line read wrong is listed with its fields)."""
    known = default_lexicon().drugs
    misread = []
    for entry in TABLE:
        request = parse_request(entry["text"])
        wrong = {}
        for field in FIELDS:
            if field in entry.get("unsure", ()):
                continue
            if field == "drug" and entry["drug"] is not None and entry["drug"] not in known:
                continue  # a drug the lexicon does not list yet: its reading is the lexicon's concern
            if not _same(entry[field], getattr(request, field)):
                wrong[field] = (entry[field], getattr(request, field))
        if wrong:
            misread.append(f"{entry['text']!r}: (expected, read): {wrong}; MED: {request.med_formula}")
    assert not misread, f"{len(misread)} of {len(TABLE)} lines misread:\n" + "\n".join(misread)


def test_few_table_drugs_are_missing_from_the_lexicon():
    known = default_lexicon().drugs
    missing = sorted({e["drug"] for e in TABLE if e["drug"] and e["drug"] not in known and "drug" not in e.get("unsure", ())})
    assert len(missing) <= 4, missing


def test_every_opioid_med_has_its_formula():
    lines = [e["text"] for e in TABLE if e["med"] is not None]
    assert lines
    missing = []
    for line in lines:
        request = parse_request(line)
        if not (request.med_formula and request.med_formula.endswith(f"= {request.med:g}")):
            missing.append(f"{line!r}: MED {request.med}, formula {request.med_formula!r}")
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize(
    "line,why",
    [
        ("Hydrocodone/APAP 10/325 mg, 120 count", "no dose frequency"),
        ("Methadone 10mg #90", "no dose frequency"),
        ("Tylenol #3", "no dose frequency"),
        ("Oxycodone #90 TID", "no strength"),
        ("Norco 325/10 mg TID #90", "cannot be told"),  # a brand written the wrong way round: no guess
        ("Fentanyl patch #10 every 72 hours", "mcg/hr"),
    ],
)
def test_an_opioid_med_is_unknown_when_a_part_is_missing(line, why):
    request = parse_request(line)
    assert request.med is None
    assert request.med_formula.startswith("unknown: ") and why in request.med_formula


@pytest.mark.parametrize("line", ["Soma 350 mg TID #90", "Gabapentin 600 mg TID #90", "Physical therapy 2x6"])
def test_a_non_opioid_has_no_med(line):
    request = parse_request(line)
    assert request.med is None and request.med_formula is None


@pytest.mark.parametrize(
    "line,formula",
    [
        ("Oxycodone 10 mg 2 tabs PO q6h #240", "10 mg x 2 tablets x 4 a day x 1.5 = 120"),
        ("APAP/Codeine 300/30 TID #90", "30 mg codeine x 3 a day x 0.15 = 13.5"),
        ("Tylenol with Codeine #3, one tab q6h prn #60", "30 mg codeine (#3) x 1 tablet x 4 a day x 0.15 = 18"),
        ("Fentanyl 75 mcg/hr patch, change every 72 hours, #10", "75 mcg/hr x 2.4 = 180"),
        ("Methadone 10 mg TID #90", "10 mg x 3 a day = 30 mg a day x 8 (methadone, 21-40 mg a day) = 240"),
    ],
)
def test_the_formula_shows_each_part(line, formula):
    assert parse_request(line).med_formula == formula


# --------------------------------------------------------------------------- the grammar documents the reader
class _ScanLexer(Lexer):
    """Feeds request.lark the reader's own tokens (a purpose word before any detail is part of the name)."""

    def __init__(self, conf) -> None:  # noqa: D401 - lark's interface
        pass

    def lex(self, data, *args):
        text, _ = request_line._protect_product_numbers(data, default_lexicon())
        seen = False
        for token in request_line.scan(text):
            kind = request_line.WORD if token.kind == request_line.PURPOSE and not seen else token.kind
            seen = seen or kind in request_line.DETAILS
            yield LarkToken(kind, token.text, token.start)


GRAMMAR = (ROOT / "checker" / "letter" / "request.lark").read_text(encoding="utf-8")


@cache
def _grammar() -> Lark:
    return Lark(GRAMMAR, start="request", parser="lalr", lexer=_ScanLexer)


def test_request_lark_declares_exactly_the_readers_kinds():
    declared = set(re.findall(r"^%declare\s+(\w+)", GRAMMAR, re.M))
    assert declared == set(request_line.KINDS)


def test_every_line_parses_with_request_lark():
    failed = []
    for entry in TABLE:
        try:
            tree = _grammar().parse(entry["text"])
        except LarkError as error:
            failed.append(f"{entry['text']!r}: {type(error).__name__}: {error}")
            continue
        if tree.data != "request":
            failed.append(f"{entry['text']!r}: parsed as {tree.data}")
    assert not failed, f"{len(failed)} of {len(TABLE)} lines do not parse with request.lark:\n" + "\n".join(failed)
