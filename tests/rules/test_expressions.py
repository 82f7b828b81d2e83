"""The condition language of rule files."""

from __future__ import annotations

import pytest

from checker.rules.expressions import ExpressionError, compile_expression

CONTEXT = {
    "item": {
        "decision": {"_span": None, "_text": "Overturned", "value": "overturned"},
        "duration_days": 84,
        "med": None,
        "undocumented": ["functional-improvement"],
        "drug": "carisoprodol",
        "pages": {"admin": [24, 29]},
    }
}


_CASES = [
        ('item.decision == "overturned"', True),
        ("item.duration_days > 21 and item.duration_days <= 84", True),
        ("item.duration_days > 90 or false", False),
        ('"functional-improvement" in item.undocumented', True),
        ('"spasm" not in item.undocumented', True),
        ("24 in item.pages.admin", True),
        ("item.med > 120", False),  # null compares false
        ("not (item.med > 120)", True),
        ("item.med == null", True),
        ("item.missing.deeper == null", True),
        ('item.drug in ["carisoprodol", "cyclobenzaprine"]', True),
        ("len(item.undocumented) == 1", True),
        ('lower("ABC") == "abc"', True),
        ("any([false, item.duration_days > 3])", True),
        ("all([true, item.med])", False),
        ("not item.med and item.duration_days != 0", True),
        ("'car' in item.drug", True),
        ("-1 < 0", True),
]


@pytest.mark.parametrize("source,expected", _CASES)
def test_evaluates(source, expected):
    assert compile_expression(source).evaluate(CONTEXT) is expected


@pytest.mark.parametrize("source", ['item.decision = "x"', "item.decision ==", "__import__('os')", "open(1)", "item..x", "1 +"])
def test_rejects_what_is_not_the_language(source):
    with pytest.raises(ExpressionError):
        compile_expression(source)


def test_private_keys_are_not_reachable():
    assert compile_expression("item.decision._span == null").evaluate(CONTEXT) is True


def test_paths_lists_the_facts_read():
    assert compile_expression("item.a > 1 and page.b").paths() == ["item.a", "page.b"]


# --------------------------------------------------------------------------- the start-up cache
def _shipped_conditions() -> list[str]:
    from checker.knowledge.guideline import default_guideline
    from checker.rules.loader import load_ruleset

    found = []
    for rule in load_ruleset(default_guideline()).rules:
        found += [rule.when.source] if rule.when is not None else []
        found += [when.source for when, _ in rule.severity_when]
    return found


def test_a_condition_from_the_cache_is_the_condition_parsed(fresh_cache, monkeypatch):
    from checker.rules import expressions

    conditions = _shipped_conditions() + [source for source, _ in _CASES]
    parsed = [expressions._parse(source) for source in conditions]  # the parse itself, never the cache
    for source in conditions:
        compile_expression(source)  # kept, if loading the rules did not keep it already
    monkeypatch.setattr(expressions, "_parse", lambda source: pytest.fail(f"parsed again: {source}"))
    kept = [compile_expression(source) for source in conditions]
    assert len(conditions) > 30
    for a, b in zip(parsed, kept):
        assert a == b and a.paths() == b.paths()  # the same tree (Expression compares source and tree)
    for (source, expected), expression in zip(_CASES, kept[-len(_CASES):]):
        assert expression.evaluate(CONTEXT) == expected, source
