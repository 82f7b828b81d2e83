"""pytest runs every example the shipped rule files carry (as `imr-check rules test` does)."""

from __future__ import annotations

import pytest

from checker.knowledge.guideline import default_guideline
from checker.rules.loader import load_ruleset
from checker.rules.ruletests import letter_text, run_rule_tests

RULESET = load_ruleset(default_guideline())


@pytest.mark.parametrize("rule", [r for r in RULESET.rules if r.tests], ids=lambda r: r.id)
def test_rule_examples(rule):
    (outcome,) = run_rule_tests(RULESET, {rule.id})
    assert not outcome.errors, outcome.errors
    assert not outcome.misses, outcome.misses
    assert not outcome.false_alarms, outcome.false_alarms
    assert not outcome.fixed_gaps, outcome.fixed_gaps


def test_every_shipped_rule_has_examples_both_ways():
    for rule in RULESET.rules:
        kinds = {t.expect for t in rule.tests}
        assert {"hit", "ok"} <= kinds, f"{rule.id} needs examples that must and must not trigger it"


def test_inline_example_letter_has_the_three_format1_sections():
    text = letter_text({"items": [{"request": "Soma 350mg #60", "decision": "upheld", "rationale": "Not necessary."}]})
    assert "CLINICAL CASE SUMMARY" in text
    assert "Soma 350mg #60: Upheld" in text
    assert "Decision rationale: Not necessary." in text
