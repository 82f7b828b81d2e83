"""Facts: which clinical concepts the rationale says are documented, or not.

``checker.facts.documentation`` classifies each mention of a concept
(``rules/concepts.yaml`` and rule files' ``concepts:``) by its own clause;
here the mentions become per-item verdicts and, per concept, the first
mention as a spanned record a rule can show as evidence.
"""

from __future__ import annotations

from checker.facts.documentation import (
    DOCUMENTED,
    NOT_DOCUMENTED,
    Mention,
    find_mentions,
    status_by_concept,
)
from checker.facts.records import Record, spanned
from checker.facts.registry import concept_map, fact, record
from checker.facts.scope import ItemFacts, LetterFacts

MENTION = record(
    "mention",
    "a mention of a concept in the rationale",
    spanned=True,
    status=(str, "what the clause says of it: `documented`, `not-documented`, `requirement` or `unsettled` "
                 "(negated, but not as being there: \"the UDS was never explained\")"),
)


def mentions_of(scope: ItemFacts) -> list[Mention]:
    """Every concept mention in the rationale, classified (shared by the facts below)."""
    return find_mentions(scope.item.rationale_text, scope.knowledge.concepts)


def verdicts_of(scope: ItemFacts) -> dict[str, str]:
    """One verdict per concept the rationale mentions."""
    return status_by_concept(scope.shared(mentions_of))


def _with_verdict(scope: ItemFacts, verdict: str) -> list[str]:
    return sorted(c for c, v in scope.shared(verdicts_of).items() if v == verdict)


@fact(
    "item.documented",
    list[str],
    "concepts the rationale says are documented (`[\"analgesia\"]`); restated requirements "
    "(\"MTUS requires documentation of ...\") count as neither",
)
def documented(scope: ItemFacts) -> list[str]:
    return _with_verdict(scope, DOCUMENTED)


@fact("item.undocumented", list[str], "concepts the rationale says are not documented (`[\"functional-improvement\"]`)")
def undocumented(scope: ItemFacts) -> list[str]:
    return _with_verdict(scope, NOT_DOCUMENTED)


@fact("item.mentioned", list[str], "every concept the rationale mentions, whatever it says of it")
def mentioned(scope: ItemFacts) -> list[str]:
    return sorted(scope.shared(verdicts_of))


@fact(
    "item.concepts",
    concept_map(MENTION),
    "per concept id, its first mention in the rationale, for evidence: `item.concepts.functional-improvement`",
)
def concepts(scope: ItemFacts) -> dict[str, Record]:
    text = scope.item.rationale_text
    return {
        m.concept: spanned(text[m.start : m.end], scope.rationale_span(m.start, m.end), status=m.status)
        for m in reversed(scope.shared(mentions_of))
    }


@fact("item.exception", bool, "the rationale names tapering, weaning or another exception (and does not deny it)")
def exception(scope: ItemFacts) -> bool:
    verdicts = scope.shared(verdicts_of)
    return "exception" in verdicts and verdicts["exception"] != NOT_DOCUMENTED


@fact(
    "letter.summary_documented",
    list[str],
    "concepts the case summary says are documented (`[\"spasticity\"]`), read as `item.documented` reads the rationale",
)
def summary_documented(scope: LetterFacts) -> list[str]:
    summary = scope.letter.section("summary")
    if summary is None:
        return []
    verdicts = status_by_concept(find_mentions(summary.text, scope.knowledge.concepts))
    return sorted(c for c, v in verdicts.items() if v == DOCUMENTED)
