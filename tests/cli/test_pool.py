"""What a worker sends back (``pool._lightened``): every report reads the same from it as from the whole result."""

from __future__ import annotations

import copy
import pickle

import pytest

from checker.cli.pool import _lightened
from checker.input.discover import InputRef
from checker.knowledge.guideline import default_guideline
from checker.pipeline import read_letter
from checker.reports import ReportOptions, formats, render
from checker.rules.loader import load_ruleset
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def results():
    ruleset = load_ruleset(default_guideline())
    paths = sorted((ROOT / "examples").glob("*.txt")) + sorted((ROOT / "tests" / "fixtures").rglob("*.txt"))[:12]
    return [read_letter(InputRef(str(p)), ruleset, max_bytes=10**8).result for p in paths]


def test_the_examples_have_findings_sections_and_rationales(results):
    letters = [r.letter for r in results if r.letter is not None]
    assert len(letters) >= 10
    assert any(r.findings for r in results)
    assert all(any(s.text for s in letter.sections) for letter in letters)
    assert any(item.rationale_text for letter in letters for item in letter.items)


@pytest.mark.parametrize("name", [f for f in formats() if f != "report"] + ["report"])
def test_every_format_reads_the_same_from_what_a_worker_sends(results, name):
    sent = [pickle.loads(pickle.dumps(_lightened(copy.deepcopy(r)), protocol=pickle.HIGHEST_PROTOCOL)) for r in results]
    options = ReportOptions()
    assert render(name, sent, options) == render(name, results, options)


def test_a_worker_sends_no_normalised_text(results):
    for result in results:
        sent = _lightened(copy.deepcopy(result))
        if sent.letter is None:
            continue
        assert sent.letter.normal.text == "" and len(sent.letter.normal.starts) == 0
        assert all(s.text == "" for s in sent.letter.sections)
        assert all(i.rationale_text == "" for i in sent.letter.items)
        assert sent.letter.normal.source.text == result.letter.normal.source.text
        assert len(pickle.dumps(sent)) < len(pickle.dumps(result))
