"""The conclusion corpus (tests/corpora/conclusions.yaml): every labelled sentence reads as labelled.

Sentences in many reviewers' voices; ``conclusions`` are labelled with the
polarity of their ruling on the request, ``unknown`` rule on nothing (a
guideline quote, history, someone else's view) and ``unclear`` rule in a way
no reader can settle ("would be medically necessary if ...").  Accuracy must
be 100%: a wrong polarity is a false decision-conclusion error in a QA
editor's CI.
"""

from __future__ import annotations

import pytest

from checker.letter.conclusions import closing_ruling
from checker.model import NECESSARY, NOT_NECESSARY
from tests.conftest import TESTS, read_yaml

CORPUS = read_yaml(TESTS / "corpora" / "conclusions.yaml")
LABELS = {"necessary": NECESSARY, "not-necessary": NOT_NECESSARY}
LABELLED = [(entry["text"], LABELS[entry["polarity"]]) for entry in CORPUS["conclusions"]]


def test_the_corpus_is_large_and_balanced():
    assert len(LABELLED) >= 300
    counts = {label: sum(1 for _, want in LABELLED if want == label) for label in LABELS.values()}
    assert min(counts.values()) >= 100, counts
    assert len(CORPUS["unknown"]) >= 20 and len(CORPUS["unclear"]) >= 10
    assert len({text for text, _ in LABELLED}) == len(LABELLED), "a sentence is listed twice"


@pytest.mark.parametrize("text", CORPUS["unknown"], ids=[t[:70] for t in CORPUS["unknown"]])
def test_a_sentence_that_rules_on_nothing_has_no_polarity(text):
    found = closing_ruling(text)
    assert found is None or found[2].polarity is None


@pytest.mark.parametrize("text", CORPUS["unclear"], ids=[t[:70] for t in CORPUS["unclear"]])
def test_an_unclear_ruling_is_a_ruling_without_polarity(text):
    found = closing_ruling(text)
    assert found is not None, "an unclear ruling must still be seen as a ruling"
    assert found[2].polarity is None


def test_accuracy_is_complete():
    """Every labelled sentence reads as a ruling with its label's polarity (one pass; each misread one is listed)."""
    wrong = []
    for text, want in LABELLED:
        found = closing_ruling(text)
        if found is None or found[2].polarity != want:
            wrong.append(f"{text!r}: labelled {want}, read {'as ruling on nothing' if found is None else found[2].polarity}")
    assert not wrong, f"{len(LABELLED) - len(wrong)}/{len(LABELLED)} right; misread:\n" + "\n".join(wrong)
