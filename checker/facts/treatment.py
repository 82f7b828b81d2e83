"""Facts: what treatment the item requests, and where the guideline covers it.

The request line is parsed by ``checker.letter.request_line``; here it meets
the drug lexicon (generic name, class, morphine-equivalent factors) and the
page map (the item's topic and its pages), which the citation, duration and
quote facts build on (:func:`drug_of` and :func:`topic_of`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from checker.facts.durations import supply_days
from checker.facts.records import PASSAGE, Record, passage
from checker.facts.registry import fact
from checker.facts.scope import ItemFacts
from checker.knowledge.guideline import Topic
from checker.knowledge.lexicon import Drug
from checker.model import Request


def drug_of(scope: ItemFacts) -> Drug | None:
    """The lexicon entry of the item's drug (shared: several facts need it)."""
    generic = scope.item.request.drug
    return scope.knowledge.lexicon.get(generic) if generic else None


def topic_of(scope: ItemFacts) -> Topic | None:
    """The item's page-map topic: its drug's, else a non-drug treatment named by a topic."""
    guideline = scope.knowledge.guideline
    drug = scope.shared(drug_of)
    if drug is not None:
        return guideline.topic(drug.topic)
    name = scope.item.request.name or scope.item.request_text
    return guideline.topic_named(name) if name else None


@fact("item.request", PASSAGE, "the request text as the item heading gives it")
def request(scope: ItemFacts) -> Record:
    return passage(scope.item.request_text, scope.item.request_span)


def _from_request(read: Callable[[Request], Any]) -> Callable[[ItemFacts], Any]:
    return lambda scope: read(scope.item.request)


# One line each: facts read straight off the parsed request line.
for _name, _kind, _read, _doc in (
    ("drug", str | None, lambda r: r.drug, "generic drug name (`carisoprodol` for Soma or Carsoprodol); null for a non-drug"),
    ("drug_class", str | None, lambda r: r.drug_class, "drug class from the lexicon (`muscle relaxant (sedating)`)"),
    ("drug_as_written", str | None, lambda r: r.drug_as_written, "the drug name as the request line writes it (`Carsoprodol`)"),
    ("strength", str | None, lambda r: r.strength, "strength as written, normalised (`10/325 mg`)"),
    ("quantity", int | None, lambda r: r.quantity, "quantity requested (`#120`, `Qty 50`, `ninety count`)"),
    ("days_supply", int | None, lambda r: r.days_supply, "days supply the request line states (`50 Day`)"),
    ("doses_per_day", float | None, lambda r: r.doses_per_day,
     "doses a day from the sig (`TID`: 3, `three times daily`: 3, `q4-6h`: 6, `every 72 hours`: 1/3), capped by a "
     "stated maximum (`not to exceed 4 tablets per day`)"),
    ("frequency", str | None, lambda r: r.frequency, "the sig in words (`every 8 hours as needed`)"),
    ("tablets_per_dose", float | None, lambda r: r.tablets_per_dose,
     "tablets (capsules, patches) a dose as written (`2 tabs`: 2, `1-2 tabs`: 2, `1/2 tab`: 0.5); null when not written"),
    ("refills", int | None, lambda r: r.refills, "refills the request line states (`with No Refills`: 0, `RF x1`: 1)"),
    ("med", float | None, lambda r: r.med,
     "daily oral morphine-equivalent dose of an opioid: its mg a tablet (the opioid's part of a combination, "
     "`APAP/Codeine 300/30`: 30) x tablets a dose x doses a day x the CDC factor; a patch: mcg/hr x 2.4; "
     "null when a part is missing (`item.med_formula` says which)"),
    ("med_formula", str | None, lambda r: r.med_formula,
     "how `item.med` was computed (`10 mg x 2 tablets x 4 a day x 1.5 = 120`), or `unknown: ...` and what is missing; "
     "null for a non-opioid"),
):
    fact(f"item.{_name}", _kind, _doc)(_from_request(_read))
del _name, _kind, _read, _doc


@fact("item.strength_mg", float | None, "the first strength in mg (`10` for `10/325 mg`); null in other units")
def strength_mg(scope: ItemFacts) -> float | None:
    r = scope.item.request
    return r.strength_values[0] if r.strength_values and r.strength_unit == "mg" else None


@fact("item.supply_days", int | None, "days the supply lasts: the days supply, else quantity / doses a day")
def item_supply_days(scope: ItemFacts) -> int | None:
    r = scope.item.request
    return supply_days(r.days_supply, r.quantity, r.doses_per_day)


@fact(
    "item.med_source",
    str | None,
    "the table `item.med`'s factor comes from (`CDC 2016`, `CDC MME conversion file`), `none` for an opioid without "
    "a factor (buprenorphine); null for a drug that is no opioid",
)
def med_source(scope: ItemFacts) -> str | None:
    drug = scope.shared(drug_of)
    return drug.mme_source if drug is not None else None


def _from_topic(read: Callable[[ItemFacts, Topic], Any], missing: Any) -> Callable[[ItemFacts], Any]:
    def compute(scope: ItemFacts) -> Any:
        found = scope.shared(topic_of)
        return read(scope, found) if found else missing()

    return compute


# The item's topic in the page map, and what the map says of it.
for _name, _kind, _read, _missing, _doc in (
    ("topic", str | None, lambda s, t: t.id, lambda: None,
     "the item's page-map topic (`carisoprodol`), from its drug or treatment name"),
    ("topics", list[str], lambda s, t: [p.id for p in s.knowledge.guideline.lineage(t.id)], list,
     "the item's topic with its parents (`[carisoprodol, muscle-relaxants]`)"),
    ("topic_title", str | None, lambda s, t: t.title, lambda: None, "the topic's title in the page map"),
    ("topic_certainty", str | None, lambda s, t: t.certainty, lambda: None,
     "how sure the page map is of the topic's pages: `verified`, `likely`, `unverified`"),
    ("topic_pages", list[int], lambda s, t: sorted(t.pages), list, "the topic's own pages (`[29, 65]`)"),
):
    fact(f"item.{_name}", _kind, _doc)(_from_topic(_read, _missing))
del _name, _kind, _read, _missing, _doc
