"""Facts: the letter held against itself (fact-conflict and spelling rules).

``checker.facts.conflicts`` finds the candidate disagreements; here they
become facts.  Pronouns, ages, dates of injury and misspellings are found
once per letter (each its own shared analysis) and handed out by place:
records of the case summary to ``letter.*``, those of an item to ``item.*``.
Every record carries the other side as a spanned record too, so a rule can
show both as evidence.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from checker.facts import conflicts
from checker.facts.records import EXCERPT, PASSAGE, STATED, Record
from checker.facts.registry import DateString, RecordType, fact, record
from checker.facts.scope import ItemFacts, LetterFacts


def _amount_conflict(name: str, value: Any, what: str) -> RecordType:
    """The record of a quantity or a strength that disagrees with the rest of the letter."""
    mention = record(
        f"{name}_mention",
        f"a {what} the letter states for the request, at the words that state it",
        spanned=True,
        value=(value, f"the {what}"),
        where=(str, "`item line`, `rationale` or `summary`"),
    )
    return record(
        f"{name}_conflict",
        f"a {what} the item line or rationale states for the request that another part of the letter contradicts",
        spanned=True,
        value=(value, f"the {what} stated here"),
        where=(str, "`item line` or `rationale`"),
        other=(mention, "the first mention that disagrees"),
        others=(list[mention], "every mention that disagrees"),
        other_places=(list[str], "where they are (`summary`, `rationale`)"),
        other_values=(list[value], "the values they give"),
        others_say=(str, "`the summary gives`, `the summary and the rationale give`: for messages"),
    )


#: Where a patient record was found: an item's rationale, or the case summary.
_PLACE = (int | None, "the item whose rationale says it; null: the case summary")

QUANTITY_CONFLICT = _amount_conflict("quantity", int, "quantity")
STRENGTH_CONFLICT = _amount_conflict("strength", str, "strength")
STATED_QUANTITY = record(
    "stated_quantity",
    "a quantity the letter does state for the request",
    spanned=True,
    value=(int | None, "the quantity; null when the letter states none"),
    where=(str | None, "`item line` or `summary`"),
)
AMOUNT_CLAIM = record(
    "amount_claim",
    "the rationale's claim that no amount was specified, at that sentence",
    spanned=True,
    value=(bool, "true when the rationale says no amount was specified"),
    stated=(STATED_QUANTITY, "a quantity the letter does give"),
)
CONCEPT_CONFLICT = record(
    "concept_conflict",
    "the rationale says a concept (marked `conflicts: true` in concepts.yaml) is not documented; the summary documents it",
    spanned=True,
    concept=(str, "the concept id"),
    title=(str, "the concept's title"),
    said=(str, "the rationale's words for it"),
    loose=(bool, "the rationale qualifies it (\"acute\", \"since 2013\") and the summary does not, or denies only what the treater said it was for"),
    other=(PASSAGE, "the summary's mention (value: its words; text: its sentence)"),
)
PRONOUN_CONFLICT = record(
    "pronoun_conflict",
    "a pronoun for the patient that contradicts the stated sex (first occurrence per place)",
    spanned=True,
    value=(str, "the pronoun as written"),
    item=_PLACE,
    stated=(STATED, "the summary's age and sex (value: the sex)"),
    occurrences=(int, "how many such pronouns the place has"),
    others=(list[EXCERPT], "up to three more, each with its sentence"),
    context=(EXCERPT, "the sentence of the first one"),
)
PATIENT_CONFLICT = record(
    "patient_conflict",
    "an age or sex restated in the letter that differs from the case summary's",
    spanned=True,
    value=(str, "as restated: `54-year-old male`"),
    kind=(str, "`age` or `sex`"),
    item=_PLACE,
    stated=(STATED, "the summary's age and sex"),
)
INJURY_DATE_CONFLICT = record(
    "injury_date_conflict",
    "a date of injury that differs from the one the letter states",
    spanned=True,
    value=(DateString, "the differing date"),
    item=_PLACE,
    stated=(STATED, "the date the letter states (value: ISO date)"),
)
MISSPELLING = record(
    "misspelling",
    "a drug name written within a small edit distance of a lexicon name (one per word and item)",
    spanned=True,
    value=(str, "the word as written"),
    suggestion=(str, "the generic name it stands for"),
    in_item_line=(bool, "the first occurrence is in the item line (the request of record)"),
    item=(int | None, "the item it belongs to; null: a case-summary word no item's drug matches"),
    occurrences=(int, "how many times the word occurs there"),
    others=(list[EXCERPT], "up to three further occurrences, each with its sentence"),
)


def _amount_conflicts(scope: ItemFacts) -> tuple[list[Record], list[Record]]:
    return conflicts.quantity_and_strength_conflicts(scope.letter, scope.item, scope.knowledge.lexicon)


@fact(
    "item.quantity_conflicts",
    list[QUANTITY_CONFLICT],
    "the item line or rationale against the summary's description of the same request (RFA, UR, IMR application); "
    "UR modifications and medication history are left out",
)
def quantity_conflicts(scope: ItemFacts) -> list[Record]:
    return scope.shared(_amount_conflicts)[0]


@fact("item.strength_conflicts", list[STRENGTH_CONFLICT], "as `item.quantity_conflicts`, for the strength")
def strength_conflicts(scope: ItemFacts) -> list[Record]:
    return scope.shared(_amount_conflicts)[1]


@fact("item.amount_not_specified", AMOUNT_CLAIM, "the rationale says no amount was specified, and what the letter does state")
def amount_not_specified(scope: ItemFacts) -> Record:
    return conflicts.amount_not_specified(scope.letter, scope.item, scope.knowledge.lexicon)


@fact("item.concept_conflicts", list[CONCEPT_CONFLICT], "the rationale says a concept is not documented; the summary documents it")
def concept_conflicts(scope: ItemFacts) -> list[Record]:
    concepts = scope.knowledge.concepts
    comparable = {cid for cid, c in concepts.items() if c.conflicts}
    return conflicts.concept_conflicts(scope.letter, scope.item, concepts, comparable)


# Letter-wide analyses: each runs once per letter, its records shared out by place.
def _pronouns(scope: LetterFacts) -> list[Record]:
    return conflicts.pronoun_conflicts(scope.letter)


def _patients(scope: LetterFacts) -> list[Record]:
    return conflicts.age_and_sex_conflicts(scope.letter)


def _injury_dates(scope: LetterFacts) -> list[Record]:
    return conflicts.injury_date_conflicts(scope.letter)


def _misspellings(scope: LetterFacts) -> list[Record]:
    return conflicts.misspellings(scope.letter, scope.knowledge.lexicon)


def _in_item(analysis: Callable[[LetterFacts], list[Record]]) -> Callable[[ItemFacts], list[Record]]:
    """The analysis's records of one item, grouped once per letter (not filtered once per item:
    a letter with thousands of items would be quadratic)."""

    def by_item(scope: LetterFacts) -> dict[int | None, list[Record]]:
        groups: dict[int | None, list[Record]] = {}
        for found in scope.shared(analysis):
            groups.setdefault(found["item"], []).append(found)
        return groups

    return lambda scope: list(scope.whole.shared(by_item).get(scope.item.index, []))


def _in_summary(analysis: Callable[[LetterFacts], list[Record]]) -> Callable[[LetterFacts], list[Record]]:
    return lambda scope: [r for r in scope.shared(analysis) if r["item"] is None]


for _name, _analysis, _kind, _item_doc, _letter_doc in (
    ("pronoun_conflicts", _pronouns, PRONOUN_CONFLICT,
     "pronouns for the patient in the rationale that contradict the stated sex",
     "pronouns for the patient in the case summary that contradict the stated sex"),
    ("patient_conflicts", _patients, PATIENT_CONFLICT,
     "ages or sexes in the rationale that differ from the case summary's",
     "ages or sexes restated in the case summary that differ from its first"),
    ("injury_date_conflicts", _injury_dates, INJURY_DATE_CONFLICT,
     "dates of injury in the rationale that differ from the letter's",
     "dates of injury in the case summary that differ from the letter's"),
    ("misspellings", _misspellings, MISSPELLING,
     "misspelt drug names in the item line or rationale (and summary words for this item's drug)",
     "misspelt drug names in the case summary that belong to no item"),
):
    fact(f"item.{_name}", list[_kind], _item_doc)(_in_item(_analysis))
    fact(f"letter.{_name}", list[_kind], _letter_doc)(_in_summary(_analysis))
del _name, _analysis, _kind, _item_doc, _letter_doc
