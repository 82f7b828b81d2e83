"""pytest runs every example the shipped rule files carry (as `imr-check rules test` does)."""

from __future__ import annotations

import pytest

from checker.knowledge.guideline import default_guideline
from checker.rules.loader import load_ruleset
from checker.rules.ruletests import letter_text, run_rule_tests

RULESET = load_ruleset(default_guideline())


RULES_WITH_EXAMPLES = [r for r in RULESET.rules if r.tests]


@pytest.mark.parametrize("rule", RULES_WITH_EXAMPLES, ids=lambda r: r.id)
def test_rule_examples(rule):
    (outcome,) = run_rule_tests(RULESET, {rule.id})
    assert not outcome.errors, outcome.errors
    assert not outcome.misses, outcome.misses
    assert not outcome.false_alarms, outcome.false_alarms
    assert not outcome.fixed_gaps, outcome.fixed_gaps
    # every example was run and counted: each hit triggered, each ok stayed quiet, each gap is still one
    expects = [t.expect for t in rule.tests]
    assert (outcome.hits, outcome.passes, outcome.gaps) == (expects.count("hit"), expects.count("ok"), expects.count("gap"))


def test_the_shipped_rules_carry_examples():
    assert len(RULES_WITH_EXAMPLES) > 20
    assert len(RULES_WITH_EXAMPLES) == len(RULESET.rules)


def test_every_shipped_rule_has_examples_both_ways():
    assert RULESET.rules
    for rule in RULESET.rules:
        kinds = {t.expect for t in rule.tests}
        assert {"hit", "ok"} <= kinds, f"{rule.id} needs examples that must and must not trigger it"


def test_inline_example_letter_has_the_three_format1_sections():
    text = letter_text({"items": [{"request": "Soma 350mg #60", "decision": "upheld", "rationale": "Not necessary."}]})
    assert "CLINICAL CASE SUMMARY" in text
    assert "Soma 350mg #60: Upheld" in text
    assert "Decision rationale: Not necessary." in text
