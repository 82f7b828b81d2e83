"""Facts: which guidelines a rationale names, rests on, and quotes.

Reviewers must apply the MTUS first; a rationale that rests on ODG or ACOEM
instead is reported more softly.  A restated statement is compared only with
the statements of the guideline edition its sentence speaks of, and a figure
attributed to another source (the CDC, ACOEM, ODG, "other guidelines") is not
a misquote of the CPMTG (DOMAIN.md section 3).  Both questions turn on the
same source names, so they live together here.
"""

from __future__ import annotations

from checker.facts.records import Record, spanned
from checker.facts.registry import fact, record
from checker.facts.scope import ItemFacts
from checker.knowledge.guideline import Guideline, Statement, normalise_value
from checker.knowledge.sources import (
    attributed_pattern,
    edition_near,
    guideline_parts,
    mtus_pattern,
    mtus_silent_pattern,
    other_sources_pattern,
    part_at,
)
from checker.letter.editions import family_from_lines
from checker.model import Item
from checker.text.sentences import sentence_at

QUOTE = record(
    "quote",
    "a guideline statement the rationale restates (rules/guidelines/, `statements:`), at the value it gives",
    spanned=True,
    statement=(str, "the statement's id"),
    value=(str, "what the rationale says, normalised: `\"6\"`, `\"2-3\"`, `\"not recommended\"`"),
    expected=(list[str], "the values the guideline gives"),
    matches=(bool, "the rationale's value is one of them"),
    says=(str, "the guideline's words (or our paraphrase of them: `wording`)"),
    pages=(list[int], "the statement's pages"),
    guideline=(str, "the guideline edition the statement belongs to (`cpmtg-2009`)"),
    guideline_title=(str, "that edition's title"),
    wording=(str, "`verbatim` (`says` is the guideline's own words) or `paraphrase`"),
    certainty=(str, "how sure we are of the statement and its page: `verified`, `likely`, `unverified`"),
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


@fact(
    "item.quotes",
    list[QUOTE],
    "guideline statements the rationale restates, with the value it gives: only statements of the guideline its sentence "
    "names, or, when it names none, of the editions that apply to the item; never a figure it attributes to another source",
)
def quotes(scope: ItemFacts) -> list[Record]:
    known = scope.knowledge.editions
    records = []
    for statement in scope.knowledge.statements:
        guideline = known.get(statement.guideline)
        topic_id = _topic_in(scope, guideline) if guideline is not None else None
        if topic_id is None or not guideline.covers(topic_id, statement.topic):
            continue
        records += _restated(scope, statement, guideline)
    return records


def _topic_in(scope: ItemFacts, guideline: Guideline) -> str | None:
    """The item's topic in ``guideline``: its drug's topic when the guideline has it, else the topic its request names."""
    topic_id = scope["topic"]
    if topic_id is not None and guideline.topic(topic_id) is not None:
        return topic_id
    name = scope.item.request.name or scope.item.request_text
    named = guideline.topic_named(name) if name else None
    return named.id if named else None


def _restated(scope: ItemFacts, statement: Statement, guideline: Guideline) -> list[Record]:
    """Where the rationale restates ``statement`` in a sentence that speaks of its guideline, with the value it gives."""
    text = scope.item.rationale_text
    records = []
    for pattern in statement.patterns:
        for m in pattern.finditer(text):
            value_group = next((g for g in m.groupdict() if g.startswith("value") and m.group(g)), None)
            if value_group is None:
                continue
            if guideline.id not in _editions_spoken_of(scope, statement, text, m.start()):
                continue
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
                    guideline=guideline.id,
                    guideline_title=guideline.title,
                    wording=statement.wording,
                    certainty=statement.certainty,
                )
            )
    return records


def _editions_spoken_of(scope: ItemFacts, statement: Statement, text: str, position: int) -> set[str]:
    """The guideline editions the rationale attributes the words at ``position`` to.

    Its sentence decides, else (when it names no source) the sentence before:
    "The CDC guideline recommends avoiding 90 MME. The daily dose should not
    exceed 90 MME without a justification." is the CDC's figure twice.  A
    rationale that names no source there speaks of the editions that apply to
    the item.
    """
    start, end = sentence_at(text, position)
    spoken = _attributed_to(scope, statement, text[start:end], position - start)
    if spoken is None and start > 0:
        before, _ = sentence_at(text, start - 1)
        spoken = _attributed_to(scope, statement, text[before:start], start - before)
    return set(scope["editions"]) if spoken is None else spoken


def _attributed_to(scope: ItemFacts, statement: Statement, sentence: str, position: int) -> set[str] | None:
    """The guideline editions one sentence attributes what it says to; None when it names no source.

    The guideline it names next to the words (its edition from the words near
    the name, else the editions that apply to the item); nothing when it
    attributes them to another source (ODG, the CDC, "other guidelines" ...,
    but not words the statement itself says: the CPMTG's "Most guidelines
    limit use to 4 weeks").
    """
    known = scope.knowledge.editions
    part = part_at(guideline_parts(sentence), position)
    if part is not None:
        if part.family is None:
            return set()  # "Non-MTUS Citation": a source outside the MTUS
        family = part.family
        if not part.named:  # "the MTUS": the guideline of the MTUS the item's lines cite
            lines = [c for c in scope.item.citations if c.kind != "rationale"]
            family = family_from_lines(lines, [], mtus_only=True) or family
        edition = edition_near(sentence, part)
        if edition is not None:
            found = known.find(family, edition)
            return {found.id} if found else set()
        applying = {g for g in scope["editions"] if (e := known.get(g)) is not None and e.family == family}
        return applying or {g.id for g in known.of_family(family) if g.edition is None}
    said = statement.says.lower()
    others = [m.group().lower() for m in attributed_pattern().finditer(sentence)]
    return set() if any(other not in said for other in others) else None
