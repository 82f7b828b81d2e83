"""The rule engine on the real seed letters and on planted errors.

Seeds: exactly the findings expected.yaml lists, and no warning or error it
does not list.  Planted errors: copies of
the seeds with one thing changed, each caught by the right rule.
"""

from __future__ import annotations

import pytest

from checker.knowledge.guideline import default_guideline
from checker.model import Severity
from checker.pipeline import read_letter
from checker.input.discover import InputRef
from checker.rules.loader import load_ruleset
from tests.conftest import LETTERS, SEEDS, assert_findings_as_expected, load_expected

RULE_CATEGORIES = {
    "decision-conclusion",
    "citation-topic",
    "citation-consistency",
    "guideline-quote",
    "guideline-criteria",
}


@pytest.fixture(scope="module")
def ruleset():
    return load_ruleset(default_guideline())


def _check(path, ruleset):
    result = read_letter(InputRef(str(path)), ruleset).result
    assert result.error is None
    return result


@pytest.mark.parametrize("name", sorted(load_expected(SEEDS)))
def test_seed_findings_match_expected(name, ruleset):
    """Exactly the findings expected.yaml lists, and no other warning or error.

    Points expected.yaml calls arguable may appear, but only at info.
    """
    assert_findings_as_expected(_check(SEEDS / name, ruleset), load_expected(SEEDS)[name])


@pytest.mark.parametrize("name", sorted(load_expected(SEEDS)))
def test_seed_rule_categories_match_expected(name, ruleset):
    """The issue-3 categories alone, at any severity."""
    expected = load_expected(SEEDS)[name]
    result = _check(SEEDS / name, ruleset)
    listed = {(f["category"], f["item"]) for f in expected["findings"] if f["category"] in RULE_CATEGORIES}
    assert {(f.category, f.item) for f in result.findings if f.category in RULE_CATEGORIES} == listed


@pytest.mark.parametrize("name", sorted(load_expected(LETTERS)))
def test_clean_letters_raise_no_rule_warnings(name, ruleset):
    """Our own letters are internally consistent: the rules must stay quiet on them."""
    result = _check(LETTERS / name, ruleset)
    loud = [f for f in result.findings if f.category in RULE_CATEGORIES and f.severity.rank >= Severity.WARNING.rank]
    assert loud == []


def _plant(tmp_path, seed, old, new, name="planted.txt"):
    text = (SEEDS / seed).read_text(encoding="utf-8")
    assert old in text, "the seed no longer contains the text to change"
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _only(result, rule):
    found = [f for f in result.findings if f.rule == rule]
    assert found, f"{rule} not reported; got {[f.rule for f in result.findings]}"
    return found


def test_flipped_decision(tmp_path, ruleset):
    path = _plant(tmp_path, "000_a530ee4abe81adc8.txt", "with No Refills:  Upheld", "with No Refills:  Overturned")
    result = _check(path, ruleset)
    (finding,) = _only(result, "decision-contradicts-conclusion")
    assert finding.severity is Severity.ERROR and finding.item == 1
    line = path.read_text().splitlines()[finding.span.line - 1]
    assert line[finding.span.column - 1 : finding.span.end_column - 1] == "Overturned"
    assert len(finding.evidence) == 2  # the decision and the conclusion, each with its line
    # the contradiction is reported once, not again by the carisoprodol criteria rules
    assert [f.rule for f in result.findings if f.severity is Severity.ERROR] == ["decision-contradicts-conclusion"]


def test_page_swapped_for_an_off_topic_one(tmp_path, ruleset):
    path = _plant(tmp_path, "001_ed7318db5454d5ef.txt", "Carisoprodol (Soma), page 29;", "Carisoprodol (Soma), page 24;")
    (finding,) = _only(_check(path, ruleset), "cited-page-off-topic")
    assert finding.category == "citation-topic" and finding.item == 1
    assert "Benzodiazepines" in finding.message
    line = path.read_text().splitlines()[finding.span.line - 1]
    assert line[finding.span.column - 1 : finding.span.end_column - 1] == "24"


def test_quoted_number_changed(tmp_path, ruleset):
    path = _plant(tmp_path, "001_ed7318db5454d5ef.txt", "Most guidelines limit use to 4 weeks", "Most guidelines limit use to 6 weeks")
    (finding,) = _only(_check(path, ruleset), "guideline-misquoted")
    assert finding.category == "guideline-quote" and finding.item == 2
    assert "4 weeks" in finding.message and '"6"' in finding.message


def test_conclusion_flipped(tmp_path, ruleset):
    path = _plant(
        tmp_path,
        "003_f03b8f82d3723e56.txt",
        "Therefore, the current request IS NOT medically necessary.",
        "Therefore, the current request IS medically necessary.",
    )
    (finding,) = _only(_check(path, ruleset), "decision-contradicts-conclusion")
    assert finding.item == 1 and finding.severity is Severity.ERROR


def test_long_term_soma_approved(tmp_path, ruleset):
    text = (SEEDS / "002_79c63337c1751a54.txt").read_text(encoding="utf-8")
    text = text.replace("SOMA 350 MG BID # 60 FOR MUSCLE RELAXATION:  Upheld", "SOMA 350 MG BID # 60 FOR MUSCLE RELAXATION:  Overturned")
    old = "for muscle relaxation is not medically \n\nnecessary."
    assert old in text
    path = tmp_path / "planted.txt"
    path.write_text(text.replace(old, "for muscle relaxation is medically \n\nnecessary."), encoding="utf-8")
    result = _check(path, ruleset)
    (finding,) = _only(result, "carisoprodol-long-term-approved")
    assert finding.severity is Severity.ERROR and finding.category == "guideline-criteria"
    assert "90 days" in finding.message  # "Soma and Oxycodone for at least 3 months"
    assert not [f for f in result.findings if f.rule == "decision-contradicts-conclusion"]


def test_opioid_rationale_documents_every_criterion_yet_upholds(tmp_path, ruleset):
    path = _plant(
        tmp_path,
        "002_79c63337c1751a54.txt",
        "for at least 3 months. However, there is no \n\ndocumentation of functional benefit",
        "for at least 3 months. In addition, there is \n\ndocumentation of functional benefit",
    )
    (finding,) = _only(_check(path, ruleset), "opioid-upheld-with-criteria-documented")
    assert finding.item == 2 and finding.category == "guideline-criteria"


def test_unchanged_seed_has_none_of_the_planted_findings(ruleset):
    result = _check(SEEDS / "002_79c63337c1751a54.txt", ruleset)
    assert {f.rule for f in result.findings} == {"cited-page-off-topic"}
