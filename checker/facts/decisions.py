"""Facts: what the letter decided, item by item and as a whole.

The decision and the rationale's conclusion are separate facts because the
letter can contradict itself; ``approved`` and ``denied`` are the decision as
the rationale supports it, so a contradiction is reported once (by
``decision-contradicts-conclusion``), not again by every criteria rule.
"""

from __future__ import annotations


from checker.facts.records import EXCERPT, PASSAGE, Record, passage, spanned
from checker.facts.registry import ITEM, fact, record
from checker.facts.scope import ItemFacts, LetterFacts
from checker.model import NECESSARY, NOT_NECESSARY, OVERTURNED, UPHELD

DECISION = record(
    "decision",
    "the item's decision where the letter states it",
    spanned=True,
    value=(str | None, "`upheld` / `overturned` / null"),
)
CONCLUSION = record(
    "conclusion",
    "the rationale's concluding sentence on medical necessity",
    spanned=True,
    value=(str | None, "`medically-necessary` / `not-medically-necessary` / null when there is none"),
)
FINAL_DETERMINATION = record(
    "final_determination",
    "the letter's summary line `Final Determination: ...` (Format 2)",
    spanned=True,
    value=(str | None, "`uphold` / `overturn` / `partial-overturn` / null"),
)


@fact("item.index", int, "1-based item number")
def index(scope: ItemFacts) -> int:
    return scope.item.index


@fact("item.heading", EXCERPT, "the item heading (where an item's findings point by default)")
def heading(scope: ItemFacts) -> Record:
    return spanned(scope.item.request_text, scope.item.heading_span)


@fact("item.decision", DECISION, "`upheld` / `overturned` / null, at the words that state it")
def decision(scope: ItemFacts) -> Record:
    return passage(scope.item.decision, scope.item.decision_span)


@fact("item.conclusion", CONCLUSION, "polarity of the rationale's concluding sentence, at that sentence")
def conclusion(scope: ItemFacts) -> Record:
    said = scope.item.conclusion
    return spanned(said.text if said else None, said.span if said else None, value=said.polarity if said else None)


@fact("item.rationale", PASSAGE, "the decision rationale")
def rationale(scope: ItemFacts) -> Record:
    return passage(scope.item.rationale_text, scope.item.rationale_span)


@fact("item.has_rationale", bool, "the item has a rationale with any words in it")
def has_rationale(scope: ItemFacts) -> bool:
    return bool(scope.item.rationale_text.strip())


@fact(
    "item.approved",
    bool,
    "overturned, and the conclusion does not contradict it (a contradiction is reported once, "
    "by `decision-contradicts-conclusion`)",
)
def approved(scope: ItemFacts) -> bool:
    return scope.item.decision == OVERTURNED and _polarity(scope) != NOT_NECESSARY


@fact("item.denied", bool, "upheld, and the conclusion does not contradict it")
def denied(scope: ItemFacts) -> bool:
    return scope.item.decision == UPHELD and _polarity(scope) != NECESSARY


def _polarity(scope: ItemFacts) -> str | None:
    said = scope.item.conclusion
    return said.polarity if said else None


@fact("letter.format", int | None, "the letter's layout: 1, 2, 3 or 4 (DOMAIN.md section 2)")
def letter_format(scope: LetterFacts) -> int | None:
    return scope.letter.format


@fact(
    "letter.final_determination",
    FINAL_DETERMINATION,
    "`uphold` / `overturn` / `partial-overturn` from the `Final Determination:` line",
)
def final_determination(scope: LetterFacts) -> Record:
    letter = scope.letter
    return passage(letter.final_determination, letter.final_determination_span)


@fact("letter.decisions", list[str | None], "every item's decision, in item order")
def decisions(scope: LetterFacts) -> list[str | None]:
    return [i.decision for i in scope.letter.items]


@fact("letter.item_count", int, "how many disputed items the letter has")
def item_count(scope: LetterFacts) -> int:
    return len(scope.letter.items)


@fact("letter.items", list[ITEM], "the facts of every item, in item order (for `for_each`)")
def items(scope: LetterFacts) -> list[ItemFacts]:
    return scope.items
