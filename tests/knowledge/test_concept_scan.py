"""A concept's mentions are found by trying its pattern only where an anchor starts: the same as a full search.

``Concept.finditer`` looks for the pattern only where a term's first word or
a pattern's plain beginning occurs; ``pattern.finditer`` tries every place.
The two must agree on every letter and on made-up text, including letters
beyond ASCII that case-insensitive matching pairs with ASCII ones.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from checker.knowledge.guideline import load_concepts
from checker.text.prefilter import lower_in_step
from tests.conftest import ROOT, read_yaml

CONCEPTS = load_concepts(read_yaml(ROOT / "rules" / "concepts.yaml"))


def _spans(matches):
    return [m.span() for m in matches]


def test_every_shipped_concept_has_anchors():
    """Each raw pattern of rules/concepts.yaml begins with plain text: every concept takes the quick way."""
    assert all(concept.anchors for concept in CONCEPTS.values())


def test_anchored_search_agrees_with_the_full_search_on_every_letter():
    paths = sorted((ROOT / "tests" / "fixtures").rglob("*.txt")) + sorted((ROOT / "examples").glob("*.txt"))
    assert len(paths) > 40
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace")
        lowered = lower_in_step(text)
        for concept in CONCEPTS.values():
            assert _spans(concept.finditer(text, lowered)) == _spans(concept.pattern.finditer(text)), (path.name, concept.id)


# The anchors, and every word of every term (an anchor that begins another is not kept: its longer
# words are made up from here).
_TERM_WORDS = {w.lower() for spec in read_yaml(ROOT / "rules" / "concepts.yaml")["concepts"].values()
               for term in spec.get("terms") or [] for w in str(term).replace("-", " ").split()}
_WORDS = sorted({w for c in CONCEPTS.values() for w in (c.anchors or ())} | _TERM_WORDS | {"spasm", "improved", "tolerate", "A's"})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_WORDS), st.sampled_from(_WORDS).map(str.upper),
                          st.sampled_from([" ", "  ", "-", ".", "x", "\u017f", "\u212a", "\u0130", "s", "es", "\n", "4"])),
                max_size=25))
def test_anchored_search_agrees_with_the_full_search_on_made_up_text(pieces):
    text = "".join(pieces)
    lowered = lower_in_step(text)
    for concept in CONCEPTS.values():
        assert _spans(concept.finditer(text, lowered)) == _spans(concept.pattern.finditer(text)), concept.id


def test_the_letters_that_fold_to_ascii_are_all_known():
    """The anchored search steps aside for these; a Python whose matching folds more letters must say so here."""
    import re
    import sys

    from checker.text.prefilter import FOLDS_TO_ASCII

    ascii_letter = re.compile("[a-z]", re.I)
    folding = {chr(c) for c in range(0x80, sys.maxunicode + 1) if ascii_letter.fullmatch(chr(c))}
    assert folding == {c for c in "\u0130\u0131\u017f\u212a" if FOLDS_TO_ASCII.fullmatch(c)} == set("\u0130\u0131\u017f\u212a")
