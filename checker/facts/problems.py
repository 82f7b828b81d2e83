"""Facts: what the reader could not read, and the letter's suppression markers.

The reader only records problems and markers; the built-in rules
(``rules/builtin/``) decide what to report.  Markers are read at stage
``suppressions``: only after the engine has matched them with the findings
of the other rules does ``used`` mean anything.
"""

from __future__ import annotations

from checker.facts.records import Record, spanned
from checker.facts.registry import fact, record
from checker.facts.scope import ItemFacts, LetterFacts
from checker.model import Problem

PROBLEM = record(
    "problem",
    "a part of the letter the reader could not read or find, at the place it concerns",
    spanned=True,
    kind=(str, "`no-structure`, `no-summary`, `syntax`, `no-items`, `item-heading`, `no-decision`, `no-rationale`"),
    words=(str, "the letter's words there (empty when there are none)"),
)
MARKER = record(
    "marker",
    "a suppression marker line `imr-check: ignore RULE-ID -- reason`",
    spanned=True,
    ids=(list[str], "the rule ids and categories it names"),
    reason=(str, "the editor's reason"),
    item=(int | None, "the item it covers; null: the whole letter"),
    used=(bool, "it acknowledged a finding of this run"),
)


def _problem(problem: Problem) -> Record:
    return spanned(problem.text or None, problem.span, kind=problem.kind, words=problem.text)


@fact("letter.problems", list[PROBLEM], "what the reader could not read in the letter as a whole")
def letter_problems(scope: LetterFacts) -> list[Record]:
    return [_problem(p) for p in scope.letter.problems if p.item is None]


@fact("item.problems", list[PROBLEM], "what the reader could not read in this item")
def item_problems(scope: ItemFacts) -> list[Record]:
    return [_problem(p) for p in scope.letter.problems if p.item == scope.item.index]


@fact(
    "letter.suppressions",
    list[MARKER],
    "the letter's suppression markers, after they have matched the other rules' findings",
    stage="suppressions",
)
def suppressions(scope: LetterFacts) -> list[Record]:
    return [
        spanned(None, m.span, ids=list(m.ids), reason=m.reason, item=m.item, used=m.used)
        for m in scope.letter.suppressions
    ]
