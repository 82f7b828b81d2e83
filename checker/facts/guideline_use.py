"""Facts: which guidelines a rationale names, rests on, and quotes.

Reviewers must apply the MTUS first; a rationale that rests on ODG or ACOEM
instead is reported more softly, and a figure attributed to another source is
not a misquote of the CPMTG (DOMAIN.md section 3).  Both questions turn on
the same source patterns, so they live together here.
"""

from __future__ import annotations

from checker.facts.records import Record, spanned
from checker.facts.registry import fact, record
from checker.facts.scope import ItemFacts
from checker.knowledge.guideline import Statement, normalise_value
from checker.knowledge.sources import (
    mtus_pattern,
    mtus_silent_pattern,
    other_sources_pattern,
)
from checker.model import Item
from checker.text.sentences import sentence_at

QUOTE = record(
    "quote",
    "a guideline statement the rationale restates (statements.yaml), at the value it gives",
    spanned=True,
    statement=(str, "the statement's id in statements.yaml"),
    value=(str, "what the rationale says, normalised: `\"6\"`, `\"2-3\"`, `\"not recommended\"`"),
    expected=(list[str], "the values the guideline gives"),
    matches=(bool, "the rationale's value is one of them"),
    says=(str, "the guideline's words"),
    pages=(list[int], "the statement's pages"),
)


@fact("item.other_guidelines", list[str], "other guidelines the rationale names (`[\"ODG\"]`)")
def other_guidelines(scope: ItemFacts) -> list[str]:
    return sorted({m.group().upper() for m in other_sources_pattern().finditer(scope.item.rationale_text)})


@fact("item.names_other_guideline", bool, "the rationale names a guideline other than the MTUS")
def names_other_guideline(scope: ItemFacts) -> bool:
    return bool(scope["other_guidelines"])


@fact(
    "item.relies_on_other_guideline",
    bool,
    "the decision rests on another guideline: the rationale never cites the MTUS, says it is silent, "
    "or names the other guideline in its conclusion",
)
def relies_on_other_guideline(scope: ItemFacts) -> bool:
    return _relies_on_other_guideline(scope.item)


def _relies_on_other_guideline(item: Item) -> bool:
    """Does the rationale rest its decision on a guideline other than the MTUS?

    Yes when it names another guideline and either never cites the MTUS, says
    the MTUS is silent on the question, or names the other guideline in its
    concluding sentence.  Merely quoting ODG alongside the MTUS does not count.
    """
    text = item.rationale_text
    if not other_sources_pattern().search(text):
        return False
    if not mtus_pattern().search(text) or mtus_silent_pattern().search(text):
        return True
    return bool(item.conclusion and other_sources_pattern().search(item.conclusion.text))


@fact("item.quotes", list[QUOTE], "guideline statements the rationale restates, with the value it gives")
def quotes(scope: ItemFacts) -> list[Record]:
    topic_id, guideline = scope["topic"], scope.knowledge.guideline
    if topic_id is None:
        return []
    return [
        record
        for statement in scope.knowledge.statements
        if guideline.covers(topic_id, statement.topic)
        for record in _restated(scope, statement)
    ]


def _restated(scope: ItemFacts, statement: Statement) -> list[Record]:
    """Where the rationale restates ``statement``, with the value it gives (not those it credits to ODG & co.)."""
    text = scope.item.rationale_text
    records = []
    for pattern in statement.patterns:
        for m in pattern.finditer(text):
            value_group = next((g for g in m.groupdict() if g.startswith("value") and m.group(g)), None)
            if value_group is None:
                continue
            s_start, s_end = sentence_at(text, m.start())
            sentence = text[s_start:s_end]
            if other_sources_pattern().search(sentence) and not mtus_pattern().search(sentence):
                continue  # attributed to another guideline
            value = normalise_value(m.group(value_group))
            records.append(
                spanned(
                    m.group(),
                    scope.rationale_span(m.start(value_group), m.end(value_group)),
                    statement=statement.id,
                    value=value,
                    expected=sorted(statement.expected),
                    matches=value in statement.expected,
                    says=statement.says,
                    pages=list(statement.pages),
                )
            )
    return records
