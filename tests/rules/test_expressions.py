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


@pytest.mark.parametrize(
    "source,expected",
    [
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
    ],
)
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
