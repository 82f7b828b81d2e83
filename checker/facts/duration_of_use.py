"""Facts: how long the patient has used (or would use) the item's drug.

Guideline criteria turn on duration (carisoprodol not beyond 2-3 weeks,
benzodiazepines not beyond 4).  ``checker.facts.durations`` reads the
phrasings; here the longest one the letter states for this drug is chosen,
from the rationale, the case summary and the request's days supply.
"""

from __future__ import annotations

from checker.facts.durations import durations
from checker.facts.records import Record, spanned
from checker.facts.registry import fact, record
from checker.facts.scope import ItemFacts
from checker.facts.treatment import drug_of
from checker.knowledge.sources import own_drug_words
from checker.text.stored_patterns import compile_pattern

DURATION = record(
    "duration",
    "the longest use or supply the letter states for the item's drug, at the words that state it",
    spanned=True,
    days=(int | None, "the duration in days; null when the letter states none"),
)


@fact(
    "item.duration",
    DURATION,
    "where the letter states the longest use or supply of this drug (for `at` and `evidence`)",
)
def duration(scope: ItemFacts) -> Record:
    return _duration(scope) or spanned(None, None, days=None)


@fact(
    "item.duration_days",
    int | None,
    "days of the longest use or supply the letter states for this drug: \"since at least 8/28/13\", "
    "\"since at least 10/2014\", \"since 2012\", \"since the injury\" (against the request or UR date the letter "
    "states; unknown when it states neither), \"for at least 3 months\", \"for over a year\", \"x 6 months\", "
    "\"first noted in the 12/19/2014 report\", a days supply",
)
def duration_days(scope: ItemFacts) -> int | None:
    return scope["duration"]["days"]


#: A parenthesis in a drug class ("muscle relaxant (sedating)"), left out of the names.
_PARENTHESES = compile_pattern(r"\s*\(.*\)")


def _duration(scope: ItemFacts) -> Record | None:
    """The longest duration of use the letter states for this item's drug."""
    letter, item, drug = scope.letter, scope.item, scope.shared(drug_of)
    if drug is None or letter.normal is None:
        return None
    names = [drug.generic, *drug.names, *drug.misspellings]
    if item.request.drug_as_written:
        names.append(item.request.drug_as_written)
    if drug.drug_class:
        names.append(_PARENTHESES.sub("", drug.drug_class))
    summary = letter.section("summary")
    reference = letter.dates.request or letter.dates.ur_decision
    injury = letter.patient.injury_date
    lexicon = scope.knowledge.lexicon

    def other_drugs(sentence: str) -> list[tuple[int, int]]:
        return [(m.start, m.end) for m in lexicon.find_all(sentence) if m.drug.generic != drug.generic]

    candidates = []
    for d in durations(item.rationale_text, names + own_drug_words(), reference, injury, other_drugs):
        candidates.append((d.days, d.text, item.rationale_start + d.start, item.rationale_start + d.end))
    if summary is not None:
        for d in durations(summary.text, names, reference, injury, other_drugs):
            candidates.append((d.days, d.text, summary.body_start + d.start, summary.body_start + d.end))
    if item.request.days_supply:
        candidates.append((item.request.days_supply, item.request_text, None, None))
    if not candidates:
        return None
    days, text, start, end = max(candidates, key=lambda c: (c[0], c[2] or 0))
    span = letter.normal.span(start, end) if start is not None else item.request_span
    return spanned(text, span, days=days)
