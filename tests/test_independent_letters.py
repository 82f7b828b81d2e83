"""Letters independent testers wrote (tests/fixtures/independent): only the planted findings above info.

Sixty-eight letters by six testers who had not seen the code (t2_* to
t7_*): other reviewers' phrasing, all four layouts, 2013 to 2024, drugs and
services beyond the seeds, PDF-extraction damage; about half are correct,
the others hold one or two planted defects each.  A finding at warning or
error on a correct letter is a false alarm in a QA editor's CI.
"""

from __future__ import annotations

import pytest
import yaml

from checker.input.discover import InputRef
from checker.knowledge.guideline import default_guideline
from checker.pipeline import read_letter
from checker.rules.loader import load_ruleset
from tests.conftest import FIXTURES

FOLDER = FIXTURES / "independent"
EXPECTED = yaml.safe_load((FOLDER / "expected.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def ruleset():
    return load_ruleset(default_guideline())


def _checked(name: str, ruleset):
    result = read_letter(InputRef(str(FOLDER / name)), ruleset).result
    assert result.error is None, result.error
    return result


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_only_the_planted_findings_are_reported(name, ruleset):
    result = _checked(name, ruleset)
    loud = sorted({(f.category, f.item) for f in result.findings if f.severity.value in ("error", "warning")},
                  key=str)
    planted = sorted({(f["category"], f["item"]) for f in EXPECTED[name]}, key=str)
    assert loud == planted, [(f.rule, f.severity.value, f.item, f.message) for f in result.findings]


def test_every_layout_is_among_the_letters(ruleset):
    assert {_checked(name, ruleset).letter.format for name in EXPECTED} == {1, 2, 3, 4}


def test_a_page_cited_with_notes_that_is_read(ruleset):
    """'Page 66 notes that tizanidine is FDA approved ...': "notes" is the verb, not a record."""
    letter = _checked("t2_01_f1_2015_tapentadol_tizanidine.txt", ruleset).letter
    assert [c.pages for c in letter.items[1].citations if c.kind == "rationale"] == [[66]]


def test_visits_after_a_page_list_are_not_pages(ruleset):
    """'guidelines on pages 98-99, 9-10 visits over 8 weeks': the rationale cites 98-99 only."""
    letter = _checked("t3_12_f4_2013_aquatic_mri.txt", ruleset).letter
    pages = [c.pages for item in letter.items for c in item.citations if c.kind == "rationale"]
    assert [98, 99] in pages and not any(9 in p or 10 in p for p in pages)


def test_a_test_on_file_and_a_quoted_reason_are_not_said_missing(ruleset):
    """t4_05 gave two info false alarms: 'a urine drug screen negative for the prescribed opioid was never
    explained' names a test on file ("was never" says something else of it), and 'prescribed since 2012 for
    "muscle spasm,"' is the reason for the request, quoted; neither is documentation the rationale denies."""
    result = _checked("t4_05_f2_2013_oxycodone_cyclobenzaprine.txt", ruleset)
    assert [f.message for f in result.findings if f.rule == "documented-finding-said-missing"] == []


def test_a_subspecialty_certificate_is_read_in_a_format3_letter(ruleset):
    """'board certified in Neurology with a subspecialty certificate in Pain Medicine, is licensed ...'."""
    reviewer = _checked("t4_06_f3_2015_lidoderm_overturned.txt", ruleset).letter.reviewer
    assert (reviewer.specialty, reviewer.licensure) == ("Neurology (Pain Medicine)", "California")


def test_a_goal_is_not_a_documented_return_to_work(ruleset):
    """t6_02: the summary's "she is motivated to return to work" (she is off work) is no functional improvement
    for the rationale's "no reduction in work restrictions" to contradict."""
    result = _checked("t6_02_f1_2019_acupuncture_gabapentin_frp_facet.txt", ruleset)
    assert [f.message for f in result.findings if f.rule == "documented-finding-said-missing"] == []
