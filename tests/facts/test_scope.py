"""Facts are computed only when a rule reads them, at most once per letter, as declared (checker/facts/scope.py).

Laziness is proved by counting calls of the declared functions, not by
timing; the declared types are checked on every fixture letter, so a
function and its declaration cannot drift apart.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest

from checker.facts import conflicts
from checker.facts.registry import declared
from checker.facts.scope import LetterFacts
from checker.input.discover import InputRef
from checker.knowledge.guideline import default_guideline
from checker.pipeline import default_knowledge, read_letter
from checker.rules.loader import RuleSet, load_ruleset
from tests.conftest import LETTERS, SEEDS, read_path

FIXTURES = sorted(SEEDS.glob("*.txt")) + sorted(LETTERS.glob("*.txt"))
SEED = SEEDS / "002_79c63337c1751a54.txt"


@lru_cache(maxsize=1)
def shipped() -> RuleSet:
    return load_ruleset(default_guideline())


@pytest.fixture
def calls(monkeypatch) -> Counter:
    """Count every call of every declared fact function, by (letter, item, fact)."""
    counted: Counter = Counter()
    for name, declared_fact in declared().items():
        monkeypatch.setattr(declared_fact, "compute", _counting(declared_fact.compute, name, counted))
    return counted


def _counting(compute, name: str, counted: Counter):
    def wrapper(scope):
        item = getattr(scope, "item", None)
        counted[(scope.letter.path, item.index if item else None, name)] += 1
        return compute(scope)

    return wrapper


def _computed(counted: Counter, name: str) -> int:
    return sum(n for (_, _, fact_name), n in counted.items() if fact_name == name)


def _one_rule(tmp_path: Path, when: str):
    (tmp_path / "mine.yaml").write_text(
        textwrap.dedent(
            f"""\
            ruleset: mine
            rules:
              - id: my-rule
                title: A rule of mine
                category: decision-conclusion
                severity: warning
                when: {when}
                message: "decided"
            """
        ),
        encoding="utf-8",
    )
    return load_ruleset(default_guideline(), extra_dirs=[tmp_path], use_defaults=False)


def test_a_rule_reading_only_the_decision_computes_nothing_else(tmp_path, calls):
    ruleset = _one_rule(tmp_path, 'item.decision == "upheld"')
    result = read_letter(InputRef(str(SEED)), ruleset, only={"my-rule"}).result
    items = len(result.letter.items)
    assert items > 1 and result.findings
    assert _computed(calls, "item.decision") == items
    assert _computed(calls, "item.cited_pages") == 0
    assert _computed(calls, "item.quotes") == 0 and _computed(calls, "item.misspellings") == 0
    read = {name for (_, _, name) in calls}
    assert read == {"item.decision", "item.heading", "item.index"}  # the anchor and item number of a finding


def test_select_of_one_shipped_rule_computes_only_what_it_reads(calls):
    read_letter(InputRef(str(SEED)), shipped(), only={"cited-page-off-topic"})
    assert _computed(calls, "item.citations") > 0
    for other in ("item.cited_pages", "item.quotes", "item.duration", "item.concepts", "item.quantity_conflicts", "letter.misspellings"):
        assert _computed(calls, other) == 0, other


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_each_fact_is_computed_at_most_once_per_letter(path, calls):
    result = read_letter(InputRef(str(path)), shipped()).result
    assert result.error is None
    assert calls, "the rules read no fact"
    again = {key: n for key, n in calls.items() if n > 1}
    assert not again


def test_letter_wide_analyses_run_once_though_item_and_letter_facts_share_them(monkeypatch):
    counted: Counter = Counter()
    for name in ("pronoun_conflicts", "age_and_sex_conflicts", "injury_date_conflicts", "misspellings"):
        original = getattr(conflicts, name)
        monkeypatch.setattr(conflicts, name, _counted_call(original, name, counted))
    read_letter(InputRef(str(SEED)), shipped())
    assert counted == Counter({n: 1 for n in counted}) and len(counted) == 4


def _counted_call(original, name: str, counted: Counter):
    def wrapper(*args, **kwargs):
        counted[name] += 1
        return original(*args, **kwargs)

    return wrapper


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_every_declared_fact_computes_to_its_declared_type(path):
    letter = read_path(path).letter
    assert letter is not None
    whole = LetterFacts(letter, default_knowledge())
    problems = []
    for name, declared_fact in declared().items():
        scopes = [whole] if declared_fact.scope == "letter" else whole.items
        for scope in scopes:
            problems += declared_fact.type.problems(scope[declared_fact.field], f"{name} (item {getattr(scope, 'item', None) and scope.item.index})")
    assert not problems


def test_a_scope_reads_like_a_mapping_of_its_declared_facts():
    letter = read_path(SEED).letter
    whole = LetterFacts(letter, default_knowledge())
    item = whole.items[0]
    assert set(item) == {f.field for f in declared().values() if f.scope == "item"}
    assert item.get("no_such_fact") is None
    assert item["duration_days"] == item["duration"]["days"]
    assert whole["items"][0] is item


def test_a_fact_that_fails_is_not_read_as_missing(monkeypatch):
    """A KeyError inside a fact's function must surface, not turn into null."""

    def broken(scope):
        raise KeyError("days")

    monkeypatch.setattr(declared()["item.duration_days"], "compute", broken)
    item = LetterFacts(read_path(SEED).letter, default_knowledge()).items[0]
    assert "duration_days" in item and "no_such_fact" not in item
    with pytest.raises(KeyError):
        item.get("duration_days")
