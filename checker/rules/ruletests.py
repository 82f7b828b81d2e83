"""Run the examples that rule files carry (``tests:``), as ``imr-check rules test`` does.

Each example is a small letter (written inline as YAML, or a letter file
beside the rule) that the rule must trigger on (``hit``), must not trigger on
(``ok``), or should trigger on but does not yet (``gap``: tracked, not a
failure).  Results name the rule file and line of every mismatch, like
Semgrep's ``ruleid:``/``ok:`` annotations and Vale's rule tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from checker.letter.layouts import by_number
from checker.model import Finding
from checker.pipeline import read_source
from checker.input.decode import decode
from checker.input.source import InputError, SourceText
from checker.rules.loader import Rule, RuleSet, RuleTest

@dataclass
class Outcome:
    """What one rule's examples gave."""

    rule: Rule
    hits: int = 0
    passes: int = 0  # ok examples that stayed silent
    gaps: int = 0
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)
    fixed_gaps: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.misses or self.false_alarms or self.errors)


def letter_text(spec: dict) -> str:
    """A letter from an inline example, written in the layout it names (``layout:``, Format 1 by default)."""
    layout = by_number(int(spec.get("layout", 1)))
    if layout is None:
        raise ValueError(f"no layout {spec.get('layout')!r}")
    return layout.compose(spec)


def run_rule_tests(ruleset: RuleSet, rule_ids: set[str] | None = None) -> list[Outcome]:
    outcomes = []
    for rule in ruleset.rules:
        if rule_ids and rule.id not in rule_ids:
            continue
        if not rule.tests:
            continue
        outcome = Outcome(rule)
        for test in rule.tests:
            _run(rule, test, ruleset, outcome)
        outcomes.append(outcome)
    return outcomes


def _run(rule: Rule, test: RuleTest, ruleset: RuleSet, outcome: Outcome) -> None:
    label = f"{test.where}: {test.name or test.expect}"
    try:
        source, path = _source(test)
    except (OSError, InputError, ValueError) as error:
        outcome.errors.append(f"{label}: cannot read example ({error})")
        return
    reading = read_source(path, source, ruleset, only={rule.id})
    result = reading.result
    if result.error or result.letter is None:
        outcome.errors.append(f"{label}: example could not be read ({result.error})")
        return
    found = [f for f in result.findings if f.rule == rule.id and (test.item is None or f.item == test.item)]
    if test.expect == "hit":
        if found:
            outcome.hits += 1
        else:
            outcome.misses.append(f"{label}: expected a finding{_on(test)}, got none")
    elif test.expect == "ok":
        if found:
            outcome.false_alarms.append(f"{label}: expected no finding, got: {_describe(found[0])}")
        else:
            outcome.passes += 1
    else:  # gap
        if found:
            outcome.fixed_gaps.append(f"{label}: known gap now triggers; change it to 'expect: hit'")
        else:
            outcome.gaps += 1


def _source(test: RuleTest) -> tuple[SourceText, str]:
    if test.file is not None:
        return decode(test.file.read_bytes()), str(test.file)
    assert test.letter is not None
    return SourceText(letter_text(test.letter)), f"<example at {test.where}>"


def _on(test: RuleTest) -> str:
    return f" on item {test.item}" if test.item else ""


def _describe(finding: Finding) -> str:
    where = f"line {finding.span.line}" if finding.span else "letter"
    return f"{where}: {finding.message}"
