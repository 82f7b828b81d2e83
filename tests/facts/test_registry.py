"""The fact registry: declarations, types, path lookup with suggestions (checker/facts/registry.py)."""

from __future__ import annotations

import pytest

from checker.facts.registry import (
    ITEM,
    LETTER,
    RECORDS,
    FactType,
    UnknownFact,
    as_type,
    declared,
    lookup,
)
from checker.model import Span

ROOTS = {"item": FactType("record", record=ITEM), "letter": FactType("record", record=LETTER)}
KEYS = {"concept": {"functional-improvement", "spasm"}}


def test_every_fact_has_a_doc_a_function_and_a_known_scope():
    facts = declared()
    assert len(facts) > 60
    for name, fact in facts.items():
        assert fact.scope in ("item", "letter") and fact.doc and callable(fact.compute), name
        assert (ITEM if fact.scope == "item" else LETTER).fields[fact.field].type == fact.type


def test_types_read_from_declarations():
    page = RECORDS["page"]
    assert as_type(int | None) == FactType("int", optional=True)
    assert as_type(list[page]).of.record is page
    assert (page | None).optional and (page | None).spanned
    assert as_type(list[str | None]).describe() == "list of (text or null)"
    with pytest.raises(TypeError):
        as_type(int | str)


def test_type_problems_catch_a_drifted_record():
    page = FactType("record", record=RECORDS["page"])
    good = {"_text": "24", "_span": Span(1, 1, 1, 3), "number": 24, "kind": "admin", "source": "MTUS", "edition": "2009",
            "guideline": "cpmtg", "decided_by": "dates", "guideline_id": "cpmtg-2009", "has_map": True,
            "mtus_2009": True, "in_guideline": True, "last_page": 127, "topics": [], "topic": None,
            "topic_title": None, "covers_item": None, "in_guideline_lines": True}
    assert page.problems(good, "p") == []
    drifted = {**good, "number": "24", "colour": "red"}
    del drifted["kind"]
    found = page.problems(drifted, "p")
    assert "p.colour: not a declared field of `page`" in found
    assert any(p.startswith("p.number: '24' is not int") for p in found)
    assert any(p.startswith("p.kind: null") for p in found)
    assert FactType("int").problems(True, "x")  # a bool is not an int


@pytest.mark.parametrize(
    "path,suggestion",
    [
        ("item.aproved", "item.approved"),
        ("item.duraton_days", "item.duration_days"),
        ("itme.drug", "item.drug"),
        ("item.amount_not_specified.stated.wher", "item.amount_not_specified.stated.where"),
        ("item.concepts.spasms", "item.concepts.spasm"),
    ],
)
def test_lookup_suggests_the_closest_declared_name(path, suggestion):
    with pytest.raises(UnknownFact, match=rf"did you mean {suggestion}\?"):
        lookup(path, ROOTS, KEYS)


def test_lookup_gives_the_type_of_a_path():
    assert lookup("item.concepts.spasm", ROOTS, KEYS).type.spanned
    assert lookup("item.cited_pages", ROOTS, KEYS).type.of.record is RECORDS["page"]
    assert lookup("letter.patient.injury_date", ROOTS, KEYS).type.describe() == "date or null"
    assert lookup("letter.suppressions", ROOTS, KEYS).stage == "suppressions"



_LISTING = (
    "import sys\n"
    "for module in sys.argv[1:]:\n"
    "    __import__(module)\n"
    "from checker.facts.registry import ITEM, declared\n"
    "print(list(declared()), list(ITEM.fields))\n"
)


@pytest.mark.parametrize("first", [[], ["checker.facts.consistency", "checker.facts.citations"], ["checker.letter.layouts.format3"]])
def test_the_facts_are_listed_in_the_same_order_whatever_was_imported_first(first):
    """docs/rules.md and every listing of facts come out the same whichever module a program imported first."""
    import subprocess
    import sys

    def listing(modules: list[str]) -> str:
        run = subprocess.run([sys.executable, "-c", _LISTING, *modules], capture_output=True, text=True, check=True)
        return run.stdout

    assert listing(first) == listing(["checker.facts.problems"])
