"""The rule-test harness itself (checker/rules/ruletests.py, ``imr-check rules test``) catches bad rules.

tests/rules/test_shipped_examples.py only shows that the shipped rules pass their own
examples; that proves nothing if the harness could not fail.  Here a rule
file carries a planted miss (an ``expect: hit`` example the rule does not
trigger on) and a planted false alarm (an ``expect: ok`` example it does
trigger on): the harness must report exactly those two, each with the rule
file and the line of its example, and ``rules test`` must exit 1 naming both.
The same file without the planted examples passes and exits 0.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from checker.knowledge.guideline import default_guideline
from checker.rules.loader import load_ruleset
from checker.rules.ruletests import Outcome, run_rule_tests
from tests.conftest import run_cli

RULE = "soma-approved"

#: A rule that fires when carisoprodol is approved, with two examples it gets right.
CORRECT = f"""\
ruleset: mine
rules:
  - id: {RULE}
    title: Carisoprodol approved
    category: guideline-criteria
    severity: warning
    when: item.approved and item.drug == "carisoprodol"
    message: "approved {{item.drug}}"
    tests:
      - name: soma overturned
        expect: hit
        letter:
          items:
            - request: "Soma 350mg #60"
              decision: Overturned
              rationale: "The patient improved. The request for Soma 350mg #60 is medically necessary."
      - name: soma upheld
        expect: ok
        letter:
          items:
            - request: "Soma 350mg #60"
              decision: Upheld
              rationale: "Carisoprodol is not recommended. The request for Soma 350mg #60 is not medically necessary."
      - name: norco is not tracked yet
        expect: gap
        reason: a known gap stays a gap and is not a failure
        letter:
          items:
            - request: "Norco 10/325mg #90"
              decision: Overturned
              rationale: "Function improved. The request for Norco 10/325mg #90 is medically necessary."
"""

#: The rule does not trigger on Norco, yet this example expects a finding.
PLANTED_MISS = """\
      - name: planted miss
        expect: hit
        letter:
          items:
            - request: "Norco 10/325mg #90"
              decision: Overturned
              rationale: "Function improved. The request for Norco 10/325mg #90 is medically necessary."
"""

#: The rule triggers on approved Soma, yet this example expects silence.
PLANTED_FALSE_ALARM = """\
      - name: planted false alarm
        expect: ok
        letter:
          items:
            - request: "Soma 350mg #30"
              decision: Overturned
              rationale: "Spasm is documented. The request for Soma 350mg #30 is medically necessary."
