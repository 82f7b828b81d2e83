"""Messages show values, never internals (checker/rules/messages.py).

Every shipped rule's message is rendered in every context the rule is
evaluated in (each item it applies to, each ``for_each`` element, whether
or not the condition holds) on the fixture letters and on the rules' own
examples, so a placeholder that would print a record's insides is caught
even where the rule does not fire today.
"""

from __future__ import annotations

import pytest

from checker.facts.scope import LetterFacts
from checker.input.decode import decode
from checker.knowledge.guideline import default_guideline
from checker.pipeline import default_knowledge
from checker.rules.expressions import resolve
from checker.rules.loader import load_ruleset
from checker.rules.messages import render, stray_brace
from checker.rules.ruletests import letter_text
from tests.conftest import LETTERS, SEEDS, read_path, read_text

INTERNALS = ("_span", "_text", "{", "}", "Span(", "ItemFacts", "LetterFacts")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, list[str]]:
    """Every shipped rule's message in every context, on fixtures and on the rules' examples."""
    ruleset = load_ruleset(default_guideline())
    letters = [read_path(p).letter for p in sorted(SEEDS.glob("*.txt")) + sorted(LETTERS.glob("*.txt"))]
    folder = tmp_path_factory.mktemp("examples")
    for rule in ruleset.rules:
        for i, test in enumerate(rule.tests):
            text = decode(test.file.read_bytes()).text if test.file else letter_text(test.letter)
            letters.append(read_text(text, folder, f"{rule.id}-{i}.txt").letter)
    messages: dict[str, list[str]] = {rule.id: [] for rule in ruleset.rules}
    for letter in letters:
        whole = LetterFacts(letter, default_knowledge())
        for rule in ruleset.rules:
            messages[rule.id] += [render(rule.message, context) for context in _contexts(rule, whole)]
    return messages


def _contexts(rule, whole: LetterFacts) -> list[dict]:
    bases = [{"letter": whole}] if rule.scope == "letter" else [{"letter": whole, "item": i} for i in whole.items]
    if not rule.for_each:
        return bases
    variable, path = rule.for_each
    return [{**base, variable: element} for base in bases for element in resolve(path, base) or []]


def test_every_shipped_rule_message_shows_values_only(rendered):
    for rule_id, messages in rendered.items():
        assert messages, f"{rule_id}: never rendered; add an example that reaches it"
        for message in messages:
            assert not any(bad in message for bad in INTERNALS), f"{rule_id}: {message}"


def test_records_show_their_value_or_text_and_lists_of_records_join():
    page = {"_text": "Page(s): 24", "_span": None, "number": 24}
    quote = {"_text": "limit use to 6 weeks", "_span": None, "value": "6"}
    context = {"item": {"pages": [page, page], "quotes": [quote], "decision": {"_span": None, "_text": "Upheld", "value": None}}}
    assert render("{item.pages}", context) == "Page(s): 24, Page(s): 24"
    assert render("{item.quotes}", context) == "6"
    assert render("{item.decision}", context) == "not stated"
    assert render("{item.missing}", context) == "not stated"


def test_a_brace_that_starts_no_placeholder_is_found():
    assert stray_brace("page {page.number} of {item.concepts.functional-improvement}") is None
    assert stray_brace("drug {item.Drug}") == "{item.Drug}"
    assert stray_brace("a } alone") == "}"