"""

PLANTED = CORRECT + PLANTED_MISS + PLANTED_FALSE_ALARM


def _line_of(text: str, needle: str) -> int:
    (number,) = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    return number


def _write(tmp_path: Path, text: str) -> Path:
    directory = tmp_path / "rules"
    directory.mkdir()
    (directory / "mine.yaml").write_text(text, encoding="utf-8")
    return directory


def _outcome(directory: Path) -> Outcome:
    ruleset = load_ruleset(default_guideline(), extra_dirs=[directory], use_defaults=False)
    outcomes = run_rule_tests(ruleset, {RULE})
    assert [o.rule.id for o in outcomes] == [RULE]
    return outcomes[0]


def test_harness_reports_exactly_the_planted_miss_and_false_alarm_with_file_and_line(tmp_path):
    directory = _write(tmp_path, PLANTED)
    rule_file = directory / "mine.yaml"
    outcome = _outcome(directory)
    miss_line = _line_of(PLANTED, "- name: planted miss")
    alarm_line = _line_of(PLANTED, "- name: planted false alarm")
    assert outcome.misses == [f"{rule_file}:{miss_line}: planted miss: expected a finding, got none"]
    (alarm,) = outcome.false_alarms
    assert alarm.startswith(f"{rule_file}:{alarm_line}: planted false alarm: expected no finding, got: line ")
    assert alarm.endswith(": approved carisoprodol")
    assert outcome.errors == [] and outcome.fixed_gaps == []
    # the correct examples still count as such
    assert (outcome.hits, outcome.passes, outcome.gaps) == (1, 1, 1)
    assert outcome.failed


def test_harness_passes_the_correct_rule_file(tmp_path):
    outcome = _outcome(_write(tmp_path, CORRECT))
    assert (outcome.misses, outcome.false_alarms, outcome.errors, outcome.fixed_gaps) == ([], [], [], [])
    assert (outcome.hits, outcome.passes, outcome.gaps) == (1, 1, 1)
    assert not outcome.failed


def test_a_known_gap_that_now_triggers_is_noted_but_does_not_fail(tmp_path):
    fixed = CORRECT.replace('title: Carisoprodol approved', 'title: Carisoprodol or Norco approved').replace(
        'item.drug == "carisoprodol"', 'item.drug in ["carisoprodol", "hydrocodone/acetaminophen"]'
    )
    outcome = _outcome(_write(tmp_path, fixed))
    gap_line = _line_of(fixed, "- name: norco is not tracked yet")
    assert outcome.fixed_gaps == [
        f"{tmp_path / 'rules' / 'mine.yaml'}:{gap_line}: norco is not tracked yet: known gap now triggers; "
        + "change it to 'expect: hit'"
    ]
    assert (outcome.hits, outcome.passes, outcome.gaps) == (1, 1, 0)
    assert not outcome.failed


@pytest.mark.parametrize("where", ["relative", "absolute"])
def test_rules_test_exits_1_naming_both(tmp_path, where):
    directory = _write(tmp_path, PLANTED)
    shown = "rules/mine.yaml" if where == "relative" else str(directory / "mine.yaml")
    argument = "rules" if where == "relative" else str(directory)
    done = run_cli(["rules", "test", argument], cwd=tmp_path, env={"COLUMNS": "1000"})
    assert done.exit_code == 1
    out = done.stdout.splitlines()
    assert f"FAIL {RULE}: 1 hits, 1 misses, 1 false alarms, 1 quiet, 1 known gaps" in out
    miss = f"    {shown}:{_line_of(PLANTED, '- name: planted miss')}: planted miss: expected a finding, got none"
    assert miss in out
    alarm_prefix = f"    {shown}:{_line_of(PLANTED, '- name: planted false alarm')}: planted false alarm: expected no finding"
    assert len([line for line in out if line.startswith(alarm_prefix)]) == 1
    # nothing else failed: the other rules tested (the built-in ones) all pass
    assert [line for line in out if line.startswith("FAIL ")] == [f"FAIL {RULE}: 1 hits, 1 misses, 1 false alarms, 1 quiet, 1 known gaps"]
    assert re.fullmatch(r"\d+ rules tested: \d+ hits, 1 misses, 1 false alarms, \d+ quiet, 1 known gaps", out[-1])
    assert done.stderr == ""


def test_rules_test_exits_0_on_the_correct_file(tmp_path):
    _write(tmp_path, CORRECT)
    done = run_cli(["rules", "test", "rules"], cwd=tmp_path, env={"COLUMNS": "1000"})
    assert done.exit_code == 0, done.stdout
    out = done.stdout.splitlines()
    assert f"ok   {RULE}: 1 hits, 0 misses, 0 false alarms, 1 quiet, 1 known gaps" in out
    assert not [line for line in out if line.startswith("FAIL ")]
    assert re.fullmatch(r"\d+ rules tested: \d+ hits, 0 misses, 0 false alarms, \d+ quiet, 1 known gaps", out[-1])


def test_rules_test_only_the_planted_rule(tmp_path):
    """``--rule`` narrows the run to one rule; its failures are still reported and still fail the run."""
    _write(tmp_path, PLANTED)
    done = run_cli(["rules", "test", "rules", "--rule", RULE], cwd=tmp_path, env={"COLUMNS": "1000"})
    assert done.exit_code == 1
    out = done.stdout.splitlines()
    assert out[0] == f"FAIL {RULE}: 1 hits, 1 misses, 1 false alarms, 1 quiet, 1 known gaps"
    assert out[-1] == "1 rules tested: 1 hits, 1 misses, 1 false alarms, 1 quiet, 1 known gaps"
    assert len(out) == 4  # the rule, its miss, its false alarm, the total
